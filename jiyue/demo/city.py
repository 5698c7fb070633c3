"""The demo city: who is who, which sites they run, and how each site is set up.

Modelled on Beijing (北京市): the city government, its general office as supervisor
(主管单位), three municipal departments and two district governments, each district
with one district department and one street office that publish through the district
site (rule: SITE-4). The portal's identifier code 1100000088, ICP number
京ICP备05060933号 and public-security number 京公网安备 11010502039321号 are those of the
real 首都之窗; every other code, filing number, mark, address and e-mail below is
invented for the demo, in the real formats (rule: IDCODE-3, FOOTER-2).
"""

import hashlib
from dataclasses import dataclass, field

from jiyue.portal.services import ColumnType, InspectionClass
from jiyue.registry.services import OrgType, SiteType

DEMO_PASSWORD = "jiyue-demo"
# One reviewer per step of the library's review workflow (初审 → 复审 → 保密审查 → 签发),
# staff of the development and reform commission, so a visitor can play every role.
REVIEWER_ORGANIZATION = "北京市发展和改革委员会"
REVIEWER_USERNAMES = ["reviewer-chushen", "reviewer-fushen", "reviewer-baomi", "reviewer-qianfa"]
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "jiyue-admin"
SUPERVISOR_USERNAME = "supervisor"
SUPERVISOR_GROUP = "主管单位"
# Registry permissions of the supervisor group, as (app_label, codename).
SUPERVISOR_PERMISSIONS = [
    ("registry", "add_govsite"),
    ("registry", "change_govsite"),
    ("registry", "view_govsite"),
    ("registry", "add_organization"),
    ("registry", "change_organization"),
    ("registry", "view_organization"),
    ("registry", "add_siteapplication"),
    ("registry", "change_siteapplication"),
    ("registry", "view_siteapplication"),
    ("registry", "review_application"),
    ("registry", "supervise_sites"),
    ("wagtailadmin", "access_admin"),
]


@dataclass(frozen=True)
class OrgSpec:
    name: str
    org_type: str
    parent: str | None = None
    division_code: str = ""
    # 统一社会信用代码 (GB 32100-2015), the organization code of index numbers (索引号);
    # made-up demo codes with valid check characters.
    credit_code: str = ""
    short_name: str = ""
    is_supervisor: bool = False
    address: str = ""
    phone: str = ""
    postcode: str = ""


ORGANIZATIONS = [
    OrgSpec(
        "北京市人民政府",
        OrgType.CITY_GOVERNMENT,
        credit_code="1111000000010001X4",
        division_code="110000",
        short_name="市政府",
        address="北京市通州区运河东大街57号",
        phone="010-12345",
        postcode="101160",
    ),
    OrgSpec(
        "北京市人民政府办公厅",
        OrgType.GENERAL_OFFICE,
        credit_code="111100000001003865",
        parent="北京市人民政府",
        short_name="市政府办公厅",
        is_supervisor=True,
        address="北京市通州区运河东大街57号",
        phone="010-55560000",
        postcode="101160",
    ),
    OrgSpec(
        "北京市发展和改革委员会",
        OrgType.DEPARTMENT,
        credit_code="11110000000100757U",
        parent="北京市人民政府",
        short_name="市发展改革委",
        address="北京市通州区运河东大街57号",
        phone="010-55590088",
        postcode="101160",
    ),
    OrgSpec(
        "北京市教育委员会",
        OrgType.DEPARTMENT,
        credit_code="11110000000101127X",
        parent="北京市人民政府",
        short_name="市教委",
        address="北京市通州区运河东大街57号",
        phone="010-55530588",
        postcode="101160",
    ),
    OrgSpec(
        "北京市卫生健康委员会",
        OrgType.DEPARTMENT,
        credit_code="11110000000101493R",
        parent="北京市人民政府",
        short_name="市卫生健康委",
        address="北京市通州区运河东大街57号",
        phone="010-55532127",
        postcode="101160",
    ),
    OrgSpec(
        "北京市海淀区人民政府",
        OrgType.DISTRICT_GOVERNMENT,
        credit_code="111101080001018649",
        parent="北京市人民政府",
        division_code="110108",
        short_name="海淀区政府",
        address="北京市海淀区长春桥路17号",
        phone="010-88489999",
        postcode="100089",
    ),
    OrgSpec(
        "北京市海淀区发展和改革委员会",
        OrgType.DISTRICT_DEPARTMENT,
        credit_code="11110108000102234B",
        parent="北京市海淀区人民政府",
        short_name="海淀区发展改革委",
    ),
    OrgSpec(
        "北京市海淀区海淀街道办事处",
        OrgType.TOWN_STREET,
        credit_code="111101080001026052",
        parent="北京市海淀区人民政府",
        short_name="海淀街道",
    ),
    OrgSpec(
        "北京市朝阳区人民政府",
        OrgType.DISTRICT_GOVERNMENT,
        credit_code="11110105000102971J",
        parent="北京市人民政府",
        division_code="110105",
        short_name="朝阳区政府",
        address="北京市朝阳区日坛北路33号",
        phone="010-65094000",
        postcode="100020",
    ),
    OrgSpec(
        "北京市朝阳区发展和改革委员会",
        OrgType.DISTRICT_DEPARTMENT,
        credit_code="11110105000103341L",
        parent="北京市朝阳区人民政府",
        short_name="朝阳区发展改革委",
    ),
    OrgSpec(
        "北京市朝阳区朝外街道办事处",
        OrgType.TOWN_STREET,
        credit_code="11110105000103712B",
        parent="北京市朝阳区人民政府",
        short_name="朝外街道",
    ),
]


@dataclass(frozen=True)
class SiteSpec:
    """One demo site: its registry record, footer settings and content profile."""

    key: str  # short name used for the editor account (editor-<key>)
    name: str
    organization: str
    site_type: str
    primary_domain: str
    site_id_code: str
    icp_no: str
    psb_record_code: str
    operator_name: str = ""
    chinese_domain: str = ""
    email: str = ""
    intro: str = ""
    home_keywords: str = ""
    # Words in a title that pick this site's share of the shared data: full-text
    # policy documents (policy_words; None = take none) and reposted titles.
    policy_words: tuple | None = None
    repost_words: tuple = ()
    extra_columns: tuple = ()
    # The site's own work topics, each with its theme (主题分类) name: the generated
    # history (jiyue.demo.history) is about these.
    topics: tuple = ()
    doc_no_prefix: str = ""  # 发文字号 prefix of the organization's own documents
    # Header identity (HeaderSettings): colour choice and text mark.
    colour: str = "red"
    mark_text: str = ""

    @property
    def psb_no(self):
        return f"京公网安备 {self.psb_record_code}号"

    @property
    def dzjg_mark(self):
        """A 32-character mark number in the format of the national register (invented)."""
        return hashlib.md5(f"dzjg:{self.primary_domain}".encode()).hexdigest().upper()

    @property
    def editor_username(self):
        return f"editor-{self.key}"


SITES = [
    SiteSpec(
        key="beijing",
        name="北京市人民政府门户网站",
        organization="北京市人民政府",
        site_type=SiteType.PORTAL,
        primary_domain="www.beijing.gov.cn",
        site_id_code="1100000088",
        icp_no="京ICP备05060933号",
        psb_record_code="11010502039321",
        operator_name="北京市政务服务和数据管理局",
        chinese_domain="北京市人民政府.政务",
        email="webmaster@beijing.gov.cn",
        intro="首都之窗，北京市人民政府在互联网上发布政务信息、提供在线服务、与公众互动交流的总门户。",
        home_keywords="北京市人民政府，首都之窗，政务公开，政务服务，北京",
        policy_words=(),
        repost_words=(
            "省人民政府关于",
            "市人民政府关于",
            "省人民政府办公厅关于",
            "市人民政府办公厅关于",
        ),
        extra_columns=("open_data", "work_reports"),
        topics=(
            ("城市更新", "城乡建设、环境保护"),
            ("接诉即办", "综合政务"),
            ("优化营商环境", "国民经济管理、国有资产监管"),
            ("京津冀协同发展", "国民经济管理、国有资产监管"),
            ("垃圾分类", "城乡建设、环境保护"),
            ("政务服务“一网通办”", "电子政务"),
            ("国际科技创新中心建设", "科技"),
            ("冬季供暖保障", "城乡建设、环境保护"),
            ("政务公开", "政务公开"),
        ),
        doc_no_prefix="京政发",
        colour="red",
        mark_text="京",
    ),
    SiteSpec(
        key="fgw",
        name="北京市发展和改革委员会网站",
        organization="北京市发展和改革委员会",
        site_type=SiteType.DEPARTMENT,
        primary_domain="fgw.beijing.gov.cn",
        site_id_code="1100000007",
        icp_no="京ICP备10037394号",
        psb_record_code="11010202008183",
        email="fgw-web@beijing.gov.cn",
        intro="北京市发展和改革委员会发布发展规划、投资项目、价格管理和经济运行等信息。",
        home_keywords="发展改革，发展规划，投资项目，价格，北京市发展和改革委员会",
        policy_words=("发展", "规划", "产业", "改革", "数字"),
        repost_words=("发展和改革", "发展改革", "价格", "投资"),
        topics=(
            ("重大项目建设", "国民经济管理、国有资产监管"),
            ("价格监测", "国民经济管理、国有资产监管"),
            ("节能降碳", "城乡建设、环境保护"),
            ("民营经济发展", "国民经济管理、国有资产监管"),
            ("社会信用体系建设", "综合政务"),
            ("粮食和物资储备", "国民经济管理、国有资产监管"),
            ("京津冀协同发展", "国民经济管理、国有资产监管"),
        ),
        doc_no_prefix="京发改",
        colour="navy",
        mark_text="发改",
    ),
    SiteSpec(
        key="jw",
        name="北京市教育委员会网站",
        organization="北京市教育委员会",
        site_type=SiteType.DEPARTMENT,
        primary_domain="jw.beijing.gov.cn",
        site_id_code="1100000016",
        icp_no="京ICP备10024562号",
        psb_record_code="11010102001587",
        email="jw-web@beijing.gov.cn",
        intro="北京市教育委员会发布教育政策、招生考试、学校管理和教师队伍建设等信息。",
        home_keywords="教育，招生考试，学校，教师，北京市教育委员会",
        policy_words=("教育", "教师", "研究生", "学校"),
        repost_words=("教育", "教师", "学校"),
        topics=(
            ("义务教育入学", "教育"),
            ("中考中招", "教育"),
            ("职业教育", "教育"),
            ("教师队伍建设", "教育"),
            ("校园安全", "教育"),
            ("课后服务", "教育"),
            ("学前教育", "教育"),
            ("高校毕业生就业", "劳动就业"),
        ),
        doc_no_prefix="京教",
        colour="blue",
        mark_text="教",
    ),
    SiteSpec(
        key="wjw",
        name="北京市卫生健康委员会网站",
        organization="北京市卫生健康委员会",
        site_type=SiteType.DEPARTMENT,
        primary_domain="wjw.beijing.gov.cn",
        site_id_code="1100000021",
        icp_no="京ICP备11042351号",
        psb_record_code="11010502035817",
        email="wjw-web@beijing.gov.cn",
        intro="北京市卫生健康委员会发布医疗服务、公共卫生、健康促进和老龄健康等信息。",
        home_keywords="卫生健康，医疗服务，公共卫生，养老，北京市卫生健康委员会",
        policy_words=("健康", "医疗", "卫生", "养老"),
        repost_words=("卫生", "健康", "医疗", "养老"),
        topics=(
            ("家庭医生签约服务", "卫生"),
            ("传染病防控", "卫生"),
            ("医疗服务质量", "卫生"),
            ("老年健康服务", "卫生"),
            ("爱国卫生运动", "卫生"),
            ("分级诊疗", "卫生"),
            ("中医药发展", "卫生"),
            ("妇幼健康", "卫生"),
        ),
        doc_no_prefix="京卫",
        colour="teal",
        mark_text="卫健",
    ),
    SiteSpec(
        key="bjhd",
        name="北京市海淀区人民政府网站",
        organization="北京市海淀区人民政府",
        site_type=SiteType.PORTAL,
        primary_domain="www.bjhd.gov.cn",
        site_id_code="1101080012",
        icp_no="京ICP备05060978号",
        psb_record_code="11010802017563",
        operator_name="北京市海淀区政务服务管理局",
        email="webmaster@bjhd.gov.cn",
        intro="北京市海淀区人民政府门户网站，发布海淀区政务信息，提供办事服务和互动交流。",
        home_keywords="海淀区，海淀区人民政府，政务公开，政务服务",
        repost_words=("区人民政府关于", "区人民政府办公室关于"),
        extra_columns=("district",),
        topics=(
            ("中关村科学城建设", "科技"),
            ("老旧小区综合整治", "城乡建设、环境保护"),
            ("接诉即办", "综合政务"),
            ("街道社区治理", "综合政务"),
            ("背街小巷环境整治", "城乡建设、环境保护"),
            ("优化营商环境", "国民经济管理、国有资产监管"),
            ("集团化办学", "教育"),
        ),
        doc_no_prefix="海政发",
        colour="crimson",
        mark_text="海淀",
    ),
    SiteSpec(
        key="bjchy",
        name="北京市朝阳区人民政府网站",
        organization="北京市朝阳区人民政府",
        site_type=SiteType.PORTAL,
        primary_domain="www.bjchy.gov.cn",
        site_id_code="1101050008",
        icp_no="京ICP备11011376号",
        psb_record_code="11010502033214",
        operator_name="北京市朝阳区政务服务管理局",
        email="webmaster@bjchy.gov.cn",
        intro="北京市朝阳区人民政府门户网站，发布朝阳区政务信息，提供办事服务和互动交流。",
        home_keywords="朝阳区，朝阳区人民政府，政务公开，政务服务",
        repost_words=("区人民政府关于", "区人民政府办公室关于"),
        extra_columns=("district",),
        topics=(
            ("国际消费中心城市建设", "商贸、海关、旅游"),
            ("CBD高质量发展", "国民经济管理、国有资产监管"),
            ("老旧小区综合整治", "城乡建设、环境保护"),
            ("接诉即办", "综合政务"),
            ("垃圾分类", "城乡建设、环境保护"),
            ("城市精细化管理", "城乡建设、环境保护"),
            ("文旅融合发展", "商贸、海关、旅游"),
        ),
        doc_no_prefix="朝政发",
        colour="green",
        mark_text="朝阳",
    ),
]

PORTAL_DOMAIN = SITES[0].primary_domain


@dataclass(frozen=True)
class ColumnSpec:
    """One column (栏目) with its META-2 tags and META-8 inspection attributes."""

    key: str
    title: str
    slug: str
    column_type: str
    description: str
    keywords: str
    inspection_class: str = InspectionClass.OTHER
    update_cycle_days: int | None = None
    must_reply: bool = False
    children: tuple = field(default_factory=tuple)
    only_with: str = ""  # an extra_columns flag of the site, or "" for every site


def C(*args, **kwargs):  # a short constructor keeps the tree readable
    return ColumnSpec(*args, **kwargs)


# The column tree of every demo site; "{org}" is the organization's name.
# Grouping columns carry the ColumnType of their main content (rule: META-6).
COLUMN_TREE = (
    C(
        "news_group",
        "政务动态",
        "zwdt",
        ColumnType.NEWS,
        "发布{org}的工作动态和通知公告。",
        "政务动态，工作动态，通知公告",
        InspectionClass.DYNAMIC_NEWS,
        update_cycle_days=14,
        children=(
            C(
                "news",
                "工作动态",
                "gzdt",
                ColumnType.NEWS,
                "及时发布{org}重要会议、重要活动和重大决策部署的落实情况。",
                "工作动态，会议，活动",
                InspectionClass.DYNAMIC_NEWS,
                update_cycle_days=14,
            ),
            C(
                "notices",
                "通知公告",
                "tzgg",
                ColumnType.NEWS,
                "发布{org}面向社会的通知、公告和公示。",
                "通知，公告，公示",
                InspectionClass.NOTICE,
                update_cycle_days=180,
            ),
        ),
    ),
    C(
        "ogi",
        "政务公开",
        "zwgk",
        ColumnType.OGI_CATALOG,
        "按照《中华人民共和国政府信息公开条例》主动公开{org}的政府信息。",
        "政务公开，政府信息公开，信息公开目录",
        InspectionClass.BASIC_INFO,
        children=(
            C(
                "functions",
                "机构职能",
                "jgzn",
                ColumnType.FUNCTIONS,
                "介绍{org}的主要职责、内设机构和联系方式。",
                "机构职能，主要职责，内设机构",
                InspectionClass.BASIC_INFO,
            ),
            C(
                "leaders",
                "领导信息",
                "ldxx",
                ColumnType.LEADERS,
                "公开{org}领导班子成员及其分工。",
                "领导信息，领导分工",
                InspectionClass.BASIC_INFO,
            ),
            C(
                "ogi_guide",
                "政府信息公开指南",
                "xxgkzn",
                ColumnType.OGI_GUIDE,
                "说明{org}政府信息公开的范围、方式、程序和受理机构。",
                "信息公开指南，依申请公开，受理机构",
                InspectionClass.BASIC_INFO,
            ),
            C(
                "ogi_report",
                "政府信息公开年报",
                "xxgknb",
                ColumnType.OGI_ANNUAL_REPORT,
                "发布{org}年度政府信息公开工作报告。",
                "信息公开年报，年度报告",
                InspectionClass.BASIC_INFO,
            ),
            C(
                "ogi_request",
                "依申请公开",
                "ysqgk",
                ColumnType.OGI_REQUEST,
                "提供向{org}申请公开政府信息的渠道、表格和办理流程。",
                "依申请公开，申请表，办理流程",
                InspectionClass.BASIC_INFO,
            ),
            C(
                "data_release",
                "数据发布",
                "sjfb",
                ColumnType.DATA_RELEASE,
                "发布{org}的统计数据和重点工作数据。",
                "数据发布，统计数据",
                InspectionClass.BASIC_INFO,
            ),
            C(
                "open_data",
                "数据开放",
                "sjkf",
                ColumnType.OPEN_DATA,
                "提供政府公共数据开放目录和下载服务。",
                "数据开放，公共数据，开放目录",
                InspectionClass.BASIC_INFO,
                only_with="open_data",
            ),
        ),
    ),
    C(
        "policy",
        "政策文件",
        "zcwj",
        ColumnType.POLICY,
        "发布{org}制发的政策文件；转载的上级文件和外省市政策见下级栏目。",
        "政策文件，规范性文件，通知，意见",
        InspectionClass.POLICY,
        update_cycle_days=180,
        children=(
            # 上级文件: documents of the State Council and its ministries, reposted under
            # their own issuer (rule: PUB-4, PUB-6); on a district site also every city
            # policy document, by a column subscription rule of the library (rule:
            # LIB-3), never by copying. Their items are listed here only, not in 政策文件,
            # which holds the organization's own documents.
            C(
                "upper_documents",
                "上级文件",
                "sjwj",
                ColumnType.POLICY,
                "转载国务院及其部门和上级人民政府发布的政策文件，以原文为准。",
                "上级文件，国务院文件，市级政策文件",
                InspectionClass.POLICY,
                children=(
                    C(
                        "work_reports",
                        "政府工作报告",
                        "zfgzbg",
                        ColumnType.POLICY,
                        "转载历年国务院政府工作报告全文。",
                        "政府工作报告，国务院",
                        InspectionClass.POLICY,
                        only_with="work_reports",
                    ),
                ),
            ),
            # 外省市政策: other governments' documents, reposted as links to the original
            # with their issuer (rule: PUB-4); for reference, never as this site's own.
            C(
                "other_regions",
                "外省市政策",
                "wsszc",
                ColumnType.POLICY,
                "转载其他省（区、市）人民政府及其部门发布的政策文件目录，供参考借鉴，以原文为准。",
                "外省市政策，政策参考，转载",
                InspectionClass.POLICY,
            ),
        ),
    ),
    C(
        "interpretation_group",
        "解读回应",
        "jdhy",
        ColumnType.INTERPRETATION,
        "发布{org}政策解读和对社会关切的回应。",
        "解读回应，政策解读，回应关切",
        children=(
            C(
                "interpretation",
                "政策解读",
                "zcjd",
                ColumnType.INTERPRETATION,
                "对{org}发布的重要政策文件进行解读，与文件同步发布。",
                "政策解读，图解，问答",
            ),
            C(
                "response",
                "回应关切",
                "hygq",
                ColumnType.RESPONSE,
                "回应社会公众关注的热点问题。",
                "回应关切，热点问题",
            ),
        ),
    ),
    C(
        "service",
        "办事服务",
        "bsfw",
        ColumnType.SERVICE,
        "提供{org}政务服务事项的办事指南和在线办理入口。",
        "办事服务，办事指南，在线办理",
    ),
    C(
        "interaction_group",
        "互动交流",
        "hdjl",
        ColumnType.CONSULT_COMPLAINT,
        "提供咨询投诉、意见征集和在线访谈等互动渠道。",
        "互动交流，咨询投诉，征集调查，在线访谈",
        children=(
            C(
                "consult",
                "咨询投诉",
                "zxts",
                ColumnType.CONSULT_COMPLAINT,
                "受理公众对{org}工作的咨询、建议和投诉，并公开答复。",
                "咨询，投诉，建议，答复",
                InspectionClass.CONSULTATION,
                must_reply=True,
            ),
            C(
                "solicitation",
                "征集调查",
                "zjdc",
                ColumnType.SOLICITATION,
                "就{org}重要政策和工作公开征集意见、开展网上调查。",
                "意见征集，网上调查",
                InspectionClass.SOLICITATION,
            ),
            C(
                "interview",
                "在线访谈",
                "zxft",
                ColumnType.INTERVIEW,
                "{org}负责同志在线解读政策、回答网民提问。",
                "在线访谈，访谈实录",
                InspectionClass.INTERVIEW,
            ),
        ),
    ),
)

"""``manage.py import_sites``: loading an existing site inventory (网站清单).

Rules exercised: DOMAIN-1/DOMAIN-6 (domain), DOMAIN-5 (a domain twice in one file),
IDCODE-3 (identifier code), SITE-1 (site type), SITE-3 (one site per organization),
and the findings NAME-1, SITE-4, DOMAIN-4, IDCODE-4 that legacy records keep.
"""

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from jiyue.registry import inventory
from jiyue.registry.models import (
    GovSite,
    Organization,
    OrgType,
    PlanAction,
    SiteStatus,
    SiteType,
)

DATA = Path(__file__).parent / "data"
SITE_LISTS = settings.BASE_DIR.parent / "shared" / "data" / "cn-gov-site-lists"

pytestmark = pytest.mark.django_db


def run(path, *args):
    """Run the command; return (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_sites", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path, *args):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_sites", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), str(excinfo.value)


def write(tmp_path, text, name="sites.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_help_lists_the_options():
    from django.core.management import load_command_class

    command = load_command_class("jiyue.registry", "import_sites")
    text = command.create_parser("manage.py", "import_sites").format_help()

    for option in ("--dry-run", "--skip-invalid", "--encoding"):
        assert option in text
    assert "网站清单" in text


# --- A good file ---------------------------------------------------------------------


def test_good_file_creates_legacy_records_with_hierarchy():
    out, err = run(DATA / "inventory_good.csv")

    assert err == ""
    assert "新建 5 条" in out and "拒绝 0 行" in out
    assert GovSite.objects.count() == 5
    for site in GovSite.objects.all():
        # Inventory records: running today, outside the platform.
        assert site.is_legacy
        assert site.status == SiteStatus.ONLINE
        assert site.wagtail_site is None
        assert site.plan_action == PlanAction.UNDECIDED

    # Domains come from URLs: scheme, path and port stripped, lower case, no trailing dot.
    haidian = GovSite.objects.get(primary_domain="www.bjhd.gov.cn")
    assert haidian.legacy_url == "https://WWW.BJHD.gov.cn:8443/index.html"
    assert haidian.site_type == SiteType.PORTAL
    assert GovSite.objects.filter(primary_domain="fgw.beijing.gov.cn").exists()
    assert GovSite.objects.get(primary_domain="fgw.beijing.gov.cn").site_id_code == "1100000011"

    # Organizations and their hierarchy from the division codes.
    city = Organization.objects.get(name="北京市人民政府")
    assert city.org_type == OrgType.CITY_GOVERNMENT and city.parent is None
    district = Organization.objects.get(name="北京市海淀区人民政府")
    assert district.org_type == OrgType.DISTRICT_GOVERNMENT
    assert district.parent == city  # county 110108 → its province-level 110000
    fgw = Organization.objects.get(name="北京市发展和改革委员会")
    assert fgw.org_type == OrgType.DEPARTMENT and fgw.parent == city
    edu = Organization.objects.get(name="北京市海淀区教育委员会")
    assert edu.org_type == OrgType.DISTRICT_DEPARTMENT and edu.parent == district
    street = Organization.objects.get(name="北京市海淀区学院路街道办事处")
    assert street.org_type == OrgType.TOWN_STREET and street.parent == district


def test_every_created_record_is_in_the_audit_log():
    run(DATA / "inventory_good.csv")

    for site in GovSite.objects.all():
        entries = ModelLogEntry.objects.for_instance(site)
        assert [e.action for e in entries] == ["wagtail.create"]
        assert entries[0].data["source"] == "inventory_import"
    for org in Organization.objects.all():
        assert ModelLogEntry.objects.for_instance(org).filter(action="wagtail.create").exists()
    # One import, one UUID shared by its entries.
    assert ModelLogEntry.objects.values("uuid").distinct().count() == 1


def test_chinese_headers_and_extra_columns_are_ignored(tmp_path):
    path = write(
        tmp_path,
        "备注,网站名称,网址,主办单位,行政区划代码,网站类型,联系人\n"
        "旧站,北京市人民政府门户网站,http://www.beijing.gov.cn/,北京市人民政府,110000,门户网站,张三\n"
        "x,北京市财政局网站,czj.beijing.gov.cn,北京市财政局,110000,部门网站,李四\n"
        "y,北京市冬奥专项网站,https://dongao.beijing.gov.cn/,北京市体育局,110000,专项网站,\n",
    )

    out, _err = run(path)

    assert "新建 3 条" in out
    assert set(GovSite.objects.values_list("site_type", flat=True)) == {
        SiteType.PORTAL,
        SiteType.DEPARTMENT,
        SiteType.SPECIAL,
    }
    assert GovSite.objects.get(primary_domain="czj.beijing.gov.cn").legacy_url == ""
    # Nothing of the extra columns ends up anywhere.
    assert not GovSite.objects.filter(name__contains="张三").exists()


@pytest.mark.parametrize(
    "header",
    [
        "name,domain,organization,division_code,type",
        "Name,URL,Org,Division Code,Site_Type",
        "网站名称,域名,机构名称,行政区划代码,网站类型",
    ],
)
def test_header_spellings(tmp_path, header):
    row = "北京市财政局网站,czj.beijing.gov.cn,北京市财政局,110000,department"
    path = write(tmp_path, f"{header}\n{row}\n")

    run(path)

    site = GovSite.objects.get()
    assert (site.name, site.primary_domain, site.organization.name) == (
        "北京市财政局网站",
        "czj.beijing.gov.cn",
        "北京市财政局",
    )


def test_missing_required_column_rejects_the_file(tmp_path):
    path = write(tmp_path, "name,organization,type\n北京市财政局网站,北京市财政局,department\n")

    _out, _err, message = run_failing(path)

    assert "缺少必需的列" in message and "domain" in message
    assert GovSite.objects.count() == 0


# --- Broken rows ------------------------------------------------------------------------


BROKEN_LINES = {
    # Rows that identify no site, or contradict the file (header = line 1; line 4 is
    # blank, line 6 spans two lines).
    5: "DOMAIN-1",  # missing domain
    10: "DOMAIN-5",  # same domain as line 2
    11: "SITE-1",  # unknown type
}
#: Rows the inventory keeps, with their rule violations as findings (issue 8 item 15).
KEPT_WITH_FINDINGS = {
    8: ("www.bjcommerce.com", "DOMAIN-1"),  # not .gov.cn
    9: ("jtw.beijing.gov.cn", "IDCODE-3"),  # bad identifier code
    12: ("sjj_beijing.gov.cn", "DOMAIN-6"),  # ends in .gov.cn but malformed
}


def test_broken_rows_are_reported_with_line_numbers_and_nothing_is_imported():
    out, err, message = run_failing(DATA / "inventory_broken.csv")

    for line, rule_id in BROKEN_LINES.items():
        assert re.search(rf"^第 {line} 行：{rule_id}：", err, re.M), (line, rule_id, err)
    reported = {int(n) for n in re.findall(r"^第 (\d+) 行：", err, re.M)}
    assert reported == set(BROKEN_LINES)
    assert "拒绝 3 行" in out
    assert "有 3 行不合格，未导入任何数据" in message
    # Nothing half-imported: not the good rows, not their organizations, no log.
    assert GovSite.objects.count() == 0
    assert Organization.objects.count() == 0
    assert ModelLogEntry.objects.count() == 0


def test_broken_rows_through_the_api_name_their_rules():
    rows = inventory.read_inventory(DATA / "inventory_broken.csv")

    result = inventory.import_inventory(rows)

    assert {r.line: r.problems[0][0] for r in result.rejected} == BROKEN_LINES
    assert not result.committed
    assert GovSite.objects.count() == 0


def test_skip_invalid_imports_only_the_good_rows():
    out, err = run(DATA / "inventory_broken.csv", "--skip-invalid")

    assert "新建 6 条" in out and "拒绝 3 行" in out
    assert set(GovSite.objects.values_list("primary_domain", flat=True)) == {
        "www.beijing.gov.cn",
        "fgw.beijing.gov.cn",
        "czj.beijing.gov.cn",
        *(domain for domain, _rule in KEPT_WITH_FINDINGS.values()),
    }
    assert len(re.findall(r"^第 \d+ 行：", err, re.M)) == 3
    # The rejected rows left no organization behind.
    assert not Organization.objects.filter(name="北京市水务局").exists()


def test_rule_violations_are_kept_as_findings_not_refusals():
    """Rule DOMAIN-1/6, IDCODE-3: the inventory keeps the sites that must be fixed."""
    rows = inventory.read_inventory(DATA / "inventory_broken.csv")

    result = inventory.import_inventory(rows, skip_invalid=True)

    findings = {(f.line, f.rule_id) for f in result.findings}
    for line, (domain, rule_id) in KEPT_WITH_FINDINGS.items():
        assert (line, rule_id) in findings, (line, rule_id, findings)
        site = GovSite.objects.get(primary_domain=domain)
        assert site.is_legacy
        assert rule_id in {r for r, _m in inventory.compliance_findings(site)}
    # The merge plan counts them too.
    by_rule = dict(inventory.merge_plan_overview().findings_by_rule)
    assert by_rule["DOMAIN-1"] >= 1 and by_rule["DOMAIN-6"] >= 1 and by_rule["IDCODE-3"] >= 1


def test_dry_run_writes_nothing():
    out, _err = run(DATA / "inventory_good.csv", "--dry-run")

    assert "新建 5 条" in out and "试运行" in out
    assert GovSite.objects.count() == 0
    assert Organization.objects.count() == 0
    assert ModelLogEntry.objects.count() == 0


def test_dry_run_with_broken_rows_fails_and_writes_nothing():
    _out, err, _message = run_failing(DATA / "inventory_broken.csv", "--dry-run")

    assert "第 5 行" in err
    assert GovSite.objects.count() == 0


def test_any_exception_rolls_back_everything(monkeypatch):
    calls = {"n": 0}
    real = inventory._ImportContext.import_site

    def exploding(self, row):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real(self, row)

    monkeypatch.setattr(inventory._ImportContext, "import_site", exploding)
    with pytest.raises(RuntimeError):
        run(DATA / "inventory_good.csv")

    assert GovSite.objects.count() == 0
    assert Organization.objects.count() == 0


def test_same_organization_twice_in_an_inventory_is_kept_as_a_site_3_finding(tmp_path):
    """Rule SITE-3: an organisation running two sites today is what consolidation fixes.

    The inventory records both as they are; the merge plan lists the duplicate as a
    SITE-3 finding instead of refusing the file.
    """
    path = write(
        tmp_path,
        "name,domain,organization,type\n"
        "北京市财政局网站,czj.beijing.gov.cn,北京市财政局,department\n"
        "北京市财政局网站（旧）,czj2.beijing.gov.cn,北京市财政局,department\n",
    )

    run(path)

    sites = list(GovSite.objects.order_by("primary_domain"))
    assert [s.primary_domain for s in sites] == ["czj.beijing.gov.cn", "czj2.beijing.gov.cn"]
    for site in sites:
        rules = {rule for rule, _m in inventory.compliance_findings(site)}
        assert "SITE-3" in rules


def test_platform_site_for_an_organization_with_an_active_platform_site_is_refused():
    """Rule SITE-3 still binds records that are not inventory: one active site per org."""
    org = Organization.objects.create(name="北京市财政局", org_type=OrgType.DEPARTMENT)
    GovSite.objects.create(
        name="北京市财政局网站",
        site_type=SiteType.DEPARTMENT,
        organization=org,
        primary_domain="czj.beijing.gov.cn",
    )
    second = GovSite(
        name="北京市财政局网站二",
        site_type=SiteType.DEPARTMENT,
        organization=org,
        primary_domain="czj2.beijing.gov.cn",
    )
    with pytest.raises(ValidationError) as excinfo:
        second.full_clean()
    assert "SITE-3" in str(excinfo.value)


def test_unreadable_division_code_is_reported(tmp_path):
    path = write(
        tmp_path,
        "name,domain,organization,division_code,type\n"
        "北京市财政局网站,czj.beijing.gov.cn,北京市财政局,1100,department\n",
    )

    out, _err = run(path)

    # Kept (the site is identified by its domain); the cell is reported and ignored.
    assert "新建 1 条" in out
    assert "IDCODE-3 1 项" in out
    assert Organization.objects.get(name="北京市财政局").division_code == ""


# --- Re-import -------------------------------------------------------------------------


def test_reimport_updates_matched_records_and_never_duplicates(tmp_path):
    run(DATA / "inventory_good.csv")
    ids = dict(GovSite.objects.values_list("primary_domain", "pk"))
    GovSite.objects.filter(primary_domain="fgw.beijing.gov.cn").update(
        status=SiteStatus.MERGED  # merged since the first import, by an application
    )

    text = (DATA / "inventory_good.csv").read_text(encoding="utf-8")
    path = write(tmp_path, text.replace("北京市发展和改革委员会网站", "北京市发展和改革委员会门户"))
    out, _err = run(path)

    assert "新建 0 条，更新 1 条，未变化 4 条" in out
    assert dict(GovSite.objects.values_list("primary_domain", "pk")) == ids
    fgw = GovSite.objects.get(primary_domain="fgw.beijing.gov.cn")
    assert fgw.name == "北京市发展和改革委员会门户"
    assert fgw.status == SiteStatus.MERGED  # the lifecycle is not the import's business
    assert [e.action for e in ModelLogEntry.objects.for_instance(fgw)] == [
        "wagtail.edit",
        "wagtail.create",
    ]
    assert Organization.objects.filter(name="北京市发展和改革委员会").count() == 1


def test_reimport_keeps_values_the_file_leaves_empty(tmp_path):
    run(DATA / "inventory_good.csv")
    path = write(
        tmp_path,
        "name,domain,organization,division_code,type\n"
        "北京市发展和改革委员会网站,fgw.beijing.gov.cn,北京市发展和改革委员会,110000,department\n",
    )

    out, _err = run(path)

    assert "未变化 1 条" in out
    assert GovSite.objects.get(primary_domain="fgw.beijing.gov.cn").site_id_code == "1100000011"


def test_a_site_already_on_the_platform_is_left_alone(tmp_path):
    city = Organization.objects.create(
        name="北京市人民政府", org_type=OrgType.CITY_GOVERNMENT, division_code="110000"
    )
    hosted = GovSite.objects.create(
        name="北京市人民政府门户网站",
        site_type=SiteType.PORTAL,
        organization=city,
        primary_domain="www.beijing.gov.cn",
    )
    path = write(
        tmp_path,
        "name,domain,organization,type\n北京旧门户,www.beijing.gov.cn,北京市人民政府,portal\n",
    )

    out, _err = run(path)

    assert "已在平台上未改动 1 条" in out
    hosted.refresh_from_db()
    assert hosted.name == "北京市人民政府门户网站" and not hosted.is_legacy


# --- Encodings -------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_encodings_are_detected(tmp_path, encoding):
    text = (DATA / "inventory_good.csv").read_text(encoding="utf-8")
    path = write(tmp_path, text, encoding=encoding)

    out, _err = run(path)

    assert "新建 5 条" in out
    assert GovSite.objects.filter(name="北京市人民政府门户网站").exists()


def test_gbk_file_with_explicit_encoding(tmp_path):
    text = (DATA / "inventory_good.csv").read_text(encoding="utf-8")
    path = write(tmp_path, text, encoding="gbk")

    out, _err = run(path, "--encoding", "gbk")

    assert "编码 gbk" in out and "新建 5 条" in out


def test_wrong_explicit_encoding_is_a_clear_error(tmp_path):
    text = (DATA / "inventory_good.csv").read_text(encoding="utf-8")
    path = write(tmp_path, text, encoding="gbk")

    _out, _err, message = run_failing(path, "--encoding", "utf-8")

    assert "无法按“utf-8”编码读取文件" in message
    assert GovSite.objects.count() == 0


# --- Findings on legacy records ---------------------------------------------------------


def test_legacy_problems_are_registered_and_reported_as_findings():
    out, _err = run(DATA / "inventory_findings.csv")

    assert "新建 4 条" in out
    findings = {
        site.primary_domain: {rule for rule, _m in inventory.compliance_findings(site)}
        for site in GovSite.objects.all()
    }
    assert findings == {
        "www.beijing.gov.cn": set(),
        "www.bjwater.gov.cn": {"DOMAIN-4"},  # department outside its portal's domain
        "xyl.beijing.gov.cn": {"SITE-4"},  # a street runs its own site
        "jw.beijing.gov.cn": {"NAME-1", "IDCODE-4"},  # name; code of another division
    }
    assert "不合规问题 4 项" in out
    for rule in ("DOMAIN-4 1 项", "SITE-4 1 项", "NAME-1 1 项", "IDCODE-4 1 项"):
        assert rule in out


def test_compliance_findings_reuse_the_validators():
    run(DATA / "inventory_findings.csv")
    site = GovSite.objects.get(primary_domain="jw.beijing.gov.cn")

    messages = dict(inventory.compliance_findings(site))

    try:
        from jiyue.standards.validators import validate_site_name

        validate_site_name(site.name, site.organization.name)
    except ValidationError as exc:
        assert messages["NAME-1"] == exc.messages[0]
    else:  # pragma: no cover - the fixture's name is wrong on purpose
        pytest.fail("fixture should break NAME-1")


# --- Shapes of the public lists (small excerpts written for the tests) ------------------


def test_division_list_names_and_hierarchy(tmp_path):
    path = write(
        tmp_path,
        "division_code,name,gov_site_url,level\n"
        "110000,北京市,http://www.beijing.gov.cn/,province\n"
        "110105,朝阳区,http://www.bjchy.gov.cn,county\n"
        "220000,吉林省,http://www.jl.gov.cn,province\n"
        "220100,长春市,http://www.changchun.gov.cn,prefecture\n"
        "220104,朝阳区,http://www.cccy.gov.cn,county\n"
        "222400,延边朝鲜族自治州,http://www.yanbian.gov.cn,prefecture\n"
        "152900,阿拉善盟,http://www.als.gov.cn,prefecture\n",
    )

    out, _err = run(path)

    assert "新建 7 条" in out
    # The same division name twice: both qualified by their parent division.
    beijing_cy = Organization.objects.get(division_code="110105")
    changchun_cy = Organization.objects.get(division_code="220104")
    assert beijing_cy.name == "北京市朝阳区人民政府"
    assert changchun_cy.name == "长春市朝阳区人民政府"
    assert beijing_cy.parent.division_code == "110000"
    assert [o.division_code for o in changchun_cy.ancestors()] == ["220100", "220000"]
    assert Organization.objects.get(division_code="152900").name == "阿拉善盟行政公署"
    site = GovSite.objects.get(primary_domain="www.bjchy.gov.cn")
    assert site.name == "北京市朝阳区人民政府门户网站"
    assert site.site_type == SiteType.PORTAL
    assert site.legacy_url == "http://www.bjchy.gov.cn"


def test_division_list_keeps_a_prefecture_on_a_wrong_domain(tmp_path):
    """Rule DOMAIN-1: a prefecture on a .cn host is recorded, its counties under it."""
    path = write(
        tmp_path,
        "division_code,name,gov_site_url,level\n"
        "410000,河南省,https://www.henan.gov.cn,province\n"
        "410400,平顶山市,http://www.pds.cn,prefecture\n"
        "410402,新华区,http://www.xinhua.gov.cn,county\n",
    )

    out, err = run(path)

    assert "新建 3 条" in out and "DOMAIN-1 1 项" in out and not err
    county = Organization.objects.get(division_code="410402")
    assert county.parent.name == "平顶山市人民政府"
    assert GovSite.objects.get(organization=county.parent).primary_domain == "www.pds.cn"


def test_ptc_local_shape(tmp_path):
    path = write(
        tmp_path,
        "Province,City/district,Url\n"
        "Beijing,Beijing municipal government,https://www.beijing.gov.cn/\n"
        "Beijing,Dongcheng,http://www.bjdch.gov.cn/\n"
        "Anhui,Anhui provincial government,https://www.ah.gov.cn/\n"
        "Anhui,Suzhou,https://www.ahsz.gov.cn/\n",
    )

    run(path)

    dongcheng = Organization.objects.get(name="Beijing Dongcheng People's Government")
    assert dongcheng.org_type == OrgType.DISTRICT_GOVERNMENT
    assert dongcheng.parent.name == "Beijing municipal government"
    suzhou = Organization.objects.get(name="Anhui Suzhou People's Government")
    assert suzhou.org_type == OrgType.CITY_GOVERNMENT
    assert suzhou.parent.name == "Anhui provincial government"
    assert GovSite.objects.filter(site_type=SiteType.PORTAL).count() == 4


def test_ptc_national_shape(tmp_path):
    path = write(
        tmp_path,
        "Organ,Url\n"
        "State Council,https://www.gov.cn/\n"
        "外交部,https://www.fmprc.gov.cn/web/\n"
        "（国家版权局）,https://www.ncac.gov.cn/\n",
    )

    run(path)

    portal = GovSite.objects.get(primary_domain="www.gov.cn")
    assert portal.organization.name == "国务院" and portal.site_type == SiteType.PORTAL
    mfa = GovSite.objects.get(primary_domain="www.fmprc.gov.cn")
    assert mfa.organization.name == "外交部" and mfa.site_type == SiteType.DEPARTMENT
    assert Organization.objects.filter(name="国家版权局").exists()


# --- The real lists in ../shared/data/cn-gov-site-lists ------------------------------------


def expected_outcome(path, url_column):
    """(accepted, rejected) computed from the file alone, without the importer.

    Every row whose address yields a host is kept (a wrong domain is a finding, not
    a refusal: issue 8 item 15); a row is refused only without a host, or when its
    host (lower case, trailing dot and a leading "www." ignored) is an earlier row's.
    """
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    seen, accepted, rejected = set(), 0, 0
    for row in rows:
        url = row[url_column].strip()
        host = re.sub(r"^[a-z]+://", "", url.lower()).split("/")[0].strip(" ;,.")
        host = host.removeprefix("www.")
        if not host or host in seen:
            rejected += 1
        else:
            seen.add(host)
            accepted += 1
    return accepted, rejected


@pytest.fixture
def site_lists():
    if not SITE_LISTS.is_dir():
        pytest.skip(f"the real site lists are not on this machine ({SITE_LISTS} is absent)")
    return SITE_LISTS


def assert_list_imports(path, url_column):
    accepted, rejected = expected_outcome(path, url_column)

    out, err = run(path, "--skip-invalid")

    assert f"新建 {accepted} 条" in out, out
    assert f"拒绝 {rejected} 行" in out, out
    assert GovSite.objects.filter(is_legacy=True).count() == accepted
    assert len(set(re.findall(r"^第 (\d+) 行：DOMAIN-5", err, re.M))) == rejected
    return accepted


@pytest.mark.needs_shared_data
@pytest.mark.parametrize("filename", ["ptc_local_websites.csv", "ptc_national_websites.csv"])
def test_real_ptc_lists_import(site_lists, filename):
    path = site_lists / filename
    accepted = assert_list_imports(path, "Url")

    # Re-importing the same list changes nothing.
    out, _err = run(path, "--skip-invalid")
    assert f"新建 0 条，更新 0 条，未变化 {accepted} 条" in out


@pytest.mark.needs_shared_data
def test_real_list_without_skip_invalid_imports_nothing(site_lists):
    _out, _err, message = run_failing(site_lists / "ptc_national_websites.csv")

    assert "未导入任何数据" in message
    assert GovSite.objects.count() == 0


DIVISION_LIST = "laosheng_county_gov_sites.csv"
# Provinces whose rows form a representative slice of the division list (357 of its
# 3,208 rows; the whole list is imported by ``bench/division_list_import.py``): municipalities
# whose counties sit right under the province (11), provinces with prefectures (22, 42,
# 65), county-level units directly under a province beside prefectures (42, 46), two
# province-level rows in one province code (65), a single-row region (81), and both
# 朝阳区 (110105 Beijing, 220104 Changchun), whose names clash.
DIVISION_SLICE_PROVINCES = ("11", "22", "42", "46", "65", "81")


def expected_parent_code(code, level, codes):
    """The division code of an organization's parent, from the division codes alone."""
    if level == "province":
        return None
    if level == "prefecture":
        return code[:2] + "0000"
    prefecture = code[:4] + "00"
    return prefecture if prefecture in codes and prefecture != code else code[:2] + "0000"


def division_slice(source, tmp_path):
    """The rows of ``DIVISION_SLICE_PROVINCES`` from ``source``, as a CSV file."""
    with open(source, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames
        rows = [r for r in reader if r["division_code"][:2] in DIVISION_SLICE_PROVINCES]
    path = tmp_path / DIVISION_LIST
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.needs_shared_data
def test_real_division_list_imports_with_its_hierarchy(site_lists, tmp_path):
    """中国千县政府网: counts, and parents from the division codes, on a slice of the list
    that holds every case of the hierarchy (the whole list: ``bench/division_list_import.py``)."""
    path = division_slice(site_lists / DIVISION_LIST, tmp_path)
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    codes = {r["division_code"] for r in rows}
    level = {r["division_code"]: r["level"] for r in rows}
    # The slice still holds every case the hierarchy rule distinguishes.
    cases = {(level[c], expected_parent_code(c, level[c], codes) == c[:2] + "0000") for c in codes}
    assert cases == {
        ("province", False),
        ("prefecture", True),
        ("county", False),  # under its prefecture
        ("county", True),  # right under the province
    }

    accepted = assert_list_imports(path, "gov_site_url")

    # Only rows that identify no site are refused (issue 8 item 15): none in this slice.
    assert accepted == len(rows)
    checked = 0
    for org in Organization.objects.select_related("parent"):
        code = org.division_code
        expected = expected_parent_code(code, level[code], codes)
        assert (org.parent.division_code if org.parent else None) == expected, org.name
        checked += 1
    assert checked == Organization.objects.count()
    assert Organization.objects.filter(name__endswith="朝阳区人民政府").count() == 2


@pytest.mark.needs_shared_data
def test_real_lists_in_sequence_keep_the_chinese_records(site_lists):
    """Issue 8 item 16: the county list, then ptc_local (English), then ptc_national.

    The second list matches the first's records by domain (with or without "www."),
    then by organization and division code; it never renames a Chinese record to
    English, never moves it to another organization, and leaves no organization
    without its site.
    """
    run(site_lists / "laosheng_county_gov_sites.csv", "--skip-invalid")
    before = dict(GovSite.objects.values_list("pk", "name"))
    owners = dict(GovSite.objects.values_list("pk", "organization_id"))
    orgs_before = Organization.objects.count()

    rows = inventory.read_inventory(site_lists / "ptc_local_websites.csv")
    preview = inventory.import_inventory(rows, dry_run=True, skip_invalid=True)
    assert GovSite.objects.count() == len(before)  # the dry run wrote nothing
    result = inventory.import_inventory(rows, skip_invalid=True)

    # The dry run reported exactly what the real run did, row by row.
    assert [(r.line, r.outcome) for r in preview.rows] == [(r.line, r.outcome) for r in result.rows]
    outcomes = Counter(r.outcome for r in result.rows)
    assert sum(outcomes.values()) == len(rows)
    assert outcomes[inventory.MATCHED] > 250
    by_org = [r for r in result.rows if r.matched_by == "organization"]
    assert by_org and all("按主办单位和行政区划代码匹配" in str(r.details) for r in by_org)
    after = dict(GovSite.objects.filter(pk__in=before).values_list("pk", "name"))
    assert after == before  # no Chinese name replaced
    assert (
        dict(GovSite.objects.filter(pk__in=owners).values_list("pk", "organization_id")) == owners
    )
    english = Organization.objects.exclude(name__regex=r"[一-龥]")
    # Only places the county list does not have may get an English-named organization,
    # each under its province's Chinese government.
    assert english.count() == Organization.objects.count() - orgs_before
    assert english.count() <= 5
    for org in english:
        assert re.search(r"[一-龥]", org.parent.name), org.name
    assert not Organization.objects.filter(sites__isnull=True).exists()

    # And the national list on top: still nothing renamed.
    run(site_lists / "ptc_national_websites.csv", "--skip-invalid")
    assert dict(GovSite.objects.filter(pk__in=before).values_list("pk", "name")) == before


# --- Messages name the real fault (issue 8 item 17) -------------------------------------


@pytest.mark.parametrize(
    ("cell", "domain", "rule_id", "words"),
    [
        ("http://www.xiuning.gov.cn;", "www.xiuning.gov.cn", "DOMAIN-6", "多余的字符“;”"),
        ("htttp://www.gzxy.gov.cn/", "www.gzxy.gov.cn", "DOMAIN-6", "协议“htttp://”拼写有误"),
    ],
)
def test_slips_in_an_address_are_repaired_and_named(cell, domain, rule_id, words):
    found, url, notes = inventory.read_address(cell)

    assert found == domain
    assert url.startswith("http://")
    assert [(r, words in m, m.startswith(f"{r}：")) for r, m in notes] == [(rule_id, True, True)]


@pytest.mark.parametrize(
    ("domain", "rule_id", "words"),
    [
        ("58.49.42.70", "DOMAIN-6", "是 IP 地址"),
        ("www.qdsn.gov.cnn16", "DOMAIN-6", "多出“n16”"),
        ("sjj_beijing.gov.cn", "DOMAIN-6", "不允许的字符“_”"),
        ("www.pds.cn", "DOMAIN-1", "必须以 .gov.cn 结尾"),
    ],
)
def test_domain_messages_name_the_fault_and_carry_the_rule(domain, rule_id, words):
    from jiyue.standards.validators import validate_gov_domain

    with pytest.raises(ValidationError) as excinfo:
        validate_gov_domain(domain)

    (message,) = excinfo.value.messages
    assert message.startswith(f"{rule_id}：") and words in message


def test_every_message_of_an_import_carries_its_rule_id(tmp_path):
    path = write(
        tmp_path,
        "name,domain,organization,division_code,type,org_type,site_id_code\n"
        "甲网站,http://58.49.42.70/zjxt/,甲局,4201,department,奇怪类型,12\n"
        "乙网站,htttp://www.yi.gov.cn;,乙局,420100,department,,\n"
        "丙网站,,丙局,420100,department,,\n"
        "丁网站,www.yi.gov.cn,丁局,420100,部门,,\n",
    )
    result = inventory.import_inventory(inventory.read_inventory(path), skip_invalid=True)

    messages = [(f.rule_id, f.message) for f in result.findings]
    messages += [p for row in result.rejected for p in row.problems]
    assert len(messages) >= 7
    for rule_id, message in messages:
        assert rule_id and str(message).startswith(f"{rule_id}："), message
    assert GovSite.objects.get(primary_domain="58.49.42.70").is_legacy

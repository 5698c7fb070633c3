"""Registry data: organizations, site records, lifecycle applications, approvals.

A :class:`GovSite` is the supervisor's record of one government website (rule:
LIB-7 "Site"). When the site is opened on the platform it is bound to a Wagtail
``Site`` (the host name that serves it) and a page tree; until then, or for legacy
sites still to be merged, it is only a record in the inventory.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.contrib.settings.models import BaseGenericSetting

from jiyue.standards import rule, validators


class OrgType(models.TextChoices):
    CITY_GOVERNMENT = "city_government", _("市人民政府")
    GENERAL_OFFICE = "general_office", _("政府办公厅（主管单位）")
    DEPARTMENT = "department", _("市级部门")
    VERTICAL = "vertical", _("垂直管理单位")
    DISTRICT_GOVERNMENT = "district_government", _("区人民政府")
    DISTRICT_DEPARTMENT = "district_department", _("区级部门")
    UNIT = "unit", _("下属单位")
    TOWN_STREET = "town_street", _("乡镇/街道")


_SITE_4_MESSAGE = _("SITE-4：“%(org)s”属于%(type)s，原则上不单独开设网站，应通过上级网站发布信息。")
_TRANSLATED = {}


def _translated(lazy_text):
    """``str(lazy_text)`` in the active language, remembered per language.

    Only for lazy texts that live as long as the process (module constants, choice
    labels): they are keyed by identity (hashing a lazy text would translate it).
    """
    key = (translation.get_language(), id(lazy_text))
    text = _TRANSLATED.get(key)
    if text is None:
        text = _TRANSLATED[key] = str(lazy_text)
    return text


class Organization(models.Model):
    """An organ in the administrative hierarchy (city → department/district → unit → town).

    Kept as a parent link rather than a materialised tree: the hierarchy is a few
    levels deep, edited in ordinary forms, and walked only to build review chains.
    """

    name = models.CharField(_("机构名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    org_type = models.CharField(_("机构类型"), max_length=32, choices=OrgType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    division_code = models.CharField(
        _("行政区划代码"),
        max_length=6,
        blank=True,
        help_text=_("GB/T 2260 六位行政区划代码，如北京市 110000、海淀区 110108。"),
    )
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        blank=True,
        help_text=_("18位统一社会信用代码，用于编制政府信息的索引号。"),
    )
    is_supervisor = models.BooleanField(
        _("是主管单位"),
        default=False,
        help_text=_("负责审批网站开设、整合、下线、关停的主管单位（如市政府办公厅）。"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=50, blank=True)
    postcode = models.CharField(_("邮编"), max_length=6, blank=True)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def ancestors(self):
        """Parents from the nearest up to the root."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def clean(self):
        super().clean()
        if self.division_code and not (
            len(self.division_code) == 6 and self.division_code.isdigit()
        ):
            raise ValidationError({"division_code": _("行政区划代码应为6位数字。")})
        if self.credit_code:
            try:
                self.credit_code = validators.validate_credit_code(self.credit_code)
            except ValidationError as exc:
                raise ValidationError({"credit_code": exc.messages}) from exc
        node = self.parent
        while node is not None:
            if self.pk and node.pk == self.pk:
                raise ValidationError({"parent": _("上级机构不能是本机构或其下级机构。")})
            node = node.parent


class SiteType(models.TextChoices):
    """Rule: SITE-1."""

    PORTAL = "portal", _("政府门户网站")
    DEPARTMENT = "department", _("部门网站")
    SPECIAL = "special", _("专项网站")


class SiteStatus(models.TextChoices):
    """Where a site stands in its lifecycle. Changed only by approved applications."""

    PLANNED = "planned", _("拟开设")
    PREPARING = "preparing", _("已批准建设中")
    ONLINE = "online", _("运行中")
    OFFLINE = "offline", _("临时下线")
    MERGED = "merged", _("已整合迁移")
    CLOSED = "closed", _("已关停")


# Statuses in which a site counts against "one organization, one site" (rule: SITE-3).
ACTIVE_STATUSES = (
    SiteStatus.PLANNED,
    SiteStatus.PREPARING,
    SiteStatus.ONLINE,
    SiteStatus.OFFLINE,
)


class PlanAction(models.TextChoices):
    """What the merge plan intends for a site (整合计划)."""

    KEEP = "keep", _("保留")
    MERGE = "merge", _("整合迁移")
    CLOSE = "close", _("关停")
    UNDECIDED = "undecided", _("待定")


class GovSite(ClusterableModel):
    """The registry record of one government website.

    A ``ClusterableModel`` so that its domain aliases (:class:`SiteAlias`) are edited
    inline in the same admin form and validated together with the record.
    """

    name = models.CharField(_("网站名称"), max_length=100)
    site_type = models.CharField(_("网站类型"), max_length=16, choices=SiteType.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("主办单位"),
        on_delete=models.PROTECT,
        related_name="sites",
    )
    operator_name = models.CharField(
        _("承办单位"),
        max_length=100,
        blank=True,
        # rule: SITE-8
        help_text=_("负责日常运维的单位。"),
    )
    primary_domain = models.CharField(
        _("英文域名"),
        max_length=253,
        unique=True,
        # rule: DOMAIN-1
        help_text=_("以 .gov.cn 结尾的主域名，如 www.beijing.gov.cn。"),
    )
    chinese_domain = models.CharField(
        _("中文域名"),
        max_length=253,
        blank=True,
        # rule: DOMAIN-2
        help_text=_("可选，以 .政务 结尾。"),
    )
    site_id_code = models.CharField(
        _("网站标识码"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        # rule: IDCODE-3
        help_text=_("全国政府网站信息报送系统核发，如 1100000088。"),
    )
    icp_no = models.CharField(_("ICP备案编号"), max_length=64, blank=True)
    psb_no = models.CharField(_("公安机关备案号"), max_length=64, blank=True)
    psb_record_code = models.CharField(
        _("公安备案记录编码"),
        max_length=32,
        blank=True,
        # rule: FOOTER-2
        help_text=_("用于链接到公安机关备案查询页面。"),
    )
    dzjg_mark = models.CharField(
        _("党政机关网站标识"),
        max_length=64,
        blank=True,
        # rule: SITE-7, FOOTER-3
        help_text=_("机构编制部门核发的党政机关网站标识编号。"),
    )
    domain_registered = models.BooleanField(
        # rule: SITE-7
        _("域名已注册"),
        default=False,
        help_text=_("英文域名已完成注册。"),
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=SiteStatus.choices,
        default=SiteStatus.PLANNED,
        editable=False,
    )
    is_legacy = models.BooleanField(
        _("存量网站"),
        default=False,
        editable=False,
        help_text=_(
            "从现有网站清单导入的网站。其不合规之处（名称、域名、开设主体）列为整改问题，"
            "而不阻止登记。"
        ),
    )
    legacy_url = models.URLField(_("原网址"), blank=True, help_text=_("存量网站的现网址。"))
    wagtail_site = models.OneToOneField(
        "wagtailcore.Site",
        verbose_name=_("承载站点"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="gov_site",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("整合至"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="merged_sites",
    )
    # Merge plan (整合计划).
    plan_action = models.CharField(
        _("整合计划"), max_length=16, choices=PlanAction.choices, default=PlanAction.UNDECIDED
    )
    plan_target = models.ForeignKey(
        "self",
        verbose_name=_("计划整合至"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planned_merges",
    )
    plan_deadline = models.DateField(
        _("整合期限"), null=True, blank=True, help_text=_("留空则使用主管单位设定的默认期限。")
    )
    # The platform resources made for the site by ``hosting.provision``. Held as keys,
    # not looked up by the site's name, so that renaming a site keeps them attached.
    editors_group = models.ForeignKey(
        "auth.Group",
        verbose_name=_("编辑组"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        verbose_name=_("图片文档集"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("上线时间"), null=True, blank=True, editable=False)
    status_changed_at = models.DateTimeField(
        _("状态变更时间"), default=timezone.now, editable=False
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("政府网站")
        verbose_name_plural = _("政府网站")
        ordering = ["name"]
        permissions = [
            ("review_application", _("可审核网站开设整合申请")),
            ("supervise_sites", _("可监管全部网站")),
        ]
        constraints = [
            # rule: SITE-3 — one organisation runs at most one active site. Inventory
            # (legacy) records are exempt: several sites per organisation is exactly
            # what consolidation removes; the merge plan reports them as findings.
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(status__in=[s.value for s in ACTIVE_STATUSES], is_legacy=False),
                name="registry_one_active_site_per_org",
            ),
        ]

    def __str__(self):
        return self.name

    # Go-live checklist (rule: SITE-7). Each item is derived from the record.
    def checklist(self):
        """Return ``[(key, label, done)]`` for the go-live checklist (rule: SITE-7)."""
        return [
            ("dzjg_mark", _("党政机关网站标识"), bool(self.dzjg_mark)),
            ("domain", _("域名注册"), bool(self.primary_domain and self.domain_registered)),
            ("icp", _("ICP备案"), bool(self.icp_no)),
            ("psb", _("公安机关备案"), bool(self.psb_no)),
            ("site_id_code", _("网站标识码"), bool(self.site_id_code)),
        ]

    @property
    def checklist_complete(self):
        return all(done for _key, _label, done in self.checklist())

    @property
    def on_platform(self):
        """Hosted by this platform (otherwise a legacy site still to be merged)."""
        return self.wagtail_site_id is not None

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES

    def clean(self):
        """Enforce the registry rules; each error names its STANDARDS.md rule ID."""
        super().clean()
        errors = {}

        def check(field, func, *args):
            try:
                return func(*args)
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.messages)
                return None

        if self.is_legacy:
            # An inventory record keeps the domain and code it runs on today (an IP
            # address, a .com host): they are merge-plan findings, not edit blockers.
            domain = self.primary_domain = validators.normalize_domain(self.primary_domain)
        else:
            domain = check("primary_domain", validators.validate_gov_domain, self.primary_domain)
            if domain:
                self.primary_domain = domain
        if self.chinese_domain:
            check("chinese_domain", validators.validate_chinese_domain, self.chinese_domain)
        if self.site_id_code:
            self.site_id_code = self.site_id_code.strip()
            if not self.is_legacy:
                check("site_id_code", validators.validate_site_id_code, self.site_id_code)
        else:
            self.site_id_code = None
        if self.organization_id:
            org = self.organization
            self._check_one_site_per_org(org, errors)
        # Records of existing (legacy) sites from the inventory are registered as they
        # are; their naming and domain problems become findings of the merge plan.
        if self.organization_id and not self.is_legacy:
            check("name", validators.validate_site_name, self.name, org.name)
            self.check_org_may_have_site(org, errors)
            if domain and self.site_type == SiteType.DEPARTMENT:
                portal = self.parent_portal()
                if portal is not None:
                    check(
                        "primary_domain",
                        validators.validate_department_domain,
                        domain,
                        portal.primary_domain,
                    )
        if domain:
            aliases = SiteAlias.objects.filter(domain=domain)
            if self.pk:
                aliases = aliases.exclude(site_id=self.pk)
            if aliases.exists():
                errors.setdefault("primary_domain", []).append(
                    _("DOMAIN-5：域名“%(d)s”已被其他网站作为别名使用。") % {"d": domain}
                )
        if errors:
            raise ValidationError(errors)

    def breaks_site_4(self, org):
        """Rule: SITE-4 — a town/street or unit running its own (non-special) site."""
        return org.org_type in rule("SITE-4") and self.site_type != SiteType.SPECIAL

    def check_org_may_have_site(self, org, errors):
        """Rule: SITE-4 — towns/streets and units publish through the parent site."""
        if self.breaks_site_4(org):
            # Translated once per language, not per site: each gettext walks the
            # catalog chain (~80 µs), and an inventory has thousands of SITE-4 sites.
            errors.setdefault("organization", []).append(
                _translated(_SITE_4_MESSAGE)
                # OrgType(...).label, not get_org_type_display(): that hashes every
                # lazy choice label per call (the inventory checks thousands of sites).
                % {"org": org.name, "type": _translated(OrgType(org.org_type).label)}
            )

    def _check_one_site_per_org(self, org, errors):
        """Rule: SITE-3 — one organisation runs at most one active site."""
        if self.is_legacy:
            return
        message = self.other_active_site_message(org)
        if message:
            errors.setdefault("organization", []).append(message)

    def other_active_site_message(self, org=None, *, include_legacy=False):
        """The SITE-3 message when ``org`` already has another active site, else None.

        Platform records count only other platform records (the database constraint
        does the same); the merge plan asks with ``include_legacy`` to find inventory
        organisations that still run several sites.
        """
        org = org or self.organization
        if self.status not in ACTIVE_STATUSES:
            return None
        others = GovSite.objects.filter(organization=org, status__in=ACTIVE_STATUSES)
        if not include_legacy:
            others = others.filter(is_legacy=False)
        if self.pk:
            others = others.exclude(pk=self.pk)
        other = others.first()
        if other is None:
            return None
        return _("SITE-3：“%(org)s”已有网站“%(site)s”，一个单位只能开设一个网站。") % {
            "org": org.name,
            "site": other.name,
        }

    def parent_portal(self):
        """The portal of this site's own level or its parent's (rule: DOMAIN-4)."""
        for org in [self.organization, *self.organization.ancestors()]:
            portal = (
                GovSite.objects.filter(organization=org, site_type=SiteType.PORTAL)
                .exclude(pk=self.pk)
                .exclude(status__in=[SiteStatus.CLOSED, SiteStatus.MERGED])
                .first()
            )
            if portal is not None:
                return portal
        return None

    @property
    def division_code(self):
        """The division code of the organization or its nearest ancestor that has one."""
        for org in [self.organization, *self.organization.ancestors()]:
            if org.division_code:
                return org.division_code
        return ""


class SiteAlias(models.Model):
    """An extra English domain that redirects to the primary one (rule: DOMAIN-5)."""

    site = ParentalKey(
        GovSite, verbose_name=_("网站"), on_delete=models.CASCADE, related_name="aliases"
    )
    domain = models.CharField(
        _("别名域名"),
        max_length=253,
        unique=True,
        error_messages={"unique": _("DOMAIN-5：该域名已被其他网站作为别名使用。")},
    )

    class Meta:
        verbose_name = _("域名别名")
        verbose_name_plural = _("域名别名")

    def __str__(self):
        return self.domain

    def clean(self):
        super().clean()
        try:
            self.domain = validators.validate_gov_domain(self.domain)
        except ValidationError as exc:
            raise ValidationError({"domain": exc.messages}) from exc
        if GovSite.objects.filter(primary_domain=self.domain).exclude(pk=self.site_id).exists():
            raise ValidationError({"domain": _("DOMAIN-5：该域名已是其他网站的主域名。")})
        site = self.site if self.site_id else None
        if site is not None and site.primary_domain == self.domain:
            raise ValidationError({"domain": _("DOMAIN-5：别名不能与本网站的主域名相同。")})


class StaffMembership(models.Model):
    """Which organization an admin user works for; scopes what they may see and do."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_membership"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="members"
    )

    class Meta:
        verbose_name = _("工作人员所属机构")
        verbose_name_plural = _("工作人员所属机构")

    def __str__(self):
        return f"{self.user} @ {self.organization}"


class ApplicationKind(models.TextChoices):
    """Rule: SITE-6 — lifecycle changes happen only through approved applications."""

    OPEN = "open", _("开设")
    MERGE = "merge", _("整合迁移")
    OFFLINE = "offline", _("临时下线")
    RESTORE = "restore", _("恢复上线")
    CLOSE = "close", _("关停")
    RENAME = "rename", _("更名")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("审核中")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


class SiteApplication(models.Model):
    """An application by a site owner (主办单位) to change its site's lifecycle."""

    kind = models.CharField(_("申请类型"), max_length=16, choices=ApplicationKind.choices)
    site = models.ForeignKey(
        GovSite, verbose_name=_("网站"), on_delete=models.CASCADE, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applicant_org = models.ForeignKey(
        Organization, verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("申请理由"))
    new_name = models.CharField(_("新名称"), max_length=100, blank=True)
    merge_target = models.ForeignKey(
        GovSite,
        verbose_name=_("整合至网站"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_merge_applications",
    )
    # The planned period of a temporary shutdown (临时下线): the admin form asks for it,
    # the notice page shows the planned return date (issue 8 item 14).
    offline_from = models.DateField(_("计划下线日期"), null=True, blank=True)
    offline_until = models.DateField(_("计划恢复日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("开设整合申请")
        verbose_name_plural = _("开设整合申请")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["site"],
                condition=Q(status="pending"),
                name="registry_one_pending_application_per_site",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.site}"

    def current_step(self):
        return self.steps.filter(decision=StepDecision.PENDING).order_by("order").first()


class StepDecision(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("同意")
    REJECTED = "rejected", _("驳回")


class ApprovalStep(models.Model):
    """One level of an application's review chain, computed from the organization tree."""

    application = models.ForeignKey(SiteApplication, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("顺序"))
    reviewer_org = models.ForeignKey(
        Organization, verbose_name=_("审核单位"), on_delete=models.PROTECT, related_name="+"
    )
    is_final = models.BooleanField(_("主管单位终审"), default=False)
    decision = models.CharField(
        _("审核结果"), max_length=16, choices=StepDecision.choices, default=StepDecision.PENDING
    )
    comment = models.TextField(_("审核意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("审核环节")
        verbose_name_plural = _("审核环节")
        ordering = ["application", "order"]
        unique_together = [("application", "order")]

    def __str__(self):
        return f"{self.application} #{self.order} {self.reviewer_org}"


class MergePlanSettings(BaseGenericSetting):
    """Deadlines the supervisor sets for the merge plan (北京实施意见: 2018-06 / 2018-12)."""

    department_deadline = models.DateField(
        _("市级部门整合期限"), default=datetime.date(2018, 6, 30)
    )
    district_deadline = models.DateField(_("区及以下整合期限"), default=datetime.date(2018, 12, 31))

    class Meta:
        verbose_name = _("整合计划期限")

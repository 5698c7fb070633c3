"""The merge plan (整合计划) at a glance: deadlines, progress, districts, findings."""

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    GovSite,
    MergePlanSettings,
    Organization,
    PlanAction,
    SiteStatus,
    SiteType,
)
from .findings import FindingIndex
from .formats import DISTRICT_LEVEL_TYPES, GOVERNMENT_TYPES

# --- The merge plan at a glance --------------------------------------------------------

DONE_STATUSES = (SiteStatus.MERGED, SiteStatus.CLOSED)
OVERVIEW_FIELDS = (
    "name",
    "site_type",
    "organization",
    "primary_domain",
    "site_id_code",
    "status",
    "is_legacy",
    "wagtail_site",
    "plan_action",
    "plan_target",
    "plan_deadline",
)
PLANNED_ACTIONS = (PlanAction.MERGE, PlanAction.CLOSE)
FINDINGS_CACHE_SECONDS = 24 * 3600  # keyed on the registry's content: never stale


@dataclass
class DeadlineProgress:
    label: str
    deadline: datetime.date | None
    total: int = 0
    done: int = 0
    remaining: int = 0
    overdue: int = 0

    @property
    def percent_done(self):
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class OverdueSite:
    site: GovSite
    deadline: datetime.date
    days: int


@dataclass
class DistrictCount:
    code: str
    name: str
    total: int = 0
    legacy: int = 0
    remaining: int = 0


@dataclass
class MergePlanOverview:
    """The figures of the "整合计划" view; see :func:`merge_plan_overview`."""

    today: datetime.date
    settings: MergePlanSettings
    total: int = 0
    by_status: list = field(default_factory=list)  # [(label, count)]
    by_type: list = field(default_factory=list)
    by_action: list = field(default_factory=list)
    on_platform: int = 0
    legacy: int = 0
    registered_only: int = 0
    by_district: list = field(default_factory=list)  # [DistrictCount]
    in_plan: int = 0
    done: int = 0
    undecided: int = 0
    deadlines: list = field(default_factory=list)  # [DeadlineProgress]
    overdue: list = field(default_factory=list)  # [OverdueSite]
    findings_by_rule: list = field(default_factory=list)  # [(rule_id, count)]
    sites_with_findings: int = 0

    @property
    def remaining(self):
        return self.in_plan - self.done

    @property
    def percent_done(self):
        return round(100 * self.done / self.in_plan) if self.in_plan else 0


def is_district_level(org):
    """True when ``org`` sits in a district (区及以下): the district deadline applies."""
    for node in [org, *org.ancestors()]:
        if node.org_type in DISTRICT_LEVEL_TYPES:
            return True
    return False


def effective_deadline(site, plan_settings):
    """The site's own deadline, else the supervisor's default for its level."""
    if site.plan_deadline:
        return site.plan_deadline
    if is_district_level(site.organization):
        return plan_settings.district_deadline
    return plan_settings.department_deadline


def in_merge_plan(site):
    """Counted by the plan: to be merged or closed, or already merged or closed."""
    return site.plan_action in PLANNED_ACTIONS or site.status in DONE_STATUSES


def _wire_organizations():
    """All organizations with their parents attached in memory (no query per ancestor)."""
    orgs = {org.pk: org for org in Organization.objects.all()}
    for org in orgs.values():
        parent = orgs.get(org.parent_id)
        if parent is not None:
            org.parent = parent
    return orgs


_ORG_COLUMNS = ("pk", "parent_id", "name", "org_type", "division_code")
_SITE_COLUMNS = (
    "pk",
    "name",
    "site_type",
    "organization_id",
    "primary_domain",
    "site_id_code",
    "status",
    "is_legacy",
    "wagtail_site_id",
    "plan_action",
    "plan_target_id",
    "plan_deadline",
)


class _OrgRow:
    """An organization as the overview reads it: its columns, its parent in memory."""

    __slots__ = (*_ORG_COLUMNS, "parent")

    def __init__(self, values):
        self.pk, self.parent_id, self.name, self.org_type, self.division_code = values
        self.parent = None

    def ancestors(self):
        """:meth:`Organization.ancestors` over the rows (cycles stop the walk)."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return chain


class _SiteRow:
    """A site record as the overview reads it: plain columns, no model instance.

    Building ~10,000 ``GovSite`` instances (a clusterable model of ~30 fields) was
    most of the overview's time; the figures need a dozen columns.
    """

    __slots__ = (*_SITE_COLUMNS, "organization", "plan_target")

    def __init__(self, values, orgs):
        (  # the order of _SITE_COLUMNS; unpacked at once, not setattr() per column
            self.pk,
            self.name,
            self.site_type,
            self.organization_id,
            self.primary_domain,
            self.site_id_code,
            self.status,
            self.is_legacy,
            self.wagtail_site_id,
            self.plan_action,
            self.plan_target_id,
            self.plan_deadline,
        ) = values
        self.organization = orgs[self.organization_id]
        self.plan_target = None

    def __str__(self):
        return self.name

    def get_plan_action_display(self):
        return PlanAction(self.plan_action).label

    @property
    def division_code(self):
        """:attr:`GovSite.division_code`: the nearest division code up the hierarchy."""
        for org in [self.organization, *self.organization.ancestors()]:
            if org.division_code:
                return org.division_code
        return ""


def merge_plan_overview(today=None, with_findings=True):
    """The figures of the supervisor's "整合计划" view, from the whole registry.

    Two ``values_list`` queries (organizations, sites) into plain rows, the rest in
    memory: an inventory has thousands of sites. The compliance findings are
    remembered in the cache under a fingerprint of the columns they read, so they
    are computed again only after the registry changed. ``with_findings=False``
    skips them (the dashboard panel does not show them).
    """
    overview = MergePlanOverview(
        today=today or timezone.localdate(), settings=MergePlanSettings.load()
    )
    org_values = list(Organization.objects.order_by("pk").values_list(*_ORG_COLUMNS))
    orgs = {values[0]: _OrgRow(values) for values in org_values}
    for org in orgs.values():
        org.parent = orgs.get(org.parent_id)
    site_values = list(GovSite.objects.order_by("name", "pk").values_list(*_SITE_COLUMNS))
    sites = [_SiteRow(values, orgs) for values in site_values]
    by_pk = {site.pk: site for site in sites}
    for site in sites:
        if site.plan_target_id is not None:
            site.plan_target = by_pk.get(site.plan_target_id)
    statuses = Counter(s.status for s in sites)
    types = Counter(s.site_type for s in sites)
    actions = Counter(s.plan_action for s in sites)
    overview.total = len(sites)
    overview.by_status = [(c.label, statuses[c.value]) for c in SiteStatus]
    overview.by_type = [(c.label, types[c.value]) for c in SiteType]
    overview.by_action = [(c.label, actions[c.value]) for c in PlanAction]
    overview.on_platform = sum(1 for s in sites if s.wagtail_site_id)
    overview.legacy = sum(1 for s in sites if s.is_legacy)
    overview.registered_only = sum(1 for s in sites if not s.wagtail_site_id and not s.is_legacy)
    overview.undecided = sum(
        1
        for s in sites
        if s.is_legacy and s.plan_action == PlanAction.UNDECIDED and s.status not in DONE_STATUSES
    )
    _count_progress(overview, sites)
    _count_districts(overview, sites, orgs)
    if with_findings:
        _count_findings_cached(overview, org_values, site_values)
    return overview


def _count_findings_cached(overview, org_values, site_values):
    """:func:`_count_findings`, remembered under a fingerprint of what it reads.

    The key is a digest of every organization and site column the checks use, so a
    changed registry (by any path: admin, import, ``QuerySet.update``) is a new key
    and a stale count is never served.
    """
    digest = hashlib.sha256(repr((org_values, site_values)).encode()).hexdigest()
    key = f"registry:merge-plan-findings:{digest}"
    cached = cache.get(key)
    if cached is None:
        orgs = _wire_organizations()
        sites = list(GovSite.objects.only(*OVERVIEW_FIELDS).order_by("name", "pk"))
        for site in sites:
            site.organization = orgs[site.organization_id]
        _count_findings(overview, sites)
        cached = (overview.findings_by_rule, overview.sites_with_findings)
        cache.set(key, cached, FINDINGS_CACHE_SECONDS)
    overview.findings_by_rule, overview.sites_with_findings = cached


def _count_progress(overview, sites):
    """Done, remaining and overdue per deadline (rule: the supervisor's MergePlanSettings)."""
    plan_settings, today = overview.settings, overview.today
    department = DeadlineProgress(_("市级部门"), plan_settings.department_deadline)
    district = DeadlineProgress(_("区及以下"), plan_settings.district_deadline)
    own = DeadlineProgress(_("单独设定期限"), None)
    for site in sites:
        if not in_merge_plan(site):
            continue
        if site.plan_deadline:
            group = own
        elif is_district_level(site.organization):
            group = district
        else:
            group = department
        overview.in_plan += 1
        group.total += 1
        if site.status in DONE_STATUSES:
            overview.done += 1
            group.done += 1
            continue
        group.remaining += 1
        deadline = effective_deadline(site, plan_settings)
        if deadline < today:
            group.overdue += 1
            overview.overdue.append(OverdueSite(site, deadline, (today - deadline).days))
    overview.overdue.sort(key=lambda o: (-o.days, o.site.name))
    overview.deadlines = [department, district, own]


def _count_districts(overview, sites, orgs):
    """Sites per division code, named after that division's government (区域)."""
    names = {}
    for org in sorted(orgs.values(), key=lambda o: o.org_type not in GOVERNMENT_TYPES):
        if org.division_code:
            names.setdefault(org.division_code, org.name)
    districts = {}
    code_of = {}  # organization pk → division code: walked once per organization
    for site in sites:
        code = code_of.get(site.organization_id)
        if code is None:
            code = code_of[site.organization_id] = site.division_code
        entry = districts.get(code)
        if entry is None:
            entry = districts[code] = DistrictCount(code, names.get(code, ""))
        entry.total += 1
        entry.legacy += int(site.is_legacy)
        entry.remaining += int(in_merge_plan(site) and site.status not in DONE_STATUSES)
    overview.by_district = sorted(districts.values(), key=lambda d: (d.code == "", d.code))


def _count_findings(overview, sites):
    """Findings by rule over the sites not merged or closed, computed in memory."""
    index = FindingIndex(sites)
    findings = Counter()
    for site in sites:
        if site.status in DONE_STATUSES:
            continue  # merged or closed: nothing left to fix
        site_findings = index.findings(site, messages=False)  # counted, not shown
        if site_findings:
            overview.sites_with_findings += 1
            findings.update(rule_id for rule_id, _m in site_findings)
    overview.findings_by_rule = sorted(findings.items())

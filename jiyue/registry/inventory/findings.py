"""Compliance findings of a site record by rule ID, for the merge plan."""

from collections import defaultdict

from django.utils.translation import gettext as _

from jiyue.standards import validators

from ..models import ACTIVE_STATUSES, SiteStatus, SiteType
from .rules import _collect, rule_of

# --- Compliance findings ----------------------------------------------------------

_LOOKUP = object()
_CLOSED = (SiteStatus.CLOSED, SiteStatus.MERGED)


def compliance_findings(
    site, *, parent_portal=_LOOKUP, other_active=_LOOKUP, division=_LOOKUP, messages=True
):
    """The rules a site record breaks, as ``[(rule_id, message)]``.

    For platform sites the model refuses these; inventory (legacy) records are kept
    as they are and their problems become work items of the merge plan. Checked:
    DOMAIN-1/6 (domain: another suffix, an IP address, a typo), IDCODE-3 (identifier
    code), NAME-1 (name carries the organization's name), SITE-4 (towns/streets and
    units run no site of their own), SITE-3 (the organization runs another active
    site), DOMAIN-4 (a department's domain sits under its portal's) and IDCODE-4 (the
    code starts with the organization's division code).

    ``parent_portal``, ``other_active`` (another active site of the organization, or
    None) and ``division`` may be passed by callers that hold the registry in memory
    (:class:`FindingIndex`): then this function runs no query. ``messages=False``
    skips building the SITE-4 message, the one most inventory records get, for
    callers that only count rule IDs (the merge plan's overview); the message is "".
    """
    findings = []
    org = site.organization
    _collect(findings, validators.validate_gov_domain, site.primary_domain)
    if site.site_id_code:
        _collect(findings, validators.validate_site_id_code, site.site_id_code)
    _collect(findings, validators.validate_site_name, site.name, org.name)
    if not messages:
        if site.breaks_site_4(org):  # rule: SITE-4, the model's own predicate
            findings.append(("SITE-4", ""))
    else:
        errors = {}
        site.check_org_may_have_site(org, errors)  # rule: SITE-4, the model's own check
        findings.extend((rule_of(m, "SITE-4"), str(m)) for m in errors.get("organization", []))
    if other_active is _LOOKUP:
        duplicate = site.other_active_site_message(org, include_legacy=True)
    elif other_active is not None and site.status in ACTIVE_STATUSES:
        duplicate = _("SITE-3：“%(org)s”已有网站“%(site)s”，一个单位只能开设一个网站。") % {
            "org": org.name,
            "site": other_active.name,
        }
    else:
        duplicate = None
    if duplicate:
        findings.append(("SITE-3", str(duplicate)))
    if site.site_type == SiteType.DEPARTMENT:
        portal = site.parent_portal() if parent_portal is _LOOKUP else parent_portal
        if portal is not None:
            # rule: DOMAIN-4 — an error or (configured) a warning; both are findings here.
            warning = _collect(
                findings,
                validators.validate_department_domain,
                site.primary_domain,
                portal.primary_domain,
            )
            if warning:
                findings.append(("DOMAIN-4", str(warning)))
    code = site.site_id_code or ""
    division = site.division_code if division is _LOOKUP else division
    if division and len(code) == 10 and code.isdigit() and not code.startswith(division):
        # rule: IDCODE-4 — a prefix differing from the organization's division code warns.
        findings.append(
            (
                "IDCODE-4",
                _("IDCODE-4：网站标识码“%(code)s”的前6位与主办单位行政区划代码“%(div)s”不一致。")
                % {"code": code, "div": division},
            )
        )
    return findings


def _chain(org):
    """``org`` and its parents, walking the in-memory links (saved or not)."""
    seen = set()
    while org is not None and id(org) not in seen:
        seen.add(id(org))
        yield org
        org = org.parent if org.parent_id or _parent_cached(org) else None


def _parent_cached(org):
    return org._state.fields_cache.get("parent") is not None


class FindingIndex:
    """The registry's sites in memory, to compute findings without a query per site.

    Every site's ``organization`` and each organization's ``parent`` must already be
    attached in memory (as the import and :func:`merge_plan_overview` do): the
    objects may be unsaved, so organizations are keyed by identity.
    """

    def __init__(self, sites):
        self.active_by_org = defaultdict(list)
        self.portals_by_org = defaultdict(list)
        for site in sites:
            key = id(site.organization)
            if site.status in ACTIVE_STATUSES:
                self.active_by_org[key].append(site)
            if site.site_type == SiteType.PORTAL and site.status not in _CLOSED:
                self.portals_by_org[key].append(site)

    def parent_portal(self, site):
        """:meth:`GovSite.parent_portal` over the index (rule: DOMAIN-4)."""
        for org in _chain(site.organization):
            for portal in self.portals_by_org.get(id(org), ()):
                if portal is not site:
                    return portal
        return None

    def other_active(self, site):
        for other in self.active_by_org.get(id(site.organization), ()):
            if other is not site:
                return other
        return None

    @staticmethod
    def division(site):
        for org in _chain(site.organization):
            if org.division_code:
                return org.division_code
        return ""

    def findings(self, site, messages=True):
        return compliance_findings(
            site,
            parent_portal=(
                self.parent_portal(site) if site.site_type == SiteType.DEPARTMENT else None
            ),
            other_active=self.other_active(site),
            division=self.division(site),
            messages=messages,
        )

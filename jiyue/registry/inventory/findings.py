"""Compliance findings of a site record by rule ID, for the merge plan."""

from django.utils.translation import gettext as _

from jiyue.standards import validators

from ..models import (
    SiteType,
)
from .rules import _collect, rule_of

# --- Compliance findings ----------------------------------------------------------

_LOOKUP = object()


def compliance_findings(site, *, parent_portal=_LOOKUP):
    """The rules a site record breaks, as ``[(rule_id, message)]``.

    For platform sites the model refuses these; inventory (legacy) records are kept
    as they are and their problems become work items of the merge plan. Checked:
    DOMAIN-1/6 (domain), IDCODE-3 (identifier code), NAME-1 (name carries the
    organization's name), SITE-4 (towns/streets and units run no site of their own),
    SITE-3 (the organization runs another active site), DOMAIN-4 (a department's
    domain sits under its portal's) and IDCODE-4 (the code
    starts with the organization's division code). ``parent_portal`` may be passed
    by callers that already know it, to save the lookup.
    """
    findings = []
    org = site.organization
    _collect(findings, validators.validate_gov_domain, site.primary_domain)
    if site.site_id_code:
        _collect(findings, validators.validate_site_id_code, site.site_id_code)
    _collect(findings, validators.validate_site_name, site.name, org.name)
    errors = {}
    site.check_org_may_have_site(org, errors)  # rule: SITE-4, the model's own check
    findings.extend((rule_of(m, "SITE-4"), str(m)) for m in errors.get("organization", []))
    duplicate = site.other_active_site_message(org, include_legacy=True)
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
    division = site.division_code
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

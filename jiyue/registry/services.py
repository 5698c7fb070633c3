"""The registry's public functions. Other apps call these, never the tables directly."""

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from wagtail.log_actions import log
from wagtail.models import Site as WagtailSite

from .hosting import (
    COLLECTION_PERMISSIONS,
    PLATFORM_PREFIXES,
    editors_group,
    provision,
    serving_host,
    site_collection,
    sync_site,
)
from .lifecycle import decide, go_live, review_chain, submit_application, withdraw
from .models import (
    ApplicationKind,
    ApplicationStatus,
    GovSite,
    Organization,
    OrgType,
    SiteAlias,
    SiteApplication,
    SiteStatus,
    SiteType,
    StaffMembership,
)

__all__ = [
    "COLLECTION_PERMISSIONS",
    "PLATFORM_PREFIXES",
    "GovSite",
    "OrgType",
    "Organization",
    "SiteStatus",
    "SiteType",
    "StaffMembership",
    "add_staff_member",
    "create_organization",
    "decide",
    "editors_group",
    "go_live",
    "gov_site_for_request",
    "gov_sites",
    "host_entry",
    "invalidate_host_cache",
    "is_supervisor",
    "organization_for_user",
    "organizations",
    "organizations_in_scope",
    "provision",
    "register_site",
    "review_chain",
    "serving_host",
    "site_collection",
    "sites_for_user",
    "submit_application",
    "sync_site",
    "withdraw",
]

HOST_CACHE_VERSION_KEY = "jiyue:registry:host-version"


# --- Who may see what -------------------------------------------------------


# --- Records: organizations, staff, sites ------------------------------------------


@transaction.atomic
def create_organization(user=None, **fields):
    """Create an organization (机构) validated by the registry's rules; logged."""
    org = Organization(**fields)
    org.full_clean()
    org.save()
    log(org, "wagtail.create", user=user)
    return org


@transaction.atomic
def add_staff_member(member, organization, user=None):
    """Make ``member`` staff of ``organization`` (their sites follow from it); logged."""
    membership = StaffMembership.objects.create(user=member, organization=organization)
    log(membership, "wagtail.create", user=user)
    return membership


@transaction.atomic
def register_site(user=None, **fields):
    """Register a site record (政府网站) validated by the rules (NAME-1, DOMAIN-*, SITE-3…).

    The record starts as planned (拟开设); it is opened only through the lifecycle
    (``submit_application`` → ``decide`` → ``go_live``, rule: SITE-6).
    """
    gov_site = GovSite(**fields)
    gov_site.full_clean()
    gov_site.save()
    log(gov_site, "wagtail.create", user=user)
    return gov_site


def gov_sites(**filters):
    """Site records (政府网站), optionally filtered (``organization__org_type=…``)."""
    return GovSite.objects.filter(**filters)


def organizations(**filters):
    """Organizations (机构), optionally filtered."""
    return Organization.objects.filter(**filters)


# Per-request caches on the user object (Django builds ``request.user`` afresh for
# every request, as its auth backend does for the permission cache): an admin page
# asks "whose staff is this user?" a dozen times (menu items, panels, querysets,
# form fields); it is one query per request now. A membership change clears them.
_ORGANIZATION_ATTR = "_jiyue_organization"
_SUPERVISOR_ATTR = "_jiyue_is_supervisor"
_USER_CACHE_ATTRS = (_ORGANIZATION_ATTR, _SUPERVISOR_ATTR, "_jiyue_library_orgs")


def forget_user_scope(user):
    """Drop the per-request caches of ``user``'s organization and scope."""
    for attr in _USER_CACHE_ATTRS:
        user.__dict__.pop(attr, None)


def organization_for_user(user):
    """The organization an admin user works for, or None (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.__dict__[_ORGANIZATION_ATTR]
    except KeyError:
        pass
    membership = StaffMembership.objects.filter(user=user).select_related("organization").first()
    org = membership.organization if membership else None
    user.__dict__[_ORGANIZATION_ATTR] = org
    return org


def is_supervisor(user):
    """Supervisors (主管单位 staff) and superusers see and approve across all sites."""
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        return user.__dict__[_SUPERVISOR_ATTR]
    except KeyError:
        pass
    if user.is_superuser or user.has_perm("registry.supervise_sites"):
        answer = True
    else:
        org = organization_for_user(user)
        answer = bool(org and org.is_supervisor)
    user.__dict__[_SUPERVISOR_ATTR] = answer
    return answer


def organizations_in_scope(org):
    """``org`` and every organization below it (one recursive query, as a subquery)."""
    table = connection.ops.quote_name(Organization._meta.db_table)
    below = RawSQL(
        f"WITH RECURSIVE tree(id) AS (SELECT id FROM {table} WHERE id = %s UNION "
        f"SELECT o.id FROM {table} o JOIN tree ON o.parent_id = tree.id) "
        "SELECT id FROM tree",
        [org.pk],
    )
    return Organization.objects.filter(pk__in=below)


def sites_for_user(user):
    """The site records a user may see and manage.

    Supervisors: all. Site staff: the site of their organization, or — for units
    that publish through a parent site (rule: SITE-4) — the nearest ancestor's.
    """
    if is_supervisor(user):
        return GovSite.objects.all()
    org = organization_for_user(user)
    if org is None:
        return GovSite.objects.none()
    for candidate in [org, *org.ancestors()]:
        sites = GovSite.objects.filter(organization=candidate).exclude(
            status__in=[SiteStatus.CLOSED, SiteStatus.MERGED]
        )
        if sites.exists():
            return sites
    return GovSite.objects.none()


# --- Host names ---------------------------------------------------------------


def invalidate_host_cache():
    try:
        cache.incr(HOST_CACHE_VERSION_KEY)
    except ValueError:
        cache.set(HOST_CACHE_VERSION_KEY, 1, None)


def _host_cache_key(host):
    version = cache.get_or_set(HOST_CACHE_VERSION_KEY, 1, None)
    return f"jiyue:registry:host:{version}:{host}"


def host_entry(host):
    """What the platform knows about ``host``: a dict, or None for an unknown host.

    Cached; every save of a site record, alias or Wagtail site invalidates it.
    """
    key = _host_cache_key(host)
    entry = cache.get(key)
    if entry is None:
        entry = _lookup_host(host) or {}
        cache.set(key, entry, 300)
    return entry or None


def _lookup_host(host):
    site = (
        GovSite.objects.select_related("wagtail_site", "merged_into__wagtail_site", "organization")
        .filter(wagtail_site__hostname=host)
        .first()
    )
    alias_of = None
    if site is None:
        for alias in SiteAlias.objects.select_related("site__wagtail_site"):
            if serving_host(alias.domain) == host:
                site = alias.site
                alias_of = serving_host(site.primary_domain)
                break
    if site is None:
        return None
    merged_host = None
    if site.merged_into is not None:
        merged_host = serving_host(site.merged_into.primary_domain)
    parent = None
    planned_return = None
    if site.status in (SiteStatus.CLOSED, SiteStatus.OFFLINE):
        # The notice page sends the reader on to the portal above the site.
        parent = site.parent_portal()
    if site.status == SiteStatus.OFFLINE:
        # The planned return date of the approved offline application (issue 8 item 14).
        planned_return = (
            SiteApplication.objects.filter(
                site=site, kind=ApplicationKind.OFFLINE, status=ApplicationStatus.APPROVED
            )
            .order_by("-decided_at", "-pk")
            .values_list("offline_until", flat=True)
            .first()
        )
    return {
        "site_id": site.pk,
        "name": site.name,
        "status": site.status,
        "alias_of": alias_of,
        "merged_into_host": merged_host,
        "merged_into_name": site.merged_into.name if site.merged_into else "",
        "parent_portal_host": serving_host(parent.primary_domain) if parent else "",
        "parent_portal_name": parent.name if parent else "",
        "planned_return": planned_return,
        "organization": site.organization.name,
        # The Wagtail site's fields, so that a page request needs no query to hand
        # Wagtail its site (registry.middleware.WagtailSiteMiddleware).
        "wagtail_site": _wagtail_site_fields(site.wagtail_site),
    }


def _wagtail_site_fields(wagtail_site):
    if wagtail_site is None:
        return None
    return {
        name: getattr(wagtail_site, name)
        for name in ("id", "hostname", "port", "site_name", "root_page_id", "is_default_site")
    }


def wagtail_site_of_entry(entry):
    """The Wagtail ``Site`` of a :func:`host_entry` (built from its fields, no query)."""
    fields = (entry or {}).get("wagtail_site")
    if not fields:
        return None
    # from_db: an instance as loaded from the database (not one "being added").
    return WagtailSite.from_db("default", list(fields), list(fields.values()))


def gov_site_for_request(request):
    """The registry record of the site serving ``request`` (None on platform hosts)."""
    site_id = getattr(request, "gov_site_id", None)
    if site_id is None:
        host = request.get_host().rsplit(":", 1)[0].lower()
        entry = host_entry(host)
        site_id = entry["site_id"] if entry else None
    if site_id is None:
        return None
    cached = getattr(request, "_gov_site", None)
    if cached is None or cached.pk != site_id:
        cached = GovSite.objects.select_related("organization", "wagtail_site").get(pk=site_id)
        request._gov_site = cached
    return cached

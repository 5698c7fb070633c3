"""Whose library items an admin user may act for (机构范围), decided in one place.

A city's organizations form a tree (city government → departments and districts →
units → towns), but being higher in the tree does not make an organization's staff
the editors of everything below it: the city government's own (portal) editors are
not the departments' editors, and a department's reviewers do not review a
district's drafts. So the scope of a staff member is explicit (rule: PLATFORM-F4
权限管理, PLATFORM-7):

* **own organization only** — the default for every staff member: resources whose
  source organization (来源机构) is the organization of their ``StaffMembership``;
* **organization and below** — only for members of a group that is explicitly
  given the permission ``library.manage_sub_organizations``
  ("可管理下级机构的信息资源", in Settings → Groups). A district government that
  edits for the units publishing through its site (SITE-4) gets it for its
  editors' group; the city portal's group does not;
* **everything** — supervisors (主管单位) and superusers.

The admin viewsets, choosers and forms (:mod:`.admin_isolation`), the distribution
and waiver views all ask :func:`organizations_for_user` and
:func:`resources_in_scope`; nothing else decides it.
"""

from django.db.models import Q

from jiyue.registry.services import (
    gov_sites,
    is_supervisor,
    organization_for_user,
    organizations,
    organizations_in_scope,
    sites_for_user,
)

SUB_ORGANIZATIONS_PERMISSION = "library.manage_sub_organizations"
_CACHE_ATTR = "_jiyue_library_orgs"


def organizations_for_user(user):
    """The organizations whose items ``user`` may see and act for; None means all.

    Cached on the user object, which Django builds afresh for each request.
    """
    if is_supervisor(user):
        return None
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return organizations(pk__in=cached)
    org = organization_for_user(user)
    if org is None:
        ids = []
    elif user.has_perm(SUB_ORGANIZATIONS_PERMISSION):
        ids = list(organizations_in_scope(org).values_list("pk", flat=True))
    else:
        ids = [org.pk]
    setattr(user, _CACHE_ATTR, ids)
    return organizations(pk__in=ids)


def organization_choices(user):
    """Organizations offered as a resource's source organization (来源机构)."""
    orgs = organizations_for_user(user)
    return organizations() if orgs is None else orgs


def site_choices(user):
    """Sites offered as a resource's owner site (所属网站).

    The user's own site(s) (for a unit without a site: the parent's, rule SITE-4)
    and the sites of the organizations they act for; every site for supervisors.
    """
    orgs = organizations_for_user(user)
    if orgs is None:
        return gov_sites()
    return gov_sites().filter(
        Q(pk__in=sites_for_user(user).values("pk")) | Q(organization__in=orgs)
    )


def organization_ids(user):
    """The ids of :func:`organizations_for_user` as a list; None means all."""
    orgs = organizations_for_user(user)
    return None if orgs is None else getattr(user, _CACHE_ATTR)


def resources_in_scope(user, queryset):
    """``queryset`` narrowed to the resources ``user`` may open, edit and review.

    A plain id list, not a subquery, so that the search backend can apply it to
    the admin's search and chooser results (``source_org`` is a FilterField).
    """
    ids = organization_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(source_org__in=ids)


def by_organization(user, queryset, field="organization"):
    """``queryset`` of per-organization records narrowed to ``user``'s organizations."""
    orgs = organizations_for_user(user)
    if orgs is None:
        return queryset
    return queryset.filter(**{f"{field}__in": orgs})

"""What one admin user may see: the pages, sites and collections of their own site(s).

Every isolation hook asks these functions, so "which site is mine" is decided in
one place, from :func:`jiyue.registry.services.sites_for_user` (rule: PLATFORM-F4
权限管理). Supervisors (主管单位) and superusers are not scoped: they see all sites.

The answers are cached on the user object, which Django creates afresh for each
request, so one admin page costs a handful of queries however many hooks ask.
"""

from django.db.models import Q
from wagtail.models import Collection, Page, Site

from jiyue.registry.services import is_supervisor, site_collection, sites_for_user

_CACHE_ATTR = "_jiyue_isolation_scope"


class Scope:
    """The sites, page roots and collections one non-supervisor user works on."""

    def __init__(self, gov_sites):
        self.gov_sites = list(gov_sites.select_related("wagtail_site__root_page"))
        hosted = [s for s in self.gov_sites if s.wagtail_site_id]
        self.site_ids = [s.wagtail_site_id for s in hosted]
        self.root_pages = [s.wagtail_site.root_page for s in hosted]
        self.collections = [c for c in (site_collection(s) for s in self.gov_sites) if c]

    def page_q(self, prefix=""):
        """Q matching pages inside the user's sites (``prefix`` for related lookups)."""
        if not self.root_pages:
            return Q(pk__in=[])
        query = Q()
        for root in self.root_pages:
            query |= Q(**{f"{prefix}path__startswith": root.path})
        return query

    def collection_q(self, prefix=""):
        """Q matching the user's collections and their sub-collections."""
        if not self.collections:
            return Q(pk__in=[])
        query = Q()
        for collection in self.collections:
            query |= Q(**{f"{prefix}path__startswith": collection.path})
        return query

    def pages(self):
        return Page.objects.filter(self.page_q())

    def navigable_pages(self):
        """The user's pages plus their ancestors, which choosers must let them walk through."""
        query = self.page_q()
        for root in self.root_pages:
            query |= Q(pk__in=root.get_ancestors().values("pk"))
        return Page.objects.filter(query)

    def sites(self):
        return Site.objects.filter(pk__in=self.site_ids)

    def collection_queryset(self):
        return Collection.objects.filter(self.collection_q())

    def allows_page(self, page):
        return any(page.path.startswith(root.path) for root in self.root_pages)

    def allows_collection(self, collection):
        return any(collection.path.startswith(c.path) for c in self.collections)


def is_scoped(user):
    """True unless ``user`` is a supervisor or superuser; anonymous users see nothing."""
    return not is_supervisor(user)


def scope_for(user):
    """The :class:`Scope` of ``user``, or None when the user sees every site."""
    if not is_scoped(user):
        return None
    scope = getattr(user, _CACHE_ATTR, None)
    if scope is None:
        scope = Scope(sites_for_user(user))
        setattr(user, _CACHE_ATTR, scope)
    return scope


def visible_pages(user, queryset=None):
    """``queryset`` (default: all pages) narrowed to what ``user`` may see."""
    queryset = Page.objects.all() if queryset is None else queryset
    scope = scope_for(user)
    return queryset if scope is None else queryset.filter(scope.page_q())

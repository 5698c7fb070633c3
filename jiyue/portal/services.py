"""What each site shows of the resource library, and where (rule: LIB-1, LIB-3).

Every list comes from :func:`resources_for_column` and every "where is it shown" from
:func:`columns_showing` (distribution, :mod:`jiyue.portal.distribution`), over the
library's live resources only, so a page can only ever show a live resource that is
distributed to it. Distribution's functions are offered to other apps from here.

:func:`urls_for_resource` and :func:`urls_for_site` tell the page cache
(``jiyue.frontcache``) which rendered pages to drop when a resource changes.
"""

from functools import reduce
from operator import or_
from urllib.parse import urljoin

from django.db.models import Q
from django.shortcuts import get_object_or_404

from jiyue.library import services as library
from jiyue.registry import services as registry
from jiyue.registry.services import serving_host

from .distribution import (
    accept,
    column_ids_showing,
    columns_showing,
    first_column_showing,
    gov_site_of_column,
    pending_placements_for_user,
    place,
    push,
    reject,
    remove_placement,
    resources_for_column,
    resources_for_columns,
    sites_showing,
    user_manages_column,
)
from .models import (
    LIST_FIELDS,
    ColumnPage,
    ColumnSubscription,
    ColumnType,
    FooterSettings,
    HeaderColour,
    HeaderSettings,
    HomePage,
    InspectionClass,
    Placement,
    PlacementState,
    PlacementVia,
    list_items,
)
from .provisioning import PAGE_PERMISSIONS, set_site_port

__all__ = [
    "LIST_FIELDS",
    "PAGE_PERMISSIONS",
    "ColumnPage",
    "ColumnSubscription",
    "ColumnType",
    "FooterSettings",
    "HeaderColour",
    "HeaderSettings",
    "HomePage",
    "InspectionClass",
    "Placement",
    "PlacementState",
    "PlacementVia",
    "absolute_url",
    "accept",
    "canonical_path_of",
    "column_ids_showing",
    "column_showing_on_site",
    "columns_showing",
    "content_path",
    "declare_canonical_path",
    "gov_site_of_column",
    "host_url",
    "latest_by_column",
    "pending_placements_for_user",
    "place",
    "push",
    "reject",
    "remove_placement",
    "resources_for_column",
    "resources_for_columns",
    "set_site_port",
    "site_base_url",
    "site_columns",
    "site_resources",
    "sites_showing",
    "urls_for_resource",
    "urls_for_site",
    "user_manages_column",
]

SITE_FEED_ITEMS = 50
# Sub-paths that show a resource besides the column lists (see HomePage's routes).
SITE_PATHS = ("/", "/feed/", "/feed/atom/", "/sitemap.xml")
COLUMN_FEED_PATHS = ("feed/", "feed/atom/")


# Where the portal records, on the request, the canonical path of the page it serves
# (see :func:`jiyue.portal.views.redirect_to_canonical`).
_CANONICAL_PATH_ATTRIBUTE = "_jiyue_canonical_path"


def declare_canonical_path(request, path):
    """Record that the response to ``request`` shows what lives at ``path``."""
    setattr(request, _CANONICAL_PATH_ATTRIBUTE, path)


def canonical_path_of(request):
    """The canonical path of what the portal rendered for ``request``, else None.

    The page cache stores a response only when this equals the request's path: a
    page reached through another spelling (``/content/0228/``) would be stored under
    a file that no purge ever removes.
    """
    return getattr(request, _CANONICAL_PATH_ATTRIBUTE, None)


def host_url(request, host):
    """``scheme://host[:port]`` for ``host`` with the request's scheme and server port.

    The port is the server's (``SERVER_PORT``), never the Host header's spelling.
    """
    port = request.get_port()
    netloc = host if port in ("80", "443") else f"{host}:{port}"
    return f"{request.scheme}://{netloc}"


def site_base_url(request, gov_site):
    """The base URL of ``gov_site`` from its registry record, not the request's Host.

    Absolute URLs in pages (feeds, sitemap.xml, robots.txt, page tags) use it: a page
    rendered for ``Host: FGW.LOCALHOST.`` is cached for every later reader, so it must
    not repeat that spelling.
    """
    return host_url(request, serving_host(gov_site.primary_domain))


def absolute_url(request, gov_site, location):
    """``location`` (a path or a full URL) as an absolute URL on ``gov_site``."""
    if gov_site is None:
        return request.build_absolute_uri(location)
    return urljoin(site_base_url(request, gov_site) + "/", location)


def content_path(resource_id):
    """The stable detail path of a resource on every site (rule: LIB-3)."""
    return f"/content/{int(resource_id)}/"


def site_columns(home):
    """The live, public columns of the site whose home page is ``home``."""
    return ColumnPage.objects.descendant_of(home).live().public()


def site_resources(home):
    """Every live resource shown in some column of the site, newest first.

    One query for the list: the per-column filters of the library are OR-ed into one
    ``WHERE`` clause (building them costs a small query per column with rules).
    """
    querysets = [resources_for_column(column) for column in site_columns(home)]
    if not querysets:
        return library.live_resources().none()
    return reduce(or_, querysets).order_by("-pub_date", "-pk")


def column_showing_on_site(resource, home, columns=None, rule_filters=None):
    """The column of ``home``'s site whose page a resource's detail page sits in.

    The first column that shows it, the most specific first: a resource placed in
    工作动态 and in its grouping column 政务动态 carries 工作动态's column tags.
    ``None`` when the site does not show it — its detail page is then a 404 there.
    Liveness of the resource is the caller's check; this only asks the library's
    distribution (placements and subscription rules). ``columns``: the site's live,
    public columns when the caller has them (the cached site chrome); only their
    placements and rules are then read; ``rule_filters``: their rules' filters (the
    chrome's), so the rules are not read either.
    """
    if columns is not None:
        ordered = sorted(columns, key=lambda c: (-c.depth, c.path))
        if rule_filters is not None:
            return first_column_showing(resource, ordered, rule_filters)
        ids = column_ids_showing(resource, among=[c.pk for c in columns])
        return next((c for c in ordered if c.pk in ids), None)
    return (
        columns_showing(resource)
        .filter(path__startswith=home.path, depth__gt=home.depth)
        .live()
        .public()
        .order_by("-depth", "path")
        .first()
    )


def latest_by_column(columns, limit, rule_filters=None):
    """``[(column, [newest resources])]``: each column's ``limit`` newest items.

    The subscription rules of every column are read in one query, then one list
    query per column (rule: LIB-1, DESIGN-3).
    """
    querysets = resources_for_columns(columns, rule_filters)
    return [
        (column, list_items(querysets[column.pk].select_related(None))[:limit])
        for column in columns
    ]


def _site_roots():
    """``[(root page path, root url_path, GovSite)]`` of every site with a page tree."""
    rows = registry.gov_sites(wagtail_site__isnull=False).select_related("wagtail_site__root_page")
    return [
        (s.wagtail_site.root_page.path, s.wagtail_site.root_page.url_path, s)
        for s in rows
        if s.wagtail_site.root_page_id
    ]


def _relative_path(url_path, root_url_path):
    """A page's path below its site root (``/zwdt/gzdt/``)."""
    return "/" + url_path[len(root_url_path) :]


def urls_for_resource(resource):
    """Every ``(serving host, path)`` whose rendered page shows ``resource``.

    For each column showing it — found by the library independently of the
    resource's live state, so this also works right after an unpublish — the
    column's list and feeds, its ancestor columns' lists, and on the column's site
    the home page, ``/content/<id>/``, the site feeds and ``/sitemap.xml``. Paths of
    paginated lists (``?page=N``) are covered by their path. A few queries in all.
    """
    columns = list(columns_showing(resource).only("path", "url_path", "depth"))
    if not columns:
        return []
    roots = _site_roots()
    urls = []
    for column in columns:
        site = next(
            ((path, url_path, s) for path, url_path, s in roots if column.path.startswith(path)),
            None,
        )
        if site is None:
            continue
        _root_path, root_url_path, gov_site = site
        host = serving_host(gov_site.primary_domain)
        relative = _relative_path(column.url_path, root_url_path)
        urls.append((host, relative))
        urls += [(host, relative + feed) for feed in COLUMN_FEED_PATHS]
        # Ancestor columns: strip one path segment at a time, stop at the home page.
        segments = relative.strip("/").split("/")
        for n in range(len(segments) - 1, 0, -1):
            urls.append((host, "/" + "/".join(segments[:n]) + "/"))
        urls += [(host, p) for p in SITE_PATHS]
        urls.append((host, content_path(resource.pk)))
    return list(dict.fromkeys(urls))


def urls_for_site(gov_site):
    """The serving hosts under which every cached page of a site lives: ``[host]``.

    For changes that touch every page of a site (footer, column tree, registry
    record): drop everything cached for these hosts.
    """
    return [serving_host(gov_site.primary_domain)]


# --- The resources API's placement filters (registered in apps.py) ------------------------


def api_column_filter(column_id):
    """Resources shown in the live, public column ``column_id``; 404 otherwise.

    An unpublished (or private) column answers exactly like a missing one.
    """
    column = get_object_or_404(ColumnPage.objects.live().public(), pk=column_id)
    return Q(pk__in=resources_for_column(column).values("pk"))


def api_site_filter(site_id):
    """Resources shown in any live column of the site ``site_id`` (GovSite id)."""
    gov_site = registry.gov_sites(pk=site_id).select_related("wagtail_site").first()
    q = Q(pk__in=[])
    if gov_site is None or gov_site.wagtail_site is None:
        return q
    root = gov_site.wagtail_site.root_page
    for column in ColumnPage.objects.descendant_of(root).live():
        q |= Q(pk__in=resources_for_column(column).values("pk"))
    return q

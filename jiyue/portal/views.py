"""Views of a site that are not pages of its tree: resource details, sitemap.xml,
robots.txt. HomePage's routes call these, so each answers per site host.

Also the one canonical spelling of every public URL (:func:`redirect_to_canonical`):
any other spelling that reaches the same page answers 301 to the canonical URL.
"""

import re

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.template.response import TemplateResponse
from django.utils.encoding import iri_to_uri
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from jiyue.library import services as library
from jiyue.library.services import ResourceType, Validity
from jiyue.registry.services import SiteStatus, serving_host

from . import metadata, sitemaps
from .distribution import sites_showing
from .models import ColumnPage
from .services import (
    column_showing_on_site,
    content_path,
    declare_canonical_path,
    host_url,
    site_base_url,
)
from .site_context import distribution_chrome, site_context

PAGE_PARAMETER = "page"
_CANONICAL_PAGE_NUMBER = re.compile(r"^[1-9][0-9]{0,8}$")
_MAX_PAGE_PARAMETER_LENGTH = 20


def canonical_path(page, request):
    """The one path, on its own site, of what ``page`` serves for ``request``, or None.

    The page's path below its site root, plus the sub-page route Wagtail resolved
    (``content/228/``, ``feed/atom/``) spelled back from its arguments, so
    ``/content/0228/`` has the canonical path ``/content/228/``. Routes whose last
    segment has a file extension (``sitemap.xml``, ``robots.txt``) have no
    trailing slash (see ``jiyue/urls.py``).
    """
    parts = page.get_url_parts(request)
    if parts is None:
        return None
    page_path = parts[2]
    match = getattr(request, "routable_resolver_match", None)
    if match is None or not hasattr(page, "reverse_subpage"):
        return page_path
    subpath = page.reverse_subpage(match.url_name, args=match.args, kwargs=match.kwargs)
    path = page_path.rstrip("/") + "/" + subpath
    last_segment = path.rstrip("/").rsplit("/", 1)[-1]
    if path.endswith("/") and "." in last_segment:
        path = path[:-1]
    return path


def _split_host(raw):
    """``(name, ":port" or "")`` of a Host header value."""
    name, sep, port = raw.rpartition(":")
    if sep and port.isdigit() and not name.endswith("]"):
        return name, sep + port
    return raw, ""


def _canonical_page_parameter(value):
    """The canonical spelling of a column's ``?page=`` value; None means page 1."""
    if len(value) > _MAX_PAGE_PARAMETER_LENGTH:
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return str(number) if number > 1 else None


def _canonical_query(page, request):
    """The request's query string with the column's page number spelled canonically.

    Only a column list reads ``?page=`` (page 1 has none; ``01``, ``+2``, ``２``,
    ``abc`` are other spellings). Other parameters are kept as they were.
    """
    raw = request.META.get("QUERY_STRING", "")
    if PAGE_PARAMETER not in request.GET or not isinstance(page, ColumnPage):
        return raw
    if getattr(request, "routable_resolver_match", None) is not None and (
        request.routable_resolver_match.url_name != "index_route"
    ):
        return raw
    values = request.GET.getlist(PAGE_PARAMETER)
    if len(values) == 1 and _CANONICAL_PAGE_NUMBER.match(values[0]) and values[0] != "1":
        return raw
    wanted = _canonical_page_parameter(values[-1])
    query = request.GET.copy()
    query.pop(PAGE_PARAMETER)
    pairs = [(key, value) for key in query for value in query.getlist(key)]
    if wanted is not None:
        pairs.append((PAGE_PARAMETER, wanted))
    return urlencode(pairs)


def redirect_to_canonical(page, request, serve_args, serve_kwargs):
    """``before_serve_page`` hook: 301 from any other spelling to the canonical URL.

    Spellings that reach the same page: a leading-zero id (``/content/0228/``), the
    host name in capitals or with a trailing dot (``FGW.LOCALHOST.``), a column's
    ``?page=1`` or ``?page=02``. Each would otherwise be rendered — and, for the
    path, cached under a file of its own that no purge removes, so an unpublished
    item stayed public. The canonical path is recorded on the request for the page
    cache (:func:`jiyue.portal.services.canonical_path_of`), which stores nothing
    else. Only GET and HEAD are redirected.
    """
    if request.method not in ("GET", "HEAD") or getattr(request, "is_dummy", False):
        return None
    path = canonical_path(page, request)
    if path is None:
        return None
    gov_site = site_context(request, page).gov_site
    netloc = ""
    if gov_site is not None:
        name, port = _split_host(request.get_host())
        host = serving_host(gov_site.primary_domain)
        if name != host:
            netloc = host + port
    query = _canonical_query(page, request)
    if netloc or path != request.path or query != request.META.get("QUERY_STRING", ""):
        location = iri_to_uri(path) + ("?" + query if query else "")
        if netloc:
            location = f"{request.scheme}://{netloc}{location}"
        return HttpResponsePermanentRedirect(location)
    declare_canonical_path(request, path)
    return None


def _detail_url(request, gov_site, resource):
    return host_url(request, serving_host(gov_site.primary_domain)) + content_path(resource.pk)


def site_shows(gov_site, resource):
    """Whether ``gov_site`` is online and one of its live columns shows ``resource``:
    only then does its ``/content/<id>/`` answer 200 and may another page link there.

    Read from that site's cached chrome (its columns and their rules' filters), so a
    detail page asks one placement query per other site instead of rebuilding its tree.
    """
    if gov_site is None or gov_site.status != SiteStatus.ONLINE:
        return False
    chrome = distribution_chrome(gov_site)
    if chrome.home is None:
        return False
    return (
        column_showing_on_site(resource, chrome.home, chrome.columns, chrome.rule_filters)
        is not None
    )


def canonical_url(request, resource, home=None, shown_by=None):
    """The detail URL on the owner site's host (canonical; rule: LIB-3).

    Only when the owner site shows the resource (else that URL answers 404): then the
    page of the site being read (``home``) is its own canonical URL (issue 8).
    ``shown_by``: a site known to show the resource (the one being read).
    """
    owner_shows = shown_by is not None and shown_by.pk == resource.owner_site_id
    if owner_shows or home is None or site_shows(resource.owner_site, resource):
        return _detail_url(request, resource.owner_site, resource)
    return _site_base_url(request, home) + content_path(resource.pk)


def _link_on_site(request, resource, home, columns=None, rule_filters=None):
    """A URL of ``resource`` that answers: this site's page if it shows it, else the
    owner site's, else another online site's that shows it; None if none does."""
    if column_showing_on_site(resource, home, columns, rule_filters) is not None:
        return content_path(resource.pk)
    if site_shows(resource.owner_site, resource):
        return _detail_url(request, resource.owner_site, resource)
    other = sites_showing(resource).filter(status=SiteStatus.ONLINE).order_by("pk").first()
    return _detail_url(request, other, resource) if other is not None else None


def resource_detail(request, home, resource_id):
    """``/content/<id>/``: a live resource this site shows, else the site's 404.

    Stable: the path depends on the resource id only, never on column slugs. The
    page sits in the first column of this site that shows the resource, whose tags
    it carries with the content tags (rule: META-2, META-3).
    """
    resource = (
        library.live_resources()
        .select_related("source_org", "owner_site")
        .filter(pk=resource_id)
        .first()
    )
    if resource is None:
        raise Http404(_("信息不存在或已撤销。"))
    # The site's live columns come from the cached chrome (one cache lookup).
    chrome = site_context(request, home).chrome
    columns, rules = chrome.columns, chrome.rule_filters
    column = column_showing_on_site(resource, home, columns, rules)
    if column is None:
        raise Http404(_("本网站未发布该信息。"))
    related = []
    if resource.resource_type == ResourceType.POLICY:
        # rule: INTERP-2 — the policy links to its published interpretations.
        interpretations = library.live_resources().filter(policy=resource).newest_first()
        related = [(i, _link_on_site(request, i, home, columns, rules)) for i in interpretations]
    elif resource.resource_type == ResourceType.INTERPRETATION and resource.policy_id:
        policy = library.live_resources().filter(pk=resource.policy_id).first()
        if policy is not None:
            related = [(policy, _link_on_site(request, policy, home, columns, rules))]
    context = {
        "page": column,
        "self": column,
        "request": request,
        "resource": resource,
        "meta_page_kind": metadata.ARTICLE,
        "crumb_title": resource.title,
        "canonical_url": canonical_url(request, resource, home, shown_by=chrome.gov_site),
        "related": related,
        "attachments": list(resource.attachments.select_related("document")),
        "guide_rows": guide_rows(resource),
        "superseded": resource.resource_type == ResourceType.POLICY
        and resource.validity != Validity.VALID,
    }
    return TemplateResponse(request, "portal/resource_page.html", context)


def guide_rows(resource):
    """``[(label, value)]`` of a service guide's elements that have a value (GUIDE-1)."""
    if resource.resource_type != ResourceType.SERVICE_GUIDE:
        return []
    names = [
        "guide_item_name",
        "guide_item_code",
        "guide_item_type",
        "guide_department",
        "guide_implementing_org",
        "guide_legal_basis",
        "guide_scope",
        "guide_conditions",
        "guide_materials",
        "guide_location",
        "guide_agency",
        "guide_fee_standard",
        "guide_hours",
        "guide_time_limit",
        "guide_phone",
        "guide_complaint_phone",
        "guide_process",
    ]
    rows = []
    for name in names:
        field = resource._meta.get_field(name)
        value = getattr(resource, name)
        if field.choices and value:
            value = getattr(resource, f"get_{name}_display")()
        if name == "guide_fee_standard" and not value and resource.guide_is_free:
            value = _("不收费")
        if value:
            rows.append((field.verbose_name, value))
    return rows


def _site_base_url(request, home):
    """The site's base URL from its registry record (never the Host header's spelling)."""
    gov_site = site_context(request, home).gov_site
    if gov_site is None:  # a page tree without a registry record (tests, previews)
        return host_url(request, request.get_host().rsplit(":", 1)[0].lower().rstrip("."))
    return site_base_url(request, gov_site)


def sitemap_xml(request, home):
    """The site's ``sitemap.xml``: its live columns and every resource it shows
    (``django.contrib.sitemaps``, see :mod:`jiyue.portal.sitemaps`)."""
    return sitemaps.serve(request, home, _site_base_url(request, home))


def robots_txt(request, home):
    """``robots.txt``: crawl everything but the admin; point to the sitemap."""
    base = _site_base_url(request, home)
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Allow: /",
        f"Sitemap: {base}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def feed_links(request, page):
    """``[(title, type, href)]`` of the feeds a page advertises in its ``<head>``."""
    site = site_context(request, page)
    if site.home is None:
        return []
    links = []
    if page is not None and issubclass(page.specific_class or type(None), ColumnPage):
        url = site.url_of(page) or ""
        links.append((_("%(title)s订阅") % {"title": page.title}, url + "feed/"))
    links.append((_("%(site)s订阅") % {"site": site.site_name}, site.home_url + "feed/"))
    return links

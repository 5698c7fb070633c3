"""Views of a site that are not pages of its tree: resource details, sitemap.xml,
robots.txt. HomePage's routes call these, so each answers per site host.
"""

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from jiyue.library import services as library
from jiyue.library.models import ResourceType, Validity
from jiyue.registry.services import serving_host

from . import metadata
from .services import column_showing_on_site, content_path, site_columns, site_resources
from .site_context import site_context


def host_url(request, host):
    """``scheme://host[:port]`` for ``host`` with the request's scheme and port."""
    port = request.get_port()
    netloc = host if port in ("80", "443") else f"{host}:{port}"
    return f"{request.scheme}://{netloc}"


def canonical_url(request, resource):
    """The detail URL on the owner site's host (canonical; rule: LIB-3)."""
    host = serving_host(resource.owner_site.primary_domain)
    return host_url(request, host) + content_path(resource.pk)


def _link_on_site(request, resource, home, columns=None):
    """This site's detail URL of ``resource`` if the site shows it, else its canonical URL."""
    if column_showing_on_site(resource, home, columns) is not None:
        return content_path(resource.pk)
    return canonical_url(request, resource)


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
    columns = site_context(request, home).chrome.columns
    column = column_showing_on_site(resource, home, columns)
    if column is None:
        raise Http404(_("本网站未发布该信息。"))
    related = []
    if resource.resource_type == ResourceType.POLICY:
        # rule: INTERP-2 — the policy links to its published interpretations.
        interpretations = library.live_resources().filter(policy=resource).newest_first()
        related = [(i, _link_on_site(request, i, home, columns)) for i in interpretations]
    elif resource.resource_type == ResourceType.INTERPRETATION and resource.policy_id:
        policy = library.live_resources().filter(pk=resource.policy_id).first()
        if policy is not None:
            related = [(policy, _link_on_site(request, policy, home, columns))]
    context = {
        "page": column,
        "self": column,
        "request": request,
        "resource": resource,
        "meta_page_kind": metadata.ARTICLE,
        "crumb_title": resource.title,
        "canonical_url": canonical_url(request, resource),
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


def sitemap_xml(request, home):
    """The site's ``sitemap.xml``: its live columns and every resource it shows.

    Two queries whatever the size (columns; resource ids and times), so a site with
    tens of thousands of items still answers quickly.
    """
    base = host_url(request, request.get_host().rsplit(":", 1)[0])
    root_url_path = home.url_path
    urls = [(base + "/", home.last_published_at)]
    for url_path, changed in (
        site_columns(home).order_by("path").values_list("url_path", "last_published_at")
    ):
        urls.append((base + "/" + url_path[len(root_url_path) :], changed))
    resources = site_resources(home).values_list("pk", "last_published_at")
    urls += [(base + content_path(pk), changed) for pk, changed in resources.iterator()]
    body = render_to_string("portal/sitemap.xml", {"urls": urls})
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


def robots_txt(request, home):
    """``robots.txt``: crawl everything but the admin; point to the sitemap."""
    base = host_url(request, request.get_host().rsplit(":", 1)[0])
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
    from .models import ColumnPage

    links = []
    if page is not None and issubclass(page.specific_class or type(None), ColumnPage):
        url = site.url_of(page) or ""
        links.append((_("%(title)s订阅") % {"title": page.title}, url + "feed/"))
    links.append((_("%(site)s订阅") % {"site": site.site_name}, site.home_url + "feed/"))
    return links

"""Template tags of the public pages: metadata, header, breadcrumbs, footer, times.

All values are escaped by Django; nothing here marks user data safe except through
``format_html``, which escapes each argument.
"""

from django import template
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from wagtail.models import Page

from .. import metadata
from ..site_context import site_context
from ..views import feed_links

register = template.Library()


def _request_and_page(context):
    request = context.get("request")
    page = context.get("page")
    if page is not None and not isinstance(page, Page):
        page = None
    return request, page


@register.simple_tag(takes_context=True)
def jiyue_meta_tags(context):
    """The standard ``<meta name content>`` tags of this page (rule: META-1…META-3).

    A view that is not a page of the tree (网站地图, error pages) sets
    ``meta_page_kind`` to ``"site"`` in its context to emit the site tags only.
    """
    request, page = _request_and_page(context)
    site = site_context(request, page)
    kind = context.get("meta_page_kind") or None
    tags = metadata.page_meta_tags(
        site.gov_site, page, kind=kind, request=request, resource=context.get("resource")
    )
    return format_html_join("\n", '<meta name="{}" content="{}">', tags)


@register.simple_tag(takes_context=True)
def jiyue_feed_links(context):
    """``<link rel="alternate">`` to the RSS feeds of this column and of the site."""
    request, page = _request_and_page(context)
    if request is None:
        return ""
    return format_html_join(
        "\n",
        '<link rel="alternate" type="application/rss+xml" title="{}" href="{}">',
        feed_links(request, page),
    )


@register.simple_tag(takes_context=True)
def jiyue_site(context):
    """The :class:`~jiyue.portal.site_context.SiteContext` of this request."""
    request, page = _request_and_page(context)
    return site_context(request, page)


@register.filter
def pubtime(value):
    """A publish time as ``YYYY-MM-DD HH:MM``, Beijing time (rule: META-7, DESIGN-3)."""
    return metadata.format_pubdate(value)


@register.inclusion_tag("portal/includes/header.html", takes_context=True)
def site_header(context):
    """头部标识区: the site name, prominent, and the first-level columns (rule: NAME-2)."""
    request, page = _request_and_page(context)
    site = site_context(request, page)
    on_site_page = bool(context.get("site_page_title"))
    nav = []
    for column in site.nav_columns:
        current = ""
        if page is not None and not on_site_page:
            if page.pk == column.pk:
                current = "page"
            elif page.path.startswith(column.path):
                current = "true"
        nav.append((column, current))
    is_home = site.home is not None and page is not None and page.pk == site.home.pk
    return {
        "request": request,
        "site": site,
        "nav": nav,
        "home_is_current": is_home and not on_site_page,
    }


@register.inclusion_tag("portal/includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    """当前位置: home → columns → this page."""
    request, page = _request_and_page(context)
    site = site_context(request, page)
    crumbs = []
    if page is not None and site.home is not None:
        ancestors = Page.objects.ancestor_of(page, inclusive=True).filter(
            depth__gte=site.home.depth
        )
        for ancestor in ancestors:
            title = _("首页") if ancestor.pk == site.home.pk else ancestor.title
            crumbs.append((title, ancestor.get_url(request)))
    extra = context.get("site_page_title") or context.get("crumb_title")
    if extra:
        crumbs.append((extra, request.path if request is not None else ""))
    return {"crumbs": crumbs}


@register.inclusion_tag("portal/includes/footer.html", takes_context=True)
def site_footer(context):
    """底部功能区: organizer, operator, contacts, codes, filings, mark (rule: FOOTER-2…5)."""
    request, page = _request_and_page(context)
    return {"request": request, "site": site_context(request, page)}

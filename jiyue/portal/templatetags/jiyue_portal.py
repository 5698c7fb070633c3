"""Template tags of the public pages: metadata, header, breadcrumbs, footer, times.

All values are escaped by Django; nothing here marks user data safe except through
``format_html``, which escapes each argument.
"""

from django import template
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail.models import Page

from .. import metadata
from ..services import latest_by_column
from ..site_context import site_context
from ..views import feed_links

register = template.Library()


def _request_and_page(context):
    request = context.get("request")
    page = context.get("page")
    if page is not None and not isinstance(page, Page):
        page = None
    return request, page


# 星期一 … 星期日, whatever language is active (the date format's "l" follows it).
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


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


def _fragment(site, key, template_name, make_context):
    """A piece of the site chrome rendered once per chrome and ``key``, then reused.

    The header and footer depend only on the site's chrome (and, for the header, on
    which navigation entry is current), so every page of a site shares them until the
    chrome version changes (see :mod:`jiyue.portal.site_context`).
    """
    key = (translation.get_language(), *key)
    html = site.chrome.fragments.get(key)
    if html is None:
        html = render_to_string(template_name, make_context())
        site.chrome.fragments[key] = html
    return html


ROW_TEMPLATE = "portal/includes/resource_row.html"
# Rendered list rows of this process: {(language, time zone, row values): html}.
_rows = {}
# Far above the rows a process shows between restarts; reaching it starts afresh.
MAX_CACHED_ROWS = 50_000


@register.simple_tag
def resource_rows(items):
    """The ``<li>`` of each list item (``portal/includes/resource_row.html``).

    A row is a pure function of the values it shows (:attr:`ListItem.row_key`:
    id, title, type, validity, publish time), the language and the time zone, so
    it is rendered once per process for those values and reused by every list of
    every site showing that resource: a changed title or time is a new key, and
    nothing needs invalidating. Items without ``row_key`` are rendered each time.
    """
    template = get_template(ROW_TEMPLATE)
    prefix = (translation.get_language(), timezone.get_current_timezone_name())
    html = []
    for item in items:
        row_key = getattr(item, "row_key", None)
        key = (*prefix, row_key) if row_key is not None else None
        row = _rows.get(key) if key is not None else None
        if row is None:
            row = template.render({"item": item})
            if key is not None:
                if len(_rows) >= MAX_CACHED_ROWS:
                    _rows.clear()
                _rows[key] = row
        html.append(row)
    # Each row was rendered by the template engine, which escaped its values.
    return mark_safe("".join(html))


@register.simple_tag(takes_context=True)
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
    home_is_current = is_home and not on_site_page
    # Today's date in Beijing time (settings.TIME_ZONE) is in the key: the header
    # fragment is rendered again on the first request of a new day.
    today = timezone.localdate()
    key = ("header", today, home_is_current, tuple(current for _column, current in nav))
    return _fragment(
        site,
        key,
        "portal/includes/header.html",
        lambda: {
            "request": request,
            "site": site,
            "nav": nav,
            "home_is_current": home_is_current,
            "today": today,
            "weekday": WEEKDAYS[today.weekday()],
        },
    )


@register.inclusion_tag("portal/includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    """当前位置: home → columns → this page (from the cached chrome when it has them)."""
    request, page = _request_and_page(context)
    site = site_context(request, page)
    crumbs = []
    if page is not None and site.home is not None:
        chain = site.chrome.ancestors_of(page)
        if chain is None:
            chain = Page.objects.ancestor_of(page, inclusive=True).filter(
                depth__gte=site.home.depth
            )
        for ancestor in chain:
            if ancestor.pk == site.home.pk:
                crumbs.append((_("首页"), site.home_url))
            else:
                url = getattr(ancestor, "chrome_url", None) or ancestor.get_url(request)
                crumbs.append((ancestor.title, url))
    extra = context.get("site_page_title") or context.get("crumb_title")
    if extra:
        crumbs.append((extra, request.path if request is not None else ""))
    return {"crumbs": crumbs}


@register.simple_tag(takes_context=True)
def subcolumns(context, page):
    """The live, public sub-columns of ``page`` on this site, in the editors' order."""
    request, _page = _request_and_page(context)
    return site_context(request, page).chrome.children_of(page)


@register.simple_tag(takes_context=True)
def home_columns(context, home):
    """``[(column, newest items)]`` of the home page's boxes (first-level columns)."""
    request, _page = _request_and_page(context)
    chrome = site_context(request, home).chrome
    columns = chrome.top_columns()
    return latest_by_column(columns, home.HOME_ITEMS_PER_COLUMN, chrome.rule_filters)


@register.simple_tag(takes_context=True)
def column_url(context, column):
    """A column's URL on this host: the chrome's, else Wagtail's ``pageurl``."""
    url = getattr(column, "chrome_url", None)
    if url is None:
        url = column.get_url(context.get("request"))
    return url or ""


@register.simple_tag(takes_context=True)
def site_footer(context):
    """底部功能区: organizer, operator, contacts, codes, filings, mark (rule: FOOTER-2…5)."""
    request, page = _request_and_page(context)
    site = site_context(request, page)
    return _fragment(
        site, ("footer",), "portal/includes/footer.html", lambda: {"request": request, "site": site}
    )

"""Standard page metadata (网页标签) of every public page, and its validator.

STANDARDS.md section 1: every page carries the site tags (网站标签); the home page and
column pages add their column tags (栏目标签); content pages add their column's tags
and the content tags (内容页面标签) (rule: META-2, META-3). Templates never write these
tags by hand: :func:`page_meta_tags` builds them from the registry record, the column
and the library resource shown, so they cannot drift from the data (rule: META-4,
META-5). A content page is a resource's ``/content/<id>/`` page: it carries the tags
of the first column of the site that shows the resource.

``ColumnType`` is emitted as the Chinese category name of the national specification
(首页, 工作动态 …), not Jiyue's constant name: the 《政府网站发展指引》 defines the values
as those names and inspection crawlers compare them verbatim (rule: META-6).
"""

import re
from html.parser import HTMLParser

from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.rich_text import expand_db_html

from jiyue.standards.formats import PUB_DATE_FORMAT, format_pub_date

from .models import ColumnPage, ColumnType, HomePage
from .services import absolute_url

# rule: META-7 — the publish time is Beijing time, whatever TIME_ZONE a deployment sets.
PUBDATE_FORMAT = PUB_DATE_FORMAT
PUBDATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")

# Page kinds (rule: META-3 placement).
HOME = "home"
COLUMN = "column"
ARTICLE = "article"
SITE = "site"  # other pages of a site (网站地图, 关于本网, 网站声明): site tags only
PAGE_KINDS = (HOME, COLUMN, ARTICLE, SITE)

# rule: META-2 — the tag names, in the order the specification lists them.
SITE_TAGS = ("SiteName", "SiteDomain", "SiteIDCode")
COLUMN_TAGS = ("ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType")
ARTICLE_REQUIRED_TAGS = ("ArticleTitle", "PubDate", "ContentSource")
ARTICLE_OPTIONAL_TAGS = ("Keywords", "Author", "Description", "Image", "Url")

# rule: META-3 — which 必选 tags each kind of page must carry.
REQUIRED_TAGS = {
    SITE: SITE_TAGS,
    HOME: SITE_TAGS + COLUMN_TAGS,
    COLUMN: SITE_TAGS + COLUMN_TAGS,
    ARTICLE: SITE_TAGS + COLUMN_TAGS + ARTICLE_REQUIRED_TAGS,
}
ALL_TAGS = SITE_TAGS + COLUMN_TAGS + ARTICLE_REQUIRED_TAGS + ARTICLE_OPTIONAL_TAGS
COLUMN_TYPE_LABELS = frozenset(str(label) for label in ColumnType.labels)

DESCRIPTION_LENGTH = 120


# ``YYYY-MM-DD HH:MM`` in Beijing time (rule: META-7, DESIGN-3): the one formatter the
# library's API and admin use too.
format_pubdate = format_pub_date


def page_kind(page):
    """The META-3 kind of a Wagtail page (``None`` for pages that are not ours)."""
    if page is None:
        return None
    specific_class = page.specific_class
    if specific_class is None:
        return None
    if issubclass(specific_class, HomePage):
        return HOME
    if issubclass(specific_class, ColumnPage):
        return COLUMN
    return None


def site_tags(gov_site):
    """The 网站标签, read from the registry record so they always equal it (rule: META-4).

    ``SiteDomain`` is the registered ``.gov.cn`` domain, not the host name this
    installation happens to answer on (``fgw.localhost`` in development).
    """
    return [
        ("SiteName", gov_site.name),
        ("SiteDomain", gov_site.primary_domain),
        ("SiteIDCode", gov_site.site_id_code or ""),
    ]


def column_tags(column, gov_site):
    """The 栏目标签 of a column page or of the home page (ColumnType 首页).

    The home page's description and keywords are optional fields; when an editor leaves
    them empty they fall back to the site's introduction and name so the 必选 tags are
    never empty (rule: META-4). Column pages require them in the form.
    """
    column = column.specific
    if isinstance(column, HomePage):
        description = (
            column.column_description or column.intro or _("%(site)s首页") % {"site": gov_site.name}
        )
        keywords = column.column_keywords or "，".join(
            dict.fromkeys([gov_site.name, gov_site.organization.name])
        )
        return [
            ("ColumnName", ColumnType.HOME.label),
            ("ColumnDescription", _one_line(description)),
            ("ColumnKeywords", keywords),
            ("ColumnType", str(ColumnType.HOME.label)),
        ]
    return [
        ("ColumnName", column.title),
        ("ColumnDescription", _one_line(column.description)),
        ("ColumnKeywords", column.keywords),
        ("ColumnType", str(ColumnType(column.column_type).label)),
    ]


def article_tags(resource, gov_site, request=None):
    """The 内容页面标签 of a resource's page; optional tags only when they have a value."""
    description = resource.summary or Truncator(strip_tags(resource.body or "")).chars(
        DESCRIPTION_LENGTH
    )
    tags = [
        ("ArticleTitle", resource.title),
        ("PubDate", format_pubdate(resource.pub_date or resource.first_published_at)),
        # rule: PUB-4 — the source organization (for reposts, the original source).
        ("ContentSource", resource.content_source),
        ("Keywords", resource.keywords),
        ("Author", resource.author),
        ("Description", _one_line(description)),
        ("Image", _image_url(resource, request, gov_site)),
        ("Url", _absolute_url(resource, request, gov_site)),
    ]
    return [(name, value) for name, value in tags if value or name in ARTICLE_REQUIRED_TAGS]


def page_meta_tags(gov_site, page=None, kind=None, request=None, resource=None):
    """The ordered ``[(name, content)]`` tags of one page (rule: META-2, META-3).

    ``kind`` defaults to the page's own kind; views of a site that are not pages of
    the tree (网站地图, 关于本网, 网站声明, error pages) pass :data:`SITE`. A
    resource's page passes :data:`ARTICLE`, the ``resource`` and, as ``page``, the
    column of this site that shows it.
    """
    if gov_site is None:
        return []
    kind = kind or page_kind(page) or SITE
    tags = site_tags(gov_site)
    if kind in (HOME, COLUMN) and page is not None:
        tags += column_tags(page, gov_site)
    elif kind == ARTICLE and resource is not None:
        if page is not None:
            tags += column_tags(page, gov_site)
        tags += article_tags(resource, gov_site, request)
    return tags


def _one_line(text):
    return " ".join((text or "").split())


def _absolute_url(resource, request, gov_site=None):
    """This site's URL of the resource's page (``/content/<id>/``).

    Built on the registry's host name, never the request's spelling (issue 6).
    """
    if resource.pk is None:
        return ""
    url = f"/content/{resource.pk}/"
    return absolute_url(request, gov_site, url) if request is not None else url


def _image_url(resource, request, gov_site=None):
    """The resource's image, else the first image of its body (META-2 ``Image``)."""
    if resource.image_id:
        url = resource.image.get_rendition("max-800x800").url
        if request is not None and url.startswith("/"):
            return absolute_url(request, gov_site, url)
        return url
    return _first_image_url(resource, request, gov_site)


def _first_image_url(resource, request, gov_site=None):
    """The first image of the body, rendered (rule: META-2 ``Image``, optional)."""
    body = resource.body or ""
    if "<img" not in body and 'embedtype="image"' not in body:
        return ""
    html = expand_db_html(body)
    finder = _ImageFinder()
    finder.feed(html)
    if not finder.src:
        return ""
    if request is not None and finder.src.startswith("/"):
        return absolute_url(request, gov_site, finder.src)
    return finder.src


class _ImageFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.src = ""

    def handle_starttag(self, tag, attrs):
        if tag == "img" and not self.src:
            self.src = dict(attrs).get("src") or ""


# --- Validator (rule: META-5) --------------------------------------------------------


class _HeadMetaParser(HTMLParser):
    """Collects ``<meta name content>`` tags, noting whether each sits in ``<head>``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_head = False
        self.seen_body = False
        self.tags = []  # [(name, content or None, in_head)]

    def handle_starttag(self, tag, attrs):
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
            self.seen_body = True
        elif tag == "meta":
            attrs = dict(attrs)
            if attrs.get("name"):
                self.tags.append((attrs["name"], attrs.get("content"), self.in_head))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def parse_meta_tags(html):
    """``{name: [content, ...]}`` of the ``<meta name>`` tags inside ``<head>``."""
    parser = _HeadMetaParser()
    parser.feed(html)
    parser.close()
    found = {}
    for name, content, in_head in parser.tags:
        if in_head:
            found.setdefault(name, []).append(content)
    return found


def check_page_metadata(html, page_kind, gov_site=None):
    """Problems with a page's standard metadata, as Chinese messages naming the rule.

    Flags a 必选 tag that is missing, empty, repeated or outside ``<head>``, a
    ``PubDate`` not in ``YYYY-MM-DD HH:MM``, a ``ColumnType`` outside the national
    enumeration and — given the registry record — site tags that differ from it
    (rule: META-1, META-4, META-5, META-6, META-7). An empty list means the page passes.
    """
    if page_kind not in REQUIRED_TAGS:
        raise ValueError(f"Unknown page kind {page_kind!r}; expected one of {PAGE_KINDS}")
    if isinstance(html, bytes):
        html = html.decode("utf-8")
    parser = _HeadMetaParser()
    parser.feed(html)
    parser.close()
    in_head, outside = {}, set()
    for name, content, head in parser.tags:
        if head:
            in_head.setdefault(name, []).append(content)
        elif name in ALL_TAGS:
            outside.add(name)

    problems = []
    for name in sorted(outside):
        problems.append(_("META-1：标签 %(name)s 必须写在 <head> 中。") % {"name": name})
    for name in REQUIRED_TAGS[page_kind]:
        values = in_head.get(name)
        if not values:
            problems.append(_("META-4：缺少必选标签 %(name)s。") % {"name": name})
        elif len(values) > 1:
            problems.append(
                _("META-2：标签 %(name)s 重复出现 %(n)d 次。") % {"name": name, "n": len(values)}
            )
        elif not (values[0] or "").strip():
            problems.append(_("META-4：必选标签 %(name)s 的内容为空。") % {"name": name})
    for name in ARTICLE_OPTIONAL_TAGS:
        if len(in_head.get(name, [])) > 1:
            problems.append(_("META-2：标签 %(name)s 重复出现。") % {"name": name})

    pubdate = _single(in_head, "PubDate")
    if pubdate and not PUBDATE_PATTERN.match(pubdate):
        problems.append(
            _("META-7：PubDate“%(value)s”格式应为 YYYY-MM-DD HH:MM。") % {"value": pubdate}
        )
    column_type = _single(in_head, "ColumnType")
    if column_type and column_type not in COLUMN_TYPE_LABELS:
        problems.append(
            _("META-6：ColumnType“%(value)s”不在栏目类别枚举中。") % {"value": column_type}
        )
    if gov_site is not None:
        for name, expected in site_tags(gov_site):
            actual = _single(in_head, name)
            if actual and actual != expected:
                problems.append(
                    _("META-4：网站标签 %(name)s 为“%(actual)s”，与登记信息“%(expected)s”不一致。")
                    % {"name": name, "actual": actual, "expected": expected}
                )
    return problems


def _single(found, name):
    values = found.get(name) or []
    return (values[0] or "").strip() if len(values) == 1 else ""

"""A site's ``sitemap.xml`` (网站地图, for crawlers) from ``django.contrib.sitemaps``.

One :class:`SiteSitemap` per site: its home page, live columns and every resource it
shows, with absolute URLs on the site's registry base URL
(:func:`jiyue.portal.services.site_base_url`, never the Host header). Past the
protocol's 50,000 URLs per file (``Sitemap.limit``), ``/sitemap.xml`` becomes a sitemap
index (网站地图索引) listing ``/sitemap.xml?p=1`` … ``?p=N``; Django's ``sitemap`` view
serves each of those pages. The page cache stores only ``/sitemap.xml`` itself
(requests with a query string are never cached), which is what its purge lists name.
"""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.template.response import TemplateResponse
from django.utils.functional import cached_property

from .services import content_path, site_columns, site_resources

CONTENT_TYPE = "application/xml; charset=utf-8"
PAGE_PARAMETER = "p"  # Django's sitemap view reads the page number from ?p=


class SiteSitemap(Sitemap):
    """Every public URL of one site: ``(path, last published)`` pairs.

    Two queries whatever the size (columns; resource ids and times), once per
    request: ``Sitemap.paginator`` calls :meth:`items` on every access.
    """

    def __init__(self, home, base_url):
        self.home = home
        self.base_url = base_url
        parts = urlsplit(base_url)
        self.protocol = parts.scheme
        self.domain = parts.netloc

    def items(self):
        return self._site_urls

    @cached_property
    def _site_urls(self):
        root_url_path = self.home.url_path
        urls = [("/", self.home.last_published_at)]
        columns = site_columns(self.home).order_by("path")
        urls += [
            ("/" + url_path[len(root_url_path) :], changed)
            for url_path, changed in columns.values_list("url_path", "last_published_at")
        ]
        resources = site_resources(self.home).values_list("pk", "last_published_at")
        urls += [(content_path(pk), changed) for pk, changed in resources.iterator()]
        return urls

    def location(self, item):
        return item[0]

    def lastmod(self, item):
        return item[1]

    def get_domain(self, site=None):
        """The registry's host (and server port), never the request's Host header."""
        return self.domain


@x_robots_tag
def _index(request, sitemap):
    """Django's ``sitemap_index.xml`` listing the site's sitemap pages.

    Not Django's ``index`` view: it takes the domain from the Host header
    (``get_current_site``) and reverses one global URL name, while each site's sitemap
    is a route of its own home page on its own host.
    """
    location = f"{sitemap.base_url}/sitemap.xml?{PAGE_PARAMETER}="
    items = [SitemapIndexItem(f"{location}{number}") for number in sitemap.paginator.page_range]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": items}, content_type=CONTENT_TYPE
    )


def serve(request, home, base_url):
    """``/sitemap.xml``: the URL set, or the index once the site outgrows one file."""
    sitemap = SiteSitemap(home, base_url)
    if PAGE_PARAMETER not in request.GET and sitemap.paginator.num_pages > 1:
        return _index(request, sitemap)
    return sitemap_view(request, {"site": sitemap}, content_type=CONTENT_TYPE)

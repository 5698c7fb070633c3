"""RSS 2.0 and Atom feeds of a column and of a whole site (Django's syndication).

Items are the library resources the column (or site) shows, newest first; each links
to ``/content/<id>/`` on the site being read (rule: LIB-3). All text goes through the
feed generator, which escapes it.
"""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .services import SITE_FEED_ITEMS, absolute_url, content_path, site_resources
from .site_context import site_context

DESCRIPTION_LENGTH = 200


class _ResourceFeed(Feed):
    """A feed bound to one column or home page (``scope``) of the requested site."""

    def __init__(self, scope):
        super().__init__()
        self.scope = scope

    def __call__(self, request, *args, **kwargs):
        self.request = request
        self.site = site_context(request, self.scope)
        return super().__call__(request, *args, **kwargs)

    def _absolute(self, path):
        # The registry's host, not the request's spelling: feeds are cached (issue 6).
        return absolute_url(self.request, self.site.gov_site, path)

    def items(self):
        raise NotImplementedError

    def description(self):
        return self.title()

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        text = item.summary or strip_tags(item.body or "")
        return Truncator(" ".join(text.split())).chars(DESCRIPTION_LENGTH)

    def item_link(self, item):
        return self._absolute(content_path(item.pk))

    def item_guid(self, item):
        return self.item_link(item)

    item_guid_is_permalink = True

    def item_pubdate(self, item):
        return item.pub_date or item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at or self.item_pubdate(item)

    def item_author_name(self, item):
        return item.source_org.name

    def item_categories(self, item):
        return [item.get_resource_type_display()]


class ColumnRssFeed(_ResourceFeed):
    """``<column>/feed/``: the column's latest resources (same list as the page)."""

    def title(self):
        return _("%(column)s - %(site)s") % {
            "column": self.scope.title,
            "site": self.site.site_name,
        }

    def link(self):
        return self._absolute(self.scope.get_url(self.request) or "/")

    def feed_url(self):
        return self._absolute(self.request.path)

    def items(self):
        return self.scope.latest_resources(SITE_FEED_ITEMS)


class ColumnAtomFeed(ColumnRssFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()


class SiteRssFeed(_ResourceFeed):
    """``/feed/``: the latest resources shown anywhere on the site."""

    def title(self):
        return self.site.site_name

    def link(self):
        return self._absolute("/")

    def feed_url(self):
        return self._absolute(self.request.path)

    def items(self):
        return site_resources(self.scope).select_related("source_org")[:SITE_FEED_ITEMS]


class SiteAtomFeed(SiteRssFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()

"""What every public page of a site shows around its content: header, navigation, footer.

The site's identity comes from its registry record (GovSite), never from the Wagtail
``Site`` alone, so the header name, the footer and the page metadata always equal the
registry (rule: META-4, IDCODE-2, NAME-2).

The site chrome (网站框架: registry record, home page, live columns with their URLs
and the filters of their subscription rules, footer and header settings, links to
other sites) is the same on every
page of a site and changes only when an editor changes the site, so it is built once
per site and kept in each process (:class:`SiteChrome`), valid while the
platform-wide chrome version (:data:`CHROME_VERSION_KEY` in the default cache, shared
by every process in production) is unchanged. :mod:`jiyue.portal.signals` calls
:func:`chrome_changed` on every save that alters what the chrome shows (site record,
organization, Wagtail site, footer settings, subscription rule, theme, page view
restriction, any page saved, published, unpublished, moved or deleted): the version
is bumped when the transaction commits, so a renamed site shows its new name on the
next request, and until then the changing transaction reads the chrome from the
database, so a rolled-back change leaves nothing cached. A request then reads
the chrome with one cache lookup instead of about ten queries. Code that changes
these rows without sending the model signals (``QuerySet.update``, raw SQL) must call
:func:`chrome_changed`, as it must purge the page cache.
"""

import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction

from jiyue.registry import services as registry
from jiyue.registry.services import gov_site_for_request

from . import identity
from .distribution import rule_filters_of_columns
from .models import ColumnPage, FooterSettings, HeaderSettings, HomePage

ICP_LOOKUP_URL = "https://beian.miit.gov.cn/"
PSB_LOOKUP_URL = "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode="
CHROME_VERSION_KEY = "jiyue:portal:chrome-version"


@dataclass
class SiteChrome:
    """One site's chrome as seen from one host name: shared by the requests of a process.

    ``columns`` are every live, public column of the site in tree order, each with
    ``chrome_url`` set (the URL on this host). Read-only once built.
    """

    gov_site: object = None
    home: HomePage | None = None
    footer: FooterSettings | None = None
    # Header identity (colour, logo or text mark) and the top bar's links to other sites.
    header: HeaderSettings | None = None
    links: identity.SiteLinks = field(default_factory=identity.SiteLinks)
    columns: list = field(default_factory=list)
    home_url: str = "/"
    # Whether the home page has no view restriction (on itself or an ancestor).
    home_public: bool = False
    # {column id: [rule filter]} of the columns' active subscription rules.
    rule_filters: dict = field(default_factory=dict)
    # Rendered header and footer (see jiyue_portal.site_header / site_footer).
    fragments: dict = field(default_factory=dict)

    @property
    def nav_columns(self):
        """First-level columns shown in the navigation, in the editors' order."""
        if self.home is None:
            return []
        depth = self.home.depth + 1
        return [c for c in self.columns if c.depth == depth and c.show_in_menus]

    def top_columns(self):
        """First-level columns, in the editors' order (the home page's boxes)."""
        if self.home is None:
            return []
        depth = self.home.depth + 1
        return [c for c in self.columns if c.depth == depth]

    def has_column(self, page):
        """Whether ``page`` is one of the chrome's live, public columns."""
        return any(c.pk == page.pk for c in self.columns)

    def children_of(self, page):
        """Live public child columns of ``page`` (a column or the home page)."""
        return [
            c for c in self.columns if c.depth == page.depth + 1 and c.path.startswith(page.path)
        ]

    def ancestors_of(self, page):
        """``[home, column, …, page]`` of a page of this site, or None if one is missing.

        None when the page or one of its ancestors is not a live public column of the
        chrome (a draft shown in preview); the caller then asks the database.
        """
        if self.home is None or not page.path.startswith(self.home.path):
            return None
        by_path = {c.path: c for c in self.columns}
        chain = [self.home]
        steplen = len(self.home.path) // self.home.depth
        for end in range(len(self.home.path) + steplen, len(page.path) + 1, steplen):
            column = by_path.get(page.path[:end])
            if column is None:
                return None
            chain.append(column)
        return chain


_building = threading.local()


def build_chrome(gov_site, request=None):
    """Read one site's chrome from the database (a handful of queries).

    Wagtail's ``for_site`` creates a site's footer or header settings row with its
    defaults the first time it is asked for; that creation changes nothing the chrome
    shows (every process reads the same defaults), so it must not bump the chrome
    version: on a platform whose sites had no such rows yet (after the migration that
    added the header settings) each first build would otherwise throw away the chrome
    of every site in every process, over and over while a worker renders 100 sites.
    """
    _building.active = getattr(_building, "active", 0) + 1
    try:
        return _build_chrome(gov_site, request)
    finally:
        _building.active -= 1


def _build_chrome(gov_site, request=None):
    chrome = SiteChrome(gov_site=gov_site)
    wagtail_site = getattr(gov_site, "wagtail_site", None) if gov_site else None
    if wagtail_site is None:
        return chrome
    root = HomePage.objects.filter(pk=wagtail_site.root_page_id).first()
    if root is not None:
        chrome.home = root
        chrome.home_url = root.get_url(request) or "/"
        chrome.home_public = HomePage.objects.filter(pk=root.pk).public().exists()
        chrome.columns = list(
            ColumnPage.objects.descendant_of(root).live().public().order_by("path")
        )
        for column in chrome.columns:
            column.chrome_url = column.get_url(request)
        chrome.rule_filters = rule_filters_of_columns([c.pk for c in chrome.columns])
    chrome.footer = FooterSettings.for_site(wagtail_site)
    chrome.header = identity.header_settings(wagtail_site)
    chrome.links = identity.site_links(gov_site, request)
    return chrome


def chrome_version():
    """The current platform-wide chrome version (set on first use)."""
    version = cache.get(CHROME_VERSION_KEY)
    if version is None:
        # A fresh number, never one of before a cache flush.
        cache.add(CHROME_VERSION_KEY, time.time_ns(), None)
        version = cache.get(CHROME_VERSION_KEY)
    return version


def bump_chrome_version():
    """Every process rebuilds its chrome on its next request (any site)."""
    try:
        cache.incr(CHROME_VERSION_KEY)
    except ValueError:
        cache.set(CHROME_VERSION_KEY, time.time_ns(), None)


_DIRTY = "_jiyue_chrome_dirty"


def chrome_changed():
    """Something the chrome shows changed in the current transaction.

    Until it commits, this connection reads the chrome from the database (it sees its
    own uncommitted change; other processes must not, and a rollback must leave no
    trace in any cache); the commit bumps the version for every process.
    """
    if getattr(_building, "active", 0):  # a settings row created with its defaults
        return
    connection = transaction.get_connection()
    setattr(connection, _DIRTY, True)

    def committed():
        setattr(connection, _DIRTY, False)
        bump_chrome_version()

    transaction.on_commit(committed)  # at once outside a transaction


def _changed_in_this_transaction():
    connection = transaction.get_connection()
    if not getattr(connection, _DIRTY, False):
        return False
    if connection.in_atomic_block:
        return True
    setattr(connection, _DIRTY, False)  # the transaction ended (committed or rolled back)
    return False


class _ChromeStore:
    """This process's chromes of the current version: ``{(site id, host): SiteChrome}``."""

    def __init__(self):
        self.lock = threading.Lock()
        self.version = None
        self.chromes = {}


_store = _ChromeStore()


# Far above sites × host names of a real platform; reaching it empties the store.
MAX_CACHED_CHROMES = 4096


def cached_chrome(gov_site_id, host, request=None):
    """The chrome of the site ``gov_site_id`` seen from ``host``: one cache lookup."""
    if _changed_in_this_transaction():
        return build_chrome(_gov_site(gov_site_id), request)
    version = chrome_version()
    # One entry per site and host spelling that differs only in what URLs need
    # (the port): a Host header in capitals or with a trailing dot must not add
    # entries, and the store is bounded whatever clients send.
    key = (gov_site_id, host.lower().rstrip("."))
    with _store.lock:
        if _store.version != version or len(_store.chromes) >= MAX_CACHED_CHROMES:
            _store.chromes = {}
            _store.version = version
        chrome = _store.chromes.get(key)
    if chrome is None:
        chrome = build_chrome(_gov_site(gov_site_id), request)
        with _store.lock:
            if _store.version == version:
                _store.chromes[key] = chrome
    return chrome


def distribution_chrome(gov_site):
    """``gov_site``'s chrome for questions of distribution only (which live, public
    columns it has and their rules' filters), e.g. "does the owner site show this
    resource?" asked while another site's page renders.

    Kept under its own key (an empty host), built without a request: its URLs are
    never rendered, so it cannot leak another host's URLs into a page.
    """
    return cached_chrome(gov_site.pk, "")


def _gov_site(gov_site_id):
    return (
        registry.gov_sites()
        .select_related("organization", "wagtail_site")
        .filter(pk=gov_site_id)
        .first()
    )


@dataclass
class SiteContext:
    request: object = None
    chrome: SiteChrome = field(default_factory=SiteChrome)

    @property
    def gov_site(self):
        return self.chrome.gov_site

    @property
    def home(self):
        return self.chrome.home

    @property
    def footer(self):
        return self.chrome.footer

    @property
    def nav_columns(self):
        return self.chrome.nav_columns

    @property
    def header(self):
        return self.chrome.header

    @property
    def theme_class(self):
        """The body class of the site's primary colour (see HeaderSettings)."""
        return self.chrome.header.theme_class if self.chrome.header else ""

    @property
    def site_name(self):
        return self.gov_site.name if self.gov_site else ""

    @property
    def home_url(self):
        return self.chrome.home_url if self.home else "/"

    def url_of(self, page):
        """A page's URL on this host, from the chrome when it holds the page."""
        if self.home is not None and page.pk == self.home.pk:
            return self.home_url
        for column in self.chrome.columns:
            if column.pk == page.pk:
                return column.chrome_url
        return page.get_url(self.request)

    def site_page_url(self, name):
        return self.home_url + self.home.reverse_subpage(name) if self.home else ""

    @property
    def sitemap_url(self):
        return self.site_page_url("sitemap")

    @property
    def about_url(self):
        return self.site_page_url("about")

    @property
    def statement_url(self):
        return self.site_page_url("statement")

    @property
    def psb_url(self):
        """Public-security filing lookup for the site (rule: FOOTER-2)."""
        code = self.gov_site.psb_record_code if self.gov_site else ""
        return PSB_LOOKUP_URL + quote(code, safe="") if code else ""

    icp_url = ICP_LOOKUP_URL


def gov_site_for(request, page=None):
    """The registry record of the site being shown.

    Normally found from the request's host name; an admin preview is served on the
    platform host, so fall back to the Wagtail site the page belongs to.
    """
    gov_site = gov_site_for_request(request) if request is not None else None
    if gov_site is None and page is not None and page.url_path:
        site = page.get_site()
        try:
            gov_site = site.gov_site if site is not None else None
        except ObjectDoesNotExist:
            gov_site = None
    return gov_site


def site_context(request, page=None):
    """The :class:`SiteContext` of a request, computed once per request.

    A request that reached an online site's host (``request.gov_site_id``, set by the
    registry's middleware) gets the process's cached chrome; anything else (admin
    previews on the platform host, dummy requests) builds it from the database.
    """
    cached = getattr(request, "_jiyue_site_context", None) if request is not None else None
    if cached is not None:
        return cached
    gov_site_id = getattr(request, "gov_site_id", None) if request is not None else None
    if gov_site_id is not None and not getattr(request, "is_dummy", False):
        chrome = cached_chrome(gov_site_id, request.get_host(), request)
    else:
        chrome = build_chrome(gov_site_for(request, page), request)
    context = SiteContext(request=request, chrome=chrome)
    if request is not None:
        request._jiyue_site_context = context
    return context

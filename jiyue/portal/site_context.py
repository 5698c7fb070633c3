"""What every public page of a site shows around its content: header, navigation, footer.

The site's identity comes from its registry record (GovSite), never from the Wagtail
``Site`` alone, so the header name, the footer and the page metadata always equal the
registry (rule: META-4, IDCODE-2, NAME-2).
"""

from dataclasses import dataclass, field
from urllib.parse import quote

from django.core.exceptions import ObjectDoesNotExist

from jiyue.registry.services import gov_site_for_request

from .models import FooterSettings, HomePage

ICP_LOOKUP_URL = "https://beian.miit.gov.cn/"
PSB_LOOKUP_URL = "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode="


@dataclass
class SiteContext:
    request: object = None
    gov_site: object = None
    home: HomePage | None = None
    footer: FooterSettings | None = None
    nav_columns: list = field(default_factory=list)

    @property
    def site_name(self):
        return self.gov_site.name if self.gov_site else ""

    @property
    def home_url(self):
        return (self.home.get_url(self.request) or "/") if self.home else "/"

    def site_page_url(self, name):
        return self.home.site_page_url(name, self.request) if self.home else ""

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
    """The :class:`SiteContext` of a request, computed once per request."""
    cached = getattr(request, "_jiyue_site_context", None) if request is not None else None
    if cached is not None:
        return cached
    gov_site = gov_site_for(request, page)
    context = SiteContext(request=request, gov_site=gov_site)
    wagtail_site = getattr(gov_site, "wagtail_site", None) if gov_site else None
    if wagtail_site is not None:
        root = HomePage.objects.filter(pk=wagtail_site.root_page_id).first()
        if root is not None:
            context.home = root
            context.nav_columns = list(root.columns().filter(show_in_menus=True))
        context.footer = FooterSettings.for_site(wagtail_site)
    if request is not None:
        request._jiyue_site_context = context
    return context

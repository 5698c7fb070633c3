"""Walking every public page of a demo site and checking its metadata and footer."""

from django.test import Client
from wagtail.models import Page

from jiyue.demo import city
from jiyue.portal import metadata
from jiyue.portal.models import ColumnPage
from jiyue.portal.services import content_path, site_resources
from jiyue.registry.services import serving_host

DEMO_DOMAINS = [spec.primary_domain for spec in city.SITES]
SITE_PAGES = ("sitemap/", "about/", "statement/")


def client_for(gov_site):
    return Client(HTTP_HOST=serving_host(gov_site.primary_domain))


def site_urls(gov_site):
    """``[(url, kind)]`` of every public page of a site: the page tree, every page of
    every paginated column, the footer's pages and the ``/content/<id>/`` page of
    every resource the site shows (the union of its column lists)."""
    home = gov_site.wagtail_site.root_page
    urls = []
    for page in Page.objects.descendant_of(home, inclusive=True).live().public().specific():
        url = page.get_url_parts()[2]
        kind = metadata.page_kind(page)
        urls.append((url, kind))
        if isinstance(page, ColumnPage):
            count = page.latest_resources().count()
            pages = max(1, -(-count // page.PAGE_SIZE))
            urls += [(f"{url}?page={n}", kind) for n in range(2, pages + 1)]
    urls += [(f"/{path}", metadata.SITE) for path in SITE_PAGES]
    pks = site_resources(home).values_list("pk", flat=True)
    urls += [(content_path(pk), metadata.ARTICLE) for pk in pks]
    return urls


def footer_problems(html, gov_site):
    """What the footer lacks (rule: FOOTER-2, FOOTER-3, FOOTER-4)."""
    from .html_helpers import region

    text, links = region(html, "footer")
    problems = []
    expected = [
        "主办单位",
        gov_site.organization.name,
        "网站标识码",
        gov_site.site_id_code,
        gov_site.icp_no,
        gov_site.psb_no,
        "党政机关网站标识",
        gov_site.dzjg_mark,
        gov_site.primary_domain,
        "网站地图",
        "关于本网",
        "网站声明",
        "地址",
        "联系电话",
        "邮编",
        "电子邮箱",
    ]
    if gov_site.operator_name:
        expected += ["承办单位", gov_site.operator_name]
    for value in expected:
        if value not in text:
            problems.append(f"footer lacks {value!r}")
    psb = f"http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={gov_site.psb_record_code}"
    for href in ("https://beian.miit.gov.cn/", psb, "/sitemap/", "/about/", "/statement/"):
        if href not in links:
            problems.append(f"footer lacks the link {href}")
    return problems

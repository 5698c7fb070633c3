"""Library content on the demo sites: detail pages, feeds, sitemap.xml, robots.txt and
the page-cache URL list (rule: LIB-1, LIB-3, PUB-5, INTERP-2, META-2).

The demo is loaded once for this module from ../shared/data (``demo_with_data``).
"""

import math
import xml.etree.ElementTree as ET
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from jiyue.demo.loader import PUSHED_NOTICE_TITLE
from jiyue.library import services as library
from jiyue.library.models import Resource, Validity
from jiyue.portal import metadata
from jiyue.portal import services as portal
from jiyue.portal.models import ColumnPage
from jiyue.portal.services import (
    column_showing_on_site,
    content_path,
    site_resources,
    urls_for_resource,
    urls_for_site,
)
from jiyue.portal.sitemaps import SiteSitemap
from jiyue.registry.models import GovSite
from jiyue.registry.services import serving_host

from .html_helpers import list_items, region
from .walk import client_for, footer_problems

pytestmark = pytest.mark.usefixtures("demo_with_data")

RSS_ITEM_LINKS = "./channel/item/link"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def host(gov_site):
    return serving_host(gov_site.primary_domain)


def showing(resource):
    return list(portal.sites_showing(resource).order_by("pk"))


def rss_links(response):
    return [e.text for e in ET.fromstring(response.content).findall(RSS_ITEM_LINKS)]


def sitemap_locs(response):
    return [e.text for e in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]


@pytest.fixture
def pushed_notice(db):
    return Resource.objects.get(title=PUSHED_NOTICE_TITLE)


def test_a_pushed_notice_is_shown_on_the_portal_and_every_district(pushed_notice, demo_sites):
    """rule: LIB-3 — one resource, many sites; never copied."""
    names = {s.primary_domain for s in showing(pushed_notice)}
    assert names == {"www.beijing.gov.cn", "www.bjhd.gov.cn", "www.bjchy.gov.cn"}
    assert Resource.objects.filter(title=PUSHED_NOTICE_TITLE).count() == 1
    for gov_site in demo_sites:
        response = client_for(gov_site).get(content_path(pushed_notice.pk))
        expected = 200 if gov_site.primary_domain in names else 404
        assert response.status_code == expected, gov_site.name


def test_resource_page_is_canonical_to_its_owner_site(db):
    """rule: LIB-3 — a city policy on a district site points to the city's page."""
    bjhd = GovSite.objects.get(primary_domain="www.bjhd.gov.cn")
    upper = ColumnPage.objects.descendant_of(bjhd.wagtail_site.root_page).get(slug="sjwj")
    policy = upper.latest_resources().exclude(owner_site=bjhd).first()
    assert policy is not None, "上级文件 shows city policies by subscription"
    html = client_for(bjhd).get(content_path(policy.pk)).content.decode()
    owner = host(policy.owner_site)
    assert f'<link rel="canonical" href="http://{owner}{content_path(policy.pk)}">' in html
    tags = metadata.parse_meta_tags(html)
    # Site tags of this site, column tags of this site's column (rule: META-2, META-3).
    assert tags["SiteName"] == [bjhd.name]
    assert tags["ColumnName"] == ["上级文件"]
    assert tags["ContentSource"] == [policy.source_org.name]
    assert tags["Url"] == [f"http://{host(bjhd)}{content_path(policy.pk)}"]
    assert metadata.check_page_metadata(html, "article", bjhd) == []
    # The owner's own page is canonical to itself, with the port of the request.
    owner_client = client_for(policy.owner_site)
    html = owner_client.get(content_path(policy.pk), SERVER_PORT="8000").content.decode()
    assert f'href="http://{owner}:8000{content_path(policy.pk)}"' in html


def test_policy_page_shows_document_fields_and_a_repealed_banner_on_every_site(db):
    """rule: PUB-5 — 已废止 is marked on every site that shows the document."""
    repealed = Resource.objects.live().get(validity=Validity.REPEALED)
    sites = showing(repealed)
    assert len(sites) >= 3  # the portal and both districts' 上级文件
    for gov_site in sites:
        html = client_for(gov_site).get(content_path(repealed.pk)).content.decode()
        main_text, _links = region(html, "main")
        assert "本文件已废止" in main_text, gov_site.name
        for label in ("索引号", "主题分类", "发文机关", "成文日期", "文号", "发布日期", "有效性"):
            assert label in main_text
        assert repealed.index_no and repealed.index_no in main_text
        assert repealed.issuing_organ in main_text
    valid = Resource.objects.live().filter(resource_type="policy", validity=Validity.VALID).first()
    html = client_for(valid.owner_site).get(content_path(valid.pk)).content.decode()
    assert "本文件" not in region(html, "main")[0].split("有效性")[0]
    assert 'class="validity-banner"' not in html


def test_policy_and_interpretation_link_to_each_other(db):
    """rule: INTERP-1, INTERP-2 — published together, each page links to the other."""
    interpretation = Resource.objects.live().filter(resource_type="interpretation").first()
    policy = interpretation.policy
    assert policy.live and policy.needs_interpretation
    assert interpretation.index_no and policy.index_no
    client = client_for(interpretation.owner_site)
    policy_html = client.get(content_path(policy.pk)).content.decode()
    related = policy_html.split('class="related-list"', 1)[1].split("</ul>", 1)[0]
    assert f'href="{content_path(interpretation.pk)}"' in related
    interpretation_html = client.get(content_path(interpretation.pk)).content.decode()
    related = interpretation_html.split('class="related-list"', 1)[1].split("</ul>", 1)[0]
    assert f'href="{content_path(policy.pk)}"' in related
    assert "解读的政策文件" in interpretation_html


def test_service_guide_shows_its_elements(db):
    """rule: GUIDE-1 — the key elements are on the guide's page."""
    guide = Resource.objects.live().filter(resource_type="service_guide").first()
    html = client_for(guide.owner_site).get(content_path(guide.pk)).content.decode()
    text, _links = region(html, "main")
    for label in ("事项名称", "办理材料", "办理地点", "收费标准", "办理时间", "联系电话"):
        assert label in text
    assert "不收费" in text


def test_resource_not_shown_on_a_site_is_a_404_there(demo_sites):
    """rule: LIB-3 — ids are global, but a site serves only what it shows."""
    fgw, jw = demo_sites[1], demo_sites[2]
    resource = site_resources(fgw.wagtail_site.root_page).filter(owner_site=fgw).first()
    assert column_showing_on_site(resource, jw.wagtail_site.root_page) is None
    assert client_for(fgw).get(content_path(resource.pk)).status_code == 200
    response = client_for(jw).get(content_path(resource.pk))
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面未找到" in html
    assert metadata.check_page_metadata(html, "site", jw) == []
    assert footer_problems(html, jw) == []
    assert client_for(jw).get("/content/999999999/").status_code == 404


def test_unpublished_resource_is_gone_from_every_site_list_feed_and_sitemap(pushed_notice):
    """rule: LIB-3 — unpublishing removes it everywhere at once; nothing leaks."""
    sites = showing(pushed_notice)
    path = content_path(pushed_notice.pk)
    pages = ("/", "/zwdt/", "/zwdt/tzgg/")
    for gov_site in sites:
        client = client_for(gov_site)
        assert client.get(path).status_code == 200
        assert path in [i["href"] for i in list_items(client.get("/zwdt/tzgg/").content.decode())]
        assert f"http://{host(gov_site)}{path}" in rss_links(client.get("/feed/"))
    before = urls_for_resource(pushed_notice)

    library.unpublish(pushed_notice, user=get_user_model().objects.get(username="admin"))
    for gov_site in sites:
        client = client_for(gov_site)
        assert client.get(path).status_code == 404, gov_site.name
        for page in pages:
            html = client.get(page).content.decode()
            assert path not in html and PUSHED_NOTICE_TITLE not in html, (gov_site.name, page)
        for feed in ("/feed/", "/feed/atom/", "/zwdt/tzgg/feed/", "/zwdt/tzgg/feed/atom/"):
            xml = client.get(feed).content.decode()
            assert PUSHED_NOTICE_TITLE not in xml and path not in xml, feed
        assert f"http://{host(gov_site)}{path}" not in sitemap_locs(client.get("/sitemap.xml"))
    # The page cache can still find every page to purge after the unpublish.
    assert urls_for_resource(pushed_notice) == before


def test_column_feeds_parse_and_list_the_column(demo_sites):
    """RSS 2.0 and Atom per column: the column's list, linking to this site's pages."""
    portal = demo_sites[0]
    client = client_for(portal)
    column = ColumnPage.objects.descendant_of(portal.wagtail_site.root_page).get(slug="zcwj")
    expected = [f"http://{host(portal)}{content_path(r.pk)}" for r in column.latest_resources(50)]
    response = client.get("/zcwj/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    assert rss_links(response) == expected
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == f"{column.title} - {portal.name}"
    atom = client.get("/zcwj/feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(atom.content)
    links = [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]
    assert links == expected
    # The column page advertises its feed and the site's (rule: head links).
    html = client.get("/zcwj/").content.decode()
    head = html.split("</head>", 1)[0]
    assert 'type="application/rss+xml"' in head and 'href="/zcwj/feed/"' in head
    assert 'href="/feed/"' in head


def test_site_feed_has_the_latest_fifty_resources_of_the_site(demo_sites):
    for gov_site in (demo_sites[0], demo_sites[4]):
        client = client_for(gov_site)
        home = gov_site.wagtail_site.root_page
        expected = [
            f"http://{host(gov_site)}{content_path(pk)}"
            for pk in site_resources(home).values_list("pk", flat=True)[:50]
        ]
        assert len(expected) == 50
        assert rss_links(client.get("/feed/")) == expected
        root = ET.fromstring(client.get("/feed/atom/").content)
        assert len(root.findall(f"{ATOM}entry")) == 50


def test_sitemap_lists_live_columns_and_every_resource_of_the_site(
    demo_sites, django_assert_max_num_queries
):
    """sitemap.xml per site: columns and every ``/content/<id>/``; few queries."""
    bjchy = demo_sites[5]
    home = bjchy.wagtail_site.root_page
    base = f"http://{host(bjchy)}"
    client = client_for(bjchy)
    client.get("/")  # warm the host and site caches
    with django_assert_max_num_queries(60):
        response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    locs = sitemap_locs(response)
    columns = ColumnPage.objects.descendant_of(home).live()
    expected = {base + "/"} | {base + c.get_url_parts()[2] for c in columns}
    expected |= {
        base + content_path(pk) for pk in site_resources(home).values_list("pk", flat=True)
    }
    assert set(locs) == expected
    assert len(locs) == len(expected)


def test_sitemap_becomes_an_index_past_the_per_file_limit(demo_sites):
    """Past ``Sitemap.limit`` URLs (50,000 by the protocol; 7 here) ``/sitemap.xml``
    is a sitemap index of ``?p=N`` pages that together list the same URLs."""
    bjchy = demo_sites[5]
    client = client_for(bjchy)
    whole = sitemap_locs(client.get("/sitemap.xml"))
    assert len(whole) > 7
    with mock.patch.object(SiteSitemap, "limit", 7):
        # A forged port must not reach the index either (PLATFORM-7).
        index = Client(HTTP_HOST=serving_host(bjchy.primary_domain) + ":6666").get("/sitemap.xml")
        assert index.status_code == 200
        root = ET.fromstring(index.content)
        assert root.tag == f"{SITEMAP}sitemapindex"
        pages = [e.text for e in root.iter(f"{SITEMAP}loc")]
        base = f"http://{host(bjchy)}/sitemap.xml?p="
        assert pages == [f"{base}{n}" for n in range(1, math.ceil(len(whole) / 7) + 1)]
        listed = []
        for page in pages:
            response = client.get(page.removeprefix(f"http://{host(bjchy)}"))
            assert response.status_code == 200
            locs = sitemap_locs(response)
            assert 0 < len(locs) <= 7
            listed += locs
        assert client.get("/sitemap.xml?p=999").status_code == 404
        assert client.get("/sitemap.xml?p=x").status_code == 404
    assert sorted(listed) == sorted(whole)


def test_robots_txt_points_to_the_site_sitemap(demo_sites):
    bjhd = demo_sites[4]
    response = client_for(bjhd).get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Allow: /" in lines and "Disallow: /admin/" in lines
    assert f"Sitemap: http://{host(bjhd)}/sitemap.xml" in lines


def test_urls_for_resource_lists_every_page_that_shows_it(
    pushed_notice, django_assert_max_num_queries
):
    """The page cache's purge list (helper for jiyue.frontcache): few queries."""
    with django_assert_max_num_queries(12):
        urls = urls_for_resource(pushed_notice)
    path = content_path(pushed_notice.pk)
    for gov_site in showing(pushed_notice):
        h = host(gov_site)
        for expected in ("/", "/zwdt/", "/zwdt/tzgg/", "/zwdt/tzgg/feed/", "/zwdt/tzgg/feed/atom/"):
            assert (h, expected) in urls, (h, expected)
        for expected in (path, "/feed/", "/feed/atom/", "/sitemap.xml"):
            assert (h, expected) in urls
    hosts = {h for h, _path in urls}
    assert hosts == {host(s) for s in showing(pushed_notice)}
    assert len(urls) == len(set(urls))
    portal = GovSite.objects.get(primary_domain="www.beijing.gov.cn")
    assert urls_for_site(portal) == [host(portal)]

"""Every public page of the demo city, built from ../shared/data as ``make run`` does.

The demo is loaded once for this module (see ``conftest.demo_with_data``); each test
runs in its own savepoint.
"""

import re

import pytest
from wagtail.models import Page

from jiyue.library import services as library
from jiyue.library.models import Resource
from jiyue.portal import metadata
from jiyue.portal import services as portal
from jiyue.portal.models import ColumnPage, FooterSettings, HomePage
from jiyue.portal.services import column_showing_on_site, content_path
from jiyue.portal.site_context import chrome_changed

from .html_helpers import list_items, region
from .walk import client_for, footer_problems, site_urls

pytestmark = pytest.mark.usefixtures("demo_with_data")

PUBDATE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def walk_and_check(gov_site):
    """GET every public page of ``gov_site``; return the problems found, by URL.

    Checks, on every page: HTTP 200, all required meta tags of its kind non-empty,
    PubDate format, site tags equal to the registry (rule: META-3, META-4, META-5,
    META-7); the footer's contents (rule: FOOTER-2 … FOOTER-4); the site name in the
    header (rule: NAME-2); and on list pages a publish time on every item (DESIGN-3).
    """
    client = client_for(gov_site)
    problems = []
    urls = site_urls(gov_site)
    for url, kind in urls:
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url}: HTTP {response.status_code}")
            continue
        html = response.content.decode()
        problems += [f"{url}: {p}" for p in metadata.check_page_metadata(html, kind, gov_site)]
        problems += [f"{url}: {p}" for p in footer_problems(html, gov_site)]
        header_text, _links = region(html, "header")
        if gov_site.name not in header_text:
            problems.append(f"{url}: site name not in the header")
        if kind in (metadata.HOME, metadata.COLUMN):
            items = list_items(html)
            if not items:
                problems.append(f"{url}: an empty list (rule: DESIGN-4)")
            for item in items:
                if not PUBDATE.match((item["time"] or "").strip()):
                    problems.append(f"{url}: list item {item['title']!r} has no publish time")
    return urls, problems


def test_every_page_of_every_demo_site_has_complete_metadata_and_footer(demo_sites):
    """rule: META-4, META-5 — the walk over all demo pages finds no missing tag."""
    total = 0
    for gov_site in demo_sites:
        urls, problems = walk_and_check(gov_site)
        assert problems == [], f"{gov_site.name}:\n" + "\n".join(problems[:30])
        kinds = {kind for _url, kind in urls}
        assert kinds == {"home", "column", "article", "site"}
        total += len(urls)
    assert total > 300


def test_shared_data_fills_the_policy_columns(demo_with_data, demo_sites):
    """The demo shows real government documents when ../shared/data is there."""
    assert demo_with_data.shared_data
    portal = demo_sites[0]
    reports = ColumnPage.objects.descendant_of(portal.wagtail_site.root_page).get(slug="zfgzbg")
    titles = list(reports.latest_resources().values_list("title", flat=True))
    assert len(titles) == 5
    assert all(t.endswith("年国务院政府工作报告") for t in titles)
    # Other governments' documents are reposts in 外省市政策, never the portal's own
    # 政策文件 (issue 8 item 13; tests/portal/test_demo_truth.py).
    reposts = ColumnPage.objects.descendant_of(portal.wagtail_site.root_page).get(slug="wsszc")
    assert reposts.latest_resources().count() > ColumnPage.PAGE_SIZE
    # Full-text policies keep their 文号 and issuing organ (rule: PUB-4).
    policies = Resource.objects.live().filter(resource_type="policy")
    assert policies.exclude(doc_no="").exists()
    assert not policies.filter(issuing_organ="").exists()


def test_column_pages_are_paginated_newest_first(demo_sites, monkeypatch):
    """rule: DESIGN-3, META-7 — newest first, every item dated, across all pages."""
    monkeypatch.setattr(ColumnPage, "PAGE_SIZE", 7)
    portal = demo_sites[0]
    client = client_for(portal)
    column = ColumnPage.objects.descendant_of(portal.wagtail_site.root_page).get(slug="wsszc")
    url = column.get_url_parts()[2]  # /zcwj/wsszc/
    expected = list(column.latest_resources())
    assert len(expected) > 14
    pages = -(-len(expected) // 7)
    seen = []
    for number in range(1, pages + 1):
        # Page 1 has one spelling, the column's own URL (issue 6).
        html = client.get(url if number == 1 else f"{url}?page={number}")
        items = list_items(html.content.decode())
        assert 0 < len(items) <= 7
        assert f"第 {number} 页，共 {pages} 页" in html.content.decode()
        seen += items
    assert [i["href"] for i in seen] == [content_path(r.pk) for r in expected]
    times = [i["time"] for i in seen]
    assert all(PUBDATE.match(t) for t in times)
    assert times == sorted(times, reverse=True)
    assert times == [metadata.format_pubdate(a.pub_date) for a in expected]
    # Out-of-range page numbers fall back to the last page; malformed ones redirect
    # to the first (one spelling per page, issue 6).
    last = list_items(client.get(f"{url}?page=999").content.decode())
    assert [i["href"] for i in last] == [i["href"] for i in seen[(pages - 1) * 7 :]]
    assert client.get(f"{url}?page=abc")["Location"] == url
    first = list_items(client.get(f"{url}?page=abc", follow=True).content.decode())
    assert [i["href"] for i in first] == [i["href"] for i in seen[:7]]


def test_home_page_lists_the_latest_items_of_each_first_level_column(demo_sites):
    for gov_site in demo_sites:
        home = gov_site.wagtail_site.root_page.specific
        html = client_for(gov_site).get("/").content.decode()
        for column in home.columns():
            latest = [content_path(r.pk) for r in column.latest_resources(6)]
            assert latest, f"{column.title} is empty (rule: DESIGN-4)"
            section = html.split(f'id="column-{column.pk}"', 1)[1].split("</section>", 1)[0]
            assert [i["href"] for i in list_items(section)] == latest


def test_navigation_and_breadcrumbs_of_a_resource_page(demo_sites):
    """rule: FOOTER-1 头部标识区 — first-level columns in the nav, the current one marked."""
    fgw = demo_sites[1]
    home = fgw.wagtail_site.root_page
    column = ColumnPage.objects.descendant_of(home).get(slug="gzdt")
    resource = column.latest_resources().first()
    html = client_for(fgw).get(content_path(resource.pk)).content.decode()
    _nav_text, nav_links = region(html, "nav")
    first_level = list(ColumnPage.objects.child_of(home).live())
    assert nav_links == ["/"] + [c.get_url_parts()[2] for c in first_level]
    top = column.get_parent()
    assert f'<a href="{top.get_url_parts()[2]}" aria-current="true">' in html
    crumbs_html = html.split('aria-label="当前位置"', 1)[1].split("</nav>", 1)[0]
    # The page sits in the first column (tree order) of this site that shows it.
    shown_in = column_showing_on_site(resource, home)
    for ancestor in shown_in.get_ancestors(inclusive=True).filter(depth__gt=home.depth):
        assert ancestor.title in crumbs_html
    assert f'<span aria-current="page">{resource.title}</span>' in crumbs_html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<html lang="zh-Hans">' in html


def test_resource_page_shows_title_time_source_author_body_and_column(demo_sites):
    """rule: DESIGN-3 — content pages show their publish time; PUB-4 their source."""
    fgw = demo_sites[1]
    home = fgw.wagtail_site.root_page
    column = ColumnPage.objects.descendant_of(home).get(slug="gzdt")
    resource = column.latest_resources().exclude(author="").first()
    html = client_for(fgw).get(content_path(resource.pk)).content.decode()
    main_text, _ = region(html, "main")
    assert f"发布时间：{metadata.format_pubdate(resource.pub_date)}" in main_text
    assert f"来源：{resource.source_org.name}" in main_text
    assert f"作者：{resource.author}" in main_text
    assert f"所属栏目：{column_showing_on_site(resource, home).title}" in main_text
    tags = metadata.parse_meta_tags(html)
    assert tags["Author"] == [resource.author]
    assert tags["ContentSource"] == [resource.source_org.name]
    assert tags["PubDate"] == [metadata.format_pubdate(resource.pub_date)]
    assert tags["Url"] == [f"http://fgw.localhost{content_path(resource.pk)}"]


def test_site_tags_follow_the_registry_record_not_the_wagtail_site(demo_sites):
    """rule: META-4 — change the registry record and the page's tags change with it."""
    from jiyue.registry.models import GovSite

    jw = demo_sites[2]
    GovSite.objects.filter(pk=jw.pk).update(
        name="北京市教育委员会门户网站", site_id_code="1100000099"
    )
    # update() sends no signal: like the page cache, the cached site chrome must be told.
    chrome_changed()
    html = client_for(jw).get("/").content.decode()
    tags = metadata.parse_meta_tags(html)
    assert tags["SiteName"] == ["北京市教育委员会门户网站"]
    assert tags["SiteIDCode"] == ["1100000099"]
    assert tags["SiteDomain"] == ["jw.beijing.gov.cn"]  # the registered domain, not the host
    assert "1100000099" in region(html, "footer")[0]


def _publish(gov_site, column, **fields):
    """A resource of ``gov_site``'s organization, published and placed in ``column``."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin")
    fields.setdefault("resource_type", "news")
    resource = library.create_draft(
        user=admin, source_org=gov_site.organization, owner_site=gov_site, **fields
    )
    library.publish_now(resource, user=admin)
    portal.place(resource, column, admin)
    return resource


def test_script_in_a_title_is_escaped_everywhere(demo_sites):
    """Security: user data is escaped in the lists, the detail page, meta tags, feeds."""
    wjw = demo_sites[3]
    column = ColumnPage.objects.descendant_of(wjw.wagtail_site.root_page).get(slug="zwdt")
    title = '<script>alert("x")</script>关于"健康"的通知'
    resource = _publish(
        wjw, column, title=title, author='作者"><img src=x onerror=alert(1)>', body="<p>正文</p>"
    )
    client = client_for(wjw)
    detail = content_path(resource.pk)
    for url in ("/", "/zwdt/", detail):
        html = client.get(url).content.decode()
        assert "<script>" not in html, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, url
        assert "<img src=x" not in html, url
    for url in ("/zwdt/feed/", "/zwdt/feed/atom/", "/feed/"):
        xml = client.get(url).content.decode()
        assert "<script>" not in xml, url
        assert "&lt;script&gt;" in xml, url
    html = client.get(detail).content.decode()
    assert metadata.check_page_metadata(html, "article", wjw) == []
    assert metadata.parse_meta_tags(html)["ArticleTitle"] == [title]


def test_footer_pages_exist_with_site_tags_only(demo_sites):
    """rule: FOOTER-4 — 网站地图、关于本网、网站声明; rule: META-3 — site tags only."""
    bjhd = demo_sites[4]
    home = bjhd.wagtail_site.root_page.specific
    client = client_for(bjhd)
    footer = FooterSettings.for_site(bjhd.wagtail_site)

    html = client.get("/sitemap/").content.decode()
    main_text, main_links = region(html, "main")
    assert "网站地图" in main_text
    for column in ColumnPage.objects.descendant_of(home).live():
        assert column.get_url_parts()[2] in main_links
    assert "ColumnName" not in metadata.parse_meta_tags(html)

    footer.about_text = "<p>海淀区政府网站简介（测试）</p>"
    footer.statement_text = "<p>海淀区网站声明（测试）</p>"
    footer.save()
    assert "海淀区政府网站简介（测试）" in region(client.get("/about/").content.decode(), "main")[0]
    statement = client.get("/statement/").content.decode()
    assert "海淀区网站声明（测试）" in region(statement, "main")[0]
    assert metadata.check_page_metadata(statement, "site", bjhd) == []
    assert '<span aria-current="page">网站声明</span>' in statement


def test_about_page_has_a_default_text_when_the_setting_is_empty(demo_sites):
    bjchy = demo_sites[5]
    footer = FooterSettings.for_site(bjchy.wagtail_site)
    footer.about_text = ""
    footer.save()
    text = region(client_for(bjchy).get("/about/").content.decode(), "main")[0]
    assert f"{bjchy.name}是{bjchy.organization.name}在互联网上发布政务信息" in text


def test_footer_omits_what_is_not_set(demo_sites):
    """rule: FOOTER-4 — 承办单位 only where one exists; empty contacts are left out."""
    from jiyue.registry.models import GovSite

    fgw = demo_sites[1]
    assert fgw.operator_name == ""
    FooterSettings.objects.filter(site=fgw.wagtail_site).update(email="")
    GovSite.objects.filter(pk=fgw.pk).update(operator_name="")
    chrome_changed()  # update() sends no signal
    text, _links = region(client_for(fgw).get("/").content.decode(), "footer")
    assert "承办单位" not in text
    assert "电子邮箱" not in text
    assert "主办单位" in text


def test_dzjg_mark_reveals_its_details_without_any_script(demo_sites):
    """rule: FOOTER-3 — a click shows organisation, site name, domain and mark number."""
    portal = demo_sites[0]
    html = client_for(portal).get("/").content.decode()
    details = html.split('<details class="dzjg">', 1)[1].split("</details>", 1)[0]
    assert "<summary>" in details
    for value in (
        portal.organization.name,
        portal.name,
        portal.primary_domain,
        portal.dzjg_mark,
    ):
        assert value in details
    assert "<script" not in html


def test_unknown_path_on_a_site_is_a_404_with_the_site_around_it(demo_sites):
    fgw = demo_sites[1]
    response = client_for(fgw).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面未找到" in html
    assert metadata.check_page_metadata(html, "site", fgw) == []
    assert footer_problems(html, fgw) == []


def test_first_level_column_may_not_take_a_footer_page_slug(demo_sites):
    """A column called "about" would hide 关于本网; the admin form refuses it."""
    from django.contrib.auth import get_user_model

    portal = demo_sites[0]
    home = Page.objects.get(pk=portal.wagtail_site.root_page_id).specific
    assert isinstance(home, HomePage)
    form_class = ColumnPage.get_edit_handler().get_form_class()
    data = {
        "title": "关于",
        "slug": "about",
        "column_type": "OTHER",
        "description": "d",
        "keywords": "k",
        "inspection_class": "other",
    }
    admin = get_user_model().objects.get(username="admin")
    form = form_class(data=data, instance=ColumnPage(), parent_page=home, for_user=admin)
    assert not form.is_valid()
    assert "网站地图、关于本网、网站声明" in form.errors["slug"][0]
    column = ColumnPage.objects.child_of(home).first()
    form = form_class(data=data, instance=ColumnPage(), parent_page=column, for_user=admin)
    form.is_valid()
    assert "slug" not in form.errors
    # "content" and "feed" serve resource pages and feeds (rule: LIB-3).
    for slug, parent in (("content", home), ("feed", home), ("feed", column)):
        data["slug"] = slug
        form = form_class(data=data, instance=ColumnPage(), parent_page=parent, for_user=admin)
        assert not form.is_valid()
        assert "slug" in form.errors, (slug, parent)


def test_optional_content_tags_appear_only_with_a_value(demo_sites, settings, tmp_path):
    """rule: META-2 — Keywords, Author, Description, Image, Url are optional tags."""
    from io import BytesIO

    import PIL.Image
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    settings.MEDIA_ROOT = str(tmp_path)
    buffer = BytesIO()
    PIL.Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    image = get_image_model().objects.create(
        title="示意图", file=ImageFile(buffer, name="chart.png")
    )
    bjchy = demo_sites[5]
    column = ColumnPage.objects.descendant_of(bjchy.wagtail_site.root_page).get(slug="gzdt")
    with_image = _publish(
        bjchy,
        column,
        title="有图片的文章",
        keywords="朝阳，图片",
        summary="",
        body=(
            "<p>图片如下。</p>"
            f'<embed embedtype="image" id="{image.pk}" format="fullwidth" alt="示意图"/>'
        ),
    )
    plain = _publish(bjchy, column, title="无图片的文章", body="<p>正文。</p>")
    client = client_for(bjchy)

    tags = metadata.parse_meta_tags(client.get(content_path(with_image.pk)).content.decode())
    assert tags["Keywords"] == ["朝阳，图片"]
    assert tags["Description"] == ["图片如下。"]  # from the body when there is no summary
    assert tags["Image"][0].startswith("http://www.bjchy.localhost/")
    assert tags["Image"][0].endswith(".png")
    assert tags["Url"] == [f"http://www.bjchy.localhost{content_path(with_image.pk)}"]

    tags = metadata.parse_meta_tags(client.get(content_path(plain.pk)).content.decode())
    assert "Image" not in tags and "Keywords" not in tags and "Author" not in tags
    assert tags["Description"] == ["正文。"]

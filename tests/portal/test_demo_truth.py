"""A truthful demo (issue 8 item 13): real documents keep their issuer and original link,
each site's own columns hold its own items, detail pages show the policy metadata table,
and every site has its own header identity.

Built from ../shared/data as ``make run`` does (see ``conftest.demo_with_data``).
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from jiyue.demo import city, history
from jiyue.library.models import Resource
from jiyue.portal import metadata
from jiyue.portal.models import ColumnPage, HeaderColour, HeaderSettings
from jiyue.portal.services import content_path, site_resources

from .html_helpers import region
from .walk import client_for

pytestmark = pytest.mark.usefixtures("demo_with_data")

# Names of governments other than Beijing that the shared data holds documents of.
OTHER_GOVERNMENT = re.compile(
    r"^(上海|四川|广东|河南|云南|海南|山东|济南|青岛|中共海南|中共上海|国务院|中华人民共和国国务院"
    r"|国家|工业和信息化部|教育部|商务部|科学技术部|财政部|交通运输部|民政部|公安部|自然资源部"
    r"|生态环境部|农业农村部|住房和城乡建设部|人力资源和社会保障部|水利部|中国气象局|全国)"
)


def _column(gov_site, slug):
    return ColumnPage.objects.descendant_of(gov_site.wagtail_site.root_page).get(slug=slug)


def test_no_item_on_a_beijing_site_claims_beijing_as_source_of_another_governments_document(
    demo_sites,
):
    """rule: PUB-4 — a repost names its real issuer; the page's 来源 and ContentSource
    are that issuer, never the Beijing organization that reposted it."""
    checked = 0
    for gov_site in demo_sites:
        shown = Resource.objects.filter(pk__in=site_resources(gov_site.wagtail_site.root_page))
        for resource in shown.select_related("source_org"):
            issuer = resource.issuing_organ
            if issuer and not issuer.startswith("北京"):
                checked += 1
                assert resource.source_url or OTHER_GOVERNMENT.match(issuer), resource.title
                assert resource.content_source == issuer, resource.title
                assert not resource.content_source.startswith("北京"), resource.title
            if OTHER_GOVERNMENT.match(resource.title):
                assert not resource.content_source.startswith("北京"), (
                    f"{gov_site.name}: {resource.title} claims {resource.content_source}"
                )
    assert checked > 50


def test_own_policy_columns_list_only_the_sites_own_documents(demo_sites):
    """政策文件 holds the organization's documents; reposts sit in 上级文件 / 外省市政策."""
    for gov_site in demo_sites:
        own = _column(gov_site, "zcwj").latest_resources()
        assert own.exists()
        for resource in own:
            assert resource.content_source.startswith("北京"), (gov_site.name, resource.title)
            assert not resource.source_url
        others = _column(gov_site, "wsszc").latest_resources()
        assert others.exists()
        assert all(r.source_url and not r.issuing_organ.startswith("北京") for r in others)


def test_upper_documents_are_central_documents_and_district_ones_also_city_documents(
    demo_sites,
):
    portal, *_rest, haidian, _chaoyang = demo_sites
    upper = _column(portal, "sjwj").latest_resources()
    assert upper.exists()
    assert all(not r.content_source.startswith("北京") for r in upper)
    reports = _column(portal, "zfgzbg").latest_resources()
    assert all(r.content_source == "中华人民共和国国务院" and r.source_url for r in reports)
    district_upper = list(_column(haidian, "sjwj").latest_resources())
    sources = {r.content_source for r in district_upper}
    assert any(s.startswith("北京市") for s in sources)  # the city's own documents
    # Reposts are never shared on by a subscription rule as if they were the city's.
    assert not any(r.source_url and r.owner_site_id == portal.pk for r in district_upper)


def test_repost_page_shows_its_issuer_and_original_link(demo_sites):
    portal = demo_sites[0]
    resource = _column(portal, "wsszc").latest_resources().first()
    html = client_for(portal).get(content_path(resource.pk)).content.decode()
    main_text, links = region(html, "main")
    assert f"来源：{resource.issuing_organ}（转载）" in main_text
    assert "原文链接：" in main_text
    assert resource.source_url in links
    assert resource.source_url not in resource.body  # in its field, not the body text
    assert metadata.parse_meta_tags(html)["ContentSource"] == [resource.issuing_organ]


def test_policy_page_shows_the_metadata_table_and_the_summary_once(demo_sites):
    """The gov.cn table (索引号 … 有效性) above the body; the summary not repeated."""
    fgw = demo_sites[1]
    policy = _column(fgw, "zcwj").latest_resources().exclude(summary="").first()
    html = client_for(fgw).get(content_path(policy.pk)).content.decode()
    table = html.split('<table class="document-info">', 1)[1].split("</table>", 1)[0]
    for label in ("索引号", "主题分类", "发文机关", "成文日期", "文号", "发布日期", "有效性"):
        assert f'<th scope="row">{label}</th>' in table
    assert policy.index_no in table
    assert html.index('class="document-info"') < html.index('class="article-body"')
    main_text, _ = region(html, "main")
    assert main_text.count(policy.summary) <= 1
    assert 'class="article-summary"' not in html
    tags = metadata.parse_meta_tags(html)  # the summary stays the Description tag
    assert tags["Description"] == [policy.summary]


def test_builtin_news_page_does_not_repeat_its_first_paragraph(demo_sites):
    fgw = demo_sites[1]
    news = _column(fgw, "gzdt").latest_resources().first()
    assert news.summary
    html = client_for(fgw).get(content_path(news.pk)).content.decode()
    main_text, _ = region(html, "main")
    assert main_text.count(news.summary) == 1


def test_each_site_has_its_own_header_identity(demo_sites):
    """Colour (body theme class) and text mark from each site's HeaderSettings."""
    seen = set()
    for gov_site, spec in zip(demo_sites, city.SITES, strict=True):
        html = client_for(gov_site).get("/").content.decode()
        body = re.search(r'<body class="([^"]*)"', html).group(1)
        header_html = html.split('<header class="site-header">', 1)[1].split("</header>")[0]
        assert f"theme-{spec.colour}" in body.split()
        assert f'<span class="site-mark" aria-hidden="true">{spec.mark_text}</span>' in header_html
        assert gov_site.name in header_html
        seen.add((spec.colour, spec.mark_text))
    assert len(seen) == len(demo_sites)


def test_header_follows_a_change_of_the_site_settings(demo_sites):
    """The cached chrome is rebuilt when the header settings change (portal.signals)."""
    fgw = demo_sites[1]
    client = client_for(fgw)
    assert "theme-navy" in client.get("/").content.decode()
    settings = HeaderSettings.for_site(fgw.wagtail_site)
    settings.colour = HeaderColour.GREEN
    settings.mark_text = "改革"
    settings.save()
    html = client.get("/").content.decode()
    assert "theme-green" in html and "theme-navy" not in html
    assert '<span class="site-mark" aria-hidden="true">改革</span>' in html


def test_portal_header_has_the_date_and_links_to_departments_and_districts(demo_sites):
    portal, fgw, *_rest = demo_sites
    html = client_for(portal).get("/").content.decode()
    header_text, links = region(html, "header")
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 星期[一二三四五六日]", header_text)
    assert "部门网站" in header_text and "下级政府网站" in header_text
    for other in demo_sites[1:]:
        assert other.name in header_text
        assert any(other.wagtail_site.hostname in link for link in links)
    fgw_header, fgw_links = region(client_for(fgw).get("/").content.decode(), "header")
    assert portal.name in fgw_header
    assert any(portal.wagtail_site.hostname in link for link in fgw_links)


def test_history_is_hundreds_of_items_per_site_over_several_years():
    """At full scale (make run) each site has hundreds of own items over years."""
    now = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    for spec in city.SITES:
        items = history.site_history(spec, spec.organization, spec.key, now)
        assert len(items) >= 300
        years = {item.pub_date.year for item in items}
        assert len(years) >= 4
        assert all(item.pub_date.weekday() < 5 for item in items)
        assert all(history.DEMO_NOTE in item.paragraphs for item in items)
        assert all(item.pub_date < now for item in items)


def test_site_editor_edits_the_header_settings_of_their_own_site_only(demo_sites, client):
    portal, fgw, *_rest = demo_sites
    client.force_login(get_user_model().objects.get(username="editor-fgw"))
    own = client.get(
        reverse("wagtailsettings:edit", args=["portal", "headersettings", fgw.wagtail_site.pk])
    )
    assert own.status_code == 200
    assert 'name="colour"' in own.content.decode()
    other = client.get(
        reverse("wagtailsettings:edit", args=["portal", "headersettings", portal.wagtail_site.pk])
    )
    assert other.status_code in (302, 403)

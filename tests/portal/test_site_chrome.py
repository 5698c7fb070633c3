"""The cached site chrome (header, navigation, footer) and bounded queries per page.

Every public page reads its site's chrome from a per-process cache (see
``jiyue.portal.site_context``); these tests check that every editor change the chrome
shows reaches the next page at once (a stale header would be a bug), and that the
number of queries of an uncached page does not grow with the number of columns or
resources (the per-column N+1 of the home page and the platform-wide rule scan of
the detail page are gone).
"""

import pytest
from django.db import transaction
from django.test import Client
from wagtail.models import PageViewRestriction

from jiyue.library.models import ResourceType
from jiyue.portal import services as portal
from jiyue.portal.models import ColumnPage, ColumnSubscription, ColumnType, FooterSettings
from jiyue.registry.hosting import serving_host
from jiyue.registry.models import GovSite, SiteStatus
from jiyue.registry.services import invalidate_host_cache
from tests.library.conftest import City, make_column

# Wagtail's own serving costs ~7 queries (site, pages, restrictions, host caches); a
# Jiyue page adds its list queries. The ceilings hold whatever the site's size.
MAX_QUERIES_COLUMN = 14
MAX_QUERIES_DETAIL = 16
MAX_QUERIES_HOME_PER_COLUMN = 1  # one list query per first-level column, no more


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change's on-commit callbacks as a real commit would (tests never commit).

    Until its transaction commits, a change is read from the database by the changing
    connection only; these tests check what every process sees after the commit.
    """
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def city(db, django_user_model, committed):
    with committed():
        city = City(django_user_model)
        GovSite.objects.all().update(status=SiteStatus.ONLINE)
        invalidate_host_cache()
    for site in (city.portal, city.fgw_site, city.district_site):
        site.refresh_from_db()
    return city


def client(gov_site):
    return Client(HTTP_HOST=serving_host(gov_site.primary_domain))


def page(gov_site, path="/"):
    response = client(gov_site).get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_a_renamed_site_shows_its_new_name_on_the_next_page(city, committed):
    """rule: NAME-2, META-4 — the header and the site tags always equal the registry."""
    assert "北京市发展和改革委员会网站" in page(city.fgw_site, "/zcwj/")
    with committed():
        city.fgw_site.name = "北京市发展改革委网站"
        city.fgw_site.save()
    html = page(city.fgw_site, "/zcwj/")
    assert "北京市发展改革委网站" in html
    assert "北京市发展和改革委员会网站" not in html


def test_a_renamed_organization_shows_in_the_footer_at_once(city, committed):
    """rule: FOOTER-2 — 主办单位 is the organization's current name."""
    assert city.fgw.name in page(city.fgw_site)
    with committed():
        city.fgw.name = "北京市发展改革委"
        city.fgw.save()
    assert "<dd>北京市发展改革委</dd>" in page(city.fgw_site)


def test_an_edited_footer_shows_on_the_next_page(city, committed):
    """rule: FOOTER-5 — the footer settings an editor saves are shown at once."""
    page(city.fgw_site)
    with committed():
        footer = FooterSettings.for_site(city.fgw_site.wagtail_site)
        footer.phone = "010-12345678"
        footer.save()
    assert "010-12345678" in page(city.fgw_site, "/zcwj/")


def test_a_new_or_renamed_column_shows_in_the_navigation_at_once(city, committed):
    page(city.fgw_site)
    with committed():
        make_column(city.fgw_home, "通知公告", "tzgg", ColumnType.NEWS)
    assert 'href="/tzgg/"' in page(city.fgw_site)
    with committed():
        city.fgw_policies.title = "规范性文件"
        city.fgw_policies.save_revision().publish()
    html = page(city.fgw_site, "/tzgg/")
    assert "规范性文件" in html


def test_an_unpublished_column_leaves_the_navigation_at_once(city, committed):
    page(city.fgw_site)
    with committed():
        city.fgw_policies.unpublish()
    assert 'href="/zcwj/"' not in page(city.fgw_site)


def test_the_chrome_of_one_site_never_shows_on_another(city):
    assert "北京市发展和改革委员会网站" in page(city.fgw_site)
    html = page(city.district_site)
    assert city.district_site.name in html
    assert "北京市发展和改革委员会网站" not in html


def test_subcolumns_and_breadcrumbs_come_from_the_chrome(city, committed):
    with committed():
        sub = make_column(city.fgw_policies, "规章", "gz")
    html = page(city.fgw_site, "/zcwj/")
    assert 'href="/zcwj/gz/"' in html  # sub-column list
    crumbs = page(city.fgw_site, "/zcwj/gz/").split('class="breadcrumbs"', 1)[1]
    assert 'href="/zcwj/"' in crumbs and sub.title in crumbs


def _site_with_columns(city, count):
    for i in range(count):
        column = make_column(city.fgw_home, f"栏目{i}", f"lm{i}", ColumnType.NEWS)
        ColumnSubscription.objects.create(
            column=column, name=f"规则{i}", resource_types=[ResourceType.NEWS]
        )
    for i in range(count * 2):
        resource = city.published(title=f"动态{i}")
        portal.place(resource, city.fgw_policies, city.superuser)
    return resource


@pytest.mark.parametrize("columns", [2, 8])
def test_home_page_queries_grow_by_one_list_per_column_only(
    city, committed, columns, django_assert_max_num_queries
):
    """The home page reads every column's rules at once (no per-column rule queries)."""
    with committed():
        _site_with_columns(city, columns)
        page(city.fgw_site)  # creates the footer and header rows (a chrome change)
    page(city.fgw_site)  # builds the chrome and keeps it
    top_level = columns + 1
    with django_assert_max_num_queries(
        MAX_QUERIES_COLUMN + top_level * MAX_QUERIES_HOME_PER_COLUMN
    ):
        page(city.fgw_site)


@pytest.mark.parametrize("columns", [2, 8])
def test_column_and_detail_page_queries_do_not_grow_with_the_site(
    city, committed, columns, django_assert_max_num_queries
):
    with committed():
        resource = _site_with_columns(city, columns)
        page(city.fgw_site, "/zcwj/")  # creates the footer and header rows (a chrome change)
    page(city.fgw_site, "/zcwj/")  # builds the chrome and keeps it
    with django_assert_max_num_queries(MAX_QUERIES_COLUMN):
        html = page(city.fgw_site, "/zcwj/")
    assert f"/content/{resource.pk}/" in html
    with django_assert_max_num_queries(MAX_QUERIES_DETAIL):
        assert resource.title in page(city.fgw_site, f"/content/{resource.pk}/")


def test_detail_page_does_not_read_other_sites_rules(
    city, committed, django_assert_max_num_queries
):
    """Rules of other sites' columns are not evaluated for this site's detail page."""
    with committed():
        resource = _site_with_columns(city, 1)
    page(city.fgw_site, f"/content/{resource.pk}/")
    with committed():
        for i in range(10):
            column = make_column(city.district_home, f"区栏目{i}", f"qlm{i}", ColumnType.NEWS)
            rule = ColumnSubscription.objects.create(
                column=column, name=f"区规则{i}", include_sub_orgs=True
            )
            rule.source_orgs.add(city.fgw)
        page(city.fgw_site, f"/content/{resource.pk}/")
    page(city.fgw_site, f"/content/{resource.pk}/")  # the chrome after the change, kept
    with django_assert_max_num_queries(MAX_QUERIES_DETAIL):
        page(city.fgw_site, f"/content/{resource.pk}/")


def test_an_uncommitted_change_is_not_cached_for_anyone(city, committed):
    """A change read inside its own transaction never reaches the shared chrome."""
    page(city.fgw_site)
    with transaction.atomic():
        city.fgw_site.name = "回滚的网站名称"
        city.fgw_site.save()
        assert "回滚的网站名称" in page(city.fgw_site)  # the changing transaction sees it
        transaction.set_rollback(True)
    # Rolled back (no commit callback ran): the chrome built meanwhile was not kept.
    html = page(city.fgw_site)
    assert "北京市发展和改革委员会网站" in html
    assert "回滚的网站名称" not in html


def test_a_column_made_private_is_not_served_through_the_chrome(city, committed):
    """Routing through the chrome (ChromeRouting) must not skip a new view restriction."""
    with committed():
        page(city.fgw_site, "/zcwj/")  # the first request creates the footer row
    assert client(city.fgw_site).get("/zcwj/").status_code == 200  # routed via the chrome
    with committed():
        PageViewRestriction.objects.create(
            page=city.fgw_policies, restriction_type=PageViewRestriction.LOGIN
        )
    response = client(city.fgw_site).get("/zcwj/")
    assert response.status_code == 302  # to the login page, as Wagtail answers
    assert 'href="/zcwj/"' not in page(city.fgw_site)  # and gone from the navigation


def test_a_draft_child_is_still_a_404(city, committed):
    with committed():
        draft = ColumnPage(title="草稿栏目", slug="cg", description="草稿", keywords="草稿")
        city.fgw_home.add_child(instance=draft)
        ColumnPage.objects.filter(pk=draft.pk).update(live=False)
    assert client(city.fgw_site).get("/cg/").status_code == 404


def test_a_retitled_resource_shows_its_new_title_in_the_lists(city, committed):
    """List rows are rendered once per values: a new title is a new row, at once."""
    with committed():
        resource = city.published(title="旧标题的动态")
        portal.place(resource, city.fgw_policies, city.superuser)
    assert "旧标题的动态" in page(city.fgw_site, "/zcwj/")
    resource.title = "新标题的动态"
    with committed():
        resource.save_revision(user=city.superuser).publish(
            user=city.superuser, skip_permission_checks=True
        )
    html = page(city.fgw_site, "/zcwj/")
    assert "新标题的动态" in html and "旧标题的动态" not in html
    home = page(city.fgw_site)
    assert "新标题的动态" in home and "旧标题的动态" not in home

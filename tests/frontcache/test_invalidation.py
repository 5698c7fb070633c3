"""Every publish, change and unpublish purges exactly the pages that show the resource,
on every site that shows it, and nothing else (issue 3: "Pages are cached for readers
and the cache is invalidated on every publish, change and unpublish on every site that
shows the resource"). rule: LIB-3 — one resource shown by reference on many sites.
"""

import pytest

from jiyue.frontcache import services
from jiyue.library import services as library
from jiyue.library.models import ResourceType
from jiyue.portal import services as portal
from jiyue.portal.models import ColumnSubscription, FooterSettings, HeaderColour, HeaderSettings

from .conftest import cached

pytestmark = pytest.mark.django_db


def column_path(city, column):
    return column.relative_url(column.get_site())


def site_urls(city, gov_site, columns, resource_ids=()):
    """The pages of one site a reader may have cached: home, columns, feeds, details."""
    host = city.host(gov_site)
    paths = ["/", "/feed/", "/feed/atom/", "/sitemap.xml"]
    for column in columns:
        path = column_path(city, column)
        paths += [path, path + "feed/", path + "feed/atom/"]
    paths += [f"/content/{pk}/" for pk in resource_ids]
    return [(host, path) for path in paths]


def warm(city, urls):
    """GET every URL anonymously; return those that were stored (status 200)."""
    stored = []
    for host, path in urls:
        response = city.client_for_host(host).get(path)
        if response.status_code == 200:
            assert cached(host, path), f"{host}{path} was not stored"
            stored.append((host, path))
    return stored


@pytest.fixture
def scene(city, django_capture_on_commit_callbacks):
    """Two sites show the resource (portal and fgw policy columns); a third does not.

    An unrelated resource is shown in the portal's and the district's news columns.
    """
    from django.test import Client

    city.client_for_host = lambda host: Client(HTTP_HOST=host)
    with django_capture_on_commit_callbacks(execute=True):
        city.other = city.published("无关的工作动态", resource_type=ResourceType.NEWS)
        portal.place(city.other, city.portal_news, city.superuser)
        portal.place(city.other, city.district_news, city.superuser)
    return city


def all_urls(city, resource_ids):
    return (
        site_urls(city, city.portal, [city.portal_policies, city.portal_news], resource_ids)
        + site_urls(city, city.fgw_site, [city.fgw_policies], resource_ids)
        + site_urls(
            city, city.district_site, [city.district_upper, city.district_news], resource_ids
        )
    )


def affected(city, resource_id):
    """What must be purged when a resource in the portal and fgw policy columns changes."""
    portal, fgw = city.host(city.portal), city.host(city.fgw_site)
    urls = set()
    for host, column in ((portal, city.portal_policies), (fgw, city.fgw_policies)):
        path = column_path(city, column)
        urls |= {(host, p) for p in (path, path + "feed/", path + "feed/atom/")}
        urls |= {(host, p) for p in ("/", "/feed/", "/feed/atom/", "/sitemap.xml")}
        urls.add((host, f"/content/{resource_id}/"))
    return urls


def assert_purged_exactly(before, expected_gone):
    """``expected_gone`` was cached and is gone; everything else cached is still there."""
    gone = {url for url in before if not cached(*url)}
    kept = set(before) - gone
    assert gone == set(before) & expected_gone
    assert not kept & expected_gone
    return kept


def test_publishing_a_new_resource_purges_exactly_its_pages_on_both_sites(
    scene, django_capture_on_commit_callbacks
):
    city = scene
    with django_capture_on_commit_callbacks(execute=True):
        resource = city.draft("关于新政策的通知")
        portal.place(resource, city.portal_policies, city.superuser)
        portal.place(resource, city.fgw_policies, city.superuser)
    before = warm(city, all_urls(city, [resource.pk, city.other.pk]))
    # Pages of all three sites were cached, including the unrelated columns.
    assert (city.host(city.district_site), "/") in before
    assert (city.host(city.portal), column_path(city, city.portal_news)) in before
    assert (city.host(city.portal), column_path(city, city.portal_policies)) in before

    with django_capture_on_commit_callbacks(execute=True):
        library.publish_now(resource, user=city.superuser)

    kept = assert_purged_exactly(before, affected(city, resource.pk))
    assert {url for url in before if url[0] == city.host(city.district_site)} <= kept
    assert (city.host(city.portal), column_path(city, city.portal_news)) in kept
    assert (city.host(city.portal), f"/content/{city.other.pk}/") in kept
    # The readers now get the new resource, rendered afresh.
    client = city.client(city.portal)
    page = client.get(column_path(city, city.portal_policies))
    assert page["X-Jiyue-Cache"] == "MISS"
    assert "关于新政策的通知" in page.content.decode()
    assert client.get(f"/content/{resource.pk}/").status_code == 200


@pytest.fixture
def shown(scene, django_capture_on_commit_callbacks):
    city = scene
    with django_capture_on_commit_callbacks(execute=True):
        resource = city.published("原标题的政策", resource_type=ResourceType.POLICY)
        portal.place(resource, city.portal_policies, city.superuser)
        portal.place(resource, city.fgw_policies, city.superuser)
    before = warm(city, all_urls(city, [resource.pk, city.other.pk]))
    # Every kind of page that shows it was cached: home, columns, details, feeds, sitemap.
    assert affected(city, resource.pk) <= set(before)
    return city, resource, before


def test_publishing_a_change_purges_exactly_its_pages(shown, django_capture_on_commit_callbacks):
    city, resource, before = shown
    resource.title = "修改后的标题"
    with django_capture_on_commit_callbacks(execute=True):
        resource.save_revision(user=city.superuser).publish(
            user=city.superuser, skip_permission_checks=True
        )
    assert_purged_exactly(before, affected(city, resource.pk))
    detail = city.client(city.fgw_site).get(f"/content/{resource.pk}/")
    assert "修改后的标题" in detail.content.decode()


def test_unpublishing_purges_exactly_its_pages(shown, django_capture_on_commit_callbacks):
    city, resource, before = shown
    with django_capture_on_commit_callbacks(execute=True):
        library.unpublish(resource, user=city.superuser)
    assert_purged_exactly(before, affected(city, resource.pk))
    client = city.client(city.portal)
    assert client.get(f"/content/{resource.pk}/").status_code == 404
    assert not cached(city.host(city.portal), f"/content/{resource.pk}/")
    column = client.get(column_path(city, city.portal_policies)).content.decode()
    assert "原标题的政策" not in column


def test_a_draft_revision_purges_nothing(shown, django_capture_on_commit_callbacks):
    """Saving a draft changes no public page: readers keep the cached pages."""
    city, resource, before = shown
    resource.title = "尚未发布的修改"
    with django_capture_on_commit_callbacks(execute=True):
        resource.save_revision(user=city.superuser)
    assert all(cached(*url) for url in before)


def test_a_change_that_leaves_a_subscribed_column_purges_that_site_too(
    scene, django_capture_on_commit_callbacks
):
    """The pages that showed the old version go too (here: a theme change moves the
    resource out of the district's subscribed 上级文件 column)."""
    city = scene
    with django_capture_on_commit_callbacks(execute=True):
        rule = ColumnSubscription.objects.create(column=city.district_upper, name="财政文件")
        rule.themes.add(city.theme)
        resource = city.published(
            "财政政策", resource_type=ResourceType.POLICY, theme=city.sub_theme
        )
    district = city.host(city.district_site)
    upper = column_path(city, city.district_upper)
    before = warm(city, all_urls(city, [resource.pk, city.other.pk]))
    assert (district, f"/content/{resource.pk}/") in before
    resource.theme = city.other_theme
    with django_capture_on_commit_callbacks(execute=True):
        resource.save_revision(user=city.superuser).publish(
            user=city.superuser, skip_permission_checks=True
        )
    assert not cached(district, upper)
    assert not cached(district, f"/content/{resource.pk}/")
    assert cached(district, column_path(city, city.district_news))
    assert all(cached(*url) for url in before if url[0] != district)


def test_removing_a_placement_purges_that_column(shown, django_capture_on_commit_callbacks):
    city, resource, before = shown
    placement = resource.placements.get(column=city.fgw_policies)
    with django_capture_on_commit_callbacks(execute=True):
        portal.remove_placement(placement, city.superuser)
    fgw = city.host(city.fgw_site)
    assert not cached(fgw, column_path(city, city.fgw_policies))
    assert not cached(fgw, f"/content/{resource.pk}/")
    assert city.client(city.fgw_site).get(f"/content/{resource.pk}/").status_code == 404
    # The district shows neither resource change: untouched.
    district = city.host(city.district_site)
    assert all(cached(*url) for url in before if url[0] == district)


def test_a_rolled_back_change_purges_nothing(shown, django_capture_on_commit_callbacks):
    from django.db import transaction

    city, resource, before = shown
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                library.unpublish(resource, user=city.superuser)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert all(cached(*url) for url in before)


def test_page_publish_purges_its_site_only(shown, django_capture_on_commit_callbacks):
    city, _resource, before = shown
    with django_capture_on_commit_callbacks(execute=True):
        city.portal_news.save_revision().publish()
    portal = city.host(city.portal)
    assert services.read(portal, "/") is None
    assert not any(cached(*url) for url in before if url[0] == portal)
    assert all(cached(*url) for url in before if url[0] != portal)


def test_footer_change_purges_its_site_only(shown, django_capture_on_commit_callbacks):
    city, _resource, before = shown
    footer = FooterSettings.for_site(city.fgw_site.wagtail_site)
    with django_capture_on_commit_callbacks(execute=True):
        footer.save()
    fgw = city.host(city.fgw_site)
    assert not any(cached(*url) for url in before if url[0] == fgw)
    assert all(cached(*url) for url in before if url[0] != fgw)


def test_header_settings_change_purges_its_site_only(shown, django_capture_on_commit_callbacks):
    """The header's colour and mark are on every page of the site (HeaderSettings)."""
    city, _resource, before = shown
    header = HeaderSettings.for_site(city.fgw_site.wagtail_site)
    with django_capture_on_commit_callbacks(execute=True):
        header.colour = HeaderColour.BLUE
        header.save()
    fgw = city.host(city.fgw_site)
    assert not any(cached(*url) for url in before if url[0] == fgw)
    assert all(cached(*url) for url in before if url[0] != fgw)


def test_site_rename_purges_its_site_only(shown, django_capture_on_commit_callbacks):
    city, _resource, before = shown
    with django_capture_on_commit_callbacks(execute=True):
        city.district_site.name = "北京市海淀区人民政府网站（新）"
        city.district_site.save()
    district = city.host(city.district_site)
    assert not any(cached(*url) for url in before if url[0] == district)
    assert all(cached(*url) for url in before if url[0] != district)


def test_a_bulk_publish_empties_the_whole_cache_instead(
    shown, settings, django_capture_on_commit_callbacks
):
    """Beyond JIYUE_FRONTCACHE_BULK_THRESHOLD resources in one transaction (a bulk
    import), every site's cache is emptied rather than looking up each resource."""
    city, _resource, before = shown
    settings.JIYUE_FRONTCACHE_BULK_THRESHOLD = 1
    with django_capture_on_commit_callbacks(execute=True):
        city.published("批量一")
        city.published("批量二")
    assert not any(cached(*url) for url in before)
    assert services.cached_hosts() == []


def test_below_the_threshold_several_resources_purge_exactly(
    shown, django_capture_on_commit_callbacks
):
    city, resource, before = shown
    with django_capture_on_commit_callbacks(execute=True):
        city.published("未投放的信息一")
        library.unpublish(resource, user=city.superuser)
    assert_purged_exactly(before, affected(city, resource.pk))

"""Purged pages are rendered again at once in the task worker (issue 7: a pushed item
visible on every site right after the final approval, not when each page's next
visitor arrives). rule: LIB-3 — the change shows on every site that shows the resource.
"""

from types import SimpleNamespace

import pytest
from wagtail.models import Site

from jiyue.frontcache import rerender, services
from jiyue.library import services as library
from jiyue.library.models import ResourceType
from jiyue.portal import services as distribution
from jiyue.portal import site_context

from .conftest import cached

pytestmark = pytest.mark.django_db


@pytest.fixture
def rerender_on(settings):
    settings.JIYUE_FRONTCACHE_RERENDER = True


def path_of(column):
    return column.relative_url(column.get_site())


def read(host, path):
    hit = services.read(host, path)
    return hit[0].decode() if hit else None


def test_publishing_rerenders_the_cached_pages_that_show_it_on_every_site(
    city, rerender_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        resource = city.draft("关于重新生成页面的通知")
        distribution.place(resource, city.portal_policies, city.superuser)
        distribution.place(resource, city.fgw_policies, city.superuser)
    portal, fgw = city.host(city.portal), city.host(city.fgw_site)
    pages = [(portal, path_of(city.portal_policies)), (fgw, path_of(city.fgw_policies))]
    for gov_site, (host, path) in zip((city.portal, city.fgw_site), pages, strict=True):
        city.client(gov_site).get(path)
        assert "关于重新生成页面的通知" not in read(host, path)

    with django_capture_on_commit_callbacks(execute=True):
        library.publish_now(resource, user=city.superuser)

    # Cached again (by the task, not by a reader), now listing the resource.
    for host, path in pages:
        assert "关于重新生成页面的通知" in read(host, path), (host, path)


def test_only_pages_that_were_cached_are_rendered_again(
    city, rerender_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        resource = city.draft("只重新生成已缓存的页面")
        distribution.place(resource, city.portal_policies, city.superuser)
    portal = city.host(city.portal)
    column = path_of(city.portal_policies)
    city.client(city.portal).get(column)
    assert not cached(portal, "/")

    with django_capture_on_commit_callbacks(execute=True):
        library.publish_now(resource, user=city.superuser)

    assert cached(portal, column)
    assert not cached(portal, "/")  # nobody had asked for the home page


def test_the_detail_page_of_a_published_resource_is_rendered_in_advance_on_each_site(
    city, rerender_on, django_capture_on_commit_callbacks
):
    """The first reader of a pushed item on any site finds its page cached."""
    with django_capture_on_commit_callbacks(execute=True):
        resource = city.draft("推送后预先生成详情页")
        distribution.place(resource, city.portal_policies, city.superuser)
        distribution.place(resource, city.fgw_policies, city.superuser)
    detail = f"/content/{resource.pk}/"
    hosts = [city.host(city.portal), city.host(city.fgw_site)]

    with django_capture_on_commit_callbacks(execute=True):
        library.publish_now(resource, user=city.superuser)

    for host in hosts:
        assert "推送后预先生成详情页" in read(host, detail), host
    reader = city.client(city.fgw_site).get(detail)
    assert reader["X-Jiyue-Cache"] == "HIT"

    with django_capture_on_commit_callbacks(execute=True):
        library.unpublish(resource, user=city.superuser)

    for host in hosts:  # purged, and not rendered again (it is a 404 now)
        assert not cached(host, detail), host
    assert city.client(city.fgw_site).get(detail).status_code == 404


def test_publishing_a_resource_keeps_the_site_chrome(
    city, rerender_on, django_capture_on_commit_callbacks
):
    """A worker's warm chromes survive a publish: only page changes rebuild them."""
    with django_capture_on_commit_callbacks(execute=True):
        resource = city.draft("不影响站点框架的发布")
        distribution.place(resource, city.portal_policies, city.superuser)
    version = site_context.chrome_version()

    with django_capture_on_commit_callbacks(execute=True):
        library.publish_now(resource, user=city.superuser)

    assert site_context.chrome_version() == version


def test_unpublishing_rerenders_without_the_resource(
    city, rerender_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        resource = city.published("即将撤销的信息", resource_type=ResourceType.NEWS)
        distribution.place(resource, city.portal_policies, city.superuser)
    portal, column = city.host(city.portal), path_of(city.portal_policies)
    city.client(city.portal).get(column)
    assert "即将撤销的信息" in read(portal, column)

    with django_capture_on_commit_callbacks(execute=True):
        library.unpublish(resource, user=city.superuser)

    assert "即将撤销的信息" not in read(portal, column)


def test_nothing_is_rendered_when_switched_off(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resource = city.draft("关闭时不重新生成")
        distribution.place(resource, city.portal_policies, city.superuser)
    portal, column = city.host(city.portal), path_of(city.portal_policies)
    city.client(city.portal).get(column)

    with django_capture_on_commit_callbacks(execute=True):
        library.publish_now(resource, user=city.superuser)

    assert not cached(portal, column)


def test_a_page_that_fails_does_not_stop_the_others(city, cache_root, monkeypatch):
    portal = city.host(city.portal)
    column = path_of(city.portal_policies)
    real = rerender.rerender

    def flaky(host, path):
        if path == "/broken/":
            raise RuntimeError("boom")
        return real(host, path)

    monkeypatch.setattr(rerender, "rerender", flaky)
    result = rerender.rerender_pages.call([[portal, "/broken/"], [portal, column]])
    assert result == {"stored": 1, "failed": 1, "pages": 2}
    assert cached(portal, column)


def test_the_rerendered_page_is_what_a_reader_gets(city, cache_root):
    """Rendered as an anonymous reader on the site's host: the same page, cacheable."""
    portal, column = city.host(city.portal), path_of(city.portal_policies)
    assert rerender.rerender(portal, column)
    reader = city.client(city.portal).get(column)
    assert reader["X-Jiyue-Cache"] == "HIT"
    assert city.portal.name in reader.content.decode()


def test_many_pages_are_shared_out_in_several_tasks(city, rerender_on, cache_root, monkeypatch):
    """A change on many sites is split so that several workers can render it."""
    enqueued = []
    monkeypatch.setattr(rerender, "rerender_pages", SimpleNamespace(enqueue=enqueued.append))
    urls = [(f"s{i:03d}.example.gov.cn", "/gzdt/") for i in range(rerender.CHUNK * 2 + 1)]
    rerender.schedule(urls)
    assert [len(chunk) for chunk in enqueued] == [rerender.CHUNK, rerender.CHUNK, 1]
    assert [tuple(url) for chunk in enqueued for url in chunk] == urls


def test_the_rerendered_page_is_byte_for_byte_what_a_reader_gets(city, cache_root):
    """The task's page and the page rendered for a reader's request are identical."""
    host, column = city.host(city.portal), path_of(city.portal_policies)
    assert rerender.rerender(host, column)
    by_task = services.read(host, column)[0]
    services.purge_urls({(host, column)})

    reader = city.client(city.portal).get(column)
    assert reader["X-Jiyue-Cache"] != "HIT"
    assert reader.content == by_task
    assert services.read(host, column)[0] == by_task


def test_a_site_page_does_not_look_its_wagtail_site_up_again(city, cache_root, monkeypatch):
    """The registry's middleware hands Wagtail the site it found (~20 % of a re-render)."""

    def lookup(request):
        raise AssertionError("Wagtail looked the host up again")

    monkeypatch.setattr(Site, "_find_for_request", staticmethod(lookup))
    host, column = city.host(city.portal), path_of(city.portal_policies)
    assert rerender.rerender(host, column)
    assert city.client(city.portal).get(column).status_code == 200


@pytest.mark.parametrize(
    ("scheme", "site_port", "http_host", "server_port"),
    [
        ("https", 80, "www.example.gov.cn", "443"),
        ("http", 80, "www.example.gov.cn", "80"),
        ("http", 8000, "www.example.gov.cn:8000", "8000"),  # make run
    ],
)
def test_rerender_requests_carry_the_readers_scheme_and_port(
    settings, scheme, site_port, http_host, server_port
):
    """A re-rendered page's absolute links (canonical, other sites) name the address
    readers use; under make run that is http on port 8000, not https without a port."""
    settings.JIYUE_FRONTCACHE_RERENDER_SCHEME = scheme
    settings.JIYUE_SITE_PORT = site_port
    request = rerender._request("www.example.gov.cn", "/content/1/")
    assert request.scheme == scheme
    assert request.get_host() == http_host
    assert request.META["SERVER_PORT"] == server_port
    assert request.build_absolute_uri("/") == f"{scheme}://{http_host}/"

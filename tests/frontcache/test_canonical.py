"""One spelling per cached page (issue 6, item 6; rule: PLATFORM-7).

Any other spelling that reaches the same page answers 301 to the canonical URL and is
never stored: the purge of an unpublished item removes the canonical files only, so a
copy under ``/content/0228/`` or ``Host: FGW.LOCALHOST.`` would stay public. Absolute
URLs in cached pages come from the registry's record, never from the Host header.
"""

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from jiyue.frontcache import services
from jiyue.frontcache.middleware import FrontCacheMiddleware
from jiyue.library.models import ResourceType
from jiyue.library.services import unpublish
from jiyue.portal import services as portal

from .conftest import cached

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resource = city.published("可撤销的政策", resource_type=ResourceType.POLICY)
        portal.place(resource, city.fgw_policies, city.superuser)
    return resource


def _files(host):
    base = services.pages_root() / host
    return sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file())


@pytest.mark.parametrize("spelling", ["/content/0{pk}/", "/content/00{pk}/"])
def test_platform_7_leading_zero_id_redirects_and_never_outlives_unpublish(
    city, item, spelling, django_capture_on_commit_callbacks
):
    client, host = city.client(city.fgw_site), city.host(city.fgw_site)
    path = spelling.format(pk=item.pk)
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == f"/content/{item.pk}/"
    client.get(path)
    assert not cached(host, path)
    assert client.get(f"/content/{item.pk}/").status_code == 200
    assert cached(host, f"/content/{item.pk}/")

    with django_capture_on_commit_callbacks(execute=True):
        unpublish(item, user=city.superuser)
    assert client.get(path).status_code != 200
    assert client.get(path, follow=True).status_code == 404
    assert all("content/0" not in name for name in _files(host))


@pytest.mark.parametrize(
    "path",
    [
        "/content/+{pk}/",
        "/content/{fullwidth}/",
        "//content/{pk}/",
        "/content//{pk}/",
        "/CONTENT/{pk}/",
        "/content/{pk}",
        "/content/{pk}/.",
    ],
)
def test_platform_7_other_id_spellings_are_never_stored(city, item, path):
    fullwidth = "".join(chr(0xFF10 + int(d)) for d in str(item.pk))
    host = city.host(city.fgw_site)
    response = city.client(city.fgw_site).get(path.format(pk=item.pk, fullwidth=fullwidth))
    assert response.status_code in (301, 404)
    assert _files(host) == []


def test_platform_7_percent_encoded_spelling_shares_the_canonical_file(
    city, item, django_capture_on_commit_callbacks
):
    """RFC 3986 §6.2.2.2: ``%32`` is ``2``. Django and nginx ($uri) both decode it, so
    the page lives in the canonical file only, and the purge removes it."""
    client, host = city.client(city.fgw_site), city.host(city.fgw_site)
    encoded = "/content/" + "".join(f"%{ord(d):02X}" for d in str(item.pk)) + "/"
    assert client.get(encoded).status_code == 200
    assert _files(host) == [f"content/{item.pk}/index.html"]
    with django_capture_on_commit_callbacks(execute=True):
        unpublish(item, user=city.superuser)
    assert client.get(encoded).status_code == 404


@pytest.mark.parametrize(
    "query, location",
    [
        ("page=1", ""),
        ("page=01", ""),
        ("page=abc", ""),
        ("page=0", ""),
        ("page=02", "?page=2"),
        ("page=%2B2", "?page=2"),
        ("page=%EF%BC%92", "?page=2"),  # fullwidth ２
        ("utm=x&page=1", "?utm=x"),
    ],
)
def test_platform_7_column_page_number_spellings_redirect(city, query, location):
    url = city.portal_policies.relative_url(city.portal.wagtail_site)
    response = city.client(city.portal).get(f"{url}?{query}")
    assert response.status_code == 301
    assert response["Location"] == url + location


def test_platform_7_canonical_page_number_is_served(city):
    url = city.portal_policies.relative_url(city.portal.wagtail_site)
    client = city.client(city.portal)
    assert client.get(f"{url}?page=2").status_code == 200
    assert client.get(f"{url}?utm=x").status_code == 200


@pytest.mark.parametrize("spelling", ["FGW.LOCALHOST.", "fgw.localhost.", "Fgw.Localhost"])
def test_platform_7_host_spelling_redirects_and_never_poisons_robots(city, spelling):
    host = city.host(city.fgw_site)
    services.purge_host(host)
    for path in ("/robots.txt", "/sitemap.xml", "/feed/", "/"):
        response = Client(HTTP_HOST=spelling).get(path)
        assert response.status_code == 301, path
        assert response["Location"] == f"http://{host}{path}"
    assert services.cached_hosts() == []
    robots = city.client(city.fgw_site).get("/robots.txt").content.decode()
    assert f"Sitemap: http://{host}/sitemap.xml" in robots
    assert spelling not in robots


def test_platform_7_absolute_urls_come_from_the_registry_not_the_host_header(city, item):
    """A forged port in the Host header reaches Django behind a proxy that passes it on;
    the cached feed, sitemap and page tags must not repeat it."""
    client = Client(HTTP_HOST=city.host(city.fgw_site) + ":6666")
    for path in ("/feed/", "/feed/atom/", "/sitemap.xml", "/robots.txt", f"/content/{item.pk}/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert ":6666" not in response.content.decode(), path
        assert f"http://{city.host(city.fgw_site)}/" in response.content.decode(), path


def test_platform_7_a_response_without_a_declared_canonical_path_is_not_stored(city):
    """Fail closed: only what the portal declared the page at this exact path is stored."""
    host = city.host(city.fgw_site)
    request = RequestFactory(HTTP_HOST=host).get("/anything/")
    request.gov_site_id = city.fgw_site.pk
    request.COOKIES = {}
    response = FrontCacheMiddleware(lambda r: HttpResponse("x"))(request)
    assert response.status_code == 200
    assert not cached(host, "/anything/")


def test_platform_7_pagination_links_page_one_by_the_column_url(
    city, item, monkeypatch, django_capture_on_commit_callbacks
):
    """The first-page links use the canonical URL, not the ``?page=1`` redirect."""
    with django_capture_on_commit_callbacks(execute=True):
        second = city.published("第二条政策", resource_type=ResourceType.POLICY)
        portal.place(second, city.fgw_policies, city.superuser)
    monkeypatch.setattr(type(city.fgw_policies), "PAGE_SIZE", 1)
    url = city.fgw_policies.relative_url(city.fgw_site.wagtail_site)
    html = city.client(city.fgw_site).get(f"{url}?page=2").content.decode()
    assert "第 2 页" in html
    assert "?page=1" not in html
    assert 'href="./" rel="prev"' in html

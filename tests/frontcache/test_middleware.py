"""Which requests are answered from the page cache, and what is stored (issue 3).

Cacheable: anonymous GET/HEAD without a query string on an online site's host, status
200, no cookie set, no private/no-store/no-cache, a page/feed/xml/text content type.
"""

import pytest
from django.http import HttpResponse
from django.test import Client

from jiyue.frontcache import services
from jiyue.frontcache.middleware import HEADER, storable_content_type
from jiyue.registry.models import SiteStatus

from .conftest import cached

pytestmark = pytest.mark.django_db


def test_first_get_renders_and_stores_second_is_served_without_database(
    city, django_assert_num_queries
):
    client, host = city.client(city.portal), city.host(city.portal)
    first = client.get("/")
    assert first.status_code == 200
    assert first[HEADER] == "MISS"
    assert cached(host, "/")
    stored = services.pages_root() / host / "index.html"
    assert stored.read_bytes() == first.content

    with django_assert_num_queries(0):
        second = client.get("/")
    assert second.status_code == 200
    assert second[HEADER] == "HIT"
    assert second.content == first.content
    assert second["Content-Type"] == "text/html; charset=utf-8"


def test_column_page_is_cached_under_its_path(city):
    client, host = city.client(city.portal), city.host(city.portal)
    url = city.portal_policies.relative_url(city.portal.wagtail_site)
    assert client.get(url)[HEADER] == "MISS"
    assert (services.pages_root() / host / url.strip("/") / "index.html").is_file()
    assert client.get(url)[HEADER] == "HIT"


def test_head_is_answered_from_the_cache_without_a_body(city):
    client = city.client(city.portal)
    client.get("/")
    response = client.head("/")
    assert response[HEADER] == "HIT"
    assert response.content == b""
    assert int(response["Content-Length"]) > 0


def test_head_miss_does_not_store(city):
    response = city.client(city.portal).head("/")
    assert response[HEADER] == "MISS"
    assert not cached(city.host(city.portal), "/")


def test_logged_in_editor_is_never_served_or_stored(city):
    host = city.host(city.portal)
    editor = Client(HTTP_HOST=host)
    editor.force_login(city.superuser)
    response = editor.get("/")
    assert response.status_code == 200
    assert HEADER not in response
    assert not cached(host, "/")
    # A page cached for readers is not what a logged-in editor gets either.
    city.client(city.portal).get("/")
    assert cached(host, "/")
    assert HEADER not in editor.get("/")


def test_query_string_is_never_cached(city):
    client = city.client(city.portal)
    client.get("/")  # the bare page may be cached …
    response = client.get("/?page=2")
    assert HEADER not in response  # … but a query string always reaches Django
    assert client.get("/?page=2").status_code == 200
    assert HEADER not in client.get("/?page=2")


def test_post_is_never_cached(city):
    client, host = city.client(city.portal), city.host(city.portal)
    client.post("/", {"q": "x"})
    assert not cached(host, "/")


@pytest.mark.parametrize("path", ["/admin/", "/api/v1/sites/", "/django-admin/", "/static/x.css"])
def test_platform_paths_are_never_cached(city, path):
    response = city.client(city.portal).get(path)
    assert HEADER not in response
    assert services.cached_hosts() == []


def test_not_found_is_not_stored(city):
    client, host = city.client(city.portal), city.host(city.portal)
    response = client.get("/no-such-column/")
    assert response.status_code == 404
    assert response[HEADER] == "MISS"
    assert not cached(host, "/no-such-column/")


@pytest.mark.parametrize("status", [SiteStatus.OFFLINE, SiteStatus.CLOSED, SiteStatus.PLANNED])
def test_sites_that_are_not_online_are_never_cached(city, status):
    """rule: SITE-3 — a site answers only while online; its notice page is not cached."""
    city.fgw_site.status = status
    city.fgw_site.save()
    response = city.client(city.fgw_site).get("/")
    assert response.status_code != 200
    assert HEADER not in response
    assert not cached(city.host(city.fgw_site), "/")


def test_taking_a_site_offline_removes_its_cached_pages(city, django_capture_on_commit_callbacks):
    """nginx serves files without asking Django: an offline site's files must go."""
    client, host = city.client(city.fgw_site), city.host(city.fgw_site)
    client.get("/")
    assert cached(host, "/")
    with django_capture_on_commit_callbacks(execute=True):
        city.fgw_site.status = SiteStatus.OFFLINE
        city.fgw_site.save()
        assert cached(host, "/"), "purged only after the commit"
    assert not cached(host, "/")
    assert client.get("/").status_code == 503


def test_unknown_host_and_platform_directory_are_not_cached(city):
    assert HEADER not in Client(HTTP_HOST="nobody.example.org").get("/")
    assert HEADER not in Client(HTTP_HOST="localhost").get("/")
    assert services.cached_hosts() == []


def test_other_languages_are_not_cached(city, settings):
    """nginx does not negotiate languages: only the platform language is stored.

    The platform offers only zh-hans today; an installation that adds a language must
    still not store its pages under the shared cache key.
    """
    settings.LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
    client, host = city.client(city.portal), city.host(city.portal)
    client.cookies["django_language"] = "en"
    response = client.get("/")
    assert HEADER not in response
    assert not cached(host, "/")


@pytest.mark.parametrize(
    "make_response",
    [
        lambda: HttpResponse("x", status=302),
        lambda: HttpResponse("x", status=500),
        lambda: HttpResponse("x", content_type="application/json"),
        lambda: HttpResponse("x", content_type="text/html; charset=gbk"),
        lambda: _with(HttpResponse("x"), "Cache-Control", "private, max-age=60"),
        lambda: _with(HttpResponse("x"), "Cache-Control", "no-store"),
        lambda: _with(HttpResponse("x"), "Cache-Control", "no-cache"),
        lambda: _with(HttpResponse("x"), "Vary", "*"),
        lambda: _cookie(HttpResponse("x")),
    ],
)
def test_responses_that_must_not_be_stored(make_response):
    assert storable_content_type(make_response()) is None


@pytest.mark.parametrize(
    "content_type, expected",
    [
        ("text/html; charset=utf-8", "text/html"),
        ("application/rss+xml; charset=utf-8", "application/rss+xml"),
        ("application/atom+xml; charset=utf-8", "application/atom+xml"),
        ("application/xml", "application/xml"),
        ("text/plain", "text/plain"),
    ],
)
def test_responses_that_may_be_stored(content_type, expected):
    assert storable_content_type(HttpResponse("x", content_type=content_type)) == expected


def _with(response, header, value):
    response[header] = value
    return response


def _cookie(response):
    response.set_cookie("csrftoken", "abc")
    return response


@pytest.mark.parametrize(
    "suffix, content_type",
    [("feed/", "application/rss+xml"), ("feed/atom/", "application/atom+xml")],
)
def test_feeds_are_served_from_the_cache_with_their_content_type(city, suffix, content_type):
    client = city.client(city.portal)
    url = city.portal_policies.relative_url(city.portal.wagtail_site) + suffix
    first = client.get(url)
    assert first.status_code == 200
    assert first[HEADER] == "MISS"
    second = client.get(url)
    assert second[HEADER] == "HIT"
    assert second["Content-Type"] == f"{content_type}; charset=utf-8"
    assert second.content == first.content


def test_a_purge_during_rendering_prevents_the_stale_write(city, monkeypatch):
    """The generation is taken when the request starts; a purge while the page renders
    (the data it read has changed) means the result is not stored."""
    client, host = city.client(city.portal), city.host(city.portal)
    real_generation = services.generation
    calls = []

    def generation_then_purge(h):
        value = real_generation(h)
        if not calls:
            services.purge_host(h)  # a publish commits while the page renders
        calls.append(h)
        return value

    monkeypatch.setattr(services, "generation", generation_then_purge)
    assert client.get("/")[HEADER] == "MISS"
    assert not cached(host, "/")
    monkeypatch.setattr(services, "generation", real_generation)
    client.get("/")
    assert cached(host, "/")

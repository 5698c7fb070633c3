"""The cache's files: layout nginx addresses, safe paths, atomic writes, generations."""

import os

import pytest

from jiyue.frontcache import services


@pytest.fixture
def root(settings, tmp_path):
    settings.JIYUE_FRONTCACHE_ROOT = tmp_path
    return tmp_path


def test_layout_of_pages_feeds_and_files(root):
    pages = root / "pages"
    assert (
        services.file_for("www.localhost", "/", "text/html") == pages / "www.localhost/index.html"
    )
    assert services.file_for("www.localhost", "/zcwj/", "text/html") == (
        pages / "www.localhost/zcwj/index.html"
    )
    assert services.file_for("www.localhost", "/zcwj/feed/", "application/rss+xml") == (
        pages / "www.localhost/zcwj/feed/index.rss"
    )
    assert services.file_for("www.localhost", "/feed/atom/", "application/atom+xml") == (
        pages / "www.localhost/feed/atom/index.atom"
    )
    assert services.file_for("www.localhost", "/sitemap.xml", "application/xml") == (
        pages / "www.localhost/sitemap.xml"
    )
    assert services.file_for("www.localhost", "/robots.txt", "text/plain") == (
        pages / "www.localhost/robots.txt"
    )
    # nginx derives the type from the name: a mismatching name is not stored.
    assert services.file_for("www.localhost", "/robots.txt", "text/html") is None
    assert services.file_for("www.localhost", "/about", "text/html") is None


@pytest.mark.parametrize(
    "host, path",
    [
        ("www.localhost", "/../etc/"),
        ("www.localhost", "/a/../../b/"),
        ("www.localhost", "/a//b/"),
        ("www.localhost", "/./"),
        ("www.localhost", "/a\\b/"),
        ("www.localhost", "/a\x00/"),
        ("..", "/"),
        ("a/b", "/"),
        ("", "/"),
        ("www.localhost", "/" + "x" * 300 + "/"),
    ],
)
def test_unsafe_hosts_and_paths_never_become_files(root, host, path):
    assert services.candidate_files(host, path) == []
    assert services.file_for(host, path, "text/html") is None


def test_host_is_normalized_like_nginx_host(root):
    assert services.normalize_host("WWW.Localhost:8000") == "www.localhost"
    assert services.normalize_host("www.localhost.") == "www.localhost"


def test_store_and_read(root):
    gen = services.generation("www.localhost")
    path = services.store("www.localhost", "/a/", "text/html", "页面".encode(), gen)
    assert path.read_bytes() == "页面".encode()
    assert services.read("www.localhost", "/a/") == ("页面".encode(), path)
    assert services.content_type_of(path) == "text/html; charset=utf-8"
    assert list((root / "tmp").iterdir()) == []  # no temp file left behind


def test_generation_check_prevents_a_stale_write(root):
    """A render that began before a purge must not store its (stale) result."""
    taken = services.generation("www.localhost")
    services.purge_urls([("www.localhost", "/a/")])
    assert services.store("www.localhost", "/a/", "text/html", b"old", taken) is None
    assert services.read("www.localhost", "/a/") is None
    # A render that began after the purge stores normally.
    fresh = services.generation("www.localhost")
    assert services.store("www.localhost", "/a/", "text/html", b"new", fresh) is not None


def test_purge_between_check_and_write_removes_the_written_file(root, monkeypatch):
    """The race window between the generation check and os.replace is closed too."""
    taken = services.generation("www.localhost")
    real_replace = os.replace

    def replace_then_purge(src, dst):
        real_replace(src, dst)
        services.purge_urls([("www.localhost", "/a/")])  # arrives just after the write

    monkeypatch.setattr(services.os, "replace", replace_then_purge)
    assert services.store("www.localhost", "/a/", "text/html", b"old", taken) is None
    assert services.read("www.localhost", "/a/") is None


def test_purge_of_one_host_leaves_other_hosts(root):
    for host in ("a.localhost", "b.localhost"):
        services.store(host, "/", "text/html", b"x", services.generation(host))
    gen_b = services.generation("b.localhost")
    assert services.purge_host("a.localhost") is True
    assert services.read("a.localhost", "/") is None
    assert services.read("b.localhost", "/") is not None
    assert services.generation("b.localhost") == gen_b
    assert list((root / "trash").iterdir()) == []


def test_purge_urls_removes_every_variant_of_a_path(root):
    gen = services.generation("a.localhost")
    services.store("a.localhost", "/c/feed/", "application/rss+xml", b"rss", gen)
    services.store("a.localhost", "/c/", "text/html", b"page", gen)
    services.store("a.localhost", "/d/", "text/html", b"other", gen)
    services.purge_urls([("a.localhost", "/c/feed/"), ("a.localhost", "/c/")])
    assert services.read("a.localhost", "/c/feed/") is None
    assert services.read("a.localhost", "/c/") is None
    assert services.read("a.localhost", "/d/") is not None

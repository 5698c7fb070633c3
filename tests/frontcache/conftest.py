"""Fixtures for the page cache: the library's small city, online, with the middleware on."""

import copy

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, TestCase, override_settings

from jiyue.frontcache import services
from jiyue.registry.hosting import serving_host
from jiyue.registry.models import GovSite, SiteStatus
from jiyue.registry.services import invalidate_host_cache
from tests.db import rolled_back
from tests.library.conftest import City, make_column

MIDDLEWARE_AFTER = "jiyue.registry.middleware.SiteStatusMiddleware"
FRONTCACHE_MIDDLEWARE = "jiyue.frontcache.middleware.FrontCacheMiddleware"


@pytest.fixture
def cache_root(settings, tmp_path):
    """A throw-away cache directory and the middleware right after SiteStatusMiddleware."""
    settings.JIYUE_FRONTCACHE_ROOT = tmp_path / "frontcache"
    middleware = [m for m in settings.MIDDLEWARE if m != FRONTCACHE_MIDDLEWARE]
    middleware.insert(middleware.index(MIDDLEWARE_AFTER) + 1, FRONTCACHE_MIDDLEWARE)
    settings.MIDDLEWARE = middleware
    return settings.JIYUE_FRONTCACHE_ROOT


class CachedCity(City):
    """The library's city with every site online and one unrelated column on the portal."""

    def __init__(self, django_user_model):
        super().__init__(django_user_model)
        self.portal_news = make_column(self.portal_home, "要闻动态", "ywdt")
        GovSite.objects.all().update(status=SiteStatus.ONLINE)
        invalidate_host_cache()
        for site in (self.portal, self.fgw_site, self.district_site):
            site.refresh_from_db()

    @staticmethod
    def host(gov_site):
        return serving_host(gov_site.primary_domain)

    def client(self, gov_site):
        return Client(HTTP_HOST=self.host(gov_site))


@pytest.fixture(scope="module")
def module_city(django_db_setup, django_db_blocker, tmp_path_factory):
    """The city, built once per test module (rolled back when the module ends), with the
    purges its construction queued already run ("committed")."""
    build_root = tmp_path_factory.mktemp("frontcache-build")
    with rolled_back(django_db_blocker):
        with (
            override_settings(JIYUE_FRONTCACHE_ROOT=build_root),
            TestCase.captureOnCommitCallbacks(execute=True),
        ):
            built = CachedCity(get_user_model())
        yield built


@pytest.fixture
def city(module_city, db, cache_root):
    """A fresh copy of the module's city, with an empty page cache.

    Tests run inside a transaction that is never committed; changes under test are
    wrapped in ``django_capture_on_commit_callbacks(execute=True)``, which runs the
    purge callbacks as a real commit would.
    """
    return copy.deepcopy(module_city)


def cached(host, path):
    """Whether a cached file exists for ``host`` + ``path``."""
    return any(candidate.is_file() for candidate in services.candidate_files(host, path))

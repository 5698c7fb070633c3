"""Fixtures for the page cache: the library's small city, online, with the middleware on."""

import pytest
from django.test import Client

from jiyue.frontcache import services
from jiyue.registry.hosting import serving_host
from jiyue.registry.models import GovSite, SiteStatus
from jiyue.registry.services import invalidate_host_cache
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


@pytest.fixture
def city(db, django_user_model, cache_root, django_capture_on_commit_callbacks):
    """The city, with the purges its construction queued already run ("committed").

    Tests run inside a transaction that is never committed; changes under test are
    wrapped in ``django_capture_on_commit_callbacks(execute=True)``, which runs the
    purge callbacks as a real commit would.
    """
    with django_capture_on_commit_callbacks(execute=True):
        return CachedCity(django_user_model)


def cached(host, path):
    """Whether a cached file exists for ``host`` + ``path``."""
    return any(candidate.is_file() for candidate in services.candidate_files(host, path))

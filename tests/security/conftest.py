"""Fixtures for the security tests: the page-cache city (every site online, cache on)."""

from tests.frontcache.conftest import cache_root, city  # noqa: F401  (fixtures)

"""Fixtures for the security tests.

- ``city``: the page-cache city (every site online, the page cache on), for tests
  that follow content onto the public page and into the cache.
- ``scan_city``: the same city with published content in its columns and an
  organization API token, for the automated scans.
"""

import pytest

from jiyue.library import services
from jiyue.library.models import ApiToken, ResourceType
from tests.frontcache.conftest import CachedCity, cache_root, city  # noqa: F401  (fixtures)


@pytest.fixture
def scan_city(db, django_user_model, cache_root, django_capture_on_commit_callbacks):  # noqa: F811
    """A small city with live content in every column, and a token of its department."""
    with django_capture_on_commit_callbacks(execute=True):
        town = CachedCity(django_user_model)
        policy = town.published(
            title="关于促进经济发展的若干措施", resource_type=ResourceType.POLICY
        )
        news = town.published(title="工作动态一则", resource_type=ResourceType.NEWS)
        services.place(policy, town.fgw_policies, town.superuser)
        services.place(policy, town.portal_policies, town.superuser)
        services.place(news, town.district_news, town.superuser)
        services.place(news, town.portal_news, town.superuser)
        town.interpretation = services.publish_now(
            town.draft(
                title="政策解读",
                resource_type=ResourceType.INTERPRETATION,
                policy=policy,
            ),
            user=town.superuser,
        )
    town.policy, town.news = policy, news
    _token, town.api_key = ApiToken.issue(town.fgw, "扫描用令牌")
    return town

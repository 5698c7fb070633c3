"""Fixtures for the security tests.

- ``people``: a supervisor (主管单位), a department editor, another department's editor and
  a superuser, each with admin access; ``online_site``: fgw's site, provisioned and online.
- ``city``: the page-cache city (every site online, the page cache on), for tests
  that follow content onto the public page and into the cache.
- ``scan_city``: the same city with published content in its columns and an
  organization API token, for the automated scans.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from jiyue.library import services
from jiyue.library.models import ApiToken, ResourceType
from jiyue.portal import services as portal
from jiyue.registry import services as registry
from jiyue.registry.models import (
    GovSite,
    Organization,
    OrgType,
    SiteStatus,
    SiteType,
    StaffMembership,
)
from tests.frontcache.conftest import (  # noqa: F401  (fixtures)
    CachedCity,
    cache_root,
    city,
    module_city,
)

# Satisfies the password policy (12+ characters, three classes).
PASSWORD = "Jiyue-测试-2026"


@dataclass
class People:
    supervisor: object
    editor: object
    other_editor: object
    superuser: object


def _staff(username, org):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    StaffMembership.objects.create(user=user, organization=org)
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def people(db):
    root = Organization.objects.create(name="北京市人民政府", org_type=OrgType.CITY_GOVERNMENT)
    office = Organization.objects.create(
        name="北京市人民政府办公厅",
        org_type=OrgType.GENERAL_OFFICE,
        parent=root,
        is_supervisor=True,
    )
    fgw = Organization.objects.create(
        name="北京市发展和改革委员会", org_type=OrgType.DEPARTMENT, parent=root
    )
    jw = Organization.objects.create(
        name="北京市教育委员会", org_type=OrgType.DEPARTMENT, parent=root
    )
    return People(
        supervisor=_staff("supervisor", office),
        editor=_staff("editor-fgw", fgw),
        other_editor=_staff("editor-jw", jw),
        superuser=get_user_model().objects.create_superuser(username="root", password=PASSWORD),
    )


def login_post(client, username, password, address="10.0.0.1", **headers):
    """A real login through Wagtail's login form (the path django-axes guards)."""
    return client.post(
        "/admin/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


@pytest.fixture
def online_site(people):
    """The fgw department's site, provisioned and online at fgw.localhost."""
    org = Organization.objects.get(name="北京市发展和改革委员会")
    gov_site = GovSite.objects.create(
        name="北京市发展和改革委员会网站",
        site_type=SiteType.DEPARTMENT,
        organization=org,
        primary_domain="fgw.beijing.gov.cn",
        status=SiteStatus.ONLINE,
    )
    registry.provision(gov_site, home_title="发改委首页")
    gov_site.refresh_from_db()
    return gov_site


@pytest.fixture
def scan_city(db, django_user_model, cache_root, django_capture_on_commit_callbacks):  # noqa: F811
    """A small city with live content in every column, and a token of its department."""
    with django_capture_on_commit_callbacks(execute=True):
        town = CachedCity(django_user_model)
        policy = town.published(
            title="关于促进经济发展的若干措施", resource_type=ResourceType.POLICY
        )
        news = town.published(title="工作动态一则", resource_type=ResourceType.NEWS)
        portal.place(policy, town.fgw_policies, town.superuser)
        portal.place(policy, town.portal_policies, town.superuser)
        portal.place(news, town.district_news, town.superuser)
        portal.place(news, town.portal_news, town.superuser)
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

"""Registry records (site record, organization, applications): only one's own.

The registry's admin views are built and scoped in ``jiyue/registry/admin_views.py``;
these tests hold them to the isolation rule from the outside, next to the rest of
the admin (rule: PLATFORM-F4 权限管理).
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from jiyue.registry.models import ApplicationKind, SiteApplication

from .conftest import body_text

pytestmark = pytest.mark.django_db

# What the supervisor's registry group holds (as the demo city sets it up).
SUPERVISOR_REGISTRY_PERMISSIONS = [
    "view_govsite",
    "change_govsite",
    "view_organization",
    "change_organization",
    "view_siteapplication",
]


@pytest.fixture
def records(world):
    group = Group.objects.create(name="主管单位")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="registry", codename__in=SUPERVISOR_REGISTRY_PERMISSIONS
        )
    )
    world.supervisor.groups.add(group)
    application = SiteApplication.objects.create(
        kind=ApplicationKind.OFFLINE,
        site=world.b.gov_site,
        applicant=world.b.editor,
        applicant_org=world.orgs["b"],
        reason="乙站机密申请理由",
    )
    return world, application


def record_urls(world, application):
    site, org = world.b.gov_site.pk, world.orgs["b"].pk
    return [
        ("site edit", reverse("registry_sites:edit", args=[site])),
        ("site inspect", reverse("registry_sites:inspect", args=[site])),
        ("site delete", reverse("registry_sites:delete", args=[site])),
        ("site history", reverse("registry_sites:history", args=[site])),
        ("organization edit", reverse("registry_organizations:edit", args=[org])),
        ("organization inspect", reverse("registry_organizations:inspect", args=[org])),
        ("organization delete", reverse("registry_organizations:delete", args=[org])),
        ("application inspect", reverse("registry_applications:inspect", args=[application.pk])),
        ("application history", reverse("registry_applications:history", args=[application.pk])),
    ]


def test_editor_is_refused_on_another_sites_records(records, as_user):
    world, application = records
    client = as_user(world.a.editor)
    secrets = (world.b.gov_site.name, world.orgs["b"].name, application.reason)
    for name, url in record_urls(world, application):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), (name, response.status_code)
        if response.status_code == 302:
            assert response["Location"] == "/admin/", name
        text = body_text(response)
        assert not [s for s in secrets if s in text], name
    for url in (
        reverse("registry_sites:index"),
        reverse("registry_organizations:index"),
        reverse("registry_applications:index"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not [s for s in secrets if s in body_text(response)], url
    own = client.get(reverse("registry_sites:inspect", args=[world.a.gov_site.pk]))
    assert world.a.gov_site.name in body_text(own)


def test_editor_cannot_change_another_sites_record(records, as_user):
    world, _application = records
    response = as_user(world.a.editor).post(
        reverse("registry_sites:edit", args=[world.b.gov_site.pk]), {"name": "篡改"}
    )
    assert response.status_code in (302, 403, 404)
    world.b.gov_site.refresh_from_db()
    assert world.b.gov_site.name == "北京市教育委员会网站"


@pytest.mark.parametrize("who", ["site editor", "supervisor"])
def test_owner_and_supervisor_see_site_bs_records(records, as_user, who):
    world, application = records
    user = world.b.editor if who == "site editor" else world.supervisor
    client = as_user(user)
    for url, text in (
        (reverse("registry_sites:inspect", args=[world.b.gov_site.pk]), world.b.gov_site.name),
        (reverse("registry_sites:index"), world.b.gov_site.name),
        (reverse("registry_applications:inspect", args=[application.pk]), application.reason),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in body_text(response), url

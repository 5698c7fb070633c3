"""The scoped permission policies hold even when groups are misconfigured.

If a site's editors' group is ever given permissions at the top of the page or
collection tree (by hand, or by a future migration), Wagtail alone would open every
site to its members. The scoped policies count a staff member's permissions only
inside their own sites (rule: PLATFORM-F4 权限管理).
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page
from wagtail.permissions import policy_registry

from jiyue.isolation.policies import (
    ScopedCollectionOwnershipPermissionPolicy,
    ScopedPagePermissionPolicy,
    ScopedSitePermissionPolicy,
)
from jiyue.portal.models import ColumnPage, FooterSettings
from jiyue.registry import services

from .conftest import MARK_B, body_text, refusal_problems

pytestmark = pytest.mark.django_db


def test_scoped_policies_are_the_ones_wagtail_uses():
    assert isinstance(policy_registry.get_by_type(Page), ScopedPagePermissionPolicy)
    assert isinstance(policy_registry.get_by_type(ColumnPage), ScopedPagePermissionPolicy)
    assert isinstance(
        policy_registry.get_by_type(get_image_model()), ScopedCollectionOwnershipPermissionPolicy
    )
    assert isinstance(policy_registry.get_by_type(FooterSettings), ScopedSitePermissionPolicy)


@pytest.fixture
def editors_group_at_the_root(world):
    """Misconfigure site A's editors' group: page and image permissions at the roots."""
    group = services.editors_group(world.a.gov_site)
    root = Page.get_first_root_node()
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=root,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    for codename in ("change_image", "choose_image"):
        GroupCollectionPermission.objects.create(
            group=group,
            collection=Collection.get_first_root_node(),
            permission=Permission.objects.get(
                content_type__app_label="wagtailimages", codename=codename
            ),
        )
    return group


def test_root_permissions_in_the_editors_group_do_not_open_other_sites(
    world, as_user, editors_group_at_the_root
):
    client = as_user(world.a.editor)
    for url in (
        reverse("wagtailadmin_pages:edit", args=[world.b.draft.pk]),
        reverse("wagtailimages:edit", args=[world.b.image.pk]),
    ):
        assert refusal_problems(client.get(url), 302) == [], url
    explorer = client.get(reverse("wagtailadmin_explore_root"))
    assert explorer["Location"] == reverse("wagtailadmin_explore", args=[world.a.home.pk])
    for url in (
        reverse("wagtailadmin_pages:search") + "?q=通知",
        reverse("wagtailadmin_choose_page"),
        reverse("wagtailadmin_reports:locked_pages"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARK_B not in body_text(response), url
    for url in (reverse("wagtailimages:index"), reverse("wagtailimages_chooser:choose")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert world.b.image.title not in body_text(response), url
    # Their own site still works.
    own = client.get(reverse("wagtailadmin_pages:edit", args=[world.a.draft.pk]))
    assert own.status_code == 200


def test_staff_without_an_organization_see_no_site(world):
    """A group left behind by hand gives nothing once the registry says "no site"."""
    world.a.editor.staff_membership.delete()
    world.a.editor.groups.add(services.editors_group(world.a.gov_site))
    user = get_user_model().objects.get(pk=world.a.editor.pk)  # fresh permission caches
    assert user.groups.exists()
    policy = policy_registry.get_by_type(Page)
    assert not policy.explorable_instances(user).exists()
    assert not policy.user_has_permission_for_instance(user, "change", world.a.draft)

"""Staff members are in exactly the Wagtail groups of the sites they work for.

Rule: PLATFORM-F4 (权限管理); SITE-4 (units publish through their parent's site).
"""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, ModelLogEntry, Page

from jiyue.isolation.sync import SUPERVISORS_GROUP_NAME, SYNC_ACTION
from jiyue.registry import services
from jiyue.registry.models import OrgType, SiteStatus, StaffMembership

from .conftest import MARK_B, body_text, make_org, make_site, make_user

pytestmark = pytest.mark.django_db


def group_names(user):
    return set(user.groups.values_list("name", flat=True))


def editors(world_site):
    return services.editors_group(world_site.gov_site)


def test_each_editor_is_in_their_own_sites_group_only(world):
    assert group_names(world.a.editor) == {editors(world.a).name}
    assert group_names(world.b.editor) == {editors(world.b).name}


def test_supervisor_is_in_the_supervisors_group_not_a_sites(world):
    assert group_names(world.supervisor) == {SUPERVISORS_GROUP_NAME}


def test_moving_to_another_organization_moves_the_groups(world):
    membership = world.a.editor.staff_membership
    membership.organization = world.orgs["b"]
    membership.save()
    assert group_names(world.a.editor) == {editors(world.b).name}


def test_leaving_removes_every_site_group(world):
    world.a.editor.staff_membership.delete()
    assert group_names(world.a.editor) == set()


def test_promotion_to_the_supervisor_swaps_groups(world):
    membership = world.a.editor.staff_membership
    membership.organization = world.orgs["office"]
    membership.save()
    assert group_names(world.a.editor) == {SUPERVISORS_GROUP_NAME}
    membership.organization = world.orgs["a"]
    membership.save()
    assert group_names(world.a.editor) == {editors(world.a).name}


def test_adding_an_editor_to_another_sites_group_is_undone(world, as_user):
    editors(world.b).user_set.add(world.a.editor)
    assert group_names(world.a.editor) == {editors(world.a).name}
    world.a.editor.groups.add(editors(world.b))
    assert group_names(world.a.editor) == {editors(world.a).name}
    response = as_user(world.a.editor).get(f"/admin/pages/{world.b.draft.pk}/edit/")
    assert response.status_code == 302
    assert MARK_B not in body_text(response)


@pytest.mark.parametrize("group_name", ["Editors", "Moderators"])
def test_stock_groups_reaching_the_whole_tree_are_undone(world, group_name):
    """Wagtail's stock groups hold permissions at the root; workflow approval tasks use them."""
    group = Group.objects.get(name=group_name)
    assert GroupPagePermission.objects.filter(group=group, page__depth=1).exists()
    world.a.editor.groups.add(group)
    assert group_names(world.a.editor) == {editors(world.a).name}
    entry = ModelLogEntry.objects.filter(action=SYNC_ACTION, object_id=str(world.a.editor.pk))
    assert entry.exists()
    assert group_name in entry.first().data["removed"]


def test_groups_without_site_permissions_are_kept(world):
    reviewers = Group.objects.create(name="审核人员")
    reviewers.permissions.add(
        Permission.objects.get(content_type__app_label="registry", codename="review_application")
    )
    world.a.editor.groups.add(reviewers)
    assert group_names(world.a.editor) == {editors(world.a).name, "审核人员"}


def test_closing_a_site_takes_its_editors_out(world):
    gov_site = world.a.gov_site
    gov_site.status = SiteStatus.CLOSED
    gov_site.save()
    assert group_names(world.a.editor) == set()


def test_staff_of_a_unit_work_on_the_parent_site(world):
    """Rule: SITE-4 — a unit below a department publishes through the department's site."""
    unit = make_org("北京市教育委员会信息中心", OrgType.UNIT, parent=world.orgs["b"])
    user = make_user("unit_staff")
    StaffMembership.objects.create(user=user, organization=unit)
    assert group_names(user) == {editors(world.b).name}


def test_staff_registered_before_their_site_is_provisioned_join_on_provisioning(
    world, django_capture_on_commit_callbacks
):
    org = make_org("北京市科学技术委员会", OrgType.DEPARTMENT, parent=world.orgs["city"])
    user = make_user("editor_kw")
    StaffMembership.objects.create(user=user, organization=org)
    assert group_names(user) == set()
    with django_capture_on_commit_callbacks(execute=True):
        gov_site = make_site(org, "北京市科学技术委员会网站", "kw.beijing.gov.cn", "丙站")
    assert group_names(user) == {services.editors_group(gov_site).name}


def test_a_new_site_gets_no_member_of_another_organization(world):
    org = make_org("北京市商务局", OrgType.DEPARTMENT, parent=world.orgs["city"])
    gov_site = make_site(org, "北京市商务局网站", "sw.beijing.gov.cn", "丁站")
    assert not services.editors_group(gov_site).user_set.exists()
    assert group_names(world.a.editor) == {editors(world.a).name}


def test_supervisors_group_covers_the_whole_tree(world):
    group = Group.objects.get(name=SUPERVISORS_GROUP_NAME)
    root = Page.get_first_root_node()
    codenames = set(
        GroupPagePermission.objects.filter(group=group, page=root).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= codenames

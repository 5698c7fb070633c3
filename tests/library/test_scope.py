"""Scope of the root organization (issue 6 item 11): explicit per group (rule: PLATFORM-F4).

The city government's own (portal) editors are not the departments' editors: by
default a staff member acts for their own organization only; "organization and
below" needs a group holding ``library.manage_sub_organizations``.
"""

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from jiyue.library.models import Resource
from jiyue.library.scope import organizations_for_user, resources_in_scope
from jiyue.library.workflow import EDITORS_GROUP
from jiyue.registry.models import StaffMembership


def portal_editor(city, django_user_model):
    user = django_user_model.objects.create_user("portal_editor", "p@x.cn", "pw")
    StaffMembership.objects.create(user=user, organization=city.city)
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


def refetch(django_user_model, user):
    """A fresh user object (permission and scope caches are per request)."""
    return django_user_model.objects.get(pk=user.pk)


def test_portal_editors_do_not_edit_departments_items_platform_f4(city, client, django_user_model):
    draft = city.draft(title="发改委的草稿")
    user = portal_editor(city, django_user_model)
    assert list(organizations_for_user(user)) == [city.city]
    client.force_login(user)
    listing = client.get(reverse("wagtailsnippets_library_policyresource:list"))
    assert "发改委的草稿" not in listing.content.decode()
    edit = client.get(reverse("wagtailsnippets_library_policyresource:edit", args=[draft.pk]))
    assert edit.status_code == 404
    form = client.get(reverse("wagtailsnippets_library_policyresource:add")).context["form"]
    assert list(form.fields["source_org"].queryset) == [city.city]


def test_organization_and_below_only_where_a_group_is_given_it_platform_f4(
    city, client, django_user_model
):
    draft = city.draft(title="发改委的草稿")
    user = portal_editor(city, django_user_model)
    group = Group.objects.create(name="市政府（含下级机构）")
    permission = Permission.objects.get(
        content_type__app_label="library", codename="manage_sub_organizations"
    )
    group.permissions.add(permission)
    user.groups.add(group)
    user = refetch(django_user_model, user)
    assert city.fgw in organizations_for_user(user)
    assert resources_in_scope(user, Resource.objects.filter(pk=draft.pk)).exists()
    client.force_login(user)
    edit = client.get(reverse("wagtailsnippets_library_policyresource:edit", args=[draft.pk]))
    assert edit.status_code == 200


def test_department_editor_scope_is_own_organization(city):
    assert list(organizations_for_user(city.fgw_editor)) == [city.fgw]
    assert organizations_for_user(city.supervisor) is None  # supervisors: everything

"""A provisioned site's editors' group works in the library (rule: LIB-1 先入库，后使用)."""

from django.contrib.auth.models import Group

from jiyue.library.models import PROXY_MODELS
from jiyue.registry.models import StaffMembership


def test_site_editors_group_may_draft_but_not_publish_resources(city, django_user_model):
    group = city.fgw_site.editors_group
    codenames = set(group.permissions.values_list("codename", flat=True))
    for model in PROXY_MODELS.values():
        name = model._meta.model_name
        assert {f"add_{name}", f"change_{name}", f"view_{name}"} <= codenames
        # Publishing stays with the review workflow's sign-off step (rule: PUB-3).
        assert f"publish_{name}" not in codenames


def test_site_editor_without_library_group_can_open_the_resource_admin(
    city, django_user_model, client
):
    user = django_user_model.objects.create_user("fgw_staff", "s@x.cn", "pw")
    StaffMembership.objects.create(user=user, organization=city.fgw)
    user.refresh_from_db()
    assert not user.groups.filter(name="信息资源编辑").exists()
    assert user.groups.filter(pk=city.fgw_site.editors_group_id).exists()
    assert isinstance(city.fgw_site.editors_group, Group)

    client.force_login(user)
    model = next(iter(PROXY_MODELS.values()))
    response = client.get(f"/admin/snippets/library/{model._meta.model_name}/add/")
    assert response.status_code == 200

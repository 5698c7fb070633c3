"""Editors choose only their own organization, site and columns in every form
(issue 8 item 3; rule: PLATFORM-7). The resource forms are covered in
tests/isolation/test_library.py; these are the column and workflow records."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from jiyue.library.models import OrganizationWorkflow
from jiyue.portal.models import ColumnDistributionSettings, ColumnSubscription


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


def subscription_data(column, **extra):
    data = {
        "column": column.pk,
        "name": "规则",
        "resource_types": '["policy"]',
        "include_sub_orgs": "on",
        "active": "on",
    }
    data.update(extra)
    return data


def test_subscription_rule_form_accepts_only_own_sites_columns_platform_7(city, client):
    grant(city.district_editor, "add_columnsubscription", "view_columnsubscription")
    client.force_login(city.district_editor)
    url = reverse("wagtailsnippets_portal_columnsubscription:add")
    form = client.get(url).context["form"]
    assert set(form.fields["column"].queryset) == {city.district_upper, city.district_news}
    response = client.post(url, subscription_data(city.fgw_policies))
    assert response.status_code == 200
    assert "column" in response.context["form"].errors
    assert not ColumnSubscription.objects.exists()
    response = client.post(url, subscription_data(city.district_upper))
    assert response.status_code == 302, response.context["form"].errors
    assert ColumnSubscription.objects.get().column_id == city.district_upper.pk


def test_distribution_settings_form_accepts_only_own_sites_columns_platform_7(city, client):
    grant(city.district_editor, "add_columndistributionsettings")
    client.force_login(city.district_editor)
    url = reverse("wagtailsnippets_portal_columndistributionsettings:add")
    response = client.post(url, {"column": city.fgw_policies.pk, "requires_acceptance": "on"})
    assert response.status_code == 200
    assert "column" in response.context["form"].errors
    assert not ColumnDistributionSettings.objects.exists()


def test_organization_workflow_form_accepts_only_own_organization_platform_7(city, client):
    grant(city.fgw_editor, "add_organizationworkflow")
    client.force_login(city.fgw_editor)
    url = reverse("wagtailsnippets_library_organizationworkflow:add")
    form = client.get(url).context["form"]
    assert list(form.fields["organization"].queryset) == [city.fgw]
    workflow = OrganizationWorkflow._meta.get_field("workflow").related_model.objects.first()
    response = client.post(url, {"organization": city.district.pk, "workflow": workflow.pk})
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert not OrganizationWorkflow.objects.exists()

"""A published item appears on its own site by default (issue 8 item 1; rule: LIB-3, META-6).

Through the real admin: the fgw editor's add form offers the 发布栏目 field with the
owner site's 政策文件 column ticked, the four reviewers approve in the admin, and the
policy then answers 200 on fgw's ``/content/<id>/`` and is in fgw's 政策文件 column. Every
link of the district's 上级文件 column and of the policy's page there answers 200.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from jiyue.library.models import HeldInterpretation, Resource, ResourceType
from jiyue.library.workflow import EDITORS_GROUP, WORKFLOW_STEPS
from jiyue.portal.models import ColumnSubscription, Placement
from jiyue.portal.services import content_path
from jiyue.registry.models import GovSite, SiteStatus
from jiyue.registry.services import serving_host

from .conftest import make_column

TITLE = "关于推进数字经济发展的若干措施"


def add_url(model="policyresource"):
    return reverse(f"wagtailsnippets_library_{model}:add")


def policy_form_data(city, **overrides):
    data = {
        "title": TITLE,
        "summary": "摘要",
        "body": rich_text("<p>正文</p>"),
        "source_org": city.fgw.pk,
        "owner_site": city.fgw_site.pk,
        "author": "",
        "pub_date": "",
        "keywords": "",
        "theme": "",
        "resource_class": "",
        "share_scope": "unconditional",
        "image": "",
        "attachments": inline_formset([]),
        "go_live_at": "",
        "expire_at": "",
        "doc_no": "京发改〔2026〕1号",
        "issuing_organ": "北京市发展和改革委员会",
        "written_date": "",
        "validity": "valid",
    }
    columns = overrides.pop("placement_columns", [city.fgw_policies.pk])
    data.update(overrides)
    data = nested_form_data(data)
    data["placement_columns"] = columns
    return data


def approve_in_admin(resource, reviewer):
    """Approve the current task through the admin's workflow action view."""
    resource.refresh_from_db()
    state = resource.current_workflow_task_state
    url = reverse(
        "wagtailsnippets_library_policyresource:workflow_action",
        args=[resource.pk, "approve", state.pk],
    )
    client = Client()
    client.force_login(reviewer)
    response = client.post(url, {"comment": ""})
    assert response.status_code == 302, response.content[:500]
    return response


def site_client(gov_site):
    return Client(HTTP_HOST=serving_host(gov_site.primary_domain))


@pytest.fixture
def online(city):
    """The three sites online; the district's 上级文件 subscribes to city policies."""
    GovSite.objects.filter(pk__in=[city.portal.pk, city.fgw_site.pk, city.district_site.pk]).update(
        status=SiteStatus.ONLINE
    )
    for site in (city.portal, city.fgw_site, city.district_site):
        site.refresh_from_db()
    rule = ColumnSubscription.objects.create(
        column=city.district_upper, name="市级政策文件", resource_types=["policy"]
    )
    rule.source_orgs.add(city.city)
    return city


def test_add_form_offers_own_sites_columns_with_the_typed_column_ticked_meta_6(online, client):
    client.force_login(online.fgw_editor)
    form = client.get(add_url()).context["form"]
    field = form.fields["placement_columns"]
    assert set(field.queryset) == {online.fgw_policies}
    assert field.initial == [online.fgw_policies.pk]
    # A district editor's news form: only the district's columns, 工作动态 ticked.
    client.force_login(online.district_editor)
    form = client.get(add_url("newsresource")).context["form"]
    field = form.fields["placement_columns"]
    assert set(field.queryset) == {online.district_upper, online.district_news}
    assert field.initial == [online.district_news.pk]


def test_add_form_refuses_another_sites_column_platform_7(online, client):
    client.force_login(online.fgw_editor)
    response = client.post(
        add_url(), policy_form_data(online, placement_columns=[online.district_upper.pk])
    )
    assert response.status_code == 200
    assert "placement_columns" in response.context["form"].errors
    assert not Resource.objects.filter(title=TITLE).exists()


def test_policy_through_admin_workflow_is_on_its_own_site_and_links_answer_lib_3(online, client):
    client.force_login(online.fgw_editor)
    response = client.post(add_url(), policy_form_data(online, **{"action-submit": "submit"}))
    assert response.status_code == 302, response.context["form"].errors
    policy = Resource.objects.get(title=TITLE)
    assert Placement.objects.filter(resource=policy, column=online.fgw_policies).exists()
    assert not policy.live
    for step in WORKFLOW_STEPS:
        approve_in_admin(policy, online.reviewers[step])
    policy.refresh_from_db()
    assert policy.live

    fgw = site_client(online.fgw_site)
    assert fgw.get(content_path(policy.pk)).status_code == 200
    column_html = fgw.get("/" + online.fgw_policies.slug + "/")
    assert TITLE in column_html.content.decode()

    # The district's 上级文件 shows it; every link there answers 200.
    district = site_client(online.district_site)
    upper_path = "/" + online.district_upper.slug + "/"
    upper = district.get(upper_path)
    assert upper.status_code == 200 and TITLE in upper.content.decode()
    detail = district.get(content_path(policy.pk))
    assert detail.status_code == 200
    html = detail.content.decode()
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
    assert canonical.endswith(content_path(policy.pk))
    assert serving_host(online.fgw_site.primary_domain) in canonical
    for page_html in (upper.content.decode(), html):
        for href in set(re.findall(r'href="([^"#]+)"', page_html)):
            assert_answers(href, district)


def assert_answers(href, same_site_client):
    if href.startswith("http"):
        match = re.match(r"https?://([^/:]+)(?::\d+)?(/.*)?$", href)
        host, path = match.group(1), match.group(2) or "/"
        response = Client(HTTP_HOST=host).get(path)
    elif href.startswith("/"):
        response = same_site_client.get(href)
    else:
        return
    if href.startswith(("/static/", "/media/", "/documents/")):
        return
    assert response.status_code == 200, href


def test_canonical_falls_back_to_the_showing_site_when_the_owner_site_does_not_show_it(
    online,
):
    """No page links to a URL that answers 404: canonical is this site's own page."""
    policy = online.published(title=TITLE, resource_type=ResourceType.POLICY)
    Placement.objects.filter(resource=policy).delete()
    district = site_client(online.district_site)
    html = district.get(content_path(policy.pk)).content.decode()
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
    assert serving_host(online.district_site.primary_domain) in canonical
    assert site_client(online.fgw_site).get(content_path(policy.pk)).status_code == 404


def test_interpretation_link_points_to_a_page_that_answers(online):
    """相关解读 on the district: the interpretation's owner site shows it, or no link."""
    policy = online.published(title=TITLE, resource_type=ResourceType.POLICY)
    interpretation = online.published(
        title="解读：" + TITLE, resource_type=ResourceType.INTERPRETATION, policy=policy
    )
    assert not HeldInterpretation.objects.exists()
    district = site_client(online.district_site)
    html = district.get(content_path(policy.pk)).content.decode()
    section = html.split('id="related-title"', 1)[1]
    # Not shown anywhere: the title without a link.
    assert "解读：" + TITLE in section
    assert content_path(interpretation.pk) not in section
    interp_column = make_column(online.fgw_home, "政策解读", "zcjd", column_type="INTERPRETATION")
    Placement.objects.create(resource=interpretation, column=interp_column)
    html = district.get(content_path(policy.pk)).content.decode()
    href = re.search(rf'href="([^"]*/content/{interpretation.pk}/)"', html).group(1)
    assert_answers(href, district)


def test_supervisor_gets_own_sites_columns_and_the_owner_sites_default(online, client):
    """Not every column of the platform: the supervisor's own (portal) site's columns;
    a new item of another owner site with nothing ticked lands in that site's column."""
    online.supervisor.groups.add(Group.objects.get(name=EDITORS_GROUP))
    client.force_login(online.supervisor)
    form = client.get(add_url()).context["form"]
    assert set(form.fields["placement_columns"].queryset) == {online.portal_policies}
    data = policy_form_data(online, placement_columns=[])
    response = client.post(add_url(), data)
    assert response.status_code == 302, response.context["form"].errors
    policy = Resource.objects.get(title=TITLE)
    assert list(Placement.objects.filter(resource=policy).values_list("column", flat=True)) == [
        online.fgw_policies.pk
    ]
    # Editing: the owner site's columns are offered, the placement is ticked.
    edit = reverse("wagtailsnippets_library_policyresource:edit", args=[policy.pk])
    field = client.get(edit).context["form"].fields["placement_columns"]
    assert online.fgw_policies in set(field.queryset)
    assert field.initial == [online.fgw_policies.pk]

"""Admin UI of distribution (分发), pending acceptance (待接收), the interpretation waiver
and the INTERP-1 publish refusal (rules: LIB-3, INTERP-1)."""

from django import forms
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry, WorkflowState

from jiyue.library.models import Resource, ResourceType
from jiyue.library.workflow import WORKFLOW_STEPS
from jiyue.portal.models import ColumnDistributionSettings, ColumnType, Placement, PlacementState


def distribution_url(resource):
    return reverse("portal_admin:distribution", args=[resource.pk])


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Distribution ----------------------------------------------------------------------------


def test_distribution_page_lists_sites_and_states(city, client):
    """LIB-3: the page shows each column with its site name and state."""
    news = city.published(title="全市经济运行情况")
    ColumnDistributionSettings.objects.create(column=city.district_news, requires_acceptance=True)
    Placement.objects.create(resource=news, column=city.fgw_policies)
    Placement.objects.create(resource=news, column=city.district_news, state=PlacementState.PENDING)
    client.force_login(city.supervisor)
    body = client.get(distribution_url(news)).content.decode()
    assert "北京市发展和改革委员会网站" in body
    assert "北京市海淀区人民政府网站" in body
    assert "待接收" in body and "已生效" in body


def test_distribution_page_shows_editors_only_their_own_sites_placements_platform_7(city, client):
    """PLATFORM-7: where a shared item appears on other sites is not an editor's to see."""
    news = city.published(title="全市经济运行情况")
    Placement.objects.create(resource=news, column=city.fgw_policies)
    Placement.objects.create(resource=news, column=city.district_news, state=PlacementState.PENDING)
    client.force_login(city.fgw_editor)
    body = client.get(distribution_url(news)).content.decode()
    assert "北京市发展和改革委员会网站" in body and "已生效" in body
    assert "北京市海淀区人民政府网站" not in body
    client.force_login(city.district_editor)
    body = client.get(distribution_url(news)).content.decode()
    assert "北京市海淀区人民政府网站" in body
    assert "北京市发展和改革委员会网站" not in body


def test_edit_view_and_listing_link_to_distribution(city, client):
    news = city.published(title="一条动态")
    client.force_login(city.fgw_editor)
    edit = client.get(reverse("wagtailsnippets_library_newsresource:edit", args=[news.pk]))
    assert distribution_url(news) in edit.content.decode()
    listing = client.get(reverse("wagtailsnippets_library_newsresource:list"))
    assert distribution_url(news) in listing.content.decode()


def test_editor_places_into_own_site_column(city, client):
    news = city.published(title="发改委动态")
    client.force_login(city.fgw_editor)
    response = client.post(
        distribution_url(news), {"action": "place", "columns": [city.fgw_policies.pk]}
    )
    assert response.status_code == 302
    placement = Placement.objects.get(resource=news, column=city.fgw_policies)
    assert placement.state == PlacementState.ACTIVE
    assert ModelLogEntry.objects.filter(action="library.placement.create").exists()


def test_editor_refused_on_other_site_column(city, client):
    """LIB-3: a forged POST naming the district's column places nothing and is a message."""
    news = city.published(title="发改委动态")
    client.force_login(city.fgw_editor)
    response = client.post(
        distribution_url(news), {"action": "place", "columns": [city.district_news.pk]}
    )
    assert response.status_code == 200
    assert not Placement.objects.filter(resource=news).exists()
    assert any("本网站" in m for m in message_texts(response))


def test_place_form_requires_csrf(city):
    news = city.published(title="发改委动态")
    client = Client(enforce_csrf_checks=True)
    client.force_login(city.fgw_editor)
    response = client.post(
        distribution_url(news), {"action": "place", "columns": [city.fgw_policies.pk]}
    )
    assert response.status_code == 403
    assert not Placement.objects.filter(resource=news).exists()


def test_draft_cannot_be_placed(city, client):
    """LIB-1: only live resources are distributed."""
    draft = city.draft(title="草稿", resource_type=ResourceType.NEWS)
    client.force_login(city.fgw_editor)
    response = client.post(
        distribution_url(draft), {"action": "place", "columns": [city.fgw_policies.pk]}
    )
    assert response.status_code == 302
    assert not Placement.objects.filter(resource=draft).exists()
    assert any("LIB-1" in m for m in message_texts(response))


def test_supervisor_pushes_to_every_district_column_of_a_type(city, client):
    news = city.published(title="全市重要部署")
    ColumnDistributionSettings.objects.create(column=city.district_news, requires_acceptance=True)
    client.force_login(city.supervisor)
    response = client.post(
        distribution_url(news),
        {
            "action": "push",
            "push-district_column_type": ColumnType.NEWS,
            "push-columns": [city.portal_policies.pk],
        },
    )
    assert response.status_code == 302
    states = dict(Placement.objects.filter(resource=news).values_list("column_id", "state"))
    assert states == {
        city.district_news.pk: PlacementState.PENDING,
        city.portal_policies.pk: PlacementState.ACTIVE,
    }


def test_editor_cannot_push(city, client):
    news = city.published(title="发改委动态")
    client.force_login(city.fgw_editor)
    response = client.post(
        distribution_url(news), {"action": "push", "push-columns": [city.district_news.pk]}
    )
    assert response.status_code == 302
    assert not Placement.objects.filter(resource=news).exists()
    assert any("主管单位" in m for m in message_texts(response))


def test_unshared_resource_of_other_org_is_not_found(city, client):
    news = city.published(title="不共享", share_scope="none")
    client.force_login(city.district_editor)
    assert client.get(distribution_url(news)).status_code == 404


# --- Pending acceptance ----------------------------------------------------------------------


def _pending(city, title="推送信息"):
    news = city.published(title=title)
    return Placement.objects.create(
        resource=news, column=city.district_news, state=PlacementState.PENDING, via="push"
    )


def test_pending_list_scoped_to_own_sites(city, client):
    _pending(city, "推送给海淀的信息")
    client.force_login(city.district_editor)
    assert "推送给海淀的信息" in client.get(reverse("portal_admin:pending")).content.decode()
    client.force_login(city.fgw_editor)
    assert "推送给海淀的信息" not in client.get(reverse("portal_admin:pending")).content.decode()
    client.force_login(city.supervisor)
    assert "推送给海淀的信息" in client.get(reverse("portal_admin:pending")).content.decode()


def test_accept_and_reject(city, client):
    first, second = _pending(city, "甲"), _pending(city, "乙")
    client.force_login(city.district_editor)
    client.post(reverse("portal_admin:decide", args=[first.pk, "accept"]))
    client.post(reverse("portal_admin:decide", args=[second.pk, "reject"]))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == PlacementState.ACTIVE
    assert second.state == PlacementState.REJECTED
    assert first.decided_by == city.district_editor


def test_accept_refused_for_other_site_and_repeated_decision(city, client):
    placement = _pending(city)
    client.force_login(city.fgw_editor)
    response = client.post(reverse("portal_admin:decide", args=[placement.pk, "accept"]))
    placement.refresh_from_db()
    assert placement.state == PlacementState.PENDING
    assert response.status_code == 404  # another site's placement looks like a missing one
    client.force_login(city.district_editor)
    client.post(reverse("portal_admin:decide", args=[placement.pk, "reject"]))
    response = client.post(reverse("portal_admin:decide", args=[placement.pk, "accept"]))
    placement.refresh_from_db()
    assert placement.state == PlacementState.REJECTED
    assert any("已处理" in m for m in message_texts(response))


def test_decision_is_post_only(city, client):
    placement = _pending(city)
    client.force_login(city.district_editor)
    response = client.get(reverse("portal_admin:decide", args=[placement.pk, "accept"]))
    assert response.status_code == 405


# --- Interpretation waiver (INTERP-1) --------------------------------------------------------


def test_waiver_by_signer(city, client):
    policy = city.draft(needs_interpretation=True)
    client.force_login(city.reviewers["签发"])
    url = reverse("library_admin:waiver", args=[policy.pk])
    response = client.post(url, {"reason": "内部管理类文件，无需解读"})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.interpretation_waiver_reason == "内部管理类文件，无需解读"
    assert policy.interpretation_waived_by == city.reviewers["签发"]


def test_waiver_refused_without_permission_and_without_reason(city, client):
    """INTERP-1: an editor may not waive; an empty reason is a form error."""
    policy = city.draft(needs_interpretation=True)
    url = reverse("library_admin:waiver", args=[policy.pk])
    client.force_login(city.fgw_editor)
    response = client.post(url, {"reason": "想跳过"})
    assert response.status_code == 200
    assert any("INTERP-1" in m for m in message_texts(response))
    client.force_login(city.reviewers["签发"])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    policy.refresh_from_db()
    assert policy.interpretation_waiver_reason == ""


# --- INTERP-1 publish refusal in the admin ---------------------------------------------------


def edit_form_data(resource, user):
    """POST data equal to the edit form as rendered (Wagtail's own form class)."""
    form_class = type(resource).snippet_viewset.get_form_class(for_update=True)
    form = form_class(instance=resource, for_user=user)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            formatted = field.widget.format_value(value)
            data[name] = "" if formatted is None else formatted
    for formset in form.formsets.values():
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
    return data


def test_publish_refused_by_interp_1_is_a_message_and_keeps_the_draft(city, client):
    """INTERP-1: was a 500; now an error message, the new revision saved, nothing live."""
    policy = city.draft(needs_interpretation=True)
    revisions_before = policy.revisions.count()
    client.force_login(city.superuser)
    url = reverse("wagtailsnippets_library_policyresource:edit", args=[policy.pk])
    data = edit_form_data(policy, city.superuser)
    data["title"] = "修改后的标题"
    data["action-publish"] = "action-publish"
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == url
    assert any("INTERP-1" in m for m in message_texts(response))
    policy = Resource.objects.get(pk=policy.pk)
    assert not policy.live
    assert policy.revisions.count() == revisions_before + 1
    assert policy.get_latest_revision_as_object().title == "修改后的标题"
    follow = client.get(url)
    assert "修改后的标题" in follow.content.decode()


def test_final_workflow_approval_refused_by_interp_1_keeps_task_open(city, client):
    """INTERP-1: the sign-off approval is rolled back and shown as a message, not a 500."""
    policy = city.draft(needs_interpretation=True)
    policy.get_workflow().start(policy, city.fgw_editor)
    for step in WORKFLOW_STEPS[:-1]:
        state = policy.current_workflow_task_state
        state.task.specific.on_action(state, city.reviewers[step], "approve")
        policy.refresh_from_db()
    task_state = policy.current_workflow_task_state
    client.force_login(city.reviewers["签发"])
    url = reverse(
        "wagtailsnippets_library_policyresource:workflow_action",
        args=[policy.pk, "approve", task_state.pk],
    )
    response = client.post(url, {"comment": ""})
    assert response.status_code == 302
    assert any("INTERP-1" in m for m in message_texts(response))
    policy.refresh_from_db()
    assert not policy.live
    workflow_state = WorkflowState.objects.for_instance(policy).get()
    assert workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert policy.current_workflow_task_state.pk == task_state.pk


def test_final_approval_from_modal_gets_json_not_500(city, client):
    """INTERP-1: the approval modal (XHR) gets a redirect in JSON; the message waits there."""
    policy = city.draft(needs_interpretation=True)
    policy.get_workflow().start(policy, city.fgw_editor)
    for step in WORKFLOW_STEPS[:-1]:
        state = policy.current_workflow_task_state
        state.task.specific.on_action(state, city.reviewers[step], "approve")
        policy.refresh_from_db()
    client.force_login(city.reviewers["签发"])
    url = reverse(
        "wagtailsnippets_library_policyresource:workflow_action",
        args=[policy.pk, "approve", policy.current_workflow_task_state.pk],
    )
    response = client.post(url, {"comment": ""}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200
    assert response.json()["step"] == "success"
    assert any("INTERP-1" in m for m in message_texts(response))
    policy.refresh_from_db()
    assert not policy.live


def test_forms_render_for_supervisor_and_signer(city, client):
    """The push form is shown to the supervisor only; the waiver form renders with CSRF."""
    news = city.published(title="一条动态")
    client.force_login(city.fgw_editor)
    assert 'value="push"' not in client.get(distribution_url(news)).content.decode()
    client.force_login(city.supervisor)
    body = client.get(distribution_url(news)).content.decode()
    assert 'value="push"' in body and "csrfmiddlewaretoken" in body
    policy = city.draft(needs_interpretation=True)
    client.force_login(city.reviewers["签发"])
    body = client.get(reverse("library_admin:waiver", args=[policy.pk])).content.decode()
    assert "免于解读理由" in body and "csrfmiddlewaretoken" in body

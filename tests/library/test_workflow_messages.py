"""Workflow messages name the step approved and the next one; held interpretations are
shown as 待政策发布 and listed by a filter (issue 8 item 2; rule: PUB-3, INTERP-1)."""

import itertools

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from jiyue.library.models import Resource, ResourceType
from jiyue.library.workflow import WORKFLOW_STEPS

from .test_own_site_placement import TITLE, policy_form_data


def texts(response):
    """Message texts without the buttons Wagtail appends to some of them."""
    return [str(m).split("\n", 1)[0] for m in get_messages(response.wsgi_request)]


def approve(resource, user, model="interpretationresource"):
    resource.refresh_from_db()
    state = resource.current_workflow_task_state
    url = reverse(
        f"wagtailsnippets_library_{model}:workflow_action",
        args=[resource.pk, "approve", state.pk],
    )
    client = Client()
    client.force_login(user)
    return texts(client.post(url, {"comment": ""}, follow=True))


def test_each_approval_names_the_step_and_the_next_one_pub_3(city):
    policy = city.draft()
    interpretation = city.draft(
        title="解读：" + policy.title, resource_type=ResourceType.INTERPRETATION, policy=policy
    )
    interpretation.get_workflow().start(interpretation, city.fgw_editor)
    for step, next_step in itertools.pairwise(WORKFLOW_STEPS):
        messages = approve(interpretation, city.reviewers[step])
        assert f"“{interpretation.title}”已通过“{step}”，下一步：{next_step}。" in messages
    messages = approve(interpretation, city.reviewers["签发"])
    assert any(
        m.startswith(f"“{interpretation.title}”已通过“签发”，审核完成。待政策发布")
        for m in messages
    ), messages


def test_held_interpretation_is_shown_as_held_and_listed_by_the_filter_interp_1(city, client):
    policy = city.draft()
    interpretation = city.draft(
        title="解读：" + policy.title, resource_type=ResourceType.INTERPRETATION, policy=policy
    )
    other = city.draft(title="另一篇解读", resource_type=ResourceType.INTERPRETATION, policy=policy)
    interpretation.get_workflow().start(interpretation, city.fgw_editor)
    for step in WORKFLOW_STEPS:
        approve(interpretation, city.reviewers[step])
    interpretation = Resource.objects.get(pk=interpretation.pk)
    assert not interpretation.live
    assert interpretation.status_string == "待政策发布"
    assert Resource.objects.get(pk=other.pk).status_string != "待政策发布"
    client.force_login(city.fgw_editor)
    url = reverse("wagtailsnippets_library_interpretationresource:list")
    held = client.get(url, {"held": "true"}).content.decode()
    assert interpretation.title in held and "另一篇解读" not in held
    assert "待政策发布" in held
    not_held = client.get(url, {"held": "false"}).content.decode()
    assert "另一篇解读" in not_held


def test_last_approval_of_a_policy_says_published_and_submit_names_the_first_step(city, client):
    client.force_login(city.fgw_editor)
    response = client.post(
        reverse("wagtailsnippets_library_policyresource:add"),
        policy_form_data(city, **{"action-submit": "submit"}),
        follow=True,
    )
    assert f"“{TITLE}”已提交审核，下一步：初审。" in texts(response)
    policy = Resource.objects.get(title=TITLE)
    for step in WORKFLOW_STEPS[:-1]:
        approve(policy, city.reviewers[step], model="policyresource")
    # The last step from the edit view (approve button of the edit page).
    signer = Client()
    signer.force_login(city.reviewers["签发"])
    data = policy_form_data(city, **{"action-workflow-action": "true"})
    data["workflow-action-name"] = "approve"
    response = signer.post(
        reverse("wagtailsnippets_library_policyresource:edit", args=[policy.pk]),
        data,
        follow=True,
    )
    assert f"“{policy.title}”已通过“签发”，审核完成，已发布。" in texts(response)
    assert Resource.objects.get(pk=policy.pk).live

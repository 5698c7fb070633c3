"""Review before publishing through Wagtail's snippet workflow (rule: PUB-3)."""

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import GroupApprovalTask, Workflow, WorkflowState

from jiyue.library import services
from jiyue.library.models import Resource, ResourceType
from jiyue.library.workflow import WORKFLOW_NAME, WORKFLOW_STEPS


def approve_current(resource, user, comment=""):
    state = resource.current_workflow_task_state
    state.task.specific.on_action(state, user, "approve", comment=comment)
    resource.refresh_from_db()


def test_default_workflow_has_four_steps_including_confidentiality_review(db):
    """rule: PUB-3 — 初审 → 复审 → 保密审查 → 签发, assigned to every resource type."""
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    assert [t.name for t in workflow.tasks] == WORKFLOW_STEPS
    for model in (
        Resource,
        *__import__("jiyue.library.models").library.models.PROXY_MODELS.values(),
    ):
        assert model.get_default_workflow() == workflow


def test_full_approval_publishes_and_assigns_index_no(city):
    policy = city.draft()
    assert not policy.live
    workflow = policy.get_workflow()
    workflow.start(policy, city.fgw_editor)
    for step in WORKFLOW_STEPS[:-1]:
        approve_current(policy, city.reviewers[step])
        assert not policy.live, f"live before sign-off (after {step})"
    approve_current(policy, city.reviewers["签发"])
    assert policy.live
    assert policy.index_no and policy.index_no.endswith("-00001")
    assert policy.pub_date is not None
    assert WorkflowState.objects.for_instance(policy).get().status == WorkflowState.STATUS_APPROVED


def test_reviewer_outside_group_cannot_approve(city):
    policy = city.draft()
    policy.get_workflow().start(policy, city.fgw_editor)
    state = policy.current_workflow_task_state
    # 复审 reviewer tries to act on the 初审 step: Wagtail offers them no action.
    assert state.task.specific.get_actions(policy, city.reviewers["复审"]) == []
    assert state.task.specific.get_actions(policy, city.reviewers["初审"]) != []


def test_rejection_then_resubmission_restarts_at_rejected_step(city):
    policy = city.draft()
    workflow_state = policy.get_workflow().start(policy, city.fgw_editor)
    approve_current(policy, city.reviewers["初审"])
    state = policy.current_workflow_task_state
    assert state.task.name == "复审"
    state.task.specific.on_action(state, city.reviewers["复审"], "reject", comment="请修改标题")
    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    policy.refresh_from_db()
    assert not policy.live
    # The editor fixes the draft and resubmits.
    draft = policy.get_latest_revision_as_object()
    draft.title = "关于促进经济高质量发展的若干措施"
    draft.save_revision(user=city.fgw_editor)
    workflow_state.resume(user=city.fgw_editor)
    policy.refresh_from_db()
    assert policy.current_workflow_task_state.task.name == "复审"
    for step in WORKFLOW_STEPS[1:]:
        approve_current(policy, city.reviewers[step])
    assert policy.live
    assert policy.title == "关于促进经济高质量发展的若干措施"


def test_sign_off_needs_publish_permission(city, django_user_model):
    """The 签发 task publishes with the approver's permissions; others cannot publish."""
    policy = city.draft()
    revision = policy.get_latest_revision()
    with pytest.raises(PermissionDenied):
        revision.publish(user=city.reviewers["初审"])
    policy.refresh_from_db()
    assert not policy.live


def test_organization_workflow_overrides_default(city):
    """A supervisor gives the district its own two-step workflow; others keep the default."""
    short = Workflow.objects.create(name="区级简易审核")
    task = GroupApprovalTask.objects.create(name="区级签发")
    short.workflow_tasks.create(task=task, sort_order=0)
    with pytest.raises(PermissionDenied):
        services.set_organization_workflow(city.district, short, city.district_editor)
    services.set_organization_workflow(city.district, short, city.supervisor)
    district_news = services.create_draft(
        title="海淀区动态",
        resource_type=ResourceType.NEWS,
        source_org=city.district,
        owner_site=city.district_site,
    )
    assert district_news.get_workflow() == short
    assert city.draft().get_workflow().name == WORKFLOW_NAME


def test_draft_api_of_wagtail_keeps_live_row_unchanged(city):
    """Editing a live resource creates a draft revision; the live row is unchanged."""
    news = city.published(title="原标题")
    draft = news.get_latest_revision_as_object()
    draft.title = "草稿标题"
    draft.save_revision(user=city.fgw_editor)
    news.refresh_from_db()
    assert news.title == "原标题"
    assert news.has_unpublished_changes

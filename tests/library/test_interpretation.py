"""A policy needing interpretation is released with it or with a waiver (rule: INTERP-1, TIME-5)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jiyue.library import services
from jiyue.library.models import HeldInterpretation, Resource, ResourceType
from jiyue.library.workflow import InterpretationRequired


def make_interpretation(city, policy, title="《若干措施》政策解读"):
    return city.draft(
        title=title,
        resource_type=ResourceType.INTERPRETATION,
        policy=policy,
        interpretation_form="text",
    )


def test_policy_needing_interpretation_is_refused_alone(city):
    """INTERP-1: refused, in Chinese, naming the rule; nothing goes live."""
    policy = city.draft(needs_interpretation=True)
    with pytest.raises(InterpretationRequired) as exc:
        policy.get_latest_revision().publish(user=city.superuser)
    assert "INTERP-1" in str(exc.value)
    policy.refresh_from_db()
    assert not policy.live
    assert policy.index_no is None


def test_interpretation_approved_first_is_held_then_released_with_policy(city):
    """TIME-5: an approved interpretation waits and goes live in the policy's transaction."""
    policy = city.draft(needs_interpretation=True)
    interp = make_interpretation(city, policy)
    services.publish_now(interp, user=city.superuser)
    interp.refresh_from_db()
    assert not interp.live
    assert HeldInterpretation.objects.filter(interpretation=interp).exists()

    services.publish_now(policy, user=city.superuser)
    policy.refresh_from_db()
    interp.refresh_from_db()
    assert policy.live and interp.live
    assert not HeldInterpretation.objects.exists()
    assert list(policy.interpretations.live()) == [interp]  # INTERP-2 link both ways
    assert interp.policy == policy


def test_waiver_by_approver_allows_publishing_alone(city):
    policy = city.draft(needs_interpretation=True)
    with pytest.raises(PermissionDenied):
        services.waive_interpretation(policy, city.fgw_editor, "内部管理文件")
    with pytest.raises(ValidationError):
        services.waive_interpretation(policy, city.reviewers["签发"], "  ")
    services.waive_interpretation(policy, city.reviewers["签发"], "属于内部管理事项，无需解读")
    services.publish_now(policy, user=city.superuser)
    policy.refresh_from_db()
    assert policy.live
    assert policy.interpretation_waived_by == city.reviewers["签发"]


def test_waiver_cannot_be_smuggled_in_through_a_revision(city):
    """The waiver is not revision content: a draft carrying one is ignored on publish."""
    policy = city.draft(needs_interpretation=True)
    draft = policy.get_latest_revision_as_object()
    draft.interpretation_waiver_reason = "编辑自行填写"
    draft.interpretation_waived_by = city.fgw_editor
    revision = draft.save_revision(user=city.fgw_editor)
    # Saving a revision writes only latest_revision on the row; the waiver stays empty.
    assert not Resource.objects.get(pk=policy.pk).interpretation_waiver_reason
    with pytest.raises(InterpretationRequired):
        revision.publish(user=city.superuser)


def test_policy_without_flag_publishes_alone(city):
    policy = city.published(resource_type=ResourceType.POLICY)
    assert policy.live


def test_interpretation_must_link_a_policy(city):
    with pytest.raises(ValidationError) as exc:
        city.draft(title="无主解读", resource_type=ResourceType.INTERPRETATION)
    assert "INTERP-2" in str(exc.value)


def test_scheduled_policy_refused_by_worker_stays_unpublished(city):
    """The rule holds on the scheduler path too (no bypass)."""
    import datetime
    from unittest import mock

    from django.utils import timezone

    from jiyue.library.scheduling import run_scheduled_publishing

    policy = city.draft(needs_interpretation=True)
    go_live = timezone.now() + datetime.timedelta(hours=1)
    draft = policy.get_latest_revision_as_object()
    draft.go_live_at = go_live
    draft.save_revision(user=city.fgw_editor).publish(user=city.superuser)
    later = go_live + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        result = run_scheduled_publishing(now=later)
    assert result["failed"] == 1
    policy.refresh_from_db()
    assert not policy.live

"""Distribution by reference to many sites (rule: LIB-3) and revocation everywhere."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry, PageLogEntry

from jiyue.library import services
from jiyue.library.models import ResourceType, ShareScope
from jiyue.library.workflow import WORKFLOW_STEPS
from jiyue.portal import services as portal
from jiyue.portal.models import ColumnDistributionSettings, ColumnSubscription, PlacementState


def titles(column):
    return [r.title for r in portal.resources_for_column(column)]


def test_explicit_placement_in_own_site_only(city):
    news = city.published(title="发改委动态")
    portal.place(news, city.fgw_policies, city.fgw_editor)
    assert titles(city.fgw_policies) == ["发改委动态"]
    with pytest.raises(PermissionDenied):
        portal.place(news, city.district_news, city.fgw_editor)
    assert titles(city.district_news) == []
    assert ModelLogEntry.objects.filter(action="library.placement.create").exists()


def test_subscription_shows_every_city_policy_of_a_theme(city):
    """A district's 上级文件 column shows the city's policies of one theme (incl. sub-themes)."""
    sub = ColumnSubscription.objects.create(
        column=city.district_upper, name="市级财政政策", resource_types=[ResourceType.POLICY]
    )
    sub.themes.add(city.theme)
    sub.source_orgs.add(city.city)  # include_sub_orgs: the whole city government tree
    city.published(title="财政政策", resource_type=ResourceType.POLICY, theme=city.sub_theme)
    city.published(title="国防政策", resource_type=ResourceType.POLICY, theme=city.other_theme)
    city.published(title="财政动态", resource_type=ResourceType.NEWS, theme=city.theme)
    city.published(
        title="不共享的财政政策",
        resource_type=ResourceType.POLICY,
        theme=city.theme,
        share_scope=ShareScope.NONE,
    )
    city.draft(title="财政政策草稿", resource_type=ResourceType.POLICY, theme=city.theme)
    assert titles(city.district_upper) == ["财政政策"]
    # Revoking the rule needs no clean-up.
    sub.active = False
    sub.save()
    assert titles(city.district_upper) == []


def test_push_to_many_columns_with_acceptance(city):
    news = city.published(title="全市通知", resource_type=ResourceType.NOTICE)
    ColumnDistributionSettings.objects.create(column=city.district_news, requires_acceptance=True)
    with pytest.raises(PermissionDenied):
        portal.push(news, [city.fgw_policies, city.district_news], city.fgw_editor)
    placements = portal.push(news, [city.fgw_policies, city.district_news], city.supervisor)
    states = {p.column_id: p.state for p in placements}
    assert states == {
        city.fgw_policies.pk: PlacementState.ACTIVE,
        city.district_news.pk: PlacementState.PENDING,
    }
    assert titles(city.fgw_policies) == ["全市通知"]
    assert titles(city.district_news) == []  # pending: not shown yet
    pending = portal.pending_placements_for_user(city.district_editor)
    assert [p.resource_id for p in pending] == [news.pk]
    with pytest.raises(PermissionDenied):
        portal.accept(pending[0], city.fgw_editor)  # not that site's editor
    portal.accept(pending[0], city.district_editor)
    assert titles(city.district_news) == ["全市通知"]
    with pytest.raises(ValidationError):
        portal.reject(pending[0], city.district_editor)  # already decided
    assert ModelLogEntry.objects.filter(action="library.push").count() == 1
    assert ModelLogEntry.objects.filter(action="library.placement.accept").count() == 1


def test_rejected_push_is_not_shown(city):
    news = city.published(title="被拒收的通知", resource_type=ResourceType.NOTICE)
    ColumnDistributionSettings.objects.create(column=city.district_news, requires_acceptance=True)
    (placement,) = portal.push(news, [city.district_news], city.supervisor)
    portal.reject(placement, city.district_editor)
    assert titles(city.district_news) == []
    assert ModelLogEntry.objects.filter(action="library.placement.reject").exists()


def test_unpublish_removes_it_from_every_site_at_once(city):
    """Revocation everywhere: placement, push and subscription routes all derive from live."""
    policy = city.published(
        title="将撤下的政策", resource_type=ResourceType.POLICY, theme=city.theme
    )
    portal.place(policy, city.fgw_policies, city.fgw_editor)
    portal.push(policy, [city.portal_policies], city.supervisor)
    sub = ColumnSubscription.objects.create(column=city.district_upper)
    sub.themes.add(city.theme)
    columns = {city.fgw_policies.pk, city.portal_policies.pk, city.district_upper.pk}
    assert set(portal.columns_showing(policy).values_list("pk", flat=True)) == columns
    assert {s.pk for s in portal.sites_showing(policy)} == {
        city.fgw_site.pk,
        city.portal.pk,
        city.district_site.pk,
    }
    for column in (city.fgw_policies, city.portal_policies, city.district_upper):
        assert titles(column) == ["将撤下的政策"]
    services.unpublish(policy, user=city.superuser)
    for column in (city.fgw_policies, city.portal_policies, city.district_upper):
        assert titles(column) == []
    # Still known for cache invalidation after unpublishing.
    assert set(portal.columns_showing(policy).values_list("pk", flat=True)) == columns


def test_no_unpublished_or_unapproved_resource_in_columns(city):
    """A draft in review, a scheduled one and a live one with a pending draft edit."""
    in_review = city.draft(title="审核中", resource_type=ResourceType.NEWS)
    in_review.get_workflow().start(in_review, city.fgw_editor)
    state = in_review.current_workflow_task_state
    state.task.specific.on_action(state, city.reviewers[WORKFLOW_STEPS[0]], "approve")
    live = city.published(title="线上标题", resource_type=ResourceType.NEWS)
    draft = live.get_latest_revision_as_object()
    draft.title = "未审核的新标题"
    draft.save_revision(user=city.fgw_editor)
    for resource in (in_review, live):
        portal.place(resource, city.fgw_policies, city.fgw_editor)
    assert titles(city.fgw_policies) == ["线上标题"]


def test_listing_is_newest_first_in_one_query(city):
    import datetime

    from django.utils import timezone

    base = timezone.now()
    for i in range(3):
        r = city.published(title=f"第{i}条", pub_date=base - datetime.timedelta(days=i))
        portal.place(r, city.fgw_policies, city.fgw_editor)
    sub = ColumnSubscription.objects.create(column=city.fgw_policies, resource_types=["topic"])
    assert sub
    qs = portal.resources_for_column(city.fgw_policies)
    with CaptureQueriesContext(connection) as ctx:
        result = [r.title for r in qs]
    assert result == ["第0条", "第1条", "第2条"]
    assert len(ctx.captured_queries) == 1
    assert PageLogEntry is not None

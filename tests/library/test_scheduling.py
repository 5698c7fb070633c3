"""Scheduled publish/unpublish run by the platform's task worker (no cron)."""

import datetime
from unittest import mock

from django.test import override_settings
from django.utils import timezone
from wagtail.models import Page

from jiyue.library import scheduling
from jiyue.library.models import Resource, ResourceType
from tests.library.conftest import make_column


def schedule(city, resource, go_live_at=None, expire_at=None):
    draft = resource.get_latest_revision_as_object()
    draft.go_live_at = go_live_at
    draft.expire_at = expire_at
    revision = draft.save_revision(user=city.fgw_editor)
    revision.publish(user=city.superuser)
    resource.refresh_from_db()
    return revision


def run_at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return scheduling.run_scheduled_publishing(now=moment)


def test_publishes_only_what_is_due_and_unpublishes_expired(city):
    now = timezone.now()
    soon = city.draft(title="一小时后发布", resource_type=ResourceType.NOTICE)
    later = city.draft(title="明天发布", resource_type=ResourceType.NOTICE)
    expiring = city.published(title="两小时后下线")
    schedule(city, soon, go_live_at=now + datetime.timedelta(hours=1))
    schedule(city, later, go_live_at=now + datetime.timedelta(days=1))
    schedule(city, expiring, expire_at=now + datetime.timedelta(hours=2))
    assert not soon.live and not later.live and expiring.live

    result = run_at(now + datetime.timedelta(minutes=30))
    assert result == {"published": 0, "unpublished": 0, "failed": 0}

    result = run_at(now + datetime.timedelta(hours=1, minutes=1))
    assert result["published"] == 1
    assert Resource.objects.get(pk=soon.pk).live
    assert not Resource.objects.get(pk=later.pk).live

    result = run_at(now + datetime.timedelta(hours=3))
    assert result["unpublished"] == 1
    gone = Resource.objects.get(pk=expiring.pk)
    assert not gone.live and gone.expired
    assert not Resource.objects.get(pk=later.pk).live


def test_task_function_runs_under_the_immediate_backend(city):
    news = city.draft(title="定时", resource_type=ResourceType.NEWS)
    moment = timezone.now() + datetime.timedelta(hours=1)
    schedule(city, news, go_live_at=moment)
    with mock.patch(
        "django.utils.timezone.now", return_value=moment + datetime.timedelta(seconds=5)
    ):
        result = scheduling.publish_scheduled_resources.enqueue()
    assert result.return_value["published"] == 1
    assert Resource.objects.get(pk=news.pk).live


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_scheduling_enqueues_task_at_go_live_and_expiry(city, django_capture_on_commit_callbacks):
    from django_tasks import task_backends

    backend = task_backends["default"]
    backend.clear() if hasattr(backend, "clear") else backend.results.clear()
    go_live = timezone.now() + datetime.timedelta(hours=1)
    expire = timezone.now() + datetime.timedelta(days=3)
    news = city.draft(title="定时发布并下线", resource_type=ResourceType.NEWS)
    with django_capture_on_commit_callbacks(execute=True):
        schedule(city, news, go_live_at=go_live, expire_at=expire)
    run_afters = {
        r.task.run_after for r in backend.results if r.task.name == "publish_scheduled_resources"
    }
    assert go_live in run_afters
    # Once live, the expiry is queued too.
    with (
        mock.patch(
            "django.utils.timezone.now", return_value=go_live + datetime.timedelta(seconds=1)
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outcome = scheduling.run_scheduled_publishing(now=go_live + datetime.timedelta(seconds=1))
    assert outcome["published"] == 1
    run_afters = [r.task.run_after for r in backend.results if r.task.run_after]
    # Revisions store times to the millisecond.
    assert any(abs(t - expire) < datetime.timedelta(seconds=1) for t in run_afters)


def test_page_go_live_and_expiry_fire_on_one_scheduler_tick(city):
    """Wagtail's ``go_live_at`` / ``expire_at`` on pages are run by the worker's tick."""

    now = timezone.now()
    upcoming = make_column(city.portal_home, "即将开放", "jjkf")
    upcoming.unpublish()
    upcoming.go_live_at = now - datetime.timedelta(minutes=1)
    upcoming.save_revision(approved_go_live_at=now - datetime.timedelta(minutes=1))
    expiring = make_column(city.portal_home, "即将下线", "jjxx")
    expiring.expire_at = now - datetime.timedelta(minutes=1)
    expiring.save(update_fields=["expire_at"])
    assert not Page.objects.get(pk=upcoming.pk).live
    assert Page.objects.get(pk=expiring.pk).live

    result = scheduling.sweep_scheduled_resources.enqueue().return_value

    assert result["pages"] == {"published": 1, "unpublished": 1, "failed": 0}
    assert Page.objects.get(pk=upcoming.pk).live
    gone = Page.objects.get(pk=expiring.pk)
    assert not gone.live and gone.expired


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_a_page_scheduled_to_go_live_or_expire_enqueues_a_tick(
    city, django_capture_on_commit_callbacks
):
    from django_tasks import task_backends

    backend = task_backends["default"]
    backend.clear() if hasattr(backend, "clear") else backend.results.clear()
    go_live = timezone.now() + datetime.timedelta(hours=1)
    expire = timezone.now() + datetime.timedelta(days=2)
    column = make_column(city.portal_home, "定时栏目", "dslm")
    with django_capture_on_commit_callbacks(execute=True):
        column.save_revision(approved_go_live_at=go_live)
        column.expire_at = expire
        column.save(update_fields=["expire_at"])
    run_afters = {
        r.task.run_after for r in backend.results if r.task.name == "publish_scheduled_resources"
    }
    assert {go_live, expire} <= run_afters

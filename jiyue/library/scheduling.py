"""Scheduled publish and unpublish in the platform's own task worker (no cron).

When a revision is approved to go live later (``Revision.approved_go_live_at``) or a
live resource gets an ``expire_at``, a task is enqueued to run at that moment
(django-tasks ``run_after``; the database backend's ``db_worker`` runs it). A
self-rescheduling sweep catches anything missed (worker down, time changed).

The work itself reuses Wagtail's ``publish_scheduled`` logic: the same queries and
the same ``unpublish(set_expired=True, …)`` / ``Revision.publish(…)`` calls, limited
to the library's resources.

Pages (页面: home, column and article pages of every site) get their ``go_live_at`` /
``expire_at`` from the same worker tick: :func:`run_scheduled_page_publishing` runs the
page part of Wagtail's ``publish_scheduled`` management command. Not the command
whole, because it walks *every* ``DraftStateMixin`` model, library resources included:
they would then be published twice over by two schedulers, and without the per-item
failure isolation below (in the command, one resource refused by the interpretation
rule raises and stops the run, so the pages after it would stay unpublished). Wagtail 8
offers no public function for the page part alone, so the two queries and two calls
are repeated here, as for resources.
"""

import datetime
import logging

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from wagtail.models import Page, Revision

from .models import Resource

logger = logging.getLogger(__name__)

SWEEP_INTERVAL = datetime.timedelta(minutes=5)


def _resource_base_ct():
    return ContentType.objects.get_for_model(Resource, for_concrete_model=False)


def _page_base_ct():
    return ContentType.objects.get_for_model(Page)


def _due_expirations(model, now):
    """Live objects of ``model`` whose expiry time has passed."""
    return model.objects.filter(live=True, expire_at__lt=now).order_by("expire_at")


def _due_revisions(base_content_type, now):
    """Revisions of that base content type approved to go live before ``now``."""
    return Revision.objects.filter(
        base_content_type=base_content_type, approved_go_live_at__lt=now
    ).order_by("approved_go_live_at")


def due_expirations(now):
    """Live resources whose expiry time has passed."""
    return _due_expirations(Resource, now)


def due_revisions(now):
    """Resource revisions approved to go live before ``now``."""
    return _due_revisions(_resource_base_ct(), now)


def _publish_due(expired, revisions):
    """The steps of ``wagtail/management/commands/publish_scheduled.py`` over the given
    querysets: unpublish what expired, publish the due revisions. A failure on one
    revision (e.g. the interpretation rule refusing a policy) is logged and does not
    stop the others. Returns the counts."""
    unpublished = published = failed = 0
    for item in list(expired):
        # A page is unpublished as its specific class (its own unpublish hooks).
        getattr(item, "specific", item).unpublish(
            set_expired=True, log_action="wagtail.unpublish.scheduled"
        )
        unpublished += 1
    for revision in list(revisions):
        try:
            with transaction.atomic():
                revision.publish(log_action="wagtail.publish.scheduled")
            published += 1
        except Exception:
            failed += 1
            logger.exception("Scheduled publish of revision %s failed", revision.pk)
    return {"published": published, "unpublished": unpublished, "failed": failed}


def run_scheduled_page_publishing(now=None):
    """Unpublish expired pages and publish due page revisions; return the counts.

    The page steps of Wagtail's ``publish_scheduled`` (see the module docstring for
    why not the command itself).
    """
    now = now or timezone.now()
    return _publish_due(_due_expirations(Page, now), _due_revisions(_page_base_ct(), now))


def run_scheduled_publishing(now=None):
    """Unpublish expired resources and publish due revisions; return the counts."""
    now = now or timezone.now()
    return _publish_due(due_expirations(now), due_revisions(now))


def _tick(now=None):
    """One scheduler tick: the library's resources, then the sites' pages."""
    result = run_scheduled_publishing(now)
    result["pages"] = run_scheduled_page_publishing(now)
    return result


@task()
def publish_scheduled_resources():
    """Run the scheduled publishing now (enqueued with ``run_after`` = the due time).

    Resources' counts at the top level, the pages' under ``"pages"``.
    """
    return _tick()


@task()
def sweep_scheduled_resources():
    """Catch-all sweep; re-enqueues itself every :data:`SWEEP_INTERVAL`."""
    result = _tick()
    enqueue_at(timezone.now() + SWEEP_INTERVAL, sweep=True)
    return result


def enqueue_at(when, sweep=False):
    """Enqueue the scheduled-publishing task to run at ``when``.

    Backends that cannot defer (the immediate backend used in tests) are skipped:
    the sweep or a direct call covers them.
    """
    target = sweep_scheduled_resources if sweep else publish_scheduled_resources
    if not target.get_backend().supports_defer:
        return None
    if sweep and _sweep_pending():
        return None
    return target.using(run_after=when).enqueue()


def _sweep_pending():
    """Whether a sweep is already waiting in the database queue (one chain only)."""
    try:
        # Optional: only with the database task backend installed.
        from django_tasks_db.models import DBTaskResult  # noqa: PLC0415
    except ImportError:  # pragma: no cover - db backend not installed
        return False
    path = f"{sweep_scheduled_resources.module_path}"
    return DBTaskResult.objects.filter(task_path=path, status="READY").exists()


def ensure_sweep():
    """Start the sweep chain if none is queued (called by ``setup_library_workflow``)."""
    return enqueue_at(timezone.now(), sweep=True)


# --- Signal handlers (connected in apps.py) ------------------------------------------------


def on_revision_saved(sender, instance, **kwargs):
    """A resource or page revision approved for a future go-live: enqueue at that time."""
    when = instance.approved_go_live_at
    if when is None or instance.base_content_type_id not in (
        _resource_base_ct().pk,
        _page_base_ct().pk,
    ):
        return
    transaction.on_commit(lambda: enqueue_at(when))


def on_resource_saved(sender, instance, **kwargs):
    """A live resource or page with an expiry time: enqueue the unpublish at that time."""
    when = instance.expire_at
    if instance.live and when is not None:
        transaction.on_commit(lambda: enqueue_at(when))

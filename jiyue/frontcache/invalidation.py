"""What to purge when something changes, applied after the transaction commits.

Purging inside the transaction would let a concurrent request render the old data
and cache it again before the commit; so changes are collected in a batch while the
transaction runs and purged by one ``transaction.on_commit`` callback (each host's
generation is bumped first; see :mod:`jiyue.frontcache.services`). Outside a
transaction Django runs the callback at once.

One batch per transaction, so a resource placed in 100 columns in one transaction is
looked up once, not 100 times. A batch is joined only while its callback is still
registered on the connection: when the transaction (or the savepoint that registered
it) is rolled back, Django drops the callback and the next change starts a new batch,
so nothing of a rolled-back transaction is purged later by mistake.
"""

import logging

from django.conf import settings
from django.db import transaction
from wagtail.models import Site

from jiyue.portal.services import content_path
from jiyue.portal.services import urls_for_resource as portal_urls

from . import rerender, services
from .compat import is_queued_on_commit

logger = logging.getLogger(__name__)
_BATCH_ATTRIBUTE = "_jiyue_frontcache_batch"
DEFAULT_BULK_THRESHOLD = 200


class Batch:
    """The pages, resources and hosts to purge when one transaction commits."""

    def __init__(self):
        self.urls = set()
        self.hosts = set()
        self.resources = {}
        self.done = False

    def __call__(self):
        self.done = True
        flush(self)


def _batch():
    """The open batch of the current transaction; registers a new one if needed."""
    connection = transaction.get_connection()
    batch = getattr(connection, _BATCH_ATTRIBUTE, None)
    if (
        batch is not None
        and not batch.done
        and connection.in_atomic_block
        and is_queued_on_commit(connection, batch)
    ):
        return batch, False
    batch = Batch()
    setattr(connection, _BATCH_ATTRIBUTE, batch)
    return batch, True


def _record(add):
    batch, new = _batch()
    add(batch)
    if new:
        transaction.on_commit(batch)  # runs at once outside a transaction


def urls_for_resource(resource):
    """Every ``(host, path)`` that shows ``resource`` on any site (the portal decides)."""
    return list(portal_urls(resource))


def _resource_signature(resource):
    """What decides where a resource is shown: two snapshots alike purge alike."""
    return (
        resource.pk,
        resource.resource_type,
        resource.theme_id,
        resource.source_org_id,
        resource.share_scope,
    )


def resource_changed(resource):
    """Purge the pages showing ``resource`` (as it is now) once the transaction commits."""
    _record(lambda batch: batch.resources.setdefault(_resource_signature(resource), resource))


def urls_changed(urls):
    """Purge ``urls`` (computed now, e.g. before a placement is deleted) after commit."""
    urls = set(urls)
    if urls:
        _record(lambda batch: batch.urls.update(urls))


def host_changed(host):
    """Purge every page of ``host`` after commit (site-wide changes)."""
    host = services.normalize_host(host)
    if host:
        _record(lambda batch: batch.hosts.add(host))


def bulk_threshold():
    return getattr(settings, "JIYUE_FRONTCACHE_BULK_THRESHOLD", DEFAULT_BULK_THRESHOLD)


def all_site_hosts():
    """Every host a page may be cached under: each Wagtail site's and each cached one."""
    return set(Site.objects.values_list("hostname", flat=True)) | set(services.cached_hosts())


def flush(batch):
    """Apply a batch's purges (after commit).

    A batch with more resources than ``JIYUE_FRONTCACHE_BULK_THRESHOLD`` (a bulk import
    with ``--publish``) empties the whole cache instead: finding the pages of 100,000
    resources one by one costs far more than rendering each page once again.
    """
    urls, hosts = set(batch.urls), set(batch.hosts)
    # The detail page of a live resource on each site showing it: rendered in advance,
    # so that the first reader of a pushed item finds it cached (not only the lists).
    details = set()
    if len(batch.resources) > bulk_threshold():
        hosts |= all_site_hosts()
        urls.clear()
    else:
        for resource in batch.resources.values():
            shown = urls_for_resource(resource)
            urls.update(shown)
            if getattr(resource, "live", False):
                detail = content_path(resource.pk)
                details.update((host, path) for host, path in shown if path == detail)
    # Whole hosts cover their own URLs.
    urls = {(host, path) for host, path in urls if services.normalize_host(host) not in hosts}
    was_cached = rerender.cached_now(urls)
    # Site by site (a site's lists, then its detail page), so that each task of
    # rerender.CHUNK pages completes whole sites.
    again = sorted(
        set(was_cached) | {url for url in details if services.normalize_host(url[0]) not in hosts},
        key=lambda url: (url[0], url in details, url[1]),
    )
    if urls:
        services.purge_urls(urls)
    for host in hosts:
        services.purge_host(host)
    if urls or hosts:
        logger.info("frontcache: purged %d pages and %d hosts", len(urls), len(hosts))
    # Render again at once, in the task worker, what readers had cached (and the
    # detail pages of live resources).
    rerender.schedule(again)

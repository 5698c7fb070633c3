"""Signal receivers: every change that alters a public page purges that page.

The page cache listens only to the documented domain signals of the apps below it and
to Wagtail's own page signals, never to another app's model saves; every connection
names its sender (:meth:`jiyue.frontcache.apps.FrontCacheConfig.ready`, checked by
``tests/frontcache/test_signal_wiring.py``).

- Library resources (信息资源), ``library.signals``: published (new or changed) or
  unpublished (``resource_visibility_changed``) purge exactly the pages of every site
  that show the resource (``portal.services.urls_for_resource``); the version the
  public saw, before a new revision replaces it or the resource is deleted
  (``resource_public_version_ending``), purges the pages that showed it.
- Distribution, ``portal.signals``: an active placement (栏目投放) of a live resource
  before it stops showing it (``placement_changing``) and after it was saved
  (``placement_changed``): the pages showing the resource; a column subscription rule
  (栏目订阅规则, ``subscription_changed``): the whole site of the column, because a
  rule change can add or remove any number of resources there; the footer or the
  Wagtail site's host name (``site_chrome_changed``): the whole site.
- Site pages, Wagtail's ``page_published``, ``page_unpublished`` (also sent when a live
  page is deleted) and ``post_page_move``: the whole site.
- The site's registry record, ``registry.signals``: renamed, status changed, or any
  other save of a hosted record (``site_record_changed``): the whole site, on the host
  names before and after.
"""

from wagtail.models import Page, Site, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from jiyue.library import signals as library_signals
from jiyue.library.services import resource_classes
from jiyue.portal import signals as portal_signals
from jiyue.registry import signals as registry_signals
from jiyue.registry.services import serving_host

from . import invalidation

# --- library resources -------------------------------------------------------------


def resource_visibility_changed(sender, instance, **kwargs):
    """``library.signals.resource_visibility_changed``: published or unpublished."""
    invalidation.resource_changed(instance)


def resource_public_version_ending(sender, instance, deleted=False, **kwargs):
    """``library.signals.resource_public_version_ending``: purge where it is shown now.

    Before a deletion the pages are computed at once (the placements go with the
    resource); before a new revision the batch computes them at commit as usual.
    """
    if deleted:
        invalidation.urls_changed(invalidation.urls_for_resource(instance))
    else:
        invalidation.resource_changed(instance)


# --- distribution ----------------------------------------------------------------


def placement_changing(sender, placement, resource, **kwargs):
    """``portal.signals.placement_changing``: the pages showing it there, computed now."""
    invalidation.urls_changed(invalidation.urls_for_resource(resource))


def placement_changed(sender, placement, resource, **kwargs):
    """``portal.signals.placement_changed``."""
    invalidation.resource_changed(resource)


def subscription_changed(sender, subscription, **kwargs):
    """``portal.signals.subscription_changed``: the column's whole site."""
    _page_host(Page.objects.filter(pk=subscription.column_id).first())


def site_chrome_changed(sender, hostnames, **kwargs):
    """``portal.signals.site_chrome_changed``: footer or host name, the whole site."""
    for hostname in hostnames:
        invalidation.host_changed(hostname)


# --- site pages -------------------------------------------------------------------


def _page_host(page):
    """Purge the host of every Wagtail site whose tree holds ``page``.

    Reads the sites from the database (by tree path) rather than ``Page.get_site``,
    whose cached list of site roots can be out of date while sites are being created.
    """
    if page is None or not page.path:
        return
    steplen = Page.steplen
    ancestors = [page.path[:end] for end in range(steplen, len(page.path) + 1, steplen)]
    for hostname in Site.objects.filter(root_page__path__in=ancestors).values_list(
        "hostname", flat=True
    ):
        invalidation.host_changed(hostname)


def page_changed(sender, instance, **kwargs):
    """Wagtail's ``page_published`` / ``page_unpublished`` (a deleted live page is
    unpublished first): the site's menus and lists may change."""
    _page_host(instance)


def page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    """Wagtail's ``post_page_move``."""
    _page_host(parent_page_before)
    _page_host(parent_page_after)


# --- registry record --------------------------------------------------------------


def site_record_changed(sender, gov_site, hostnames, **kwargs):
    """``registry.signals.site_record_changed``: name, domain, status, codes, filings."""
    for hostname in hostnames:
        invalidation.host_changed(hostname)


def site_lifecycle_changed(sender, gov_site, **kwargs):
    """``registry.signals.site_renamed`` / ``site_status_changed``: every page shows the
    name; the status gates access (an offline site's cached pages must go)."""
    invalidation.host_changed(serving_host(gov_site.primary_domain))
    if gov_site.wagtail_site_id:
        site = Site.objects.filter(pk=gov_site.wagtail_site_id).first()
        if site is not None:
            invalidation.host_changed(site.hostname)


# --- the wiring -------------------------------------------------------------------


def connections():
    """``(signal, receiver, senders)``: every connection of the page cache, in one table.

    Connected by :meth:`jiyue.frontcache.apps.FrontCacheConfig.ready`. Resource signals
    are sent with the instance's own class (the concrete model or a per-type proxy),
    page signals with the page's specific class: one connection per class.
    """
    resources = resource_classes()
    pages = get_page_models()
    gov_site = [registry_signals.GovSite]
    return [
        (library_signals.resource_visibility_changed, resource_visibility_changed, resources),
        (
            library_signals.resource_public_version_ending,
            resource_public_version_ending,
            resources,
        ),
        (portal_signals.placement_changing, placement_changing, [portal_signals.Placement]),
        (portal_signals.placement_changed, placement_changed, [portal_signals.Placement]),
        (
            portal_signals.subscription_changed,
            subscription_changed,
            [portal_signals.ColumnSubscription],
        ),
        (portal_signals.site_chrome_changed, site_chrome_changed, [portal_signals.Site]),
        (page_published, page_changed, pages),
        (page_unpublished, page_changed, pages),
        (post_page_move, page_moved, pages),
        (registry_signals.site_record_changed, site_record_changed, gov_site),
        (registry_signals.site_renamed, site_lifecycle_changed, gov_site),
        (registry_signals.site_status_changed, site_lifecycle_changed, gov_site),
    ]

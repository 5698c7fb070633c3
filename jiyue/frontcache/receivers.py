"""Signal receivers: every change that alters a public page purges that page.

- Library resources (信息资源): publish (new or changed), unpublish, delete purge exactly
  the pages of every site that show the resource (``portal.services.urls_for_resource``),
  before and after the change when the change moves it between columns.
- Placements (栏目投放) of live resources: the pages showing the resource before and
  after the placement changed.
- Column subscription rules (栏目订阅规则): the whole site of the column, because a rule
  change can add or remove any number of resources there.
- Site pages (publish, unpublish, move, delete), footer settings and the site's
  registry record (name, status, domain): the whole site.
Connected in :meth:`jiyue.frontcache.apps.FrontCacheConfig.ready`.
"""

from wagtail.models import Page, Site

from jiyue.library.services import Resource
from jiyue.portal.services import ColumnSubscription, Placement, PlacementState
from jiyue.registry.services import serving_host

from . import invalidation


def _is_resource(instance):
    return isinstance(instance, Resource)


# --- library resources -------------------------------------------------------------


def resource_visibility_changed(sender, instance, **kwargs):
    """``library.signals.resource_visibility_changed``: published or unpublished."""
    invalidation.resource_changed(instance)


def resource_pre_save(sender, instance, **kwargs):
    """Remember where a live resource was shown before a new revision goes live.

    A new revision may change type, theme or source organization, and so the columns
    whose subscription rules show it; the pages showing the old version must go too.
    Costs one query per save of a live resource, none for drafts or new rows.
    """
    if not _is_resource(instance) or instance.pk is None or not instance.live:
        return
    before = (
        Resource.objects.filter(pk=instance.pk, live=True)
        .exclude(live_revision_id=instance.live_revision_id)
        .first()
    )
    if before is not None:
        invalidation.resource_changed(before)


def resource_pre_delete(sender, instance, **kwargs):
    if _is_resource(instance) and instance.live:
        # Placements are deleted with the resource: compute the pages now.
        invalidation.urls_changed(invalidation.urls_for_resource(instance))


# --- distribution ----------------------------------------------------------------


def _live_resource(placement):
    return Resource.objects.filter(pk=placement.resource_id, live=True).first()


def placement_pre_save(sender, instance, **kwargs):
    """An active placement about to stop showing a live resource: purge its pages now."""
    if instance.pk is None:
        return
    before = Placement.objects.filter(pk=instance.pk).values("state", "column_id").first()
    if before is None or before["state"] != PlacementState.ACTIVE:
        return
    if before["state"] == instance.state and before["column_id"] == instance.column_id:
        return
    resource = _live_resource(instance)
    if resource is not None:
        invalidation.urls_changed(invalidation.urls_for_resource(resource))


def placement_post_save(sender, instance, **kwargs):
    if instance.state != PlacementState.ACTIVE:
        return
    resource = _live_resource(instance)
    if resource is not None:
        invalidation.resource_changed(resource)


def placement_pre_delete(sender, instance, **kwargs):
    if instance.state != PlacementState.ACTIVE:
        return
    resource = _live_resource(instance)
    if resource is not None:
        invalidation.urls_changed(invalidation.urls_for_resource(resource))


def subscription_changed(sender, instance, **kwargs):
    """A subscription rule changed (saved, deleted, themes or organizations edited)."""
    if not isinstance(instance, ColumnSubscription):
        return  # m2m_changed with reverse=True: the instance is a Theme/Organization
    column = Page.objects.filter(pk=instance.column_id).first()
    _page_host(column)


def subscription_m2m_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:
        for subscription in ColumnSubscription.objects.filter(pk__in=pk_set or ()):
            subscription_changed(ColumnSubscription, subscription)
    else:
        subscription_changed(ColumnSubscription, instance)


# --- site pages, settings, registry record ---------------------------------------


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
    """Published, unpublished or deleted page: the site's menus and lists may change."""
    if isinstance(instance, Page):
        _page_host(instance)


def page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    _page_host(parent_page_before)
    _page_host(parent_page_after)


def footer_saved(sender, instance, created=False, **kwargs):
    """Footer edited. Not on creation: ``FooterSettings.for_site`` creates the row with
    defaults during the first page render, which changes nothing a reader sees and must
    not purge (and so bump the generation of) the page being rendered."""
    if instance.site_id and not created:
        invalidation.host_changed(instance.site.hostname)


def site_pre_save(sender, instance, **kwargs):
    """A Wagtail site's host name edited directly: purge the old host too."""
    if instance.pk is not None:
        for hostname in Site.objects.filter(pk=instance.pk).values_list("hostname", flat=True):
            invalidation.host_changed(hostname)


def site_saved(sender, instance, **kwargs):
    invalidation.host_changed(instance.hostname)


def gov_site_pre_save(sender, instance, **kwargs):
    """The host the site answered on before this save (a domain may change)."""

    if instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values_list("primary_domain", flat=True)
    for domain in before:
        invalidation.host_changed(serving_host(domain))


def gov_site_changed(sender, instance, **kwargs):
    """Name, status or domain changed: every page shows the name; status gates access."""
    invalidation.host_changed(serving_host(instance.primary_domain))
    if instance.wagtail_site_id:
        site = Site.objects.filter(pk=instance.wagtail_site_id).first()
        if site is not None:
            invalidation.host_changed(site.hostname)

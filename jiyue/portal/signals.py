"""Keep the cached site chrome (see :mod:`jiyue.portal.site_context`) in step with the data.

Every change that can alter what a site's header, navigation, footer or metadata show
bumps the chrome version (see :func:`jiyue.portal.site_context.chrome_changed`), so
every process rebuilds its chrome on its next request:
the site's registry record and organization (name, codes, filings, domain), the Wagtail
site, the footer and header settings, the columns' subscription rules and the themes they name,
page view restrictions, and any page saved, published, unpublished, moved or
deleted (titles, slugs, menus, the column tree). The version is bumped when the
transaction commits; until then the changing transaction reads the chrome from the
database.
Connected in :meth:`jiyue.portal.apps.PortalConfig.ready`, each with its sender.

The portal's domain signals (领域信号): what changed in what the public sites show,
for the apps above (the page cache) to act on without listening to the portal's
models. The portal turns its own model saves into these (:func:`connect_relays`), as
the library turns Wagtail's publish signals into ``resource_visibility_changed``.
Each is sent with the sender named below; connect with that sender. All are sent
synchronously inside the changing transaction: use ``transaction.on_commit`` for work
that must wait for the commit.

- ``placement_changing`` (``placement``, ``resource``; sender ``Placement``): an active
  placement (分发) is about to stop showing a live resource in its column (its state
  or column changes, or it is deleted). Sent *before* the change, so a receiver can
  still find the pages showing the resource there.
- ``placement_changed`` (``placement``, ``resource``; sender ``Placement``): an active
  placement of a live resource was saved (new, accepted, moved).
- ``subscription_changed`` (``subscription``; sender ``ColumnSubscription``): a
  column's subscription rule (订阅规则) was saved or deleted, or its themes or source
  organizations were edited: any number of resources may appear in or leave the column.
- ``site_chrome_changed`` (``site``, ``hostnames``; sender ``Site``): what every page of
  a Wagtail site shows around its content changed outside the page tree: its footer
  or header settings (not their creation with defaults on a first render, which changes nothing a
  reader sees), or its host name or name. ``hostnames`` are the host names the site
  answered on before and after the change. (Page-tree changes are Wagtail's own
  ``page_published``, ``page_unpublished`` and ``post_page_move``.)
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import Signal
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from jiyue.library.services import Resource
from jiyue.registry.services import GovSite, Organization

from . import site_context
from .models import (
    ColumnPage,
    ColumnSubscription,
    FooterSettings,
    HeaderSettings,
    HomePage,
    Placement,
    PlacementState,
)

__all__ = [
    "ColumnSubscription",
    "Placement",
    "Site",
    "connect",
    "connect_relays",
    "placement_changed",
    "placement_changing",
    "site_chrome_changed",
    "subscription_changed",
]

placement_changing = Signal()
placement_changed = Signal()
subscription_changed = Signal()
site_chrome_changed = Signal()


def chrome_changed(sender, **kwargs):
    site_context.chrome_changed()


def connect():
    def link(signal, sender):
        uid = f"portal:chrome:{id(signal)}:{sender._meta.label}"
        signal.connect(chrome_changed, sender=sender, weak=False, dispatch_uid=uid)

    # Subscription rules and the themes they name: the chrome keeps the rules'
    # filters (theme descendants, organization scopes resolved).
    theme = ColumnSubscription._meta.get_field("themes").related_model  # library.Theme
    # A view restriction takes a column out of the chrome's live, public columns.
    models = (
        GovSite,
        Organization,
        Site,
        FooterSettings,
        HeaderSettings,
        ColumnSubscription,
        theme,
    )
    for model in (*models, PageViewRestriction):
        link(post_save, model)
        link(post_delete, model)
    link(m2m_changed, ColumnSubscription.themes.through)
    link(m2m_changed, ColumnSubscription.source_orgs.through)
    for model in (Page, HomePage, ColumnPage):
        link(post_save, model)
        link(post_delete, model)
        link(page_published, model)
        link(page_unpublished, model)
        link(post_page_move, model)


# --- relays: the portal's model saves as domain signals ------------------------------


def _live_resource(placement):
    return Resource.objects.filter(pk=placement.resource_id, live=True).first()


def _placement_pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = Placement.objects.filter(pk=instance.pk).values("state", "column_id").first()
    if before is None or before["state"] != PlacementState.ACTIVE:
        return
    if before["state"] == instance.state and before["column_id"] == instance.column_id:
        return
    resource = _live_resource(instance)
    if resource is not None:
        placement_changing.send(sender=Placement, placement=instance, resource=resource)


def _placement_post_save(sender, instance, raw=False, **kwargs):
    if raw or instance.state != PlacementState.ACTIVE:
        return
    resource = _live_resource(instance)
    if resource is not None:
        placement_changed.send(sender=Placement, placement=instance, resource=resource)


def _placement_pre_delete(sender, instance, **kwargs):
    if instance.state != PlacementState.ACTIVE:
        return
    resource = _live_resource(instance)
    if resource is not None:
        placement_changing.send(sender=Placement, placement=instance, resource=resource)


def _subscription_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        subscription_changed.send(sender=ColumnSubscription, subscription=instance)


def _subscription_m2m_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # the instance is a Theme or an Organization
        for subscription in ColumnSubscription.objects.filter(pk__in=pk_set or ()):
            subscription_changed.send(sender=ColumnSubscription, subscription=subscription)
    else:
        subscription_changed.send(sender=ColumnSubscription, subscription=instance)


def _footer_saved(sender, instance, created=False, raw=False, **kwargs):
    """Footer or header settings saved. Not on creation: ``for_site`` creates the row
    with defaults during the first page render, which must not purge that page."""
    if raw or created or not instance.site_id:
        return
    site = instance.site
    site_chrome_changed.send(sender=Site, site=site, hostnames=[site.hostname])


def _site_pre_save(sender, instance, raw=False, **kwargs):
    """Remember the host name a Wagtail site answered on before this save."""
    if raw or instance.pk is None:
        instance._jiyue_hostnames_before = []
        return
    instance._jiyue_hostnames_before = list(
        Site.objects.filter(pk=instance.pk).values_list("hostname", flat=True)
    )


def _site_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_jiyue_hostnames_before", [])
    hostnames = list(dict.fromkeys([*before, instance.hostname]))
    site_chrome_changed.send(sender=Site, site=instance, hostnames=hostnames)


def connect_relays():
    """Connect the relays above, each to its sender."""

    def link(signal, receiver, sender):
        uid = f"portal:relay:{receiver.__name__}:{sender._meta.label}"
        signal.connect(receiver, sender=sender, weak=False, dispatch_uid=uid)

    link(pre_save, _placement_pre_save, Placement)
    link(post_save, _placement_post_save, Placement)
    link(pre_delete, _placement_pre_delete, Placement)
    link(post_save, _subscription_saved, ColumnSubscription)
    link(post_delete, _subscription_saved, ColumnSubscription)
    for through in (ColumnSubscription.themes.through, ColumnSubscription.source_orgs.through):
        link(m2m_changed, _subscription_m2m_changed, through)
    link(post_save, _footer_saved, FooterSettings)
    link(post_save, _footer_saved, HeaderSettings)  # the same purge: the host's pages
    link(pre_save, _site_pre_save, Site)
    link(post_save, _site_saved, Site)

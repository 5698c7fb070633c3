"""Rendered-page cache: render once per change, serve the file until the next change."""

from django.apps import AppConfig


class FrontCacheConfig(AppConfig):
    name = "jiyue.frontcache"
    label = "frontcache"
    verbose_name = "页面缓存"

    def ready(self):
        """Connect the purge receivers (see :mod:`jiyue.frontcache.receivers`)."""
        # Django and Wagtail models, and the receivers that use them, can be imported
        # only once the app registry is ready (rule in pyproject: PLC0415 in apps.py).
        from django.db.models.signals import (
            m2m_changed,
            post_delete,
            post_save,
            pre_delete,
            pre_save,
        )
        from wagtail.models import Site, get_page_models
        from wagtail.signals import (
            page_published,
            page_unpublished,
            post_page_move,
        )

        from jiyue.library.services import resource_classes
        from jiyue.library.signals import resource_visibility_changed
        from jiyue.portal.services import (
            ColumnSubscription,
            FooterSettings,
            HeaderSettings,
            Placement,
        )
        from jiyue.registry.signals import GovSite

        from . import receivers as r

        def connect(signal, receiver, sender):
            """Every connection names its sender, so no receiver runs on unrelated saves."""
            label = getattr(sender, "_meta", None)
            signal.connect(
                receiver,
                sender=sender,
                weak=False,
                dispatch_uid=f"frontcache:{receiver.__name__}:{label.label if label else sender}",
            )

        # Library resources: the concrete model and each per-type proxy (signals are
        # sent with the instance's own class as sender).
        for resource_class in resource_classes():
            connect(resource_visibility_changed, r.resource_visibility_changed, resource_class)
            connect(pre_save, r.resource_pre_save, resource_class)
            connect(pre_delete, r.resource_pre_delete, resource_class)
        # Distribution.
        connect(pre_save, r.placement_pre_save, Placement)
        connect(post_save, r.placement_post_save, Placement)
        connect(pre_delete, r.placement_pre_delete, Placement)
        connect(post_save, r.subscription_changed, ColumnSubscription)
        connect(post_delete, r.subscription_changed, ColumnSubscription)
        for through in (ColumnSubscription.themes.through, ColumnSubscription.source_orgs.through):
            m2m_changed.connect(
                r.subscription_m2m_changed,
                sender=through,
                weak=False,
                dispatch_uid=f"frontcache:subscription_m2m:{through._meta.label}",
            )
        # Site pages, settings and registry record.
        for page_class in get_page_models():
            connect(page_published, r.page_changed, page_class)
            connect(page_unpublished, r.page_changed, page_class)
            connect(pre_delete, r.page_changed, page_class)
            connect(post_page_move, r.page_moved, page_class)
        connect(post_save, r.footer_saved, FooterSettings)
        connect(post_save, r.footer_saved, HeaderSettings)  # same purge: the host's pages
        connect(pre_save, r.site_pre_save, Site)
        connect(post_save, r.site_saved, Site)
        connect(pre_save, r.gov_site_pre_save, GovSite)
        connect(post_save, r.gov_site_changed, GovSite)
        connect(post_delete, r.gov_site_changed, GovSite)

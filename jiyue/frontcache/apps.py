"""Rendered-page cache: render once per change, serve the file until the next change."""

from django.apps import AppConfig


class FrontCacheConfig(AppConfig):
    name = "jiyue.frontcache"
    label = "frontcache"
    verbose_name = "页面缓存"

    def ready(self):
        """Connect the purge receivers (see :mod:`jiyue.frontcache.receivers`)."""
        from django.db.models.signals import (
            m2m_changed,
            post_delete,
            post_save,
            pre_delete,
            pre_save,
        )
        from wagtail.models import Site
        from wagtail.signals import (
            page_published,
            page_unpublished,
            post_page_move,
            published,
            unpublished,
        )

        from jiyue.portal.models import ColumnSubscription, FooterSettings, Placement
        from jiyue.registry.models import GovSite

        from . import receivers as r

        def connect(signal, receiver, sender=None):
            signal.connect(
                receiver, sender=sender, weak=False, dispatch_uid=f"frontcache:{receiver.__name__}"
            )

        # Library resources: any (proxy) class; the receivers check the instance.
        connect(published, r.resource_published)
        connect(unpublished, r.resource_unpublished)
        connect(pre_save, r.resource_pre_save)
        connect(pre_delete, r.resource_pre_delete)
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
        connect(page_published, r.page_changed)
        connect(page_unpublished, r.page_changed)
        connect(pre_delete, r.page_changed)
        connect(post_page_move, r.page_moved)
        connect(post_save, r.footer_saved, FooterSettings)
        connect(pre_save, r.site_pre_save, Site)
        connect(post_save, r.site_saved, Site)
        connect(pre_save, r.gov_site_pre_save, GovSite)
        connect(post_save, r.gov_site_changed, GovSite)
        connect(post_delete, r.gov_site_changed, GovSite)

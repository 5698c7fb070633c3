"""Keep the cached site chrome (see :mod:`jiyue.portal.site_context`) in step with the data.

Every change that can alter what a site's header, navigation, footer or metadata show
bumps the chrome version, so every process rebuilds its chrome on its next request:
the site's registry record and organization (name, codes, filings, domain), the Wagtail
site, the footer settings, and any page saved, published, unpublished, moved or
deleted (titles, slugs, menus, the column tree). The version is bumped at once (so the
process making the change sees it) and again when the transaction commits (so a page
rendered by another process from the data of before the commit is not kept).
Connected in :meth:`jiyue.portal.apps.PortalConfig.ready`, each with its sender.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from jiyue.registry.models import GovSite, Organization

from .models import ColumnPage, FooterSettings, HomePage
from .site_context import bump_chrome_version


def chrome_changed(sender, **kwargs):
    bump_chrome_version()
    transaction.on_commit(bump_chrome_version)


def connect():
    def link(signal, sender):
        uid = f"portal:chrome:{id(signal)}:{sender._meta.label}"
        signal.connect(chrome_changed, sender=sender, weak=False, dispatch_uid=uid)

    for model in (GovSite, Organization, Site, FooterSettings):
        link(post_save, model)
        link(post_delete, model)
    for model in (Page, HomePage, ColumnPage):
        link(post_save, model)
        link(post_delete, model)
        link(page_published, model)
        link(page_unpublished, model)
        link(post_page_move, model)

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
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from jiyue.registry.services import GovSite, Organization

from . import site_context
from .models import ColumnPage, ColumnSubscription, FooterSettings, HeaderSettings, HomePage


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

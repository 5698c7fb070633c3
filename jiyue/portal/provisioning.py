"""The portal's part of opening a site: its page tree and Wagtail ``Site``.

The registry announces ``site_opened`` (``jiyue.registry.signals``) when it hosts a
site on the platform; :func:`build_site_tree` answers with a home page (首页) under
the tree's root, a Wagtail ``Site`` answering the site's host name, and the page and
site-setting permissions of the site's editors' group (granted on that tree only, so
isolation between sites rests on native Wagtail permissions). Idempotent, like
``provision``. Connected in :meth:`jiyue.portal.apps.PortalConfig.ready`.
"""

from django.conf import settings
from django.contrib.auth.models import Permission
from wagtail.models import GroupPagePermission, GroupSitePermission, Page, Site

from jiyue.registry import services as registry

from .models import HomePage

PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
SITE_SETTING_PERMISSIONS = [
    ("portal", "change_footersettings"),
    ("portal", "change_headersettings"),
]


def build_site_tree(sender, gov_site, home_title=None, **kwargs):
    """Receiver of ``registry.signals.site_opened``."""
    site = gov_site.wagtail_site
    if site is None:
        root = Page.get_first_root_node()
        home = HomePage(title=home_title or gov_site.name, slug=_slug_for(gov_site))
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.create(
            hostname=registry.serving_host(gov_site.primary_domain),
            # The port readers use (JIYUE_SITE_PORT): Wagtail builds absolute page
            # URLs ("View live", links between sites) from hostname and port.
            port=settings.JIYUE_SITE_PORT,
            root_page=home,
            site_name=gov_site.name,
            is_default_site=False,
        )
        gov_site.wagtail_site = site
        # The post-save signal syncs the editors' membership now the tree exists.
        gov_site.save(update_fields=["wagtail_site", "updated_at"])

    group = registry.editors_group(gov_site)
    for codename in PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=site.root_page,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    for app_label, codename in SITE_SETTING_PERMISSIONS:
        GroupSitePermission.objects.get_or_create(
            group=group,
            site=site,
            permission=Permission.objects.get(content_type__app_label=app_label, codename=codename),
        )


def set_site_port(port):
    """Serve every hosted site's Wagtail ``Site`` on ``port``; return how many changed.

    ``manage.py load_demo --port`` calls it, so that a database loaded for one port
    names the port the server now listens on. Saved one by one: Wagtail clears its
    cached site root URLs when a ``Site`` is saved.
    """
    changed = 0
    for site in Site.objects.filter(pk__in=registry.gov_sites().values("wagtail_site")).exclude(
        port=port
    ):
        site.port = port
        site.save(update_fields=["port"])
        changed += 1
    return changed


def _slug_for(gov_site):
    base = gov_site.primary_domain.replace(".", "-")
    slug = base
    n = 2
    while Page.objects.filter(slug=slug, depth=2).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug

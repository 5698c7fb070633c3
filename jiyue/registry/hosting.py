"""Binding a registry record to the platform: host names, media, editors.

When a site is opened on the platform it gets its own image/document collection and
an editors' group whose Wagtail permissions cover exactly that collection and its own
registry record. The registry then announces ``signals.site_opened``; the portal
answers with the Wagtail ``Site`` for the host name, the home page and the group's
page and site-setting permissions (``jiyue.portal.provisioning``). Isolation between
sites rests on these native Wagtail permissions.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission

from . import signals
from .models import GovSite

COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
# Model permissions for the site's own registry record and its applications; the
# scoped policies in ``permissions.py`` narrow them to the editors' own site.
REGISTRY_PERMISSIONS = [
    ("registry", "view_govsite"),
    ("registry", "change_govsite"),
    ("registry", "view_organization"),
    ("registry", "add_siteapplication"),
    ("registry", "view_siteapplication"),
]


# Paths served by the platform itself on every host name (admin, API, static and
# media files): never a page of a site, never cached as one.
PLATFORM_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/api/",
    "/static/",
    "/media/",
    "/documents/",
    "/_util/",
    "/favicon.ico",
)


def serving_host(domain):
    """The host name this installation answers on for a registered ``domain``.

    ``JIYUE_HOST_MAP`` rewrites suffixes (longest first): with
    ``beijing.gov.cn=localhost`` the site ``fgw.beijing.gov.cn`` answers on
    ``fgw.localhost``. In production the map is empty and the domain is the host.
    """
    domain = domain.lower().rstrip(".")
    mapping = getattr(settings, "JIYUE_HOST_MAP", {}) or {}
    for suffix in sorted(mapping, key=len, reverse=True):
        if domain == suffix or domain.endswith("." + suffix):
            return domain[: len(domain) - len(suffix)] + mapping[suffix]
    return domain


def editors_group_name(gov_site):
    return f"{gov_site.name} 编辑"


def editors_group(gov_site):
    """The Wagtail group of the site's editors (created on provisioning).

    Held by key on the record (``GovSite.editors_group``), so a renamed site keeps
    its group. Records provisioned before the key existed fall back to the name.
    """
    if gov_site.editors_group_id is not None:
        return gov_site.editors_group
    if gov_site.wagtail_site_id is None:
        return None
    return Group.objects.filter(name=editors_group_name(gov_site)).first()


@transaction.atomic
def provision(gov_site, home_title=None):
    """Create (or repair) the platform resources that host ``gov_site``.

    The registry's part is the site's collection, its editors' group and the group's
    registry and media permissions. Then it announces ``site_opened``: the portal
    builds the page tree and the Wagtail ``Site`` in its receiver (the registry knows
    no pages). Idempotent: calling it again for a provisioned site only fixes what is
    missing. Returns the Wagtail site.
    """
    collection = site_collection(gov_site, create=True)
    group = editors_group(gov_site)
    if group is None:
        group, _created = Group.objects.get_or_create(name=editors_group_name(gov_site))
    if gov_site.collection_id != collection.pk or gov_site.editors_group_id != group.pk:
        gov_site.collection = collection
        gov_site.editors_group = group
        # The post-save signal then syncs names and the editors' membership (see
        # ``sync_site`` and ``jiyue.isolation.sync``).
        gov_site.save(update_fields=["collection", "editors_group", "updated_at"])

    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in REGISTRY_PERMISSIONS
        ),
    )
    for app_label, codename in COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group,
            collection=collection,
            permission=Permission.objects.get(content_type__app_label=app_label, codename=codename),
        )
    signals.site_opened.send(sender=GovSite, gov_site=gov_site, home_title=home_title)
    return gov_site.wagtail_site


def site_collection(gov_site, create=False):
    """The image/document collection that belongs to ``gov_site``.

    Held by key on the record (``GovSite.collection``); records provisioned before
    the key existed fall back to a top-level collection of the site's name.
    """
    if gov_site.collection_id is not None:
        return gov_site.collection
    root = Collection.get_first_root_node()
    collection = None
    if gov_site.wagtail_site_id is not None or create:
        collection = root.get_children().filter(name=gov_site.name).first()
    if collection is None and create:
        collection = root.add_child(name=gov_site.name)
    return collection


def sync_site(gov_site):
    """Keep the platform resources named and addressed as the registry record says.

    Called after every save of the record: the Wagtail site's host name and name,
    the editors' group name and the collection name follow the record, so a rename
    approved through the lifecycle (``lifecycle.decide``) carries over to all of them.
    """
    site = gov_site.wagtail_site
    if site is not None:
        host = serving_host(gov_site.primary_domain)
        if site.hostname != host or site.site_name != gov_site.name:
            site.hostname = host
            site.site_name = gov_site.name
            site.save()
    group = gov_site.editors_group if gov_site.editors_group_id else None
    if group is not None and group.name != editors_group_name(gov_site):
        group.name = editors_group_name(gov_site)
        group.save(update_fields=["name"])
    collection = gov_site.collection if gov_site.collection_id else None
    if collection is not None and collection.name != gov_site.name:
        collection.name = gov_site.name
        collection.save(update_fields=["name"])

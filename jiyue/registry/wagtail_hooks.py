"""Registers the registry's admin: the “网站注册” menu group here; the inventory and
merge-plan dashboard registers its own hooks in ``inventory_admin``."""

from wagtail import hooks

from . import inventory_admin  # noqa: F401  inventory and merge-plan dashboard
from .admin_views import RegistryViewSetGroup
from .choosers import (
    merge_target_chooser_viewset,
    organization_chooser_viewset,
    site_chooser_viewset,
)


@hooks.register("register_admin_viewset")
def register_registry_viewsets():
    return RegistryViewSetGroup()


@hooks.register("register_admin_viewset")
def register_organization_chooser():
    return organization_chooser_viewset


@hooks.register("register_admin_viewset")
def register_site_chooser():
    return site_chooser_viewset


@hooks.register("register_admin_viewset")
def register_merge_target_chooser():
    return merge_target_chooser_viewset

"""The registry admin (menu “网站注册”): organizations, site records, applications.

Split by concern: :mod:`.scoped` (views scoped by the registry's permission policies),
:mod:`.organizations`, :mod:`.sites` (records, go-live checklist) and
:mod:`.applications` (apply, decide, withdraw). The menu group is registered in
``registry/wagtail_hooks.py``.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup

from .applications import SiteApplicationViewSet
from .organizations import OrganizationViewSet
from .scoped import REGISTRY_MENU_HOOK
from .sites import GovSiteViewSet

__all__ = [
    "REGISTRY_MENU_HOOK",
    "GovSiteViewSet",
    "OrganizationViewSet",
    "RegistryViewSetGroup",
    "SiteApplicationViewSet",
]


class RegistryViewSetGroup(ViewSetGroup):
    """The “网站注册” menu: organizations, sites, applications."""

    menu_label = _("网站注册")
    menu_icon = "site"
    menu_order = 250
    items = (OrganizationViewSet, GovSiteViewSet, SiteApplicationViewSet)
    # Other registry admin pages (e.g. the merge-plan dashboard) join this menu by
    # returning a MenuItem from this hook.
    submenu_hook = REGISTRY_MENU_HOOK

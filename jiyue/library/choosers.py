"""Choosers for a resource's source organization (来源机构) and owner site (所属网站).

The registry's scoped chooser (:mod:`jiyue.registry.choosers`) listing exactly what
:mod:`.scope` offers the user — the same querysets :class:`.admin_forms.ResourceAdminForm`
validates against — instead of a ``<select>`` of every organization or site, which
for the supervisor is the whole city (rule: PLATFORM-F4 权限管理).
"""

from django.utils.translation import gettext_lazy as _

from jiyue.registry.choosers import ScopedChooserViewSet
from jiyue.registry.services import gov_sites, organizations

from .scope import organization_choices, site_choices


class SourceOrgChooserViewSet(ScopedChooserViewSet):
    model = organizations().model
    icon = "group"
    choose_one_text = _("选择来源机构")
    choose_another_text = _("选择其他机构")
    edit_item_text = _("编辑机构")
    scope = staticmethod(organization_choices)
    search_fields = ("name", "short_name", "division_code")


class OwnerSiteChooserViewSet(ScopedChooserViewSet):
    model = gov_sites().model
    icon = "site"
    choose_one_text = _("选择所属网站")
    choose_another_text = _("选择其他网站")
    edit_item_text = _("编辑网站")
    scope = staticmethod(site_choices)
    search_fields = ("name", "primary_domain")


source_org_chooser_viewset = SourceOrgChooserViewSet("library_source_org_chooser")
owner_site_chooser_viewset = OwnerSiteChooserViewSet("library_owner_site_chooser")
SourceOrgChooser = source_org_chooser_viewset.widget_class
OwnerSiteChooser = owner_site_chooser_viewset.widget_class

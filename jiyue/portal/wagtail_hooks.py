"""The portal's admin: distribution (分发), pending acceptance (待接收), column rules.

All admin registration of the portal in one file: the distribution and pending views,
the snippet viewsets of column subscription rules and distribution settings, the
"分发" buttons on resources (through the library's own hook, so the library knows no
columns) and the audit-log labels of distribution.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList, extract_panel_definitions_from_model_class
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets.button import Button
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from jiyue.library import services as library
from jiyue.library.admin_forms import RESOURCE_FORM_EXTENSIONS_HOOK
from jiyue.library.admin_isolation import (
    ColumnRecordPolicy,
    ScopedSnippetChooserViewSet,
    ScopedViewSetMixin,
    scoped_delete_bulk_action,
)
from jiyue.library.admin_views import RESOURCE_HEADER_BUTTONS_HOOK
from jiyue.registry import services as registry

from . import admin_distribution, distribution
from .admin_placement import column_placement_extension
from .forms import ColumnRecordForm
from .models import ColumnDistributionSettings, ColumnSubscription
from .views import redirect_to_canonical

# Column records are scoped to the columns of the user's own sites (rule: PLATFORM-7).
for _model in (ColumnSubscription, ColumnDistributionSettings):
    register_permission_policy(_model, ColumnRecordPolicy(_model), exact_class=True)


class ColumnRecordViewSetMixin:
    """The model's own panels, with a form that accepts only the user's columns."""

    def get_edit_handler(self):
        panels = extract_panel_definitions_from_model_class(
            self.model, exclude=self.get_exclude_form_fields()
        )
        return ObjectList(panels, base_form_class=ColumnRecordForm).bind_to_model(self.model)


class SubscriptionViewSet(ColumnRecordViewSetMixin, ScopedViewSetMixin, SnippetViewSet):
    model = ColumnSubscription
    chooser_viewset_class = ScopedSnippetChooserViewSet
    icon = "rss"
    list_display = ["__str__", "column", "active"]


class DistributionSettingsViewSet(ColumnRecordViewSetMixin, ScopedViewSetMixin, SnippetViewSet):
    model = ColumnDistributionSettings
    chooser_viewset_class = ScopedSnippetChooserViewSet
    icon = "cog"
    list_display = ["column", "requires_acceptance"]
    list_filter = ["requires_acceptance"]


class DistributionGroup(SnippetViewSetGroup):
    menu_label = _("栏目分发")
    menu_icon = "site"
    menu_order = 152
    items = (SubscriptionViewSet, DistributionSettingsViewSet)


hooks.register("register_admin_viewset", DistributionGroup)
hooks.register(
    "register_bulk_action",
    scoped_delete_bulk_action([ColumnSubscription, ColumnDistributionSettings]),
    order=100,
)

# One spelling per page: other spellings answer 301 and are never cached (issue 6).
hooks.register("before_serve_page", redirect_to_canonical)


@hooks.register("register_admin_urls")
def register_portal_admin_urls():
    """Distribution and pending acceptance views (admin login required)."""
    return [
        path(
            "distribution/",
            include((admin_distribution.admin_urls(), "portal_admin"), namespace="portal_admin"),
        )
    ]


class PendingMenuItem(MenuItem):
    """待接收 with the number of pushes waiting for the user's sites, e.g. 待接收（3）."""

    def render_component(self, request):
        component = super().render_component(request)
        count = distribution.pending_count_for_user(request.user)
        if count:
            component.label = _("待接收（%(count)d）") % {"count": count}
        return component


@hooks.register("register_admin_menu_item")
def register_pending_menu_item():
    return PendingMenuItem(
        _("待接收"), reverse("portal_admin:pending"), icon_name="tasks", order=151
    )


class PendingPushesPanel(Component):
    """Dashboard panel: pushes waiting for acceptance on the editor's sites (待接收)."""

    name = "jiyue_pending_pushes"
    order = 90
    template_name = "portal/admin/pending_panel.html"

    def __init__(self, count):
        self.count = count

    def get_context_data(self, parent_context=None):
        return {"count": self.count, "url": reverse("portal_admin:pending")}


@hooks.register("construct_homepage_panels")
def pending_pushes_panel(request, panels):
    """Every editor of a site (and the supervisor) sees how many pushes wait for them."""
    if registry.sites_for_user(request.user).exists():
        panels.append(PendingPushesPanel(distribution.pending_count_for_user(request.user)))


@hooks.register("register_snippet_listing_buttons")
def distribution_listing_button(snippet, user, next_url=None):
    """A "分发" entry in the "more" menu of every resource in the snippet listings."""
    if isinstance(snippet, library.Resource):
        yield Button(
            _("分发"),
            url=admin_distribution.distribution_url(snippet),
            icon_name="site",
            priority=40,
        )


hooks.register(RESOURCE_HEADER_BUTTONS_HOOK, admin_distribution.resource_header_buttons)
# 发布栏目 in every resource form: the library knows no columns (issue 8).
hooks.register(RESOURCE_FORM_EXTENSIONS_HOOK, column_placement_extension)


@hooks.register("register_log_actions")
def register_distribution_actions(actions):
    """Audit log labels of distribution (the action names predate the move to the portal)."""
    actions.register_action("library.placement.create", _("放置到栏目"), _("放置到栏目"))
    actions.register_action("library.placement.delete", _("撤销栏目放置"), _("撤销栏目放置"))
    actions.register_action("library.push", _("推送到多个栏目"), _("推送到多个栏目"))
    actions.register_action("library.placement.accept", _("接收推送"), _("接收推送"))
    actions.register_action("library.placement.reject", _("拒收推送"), _("拒收推送"))

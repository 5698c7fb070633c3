"""Admin of the library: one snippet viewset per resource type, grouped as 信息资源库.

Each viewset edits a proxy model with its own panels and lists only its type.
Every viewset is scoped in one place (:mod:`.admin_isolation`): listings, choosers
and every view that takes an object id see only the organizations the user acts for
(:mod:`.scope`); supervisors see everything. Revisions, diffs, locking, comments, scheduling and
workflow come from Wagtail's snippet views.
"""

import django_filters
from django.core.exceptions import PermissionDenied
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PublishingPanel,
    TabbedInterface,
)
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup
from wagtail.snippets.widgets import AdminSnippetChooser

from . import admin_views
from .admin_forms import OrganizationRecordForm, ResourceAdminForm, ResourceExtensionsPanel
from .admin_isolation import (
    OrganizationRecordPolicy,
    ResourcePermissionPolicy,
    ScopedSnippetChooserViewSet,
    ScopedViewSetMixin,
    ScopedWorkflowObjectsToModeratePanel,
    scope_queryset,
    scoped_delete_bulk_action,
)
from .choosers import (
    OwnerSiteChooser,
    SourceOrgChooser,
    owner_site_chooser_viewset,
    source_org_chooser_viewset,
)
from .compat import WorkflowObjectsToModeratePanel
from .models import (
    ApiToken,
    DataReleaseResource,
    InterpretationResource,
    NewsResource,
    NoticeResource,
    OrganizationWorkflow,
    PolicyResource,
    Resource,
    ResponseResource,
    ServiceGuideResource,
    Theme,
    TopicResource,
)
from .page_links import LivePageLinkHandler
from .scope import organization_choices

RESOURCE_MODELS = [
    Resource,
    NewsResource,
    NoticeResource,
    PolicyResource,
    InterpretationResource,
    ResponseResource,
    DataReleaseResource,
    ServiceGuideResource,
    TopicResource,
]
for _model in RESOURCE_MODELS:
    register_permission_policy(_model, ResourcePermissionPolicy(_model), exact_class=True)
for _model in (OrganizationWorkflow, ApiToken):
    register_permission_policy(_model, OrganizationRecordPolicy(_model), exact_class=True)


# --- Panels --------------------------------------------------------------------------------

COMMON_PANELS = [
    FieldPanel("title"),
    FieldPanel("summary"),
    FieldPanel("body"),
    FieldRowPanel(
        [
            FieldPanel("source_org", widget=SourceOrgChooser),
            FieldPanel("owner_site", widget=OwnerSiteChooser),
        ]
    ),
    # Fields of apps above the library, e.g. the portal's 发布栏目 (columns).
    ResourceExtensionsPanel([]),
    FieldRowPanel([FieldPanel("author"), FieldPanel("pub_date")]),
    FieldPanel("keywords"),
    FieldPanel("source_url"),
    FieldRowPanel([FieldPanel("theme"), FieldPanel("resource_class")]),
    FieldPanel("share_scope"),
    FieldPanel("image"),
    InlinePanel("attachments", label=_("附件")),
]

POLICY_PANELS = [
    MultiFieldPanel(
        [
            FieldRowPanel([FieldPanel("doc_no"), FieldPanel("issuing_organ")]),
            FieldRowPanel([FieldPanel("written_date"), FieldPanel("validity")]),
            FieldPanel("needs_interpretation"),
        ],
        heading=_("政策文件属性"),
    )
]

INTERPRETATION_PANELS = [
    MultiFieldPanel(
        [
            FieldPanel("policy", widget=AdminSnippetChooser(PolicyResource)),
            FieldPanel("interpretation_form"),
            FieldPanel("video_url"),
        ],
        heading=_("解读属性"),
    )
]

GUIDE_PANELS = [
    MultiFieldPanel(
        [
            FieldPanel("guide_item_name"),
            FieldRowPanel([FieldPanel("guide_item_code"), FieldPanel("guide_item_type")]),
            FieldRowPanel([FieldPanel("guide_department"), FieldPanel("guide_implementing_org")]),
            FieldPanel("guide_legal_basis"),
        ],
        # rule: GUIDE-4
        heading=_("基本要素"),
    ),
    MultiFieldPanel(
        [
            FieldPanel("guide_scope"),
            FieldPanel("guide_conditions"),
            FieldPanel("guide_materials"),
            FieldPanel("guide_process"),
            FieldPanel("guide_time_limit"),
            FieldRowPanel([FieldPanel("guide_location"), FieldPanel("guide_hours")]),
            FieldPanel("guide_agency"),
            FieldRowPanel([FieldPanel("guide_phone"), FieldPanel("guide_complaint_phone")]),
            FieldRowPanel([FieldPanel("guide_is_free"), FieldPanel("guide_fee_standard")]),
        ],
        # rule: GUIDE-1, GUIDE-3
        heading=_("办事要素"),
    ),
]


def edit_handler(extra=()):
    return TabbedInterface(
        [
            ObjectList(COMMON_PANELS + list(extra), heading=_("内容")),
            ObjectList([PublishingPanel()], heading=_("发布设置")),
        ],
        base_form_class=ResourceAdminForm,
    )


def _filter_orgs(request):
    """The 来源机构 filter offers only the organizations the user acts for (PLATFORM-7)."""
    return organization_choices(request.user).order_by("name")


def _filter_themes(request):
    # Theme.__str__ names the parent: one join instead of a query per option.
    return Theme.objects.select_related("parent")


class ResourceFilterSet(WagtailFilterSet):
    """Listing filters of every resource type: source organization scoped to the user
    (it listed every organization of the platform), themes in one query.

    rule: PLATFORM-7 — an editor is not shown the other organizations' names.
    """

    source_org = django_filters.ModelChoiceFilter(
        label=Resource._meta.get_field("source_org").verbose_name, queryset=_filter_orgs
    )
    theme = django_filters.ModelChoiceFilter(
        label=Resource._meta.get_field("theme").verbose_name, queryset=_filter_themes
    )

    class Meta:
        model = Resource
        fields = ["live", "source_org", "theme"]


def resource_filterset(model, fields):
    """A :class:`ResourceFilterSet` of ``model`` with ``fields``."""
    meta = type("Meta", (), {"model": model, "fields": fields})
    return type(f"{model.__name__}FilterSet", (ResourceFilterSet,), {"Meta": meta})


class ResourceViewSet(ScopedViewSetMixin, SnippetViewSet):
    icon = "doc-full"
    chooser_viewset_class = ScopedSnippetChooserViewSet
    list_display = [
        "title",
        "source_org",
        Column("pub_date_display", label=_("发布时间"), sort_key="pub_date"),
        LiveStatusTagColumn(label=_("状态")),
    ]
    list_per_page = 50
    inspect_view_enabled = True
    edit_handler = edit_handler()
    # rule: INTERP-1 — a refused publish is a message and the draft is kept.
    add_view_class = admin_views.ResourceCreateView
    edit_view_class = admin_views.ResourceEditView
    workflow_action_view_class = admin_views.ResourceWorkflowActionView

    def get_queryset(self, request):
        # Typed default manager limits each proxy to its own type; the policy limits
        # it to the organizations the user acts for.
        queryset = super().get_queryset(request).select_related("source_org", "theme")
        queryset = queryset.annotate_listing_states()  # status_string without 2 queries a row
        return queryset.order_by("-updated_at", "-pk")


class InterpretationFilterSet(ResourceFilterSet):
    """政策解读 listing filters, with 待政策发布: approved, held until the policy is live."""

    held = django_filters.BooleanFilter(
        label=_("待政策发布"), method="filter_held", widget=BooleanRadioSelect
    )

    class Meta:
        model = InterpretationResource
        fields = ["live", "source_org", "theme"]

    def filter_held(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(held_release__isnull=not value)


def _viewset(model, icon="doc-full", extra=(), list_filter=None, filterset_class=None):
    attrs = {"model": model, "icon": icon, "edit_handler": edit_handler(extra)}
    attrs["filterset_class"] = filterset_class or resource_filterset(
        model, list_filter or ["live", "source_org", "theme"]
    )
    return type(f"{model.__name__}ViewSet", (ResourceViewSet,), attrs)


class ThemeViewSet(SnippetViewSet):
    """The theme classification is one platform-wide vocabulary (LIB-2), not scoped;
    only holders of ``library.change_theme`` (the supervisor) may edit it."""

    model = Theme
    icon = "folder-open-1"
    list_display = ["code", "__str__"]
    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("parent"),
        FieldPanel("sort_order"),
    ]


class OrganizationWorkflowViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = OrganizationWorkflow
    chooser_viewset_class = ScopedSnippetChooserViewSet
    icon = "tasks"
    # The organization field offers and accepts only the user's organizations.
    edit_handler = ObjectList(
        [FieldPanel("organization"), FieldPanel("workflow")],
        base_form_class=OrganizationRecordForm,
    )


class ApiTokenViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = ApiToken
    chooser_viewset_class = ScopedSnippetChooserViewSet
    icon = "key"
    list_display = ["name", "organization", "prefix", "revoked", "last_used_at"]
    panels = [FieldPanel("revoked")]
    add_view_enabled = False


class LibraryGroup(SnippetViewSetGroup):
    menu_label = _("信息资源库")
    menu_icon = "doc-full-inverse"
    menu_order = 150
    items = (
        _viewset(NewsResource, icon="doc-full"),
        _viewset(NoticeResource, icon="warning"),
        _viewset(
            PolicyResource,
            icon="doc-full-inverse",
            extra=POLICY_PANELS,
            list_filter=["live", "source_org", "theme", "validity"],
        ),
        _viewset(
            InterpretationResource,
            icon="help",
            extra=INTERPRETATION_PANELS,
            filterset_class=InterpretationFilterSet,
        ),
        _viewset(ResponseResource, icon="comment"),
        _viewset(DataReleaseResource, icon="table"),
        _viewset(ServiceGuideResource, icon="list-ul", extra=GUIDE_PANELS),
        _viewset(TopicResource, icon="folder-inverse"),
        ThemeViewSet,
        OrganizationWorkflowViewSet,
        ApiTokenViewSet,
    )


hooks.register("register_admin_viewset", LibraryGroup)


def _refuse_out_of_scope(request, instances):
    """Editing or (bulk) deleting another organization's library records is refused.

    The viewsets already answer 404 for such ids; this also covers the snippet bulk
    delete (``/admin/bulk/library/<model>/delete/?id=…``), whose confirmation page
    would otherwise list the titles of the records it refuses.
    """
    if not isinstance(instances, list | tuple):
        instances = [instances]
    by_model = {}
    for obj in instances:
        by_model.setdefault(type(obj), []).append(obj.pk)
    for model, pks in by_model.items():
        visible = scope_queryset(request.user, model, model._default_manager.filter(pk__in=pks))
        if visible.count() != len(set(pks)):
            raise PermissionDenied


hooks.register("before_edit_snippet", _refuse_out_of_scope)
hooks.register("before_delete_snippet", _refuse_out_of_scope)
hooks.register(
    "register_bulk_action",
    scoped_delete_bulk_action(
        [
            *RESOURCE_MODELS[1:],
            Theme,
            OrganizationWorkflow,
            ApiToken,
        ]
    ),
    order=100,
)


@hooks.register("register_log_actions")
def register_library_actions(actions):
    """Audit log labels of the library's own actions (waivers, workflow, import)."""
    actions.register_action(
        "library.interpretation.held", _("解读待随政策发布"), _("解读待随政策发布")
    )
    actions.register_action("library.interpretation.waive", _("批准免于解读"), _("批准免于解读"))
    actions.register_action("library.workflow.assign", _("指定机构审核流程"), _("指定机构审核流程"))
    actions.register_action("library.import", _("批量导入"), _("批量导入"))


# --- Interpretation waiver (免于解读) ----------------------------------------------------


@hooks.register("register_admin_urls")
def register_library_admin_urls():
    """The waiver view (admin login required)."""
    return [
        path(
            "library/",
            include((admin_views.admin_urls(), "library_admin"), namespace="library_admin"),
        )
    ]


@hooks.register("register_rich_text_features", order=100)
def live_page_links_only(features):
    """After Wagtail's own handler (order 0): links resolve only to live pages."""
    features.register_link_type(LivePageLinkHandler)


@hooks.register("construct_homepage_panels")
def scoped_review_panel(request, panels):
    """Replace the "awaiting your review" panel with one scoped to the user's organizations."""
    panels[:] = [
        ScopedWorkflowObjectsToModeratePanel()
        if type(panel) is WorkflowObjectsToModeratePanel
        else panel
        for panel in panels
    ]


@hooks.register("register_admin_viewset")
def register_source_org_chooser():
    return source_org_chooser_viewset


@hooks.register("register_admin_viewset")
def register_owner_site_chooser():
    return owner_site_chooser_viewset

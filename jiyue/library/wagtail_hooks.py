"""Admin of the library: one snippet viewset per resource type, grouped as 信息资源库.

Each viewset edits a proxy model with its own panels and lists only its type.
Resources are scoped to the user's organization (and those below it) or sites;
supervisors see everything. Revisions, diffs, locking, comments, scheduling and
workflow come from Wagtail's snippet views.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PublishingPanel,
    TabbedInterface,
)
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from jiyue.registry.permissions import ScopedModelPermissionPolicy

from . import admin_views
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


class ResourcePermissionPolicy(ScopedModelPermissionPolicy):
    """Staff see resources of their organization (and below) or of their sites."""

    def scope_queryset(self, user, queryset):
        from jiyue.registry.services import (
            is_supervisor,
            organization_for_user,
            organizations_in_scope,
            sites_for_user,
        )

        if is_supervisor(user):
            return queryset
        org = organization_for_user(user)
        if org is None:
            return queryset.none()
        return queryset.filter(
            Q(source_org__in=organizations_in_scope(org)) | Q(owner_site__in=sites_for_user(user))
        )


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


# --- Panels --------------------------------------------------------------------------------

COMMON_PANELS = [
    FieldPanel("title"),
    FieldPanel("summary"),
    FieldPanel("body"),
    FieldRowPanel([FieldPanel("source_org"), FieldPanel("owner_site")]),
    FieldRowPanel([FieldPanel("author"), FieldPanel("pub_date")]),
    FieldPanel("keywords"),
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
        [FieldPanel("policy"), FieldPanel("interpretation_form"), FieldPanel("video_url")],
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
        heading=_("基本要素（GUIDE-4）"),
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
        heading=_("办事要素（GUIDE-1、GUIDE-3）"),
    ),
]


def edit_handler(extra=()):
    return TabbedInterface(
        [
            ObjectList(COMMON_PANELS + list(extra), heading=_("内容")),
            ObjectList([PublishingPanel()], heading=_("发布设置")),
        ]
    )


class ResourceViewSet(SnippetViewSet):
    icon = "doc-full"
    list_display = ["title", "source_org", "pub_date_display", "status_string"]
    list_filter = ["live", "source_org", "theme"]
    list_per_page = 50
    inspect_view_enabled = True
    edit_handler = edit_handler()
    # rule: INTERP-1 — a refused publish is a message and the draft is kept.
    add_view_class = admin_views.ResourceCreateView
    edit_view_class = admin_views.ResourceEditView
    workflow_action_view_class = admin_views.ResourceWorkflowActionView

    def get_queryset(self, request):
        # Typed default manager limits each proxy to its own type; the policy limits
        # it to the user's organizations and sites.
        queryset = self.model._default_manager.select_related("source_org").order_by(
            "-updated_at", "-pk"
        )
        return ResourcePermissionPolicy(self.model).scope_queryset(request.user, queryset)


def _viewset(model, icon="doc-full", extra=(), list_filter=None):
    attrs = {"model": model, "icon": icon, "edit_handler": edit_handler(extra)}
    if list_filter:
        attrs["list_filter"] = list_filter
    return type(f"{model.__name__}ViewSet", (ResourceViewSet,), attrs)


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "folder-open-1"
    list_display = ["code", "__str__"]
    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("parent"),
        FieldPanel("sort_order"),
    ]


class OrganizationWorkflowViewSet(SnippetViewSet):
    model = OrganizationWorkflow
    icon = "tasks"


class ApiTokenViewSet(SnippetViewSet):
    model = ApiToken
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
        _viewset(InterpretationResource, icon="help", extra=INTERPRETATION_PANELS),
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
    """Editing or deleting another organization's resource by URL is refused."""
    if not isinstance(instances, list | tuple):
        instances = [instances]
    pks = [obj.pk for obj in instances if isinstance(obj, Resource)]
    if not pks:
        return
    policy = ResourcePermissionPolicy(Resource)
    visible = policy.scope_queryset(request.user, Resource.objects.filter(pk__in=pks))
    if visible.count() != len(pks):
        raise PermissionDenied


hooks.register("before_edit_snippet", _refuse_out_of_scope)
hooks.register("before_delete_snippet", _refuse_out_of_scope)


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

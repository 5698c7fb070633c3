"""Admin for organizations, site records and lifecycle applications (menu “网站注册”).

Built on Wagtail's ``ModelViewSet``: listings, filters, search, forms, inspect and
history views come from Wagtail. What is added here:

* Scoping: every view asks the registry's permission policies
  (:mod:`jiyue.registry.permissions`) which records the user may see, so site staff
  see only their own site's records in listings and get 404 on anyone else's by URL;
  supervisors (主管单位) see everything.
* The lifecycle: the site's detail page shows the go-live checklist (rule: SITE-7),
  the applications and the allowed "申请…" actions and "上线"; the application's
  detail page shows the review chain with approve/reject for whoever may decide the
  current step. All of them call :mod:`jiyue.registry.lifecycle`; no view writes a
  status.
"""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, StatusTagColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateInput
from wagtail.permissions import policy_registry, register_permission_policy

from . import lifecycle
from .forms import DecisionForm, GovSiteForm, OrganizationForm, SiteApplicationForm
from .models import (
    ApplicationStatus,
    GovSite,
    Organization,
    SiteApplication,
    SiteStatus,
    StepDecision,
)
from .permissions import (
    GovSitePermissionPolicy,
    OrganizationPermissionPolicy,
    SiteApplicationPermissionPolicy,
)

# Registered before any view asks for a policy (Wagtail 8: register, do not set
# ``permission_policy`` on the viewset).
for _model, _policy in (
    (GovSite, GovSitePermissionPolicy),
    (Organization, OrganizationPermissionPolicy),
    (SiteApplication, SiteApplicationPermissionPolicy),
):
    if policy_registry.get_by_type(_model, fallback=False) is None:
        register_permission_policy(_model, _policy(_model))

ANY_ACTION = ["add", "change", "delete", "view"]
REGISTRY_MENU_HOOK = "register_registry_menu_item"


def scoped(view, queryset, actions):
    """``queryset`` narrowed to the records the view's user may act on."""
    allowed = view.permission_policy.instances_user_has_any_permission_for(
        view.request.user, actions
    )
    return queryset.filter(pk__in=allowed.values("pk"))


# --- Scoped generic views -------------------------------------------------------


class ScopedIndexView(generic.IndexView):
    def get_base_queryset(self):
        return scoped(self, super().get_base_queryset(), self.any_permission_required)


class ScopedEditView(generic.EditView):
    def get_queryset(self):
        return scoped(self, super().get_queryset(), ["change"])


class ScopedDeleteView(generic.DeleteView):
    def get_queryset(self):
        return scoped(self, super().get_queryset(), ["delete"])

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _("“%(object)s”仍被其他记录引用（下级机构、网站或工作人员），不能删除。")
                % {"object": self.object},
            )
            return HttpResponseRedirect(reverse(self.index_url_name))


class ScopedInspectView(generic.InspectView):
    def get_object(self, queryset=None):
        queryset = scoped(self, self.model._default_manager.all(), ANY_ACTION)
        return get_object_or_404(queryset, pk=self.pk)


class ScopedHistoryView(history.HistoryView):
    any_permission_required = ANY_ACTION

    def get_base_object_queryset(self):
        return scoped(self, super().get_base_object_queryset(), ANY_ACTION)


class ScopedUsageView(usage.UsageView):
    def get_base_object_queryset(self):
        return scoped(self, super().get_base_object_queryset(), ["change"])


class ScopedModelViewSet(ModelViewSet):
    """A model viewset whose every view is limited to the user's records."""

    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None  # plain ORM search over ``search_fields``


# --- Organizations (机构) ----------------------------------------------------------


class OrganizationViewSet(ScopedModelViewSet):
    model = Organization
    name = "registry_organizations"
    url_prefix = "registry/organizations"
    icon = "group"
    menu_label = _("机构")
    menu_order = 100
    list_display = ["name", "org_type", "parent", "division_code", "is_supervisor"]
    list_filter = ["org_type", "is_supervisor"]
    search_fields = ["name", "short_name", "division_code"]
    inspect_view_fields = [
        "name",
        "short_name",
        "org_type",
        "parent",
        "division_code",
        "is_supervisor",
        "address",
        "phone",
        "postcode",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("short_name"),
            FieldPanel("org_type"),
            FieldPanel("parent"),
            FieldPanel("division_code"),
            FieldPanel("is_supervisor"),
            MultiFieldPanel(
                [FieldPanel("address"), FieldPanel("phone"), FieldPanel("postcode")],
                heading=_("联系方式"),
            ),
        ],
        base_form_class=OrganizationForm,
    )


# --- Government sites (政府网站) ----------------------------------------------------


class GovSiteIndexView(ScopedIndexView):
    def get_delete_url(self, instance):
        if is_deletable(instance):
            return super().get_delete_url(instance)
        return None


def is_deletable(site):
    """Only a planned record that never reached the platform or an application may go.

    Everything later is history the supervisor must keep: it ends by closing or
    merging the site, not by deleting the record.
    """
    return (
        site.status == SiteStatus.PLANNED
        and site.wagtail_site_id is None
        and not site.applications.exists()
    )


class GovSiteDeleteView(ScopedDeleteView):
    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(status=SiteStatus.PLANNED, wagtail_site__isnull=True, applications=None)
        )


class GovSiteInspectView(ScopedInspectView):
    """The site's detail page: record, checklist, applications, lifecycle actions."""

    template_name = "registry/admin/govsite_inspect.html"

    def get_object(self, queryset=None):
        queryset = scoped(self, GovSite.objects.all(), ANY_ACTION).select_related(
            "organization", "merged_into", "wagtail_site"
        )
        return get_object_or_404(queryset, pk=self.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site = self.object
        user = self.request.user
        may_apply = lifecycle.can_apply(user, site) and self.user_may_apply()
        pending = site.applications.filter(status=ApplicationStatus.PENDING).first()
        add_url = reverse(SiteApplicationViewSet.name + ":add")
        context.update(
            {
                "checklist": site.checklist(),
                "checklist_complete": site.checklist_complete,
                "applications": site.applications.select_related("applicant").order_by(
                    "-created_at"
                ),
                "pending_application": pending,
                "application_url_name": SiteApplicationViewSet.name + ":inspect",
                "apply_actions": [
                    (kind.label, f"{add_url}?site={site.pk}&kind={kind.value}")
                    for kind in lifecycle.allowed_kinds(site)
                ]
                if may_apply and pending is None
                else [],
                "can_go_live": site.status == SiteStatus.PREPARING
                and lifecycle.can_go_live(user, site),
                "go_live_url": reverse(GovSiteViewSet.name + ":go_live", args=[site.pk]),
                "aliases": list(site.aliases.all()),
            }
        )
        return context

    def user_may_apply(self):
        return policy_registry.get_by_type(SiteApplication).user_has_permission(
            self.request.user, "add"
        )


class GoLiveView(View):
    """POST: put a site online (rule: SITE-7); errors come back as messages."""

    http_method_names = ["post"]
    inspect_url_name = None

    def post(self, request, pk):
        policy = policy_registry.get_by_type(GovSite)
        site = get_object_or_404(
            GovSite.objects.filter(
                pk__in=policy.instances_user_has_any_permission_for(
                    request.user, ANY_ACTION
                ).values("pk")
            ),
            pk=pk,
        )
        try:
            lifecycle.go_live(request.user, site)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("“%(site)s”已上线。") % {"site": site.name})
        return HttpResponseRedirect(reverse(self.inspect_url_name, args=[site.pk]))


class GovSiteViewSet(ScopedModelViewSet):
    model = GovSite
    name = "registry_sites"
    url_prefix = "registry/sites"
    icon = "site"
    menu_label = _("政府网站")
    menu_order = 200
    index_view_class = GovSiteIndexView
    delete_view_class = GovSiteDeleteView
    inspect_view_class = GovSiteInspectView
    list_display = [
        "name",
        "site_type",
        StatusTagColumn(
            "get_status_display",
            label=_("状态"),
            sort_key="status",
            primary=lambda site: site.status == SiteStatus.ONLINE,
        ),
        "primary_domain",
        "site_id_code",
        "organization",
        BooleanColumn("on_platform", label=_("在平台上")),
    ]
    list_filter = ["status", "site_type", "is_legacy"]
    search_fields = ["name", "primary_domain", "site_id_code", "organization__name"]
    list_export = [
        "name",
        "site_type",
        "status",
        "primary_domain",
        "site_id_code",
        "organization",
        "icp_no",
        "psb_no",
    ]
    inspect_view_fields = [
        "name",
        "site_type",
        "status",
        "organization",
        "operator_name",
        "primary_domain",
        "chinese_domain",
        "site_id_code",
        "icp_no",
        "psb_no",
        "psb_record_code",
        "dzjg_mark",
        "domain_registered",
        "merged_into",
        "legacy_url",
        "opened_at",
        "status_changed_at",
        "created_at",
    ]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("name"),
                    FieldPanel("site_type"),
                    FieldPanel("organization"),
                    FieldPanel("operator_name"),
                ],
                heading=_("基本信息"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("primary_domain"),
                    FieldPanel("domain_registered"),
                    FieldPanel("chinese_domain"),
                ],
                heading=_("域名"),
            ),
            InlinePanel(
                "aliases",
                heading=_("域名别名"),
                label=_("别名"),
                help_text=_("别名域名将301跳转到主域名（rule: DOMAIN-5）。"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("dzjg_mark"),
                    FieldPanel("icp_no"),
                    FieldPanel("psb_no"),
                    FieldPanel("psb_record_code"),
                    FieldPanel("site_id_code"),
                ],
                heading=_("上线检查事项（rule: SITE-7）"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("legacy_url"),
                    FieldPanel("plan_action"),
                    FieldPanel("plan_target"),
                    FieldPanel("plan_deadline", widget=AdminDateInput),
                ],
                heading=_("整合计划"),
            ),
        ],
        base_form_class=GovSiteForm,
    )

    @property
    def go_live_view(self):
        return GoLiveView.as_view(inspect_url_name=self.get_url_name("inspect"))

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("go-live/<int:pk>/", self.go_live_view, name="go_live"),
        ]


# --- Applications (开设整合申请) -----------------------------------------------------


class ApplicationFilterSet(WagtailFilterSet):
    awaiting_me = django_filters.BooleanFilter(label=_("待我审核"), method="filter_awaiting_me")

    class Meta:
        model = SiteApplication
        fields = ["status", "kind"]

    def filter_awaiting_me(self, queryset, name, value):
        if value is None:
            return queryset
        user = self.request.user
        pending = queryset.filter(status=ApplicationStatus.PENDING).prefetch_related(
            "steps__reviewer_org"
        )
        mine = [app.pk for app in pending if lifecycle.can_decide(user, app)]
        return queryset.filter(pk__in=mine) if value else queryset.exclude(pk__in=mine)


def current_step_label(application):
    if application.status != ApplicationStatus.PENDING:
        return "—"
    step = application.current_step()
    return f"{step.order}. {step.reviewer_org}" if step else "—"


class ApplicationIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("site", "applicant_org")


class ApplicationCreateView(generic.CreateView):
    """Submit an application: the form checks it, :func:`lifecycle.submit_application` makes it."""

    inspect_url_name = None

    def get_initial(self):
        initial = super().get_initial()
        for name in ("site", "kind", "merge_target"):
            if value := self.request.GET.get(name):
                initial[name] = value
        return initial

    def save_instance(self):
        cleaned = self.form.cleaned_data
        return lifecycle.submit_application(
            self.request.user,
            cleaned["site"],
            cleaned["kind"],
            cleaned["reason"],
            new_name=cleaned.get("new_name", ""),
            merge_target=cleaned.get("merge_target"),
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            # A race with another submission: report it on the form, save nothing.
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)

    def get_success_message(self, instance):
        return _("已提交“%(app)s”，等待“%(org)s”审核。") % {
            "app": instance,
            "org": instance.current_step().reviewer_org,
        }

    def get_success_buttons(self):
        return []

    def get_success_url(self):
        return reverse(self.inspect_url_name, args=[self.object.pk])

    def get_edit_url(self):
        return self.get_success_url()


class ApplicationInspectView(ScopedInspectView):
    """The application's detail page: its review chain and the reviewer's form."""

    template_name = "registry/admin/application_inspect.html"
    site_inspect_url_name = None

    def get_object(self, queryset=None):
        queryset = scoped(self, SiteApplication.objects.all(), ANY_ACTION).select_related(
            "site", "applicant", "applicant_org", "merge_target"
        )
        return get_object_or_404(queryset, pk=self.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.object
        user = self.request.user
        pending = application.status == ApplicationStatus.PENDING
        current = application.current_step() if pending else None
        can_decide = lifecycle.can_decide(user, application)
        context.update(
            {
                "steps": application.steps.select_related("reviewer_org", "decided_by"),
                "current_step": current,
                "can_decide": can_decide,
                "decision_form": DecisionForm(initial={"step": current.pk}) if can_decide else None,
                "decide_url": reverse(
                    SiteApplicationViewSet.name + ":decide", args=[application.pk]
                ),
                "can_withdraw": lifecycle.can_withdraw(user, application),
                "withdraw_url": reverse(
                    SiteApplicationViewSet.name + ":withdraw", args=[application.pk]
                ),
                "site_url": self.site_url(application.site),
                "StepDecision": StepDecision,
            }
        )
        return context

    def site_url(self, site):
        policy = policy_registry.get_by_type(GovSite)
        if policy.user_has_any_permission_for_instance(self.request.user, ANY_ACTION, site):
            return reverse(GovSiteViewSet.name + ":inspect", args=[site.pk])
        return None

    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None


class ApplicationActionView(View):
    """Base of the POST-only actions on one application the user can see."""

    http_method_names = ["post"]
    inspect_url_name = None

    def get_application(self, request, pk):
        policy = policy_registry.get_by_type(SiteApplication)
        visible = policy.instances_user_has_any_permission_for(request.user, ANY_ACTION)
        return get_object_or_404(SiteApplication.objects.filter(pk__in=visible.values("pk")), pk=pk)

    def back(self, request, application):
        url = get_valid_next_url_from_request(request)
        return HttpResponseRedirect(url or reverse(self.inspect_url_name, args=[application.pk]))


class DecideView(ApplicationActionView):
    """POST: approve or reject the current step.

    Whoever may not decide it gets the lifecycle's reason as an error message and
    nothing changes; the form's ``step`` makes a stale or forged post for any other
    step fail (no skipping levels).
    """

    def post(self, request, pk):
        application = self.get_application(request, pk)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return self.back(request, application)
        step = application.steps.filter(pk=form.cleaned_data["step"]).first()
        if step is None:
            messages.error(request, _("审核环节不存在。"))
            return self.back(request, application)
        approve = form.cleaned_data["decision"] == "approve"
        try:
            application = lifecycle.decide(
                request.user, application, approve, form.cleaned_data["comment"], step=step
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("您无权审核该环节。"))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            if application.status == ApplicationStatus.APPROVED:
                messages.success(request, _("已批准，申请生效。"))
            elif application.status == ApplicationStatus.REJECTED:
                messages.success(request, _("已驳回该申请。"))
            else:
                messages.success(
                    request,
                    _("已同意，转“%(org)s”审核。")
                    % {"org": application.current_step().reviewer_org},
                )
        return self.back(request, application)


class WithdrawView(ApplicationActionView):
    """POST: the applying organization withdraws its pending application."""

    def post(self, request, pk):
        application = self.get_application(request, pk)
        try:
            lifecycle.withdraw(request.user, application)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已撤回该申请。"))
        return self.back(request, application)


class SiteApplicationViewSet(ScopedModelViewSet):
    """Applications: listed, submitted and decided here; never edited or deleted."""

    model = SiteApplication
    name = "registry_applications"
    url_prefix = "registry/applications"
    icon = "tasks"
    menu_label = _("开设整合申请")
    menu_order = 300
    index_view_class = ApplicationIndexView
    add_view_class = ApplicationCreateView
    inspect_view_class = ApplicationInspectView
    filterset_class = ApplicationFilterSet
    search_fields = ["site__name", "reason", "new_name"]
    list_display = [
        "__str__",
        "kind",
        "site",
        StatusTagColumn(
            "get_status_display",
            label=_("状态"),
            sort_key="status",
            primary=lambda app: app.status == ApplicationStatus.PENDING,
        ),
        Column("current_step", label=_("当前审核单位"), accessor=current_step_label),
        "applicant_org",
        "created_at",
    ]

    def get_form_class(self, for_update=False):
        return SiteApplicationForm

    def get_common_view_kwargs(self, **kwargs):
        # Applications have no edit, delete or usage views.
        return super().get_common_view_kwargs(
            edit_url_name=None, delete_url_name=None, usage_url_name=None, **kwargs
        )

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(inspect_url_name=self.get_url_name("inspect"), **kwargs)

    @property
    def decide_view(self):
        return DecideView.as_view(inspect_url_name=self.get_url_name("inspect"))

    @property
    def withdraw_view(self):
        return WithdrawView.as_view(inspect_url_name=self.get_url_name("inspect"))

    @cached_property
    def url_finder_class(self):
        from wagtail.admin.admin_url_finder import ModelAdminURLFinder

        inspect = self.get_url_name("inspect")

        class ApplicationURLFinder(ModelAdminURLFinder):
            edit_url_name = inspect

            def get_edit_url(self, instance):
                policy = policy_registry.get(instance)
                if self.user and not policy.user_has_any_permission_for_instance(
                    self.user, ANY_ACTION, instance
                ):
                    return None
                return self.construct_edit_url(instance)

        return ApplicationURLFinder

    def get_urlpatterns(self):
        keep = {"index", "index_results", "add", "inspect", "history", "history_results"}
        return [
            *(p for p in super().get_urlpatterns() if p.name in keep),
            path("decide/<int:pk>/", self.decide_view, name="decide"),
            path("withdraw/<int:pk>/", self.withdraw_view, name="withdraw"),
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


@hooks.register("register_admin_viewset")
def register_registry_viewsets():
    return RegistryViewSetGroup()

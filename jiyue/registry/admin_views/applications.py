"""Lifecycle applications (开设整合申请) in the admin: apply, decide, withdraw."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import generic
from wagtail.permissions import policy_registry

from .. import lifecycle
from ..forms import DecisionForm, SiteApplicationForm
from ..models import (
    ApplicationStatus,
    GovSite,
    SiteApplication,
    StepDecision,
)
from .scoped import (
    ANY_ACTION,
    APPLICATIONS_VIEWSET,
    SITES_VIEWSET,
    ScopedIndexView,
    ScopedInspectView,
    ScopedModelViewSet,
    scoped,
)

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
            offline_from=cleaned.get("offline_from"),
            offline_until=cleaned.get("offline_until"),
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
                "decide_url": reverse(APPLICATIONS_VIEWSET + ":decide", args=[application.pk]),
                "can_withdraw": lifecycle.can_withdraw(user, application),
                "withdraw_url": reverse(APPLICATIONS_VIEWSET + ":withdraw", args=[application.pk]),
                "site_url": self.site_url(application.site),
                "StepDecision": StepDecision,
            }
        )
        return context

    def site_url(self, site):
        policy = policy_registry.get_by_type(GovSite)
        if policy.user_has_any_permission_for_instance(self.request.user, ANY_ACTION, site):
            return reverse(SITES_VIEWSET + ":inspect", args=[site.pk])
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
    name = APPLICATIONS_VIEWSET
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

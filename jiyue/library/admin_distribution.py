"""Admin views of distribution (分发), pending acceptance (待接收) and the interpretation
waiver (免于解读), plus the snippet view classes that turn a refused publish into a
message (rule: INTERP-1, LIB-3).

The views only collect input and call :mod:`jiyue.library.services`; the services
check permissions, write the audit log and hold the rules. Their ValidationError
and PermissionDenied are shown as admin messages, never as a server error.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import CreateView, EditView, WorkflowActionView

from . import services
from .admin_isolation import choosable_queryset, column_q
from .forms import PlaceForm, PushForm, WaiverForm, columns_of_sites
from .models import Placement, PlacementState, Resource, ResourceType
from .scope import resources_in_scope
from .workflow import InterpretationRequired


def _error_messages(request, exc):
    """Show a service's ValidationError / PermissionDenied as admin error messages."""
    if isinstance(exc, ValidationError):
        for message in services.validation_messages(exc):
            messages.error(request, message)
    else:
        messages.error(request, str(exc) or _("没有权限执行此操作。"))


def resources_visible_to(user):
    """Resources a user may open here: their own scope, or live shared ones (LIB-5)."""
    return choosable_queryset(user, Resource, Resource.objects.all())


# --- Distribution of one resource -------------------------------------------------------


class ResourceDistributionView(WagtailAdminTemplateMixin, TemplateView):
    """Where a resource appears now, with the place (editors) and push (supervisor) forms."""

    template_name = "library/admin/distribution.html"
    header_icon = "site"

    def dispatch(self, request, pk):
        self.resource = get_object_or_404(resources_visible_to(request.user), pk=pk)
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("分发")

    def get_page_subtitle(self):
        return self.resource.title

    def is_supervisor(self):
        from jiyue.registry.services import is_supervisor

        return is_supervisor(self.request.user)

    def showing_rows(self):
        """Active columns (placements and subscriptions) plus pending and rejected pushes.

        Only on the sites the user works on: where a shared item appears on other
        sites is theirs to know (the supervisor sees every site).
        """
        from jiyue.registry.services import sites_for_user

        active = list(services.columns_showing(self.resource))
        others = list(
            Placement.objects.filter(resource=self.resource)
            .exclude(state=PlacementState.ACTIVE)
            .select_related("column")
        )
        _cols, site_of = columns_of_sites(sites_for_user(self.request.user))
        rows = [(c, site_of[c.pk], PlacementState.ACTIVE.label) for c in active if c.pk in site_of]
        rows += [
            (p.column, site_of[p.column_id], p.get_state_display())
            for p in others
            if p.column_id in site_of
        ]
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        supervisor = self.is_supervisor()
        context.update(
            resource=self.resource,
            rows=self.showing_rows(),
            place_form=kwargs.get("place_form") or PlaceForm(user=self.request.user),
            push_form=(kwargs.get("push_form") or PushForm()) if supervisor else None,
            can_distribute=self.resource.live,
        )
        return context

    def post(self, request, pk):
        if not self.resource.live:
            messages.error(request, _("只有已发布的信息才能放置或推送到栏目（LIB-1）。"))
            return redirect(request.path)
        if request.POST.get("action") == "push":
            return self.push(request)
        return self.place(request)

    def place(self, request):
        form = PlaceForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _("只能在本网站的栏目中放置信息，请检查所选栏目。"))
            return self.render_to_response(self.get_context_data(place_form=form))
        try:
            for column in form.cleaned_data["columns"]:
                services.place(self.resource, column, request.user)
        except (ValidationError, PermissionDenied) as exc:
            _error_messages(request, exc)
            return self.render_to_response(self.get_context_data(place_form=form))
        messages.success(request, _("已放置到所选栏目。"))
        return redirect(request.path)

    def push(self, request):
        if not self.is_supervisor():
            messages.error(request, _("只有主管单位可以向多个网站推送信息。"))
            return redirect(request.path)
        form = PushForm(request.POST)
        if not form.is_valid():
            for error in form.non_field_errors():
                messages.error(request, error)
            return self.render_to_response(self.get_context_data(push_form=form))
        try:
            columns = form.cleaned_data["all_columns"]
            placements = services.push(self.resource, columns, request.user)
        except (ValidationError, PermissionDenied) as exc:
            _error_messages(request, exc)
            return self.render_to_response(self.get_context_data(push_form=form))
        pending = sum(1 for p in placements if p.state == PlacementState.PENDING)
        messages.success(
            request,
            _("已推送到 %(total)d 个栏目，其中 %(pending)d 个待接收。")
            % {"total": len(placements), "pending": pending},
        )
        return redirect(request.path)


# --- Pending acceptance ---------------------------------------------------------------------


class PendingPlacementsView(WagtailAdminTemplateMixin, TemplateView):
    """待接收: pushed resources awaiting the receiving site's decision."""

    template_name = "library/admin/pending.html"
    page_title = _("待接收")
    header_icon = "tasks"

    def get_context_data(self, **kwargs):
        from jiyue.registry.models import GovSite

        context = super().get_context_data(**kwargs)
        placements = list(
            services.pending_placements_for_user(self.request.user).order_by("-created_at")
        )
        _cols, site_of = columns_of_sites(GovSite.objects.all())
        context["rows"] = [(p, site_of.get(p.column_id)) for p in placements]
        return context


class PlacementDecisionView(View):
    """POST only: accept or reject one pending placement (the service checks the site)."""

    http_method_names = ["post"]

    def post(self, request, pk, decision):
        # Another site's placement looks like a missing one (rule: PLATFORM-F4).
        query = column_q(request.user)
        placements = Placement.objects.select_related("column")
        if query is not None:
            placements = placements.filter(query)
        placement = get_object_or_404(placements, pk=pk)
        if decision not in ("accept", "reject"):
            raise Http404
        try:
            if decision == "accept":
                services.accept(placement, request.user)
                messages.success(request, _("已接收“%s”。") % placement.resource.title)
            else:
                services.reject(placement, request.user)
                messages.success(request, _("已拒收“%s”。") % placement.resource.title)
        except (ValidationError, PermissionDenied) as exc:
            _error_messages(request, exc)
        return redirect("library_admin:pending")


# --- Interpretation waiver ------------------------------------------------------------------


class WaiverView(WagtailAdminTemplateMixin, TemplateView):
    """An approver records a waiver reason on a policy (rule: INTERP-1)."""

    template_name = "library/admin/waiver.html"
    header_icon = "doc-full-inverse"

    def dispatch(self, request, pk):
        own = resources_in_scope(
            request.user, Resource.objects.filter(resource_type=ResourceType.POLICY)
        )
        self.resource = get_object_or_404(own, pk=pk)
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("免于解读")

    def get_page_subtitle(self):
        return self.resource.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(resource=self.resource, form=kwargs.get("form") or WaiverForm())
        return context

    def post(self, request, pk):
        form = WaiverForm(request.POST)
        if form.is_valid():
            try:
                services.waive_interpretation(
                    self.resource, request.user, form.cleaned_data["reason"]
                )
            except (ValidationError, PermissionDenied) as exc:
                _error_messages(request, exc)
            else:
                messages.success(request, _("已记录免于解读理由（INTERP-1）。"))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))


def admin_urls():
    return [
        path(
            "resource/<int:pk>/distribution/",
            ResourceDistributionView.as_view(),
            name="distribution",
        ),
        path("resource/<int:pk>/waiver/", WaiverView.as_view(), name="waiver"),
        path("pending/", PendingPlacementsView.as_view(), name="pending"),
        path(
            "pending/<int:pk>/<str:decision>/",
            PlacementDecisionView.as_view(),
            name="decide",
        ),
    ]


def distribution_url(resource):
    return reverse("library_admin:distribution", args=[resource.pk])


# --- Snippet views: a refused publish is a message, the draft is kept (INTERP-1) ----------


class InterpretationRuleMixin:
    """Catch INTERP-1 refusals on publish and on final workflow approval.

    The revision is saved (and committed) by ``save_instance`` before
    ``publish_action`` runs, and the workflow approval runs in one transaction that
    the exception rolls back, so the editor's draft and the workflow state survive;
    only the publish is refused.
    """

    def _refused(self, exc):
        for message in services.validation_messages(exc):
            messages.error(self.request, message)
        return redirect(self.get_edit_url())

    def publish_action(self):
        try:
            return super().publish_action()
        except InterpretationRequired as exc:
            return self._refused(exc)

    def workflow_action_action(self):
        try:
            return super().workflow_action_action()
        except InterpretationRequired as exc:
            return self._refused(exc)


class ResourceEditView(InterpretationRuleMixin, EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button(_("分发"), url=distribution_url(self.object), icon_name="site", priority=40)
        )
        if self.object.resource_type == ResourceType.POLICY:
            buttons.append(
                Button(
                    _("免于解读"),
                    url=reverse("library_admin:waiver", args=[self.object.pk]),
                    icon_name="doc-full-inverse",
                    priority=41,
                )
            )
        return buttons


class ResourceCreateView(InterpretationRuleMixin, CreateView):
    pass


class ResourceWorkflowActionView(WorkflowActionView):
    """Approving the last task publishes; an INTERP-1 refusal rolls the approval back."""

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except InterpretationRequired as exc:
            for message in services.validation_messages(exc):
                messages.error(request, message)
            if request.headers.get("x-requested-with") == "XMLHttpRequest":
                return self.render_modal_json(
                    request, {"step": "success", "redirect": self.redirect_url}
                )
            return redirect(self.redirect_url)

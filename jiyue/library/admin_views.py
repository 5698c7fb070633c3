"""Admin views of the library's own: the interpretation waiver (免于解读) and the
snippet view classes that turn a refused publish into a message (rule: INTERP-1).

Apps above the library add buttons to a resource's edit view through the Wagtail hook
``jiyue_library_resource_header_buttons`` (a function ``(resource, user)`` returning
``Button``s): the portal adds "分发" (distribution) that way, so the library knows no
columns. The views only collect input and call :mod:`jiyue.library.services`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import CreateView, EditView, WorkflowActionView

from . import services
from .admin_isolation import choosable_queryset
from .forms import WaiverForm
from .models import Resource, ResourceType
from .scope import resources_in_scope
from .workflow import InterpretationRequired

RESOURCE_HEADER_BUTTONS_HOOK = "jiyue_library_resource_header_buttons"


def error_messages(request, exc):
    """Show a service's ValidationError / PermissionDenied as admin error messages."""
    if isinstance(exc, ValidationError):
        for message in services.validation_messages(exc):
            messages.error(request, message)
    else:
        messages.error(request, str(exc) or _("没有权限执行此操作。"))


def resources_visible_to(user):
    """Resources a user may open here: their own scope, or live shared ones (LIB-5)."""
    return choosable_queryset(user, Resource, Resource.objects.all())


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
                error_messages(request, exc)
            else:
                messages.success(request, _("已记录免于解读理由（INTERP-1）。"))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))


def admin_urls():
    return [path("resource/<int:pk>/waiver/", WaiverView.as_view(), name="waiver")]


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


# --- Workflow messages: the step just approved and the next one ---------------------------


def current_step_name(resource):
    """The name of the review step (task) the resource is in, or None."""
    task = resource.current_workflow_task
    return task.name if task is not None else None


def workflow_step_message(resource, step, action):
    """What a reviewer's action did, naming the step and what comes next.

    E.g. "“标题”已通过“初审”，下一步：复审"; after the last step "已通过“签发”，已发布。", or for an
    interpretation whose policy is not live yet "…待政策发布" (rule: INTERP-1).
    """
    fresh = type(resource).objects.get(pk=resource.pk)
    if action == "reject":
        return _("“%(title)s”：“%(step)s”已退回修改：请修改后重新提交审核。") % {
            "title": fresh,
            "step": step,
        }
    next_step = current_step_name(fresh)
    if next_step:
        return _("“%(title)s”已通过“%(step)s”，下一步：%(next)s。") % {
            "title": fresh,
            "step": step,
            "next": next_step,
        }
    if fresh.is_held:
        return _(
            "“%(title)s”已通过“%(step)s”，审核完成。待政策发布：本解读将与所解读的政策文件同时发布"
            "（可在政策解读列表中按“待政策发布”筛选）。"
        ) % {"title": fresh, "step": step}
    if fresh.live:
        return _("“%(title)s”已通过“%(step)s”，审核完成，已发布。") % {"title": fresh, "step": step}
    if fresh.approved_schedule:
        return _("“%(title)s”已通过“%(step)s”，审核完成，将按上线时间发布。") % {
            "title": fresh,
            "step": step,
        }
    return _("“%(title)s”已通过“%(step)s”，审核完成。") % {"title": fresh, "step": step}


class WorkflowMessageMixin:
    """The edit view's workflow-action and submit messages name the steps."""

    def workflow_action_action(self):
        self._step_before = current_step_name(self.object)
        return super().workflow_action_action()

    def get_success_message(self, *args, **kwargs):
        if self.action == "workflow-action" and getattr(self, "_step_before", None):
            return workflow_step_message(self.object, self._step_before, self.workflow_action)
        if self.action == "submit":
            step = current_step_name(type(self.object).objects.get(pk=self.object.pk))
            if step:
                return _("“%(title)s”已提交审核，下一步：%(next)s。") % {
                    "title": self.object,
                    "next": step,
                }
        return super().get_success_message(*args, **kwargs)


class FormExtensionsMixin:
    """Store the fields apps above the library added to the form (see admin_forms).

    ``save_instance`` runs inside the view's transaction, so an extension's write and
    the resource's revision commit together.
    """

    def save_instance(self):
        instance = super().save_instance()
        save_extensions = getattr(self.form, "save_extensions", None)
        if save_extensions is not None:
            save_extensions(instance, self.request.user)
        return instance


class ResourceEditView(
    WorkflowMessageMixin, FormExtensionsMixin, InterpretationRuleMixin, EditView
):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        for extra in hooks.get_hooks(RESOURCE_HEADER_BUTTONS_HOOK):
            buttons.extend(extra(self.object, self.request.user))
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


class ResourceCreateView(
    WorkflowMessageMixin, FormExtensionsMixin, InterpretationRuleMixin, CreateView
):
    pass


class ResourceWorkflowActionView(WorkflowActionView):
    """Approving the last task publishes; an INTERP-1 refusal rolls the approval back."""

    def post(self, request, *args, **kwargs):
        step = self.task.name
        try:
            response = super().post(request, *args, **kwargs)
        except InterpretationRequired as exc:
            for message in services.validation_messages(exc):
                messages.error(request, message)
            if request.headers.get("x-requested-with") == "XMLHttpRequest":
                return self.render_modal_json(
                    request, {"step": "success", "redirect": self.redirect_url}
                )
            return redirect(self.redirect_url)
        if self._action_done():
            messages.success(request, workflow_step_message(self.object, step, self.action_name))
        return response

    def _action_done(self):
        """False while the modal still shows its form (e.g. a comment with errors)."""
        state = type(self.task_state).objects.filter(pk=self.task_state.pk).first()
        return state is None or state.status != state.STATUS_IN_PROGRESS

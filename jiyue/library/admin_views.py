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


class ResourceEditView(FormExtensionsMixin, InterpretationRuleMixin, EditView):
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


class ResourceCreateView(FormExtensionsMixin, InterpretationRuleMixin, CreateView):
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

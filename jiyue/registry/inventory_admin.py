"""Admin for the inventory and the merge plan (整合计划) at a glance.

Supervisors only (:func:`jiyue.registry.services.is_supervisor`); anyone else gets
403. Three things:

* the "整合计划" view: sites by status, type and district, what must still be
  merged or closed, progress against the supervisor's deadlines, overdue sites and
  compliance findings by rule ID;
* an upload form that imports an inventory CSV with the same code as the
  ``import_sites`` command: a dry run first that shows the bad rows with their line
  numbers, then a confirmation that imports;
* a summary panel on the Wagtail dashboard linking to the plan.

The plan itself (``plan_action``, ``plan_target``, ``plan_deadline``) is edited on
each site record; the default deadlines are the ``MergePlanSettings`` setting.
"""

import base64
import io
import uuid
import zlib

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.contrib.settings.registry import register_setting

from . import inventory
from .admin_views import REGISTRY_MENU_HOOK
from .models import MergePlanSettings
from .services import is_supervisor

# The supervisor's default deadlines, under Settings (设置) in the admin menu.
register_setting(MergePlanSettings, icon="calendar-check")

SESSION_KEY = "jiyue_inventory_upload"
URL_NAMESPACE = "registry_merge_plan"


def site_edit_url(site):
    """The site record's edit page in the registry admin, where its plan is edited."""
    try:
        return reverse("registry_sites:edit", args=[site.pk])
    except NoReverseMatch:
        return ""


def settings_edit_url():
    try:
        return reverse("wagtailsettings:edit", args=["registry", "mergeplansettings"])
    except NoReverseMatch:
        return ""


class SupervisorRequiredMixin:
    """403 for anyone but the supervisor's staff.

    Answered here rather than by raising ``PermissionDenied``, which Wagtail's admin
    turns into a redirect to the dashboard: a refused request must say so.
    """

    def dispatch(self, request, *args, **kwargs):
        if not is_supervisor(request.user):
            return TemplateResponse(
                request,
                "registry/inventory/forbidden.html",
                {"page_title": _("整合计划"), "header_title": _("整合计划")},
                status=403,
            )
        return super().dispatch(request, *args, **kwargs)


OVERDUE_SHOWN = 100


class MergePlanView(SupervisorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("整合计划")
    header_icon = "tasks"
    template_name = "registry/inventory/merge_plan.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        overview = inventory.merge_plan_overview()
        # The most overdue first; a city-wide inventory can have thousands.
        overdue_shown = overview.overdue[:OVERDUE_SHOWN]
        for item in overdue_shown:
            item.edit_url = site_edit_url(item.site)
        context.update(
            overview=overview,
            overdue_shown=overdue_shown,
            overdue_more=len(overview.overdue) - len(overdue_shown),
            import_url=reverse(f"{URL_NAMESPACE}:import"),
            settings_url=settings_edit_url(),
            many_districts=len(overview.by_district) > 30,
        )
        return context


class InventoryUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("网站清单（CSV 文件）"),
        help_text=gettext_lazy(
            "列：网站名称、域名（或网址）、主办单位、行政区划代码、网站类型，中英文列名均可，"
            "多余的列忽略。UTF-8 或 GBK 编码。"
        ),
    )
    encoding = forms.ChoiceField(
        label=gettext_lazy("文件编码"),
        required=False,
        choices=[
            ("", gettext_lazy("自动识别")),
            ("utf-8", "UTF-8"),
            ("gb18030", "GBK / GB18030"),
        ],
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("跳过不合格的行，只导入合格的行"),
        required=False,
        help_text=gettext_lazy("不勾选时，只要有一行不合格就不导入任何数据。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > inventory.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件过大：网站清单不应超过 5 MB。"))
        return upload


class InventoryImportView(SupervisorRequiredMixin, WagtailAdminTemplateMixin, FormView):
    """Upload → dry run with the bad rows → confirm → import (all in one transaction).

    Between the preview and the confirmation the file is kept in the session
    (compressed), so the confirmed import reads exactly the bytes that were
    previewed, validates them again and imports them as the logged-in supervisor
    (audit log).
    """

    page_title = gettext_lazy("导入网站清单")
    header_icon = "upload"
    template_name = "registry/inventory/import.html"
    form_class = InventoryUploadForm

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{URL_NAMESPACE}:index"), "label": _("整合计划")},
            {"url": "", "label": self.get_page_title()},
        ]

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            return self.confirm(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        data = upload.read()
        encoding = form.cleaned_data["encoding"] or None
        skip_invalid = form.cleaned_data["skip_invalid"]
        try:
            rows = self._read(data, upload.name, encoding)
        except inventory.InventoryFormatError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        result = inventory.import_inventory(
            rows, dry_run=True, skip_invalid=skip_invalid, user=self.request.user
        )
        token = uuid.uuid4().hex
        self.request.session[SESSION_KEY] = {
            "token": token,
            "name": upload.name,
            "encoding": encoding or "",
            "skip_invalid": skip_invalid,
            "data": base64.b64encode(zlib.compress(data)).decode("ascii"),
        }
        return self.render_preview(rows, result, token)

    def confirm(self, request):
        stored = request.session.get(SESSION_KEY) or {}
        if not stored or stored.get("token") != request.POST.get("token"):
            messages.error(request, _("上传的文件已失效，请重新上传。"))
            return HttpResponseRedirect(reverse(f"{URL_NAMESPACE}:import"))
        data = zlib.decompress(base64.b64decode(stored["data"]))
        try:
            rows = self._read(data, stored["name"], stored["encoding"] or None)
        except inventory.InventoryFormatError as exc:  # pragma: no cover - read once already
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse(f"{URL_NAMESPACE}:import"))
        result = inventory.import_inventory(
            rows, dry_run=False, skip_invalid=stored["skip_invalid"], user=request.user
        )
        if not result.committed:
            # Something changed since the preview (e.g. a record was added meanwhile).
            return self.render_preview(rows, result, stored["token"])
        del request.session[SESSION_KEY]
        messages.success(
            request,
            _(
                "网站清单“%(name)s”已导入：新建 %(created)s 条，更新 %(updated)s 条，"
                "未变化 %(unchanged)s 条，跳过不合格的行 %(rejected)s 行。"
            )
            % {
                "name": stored["name"],
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected": len(result.rejected),
            },
        )
        return HttpResponseRedirect(reverse(f"{URL_NAMESPACE}:index"))

    def render_preview(self, rows, result, token):
        context = self.get_context_data(
            preview=True,
            rows=rows,
            result=result,
            token=token,
            can_confirm=result.accepted > 0 and (not result.rejected or result.skip_invalid),
        )
        return self.render_to_response(context)

    @staticmethod
    def _read(data, name, encoding):
        upload = io.BytesIO(data)
        upload.name = name
        return inventory.read_inventory(upload, encoding=encoding)


urlpatterns = [
    path("", MergePlanView.as_view(), name="index"),
    path("import/", InventoryImportView.as_view(), name="import"),
]


@hooks.register("register_admin_urls")
def register_merge_plan_urls():
    return [path("merge-plan/", include((urlpatterns, URL_NAMESPACE), namespace=URL_NAMESPACE))]


class SupervisorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_supervisor(request.user)


@hooks.register(REGISTRY_MENU_HOOK)
def register_merge_plan_menu_item():
    """ "整合计划" in the registry's "网站注册" menu, for supervisors."""
    return SupervisorMenuItem(
        _("整合计划"),
        reverse(f"{URL_NAMESPACE}:index"),
        name="merge-plan",
        icon_name="tasks",
        order=400,
    )


class MergePlanPanel(Component):
    """The plan in a few figures on the supervisor's dashboard."""

    name = "merge_plan"
    template_name = "registry/inventory/home_panel.html"
    order = 90

    def get_context_data(self, parent_context):
        return {
            "overview": inventory.merge_plan_overview(with_findings=False),
            "plan_url": reverse(f"{URL_NAMESPACE}:index"),
        }


@hooks.register("construct_homepage_panels")
def add_merge_plan_panel(request, panels):
    if is_supervisor(request.user):
        panels.append(MergePlanPanel())

"""Admin views of distribution (分发) and pending acceptance (待接收) (rule: LIB-3).

The views only collect input and call :mod:`jiyue.portal.distribution`; it checks
permissions, writes the audit log and holds the rules. Its ValidationError and
PermissionDenied are shown as admin messages, never as a server error.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button

from jiyue.library import admin_views as library_admin
from jiyue.library.admin_isolation import column_q
from jiyue.registry import services as registry

from . import distribution as services
from .forms import PlaceForm, PushForm, columns_of_sites
from .models import Placement, PlacementState

PUSH_PREFIX = "push"
CITY_LEVEL = _("市级")


# --- The push tree (推送目标) -------------------------------------------------------------


def _district_of(org_id, orgs):
    """The district government (区人民政府) an organization belongs to, or None."""
    seen = set()
    while org_id is not None and org_id not in seen:
        seen.add(org_id)
        row = orgs.get(org_id)
        if row is None:
            return None
        if row["org_type"] == registry.OrgType.DISTRICT_GOVERNMENT:
            return row
        org_id = row["parent_id"]
    return None


def push_tree(columns, site_of, needs_acceptance):
    """Columns of every site grouped for the push screen: level (市级 or a district) →
    organization type → site → columns. Plain data, computed with one query for the
    organizations (the columns and their sites are the caller's).

    ``columns``: ``(pk, title)`` pairs in tree order. Returns ``[{"label", "key",
    "types": [{"label", "key", "sites": [{"site", "columns": [(pk, title,
    requires_acceptance)]}]}]}]``.
    """
    orgs = {
        row["pk"]: row
        for row in registry.organizations().values("pk", "parent_id", "org_type", "name")
    }
    type_labels = dict(registry.OrgType.choices)
    type_order = {value: n for n, value in enumerate(registry.OrgType.values)}
    by_site = {}
    for pk, title in columns:
        site = site_of.get(pk)
        if site is not None:
            by_site.setdefault(site, []).append((pk, title, pk in needs_acceptance))
    levels = {}
    for site, site_columns in by_site.items():
        org = orgs.get(site.organization_id, {})
        district = _district_of(site.organization_id, orgs)
        level_key = district["pk"] if district else 0
        level = levels.setdefault(
            level_key,
            {
                "label": district["name"] if district else CITY_LEVEL,
                "key": f"d{level_key}",
                "types": {},
            },
        )
        org_type = org.get("org_type", "")
        group = level["types"].setdefault(
            org_type,
            {
                "label": type_labels.get(org_type, org_type),
                "key": f"d{level_key}-{org_type}",
                "order": type_order.get(org_type, 99),
                "sites": [],
            },
        )
        group["sites"].append({"site": site, "columns": site_columns})
    return _sorted_tree(levels)


def _sorted_tree(levels):
    tree = []
    for level_key in sorted(levels, key=lambda k: (k != 0, levels[k]["label"])):
        level = levels[level_key]
        types = sorted(level["types"].values(), key=lambda g: g["order"])
        for group in types:
            group["sites"].sort(key=lambda entry: entry["site"].name)
        tree.append({"label": level["label"], "key": level["key"], "types": types})
    return tree


def push_columns_html(site_columns, chosen):
    """The column checkboxes of one site, built in Python: a template loop over
    thousands of checkboxes costs more than the rest of the page (bench/push_screen.py)."""
    required = _("须接收")
    items = []
    for pk, title, needs in site_columns:
        items.append(
            format_html(
                '<li data-push-column="{title}"><input type="checkbox" name="push-columns" '
                'value="{pk}" id="push-column-{pk}"{checked}> <label for="push-column-{pk}">'
                "{title}</label>{tag}</li>",
                pk=pk,
                title=title,
                checked=mark_safe(" checked") if str(pk) in chosen else "",
                tag=format_html(' <span class="status-tag primary">{}</span>', required)
                if needs
                else "",
            )
        )
    return format_html('<ul class="push-columns">{}</ul>', mark_safe("".join(items)))


# --- Distribution of one resource -------------------------------------------------------


class ResourceDistributionView(WagtailAdminTemplateMixin, TemplateView):
    """Where a resource appears now, with the place (editors) and push (supervisor) forms."""

    template_name = "portal/admin/distribution.html"
    header_icon = "site"

    def dispatch(self, request, pk):
        self.resource = get_object_or_404(library_admin.resources_visible_to(request.user), pk=pk)
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("分发")

    def get_page_subtitle(self):
        return self.resource.title

    def is_supervisor(self):
        return registry.is_supervisor(self.request.user)

    def showing_rows(self):
        """Active columns (placements and subscriptions) plus pending and rejected pushes.

        Only on the sites the user works on: where a shared item appears on other
        sites is theirs to know (the supervisor sees every site).
        """
        active = list(services.columns_showing(self.resource))
        others = list(
            Placement.objects.filter(resource=self.resource)
            .exclude(state=PlacementState.ACTIVE)
            .select_related("column")
        )
        _cols, site_of = columns_of_sites(registry.sites_for_user(self.request.user))
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
        push_form = None
        tree = []
        if supervisor:
            push_form = kwargs.get("push_form") or PushForm(prefix=PUSH_PREFIX)
            field = push_form.fields["columns"]
            columns = list(field.queryset.values_list("pk", "title"))
            needs = services.columns_requiring_acceptance(pk for pk, _title in columns)
            tree = push_tree(columns, field.site_of, needs)
            chosen = set()
            if push_form.is_bound:
                chosen = {str(v) for v in push_form.data.getlist(f"{PUSH_PREFIX}-columns")}
            for level in tree:
                for group in level["types"]:
                    for entry in group["sites"]:
                        entry["columns_html"] = push_columns_html(entry["columns"], chosen)
        context.update(
            resource=self.resource,
            rows=self.showing_rows(),
            # The supervisor places through the push tree (every site): one list, not two.
            place_form=None
            if supervisor
            else kwargs.get("place_form") or PlaceForm(user=self.request.user),
            push_form=push_form,
            push_tree=tree,
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
            library_admin.error_messages(request, exc)
            return self.render_to_response(self.get_context_data(place_form=form))
        messages.success(request, _("已放置到所选栏目。"))
        return redirect(request.path)

    def push(self, request):
        if not self.is_supervisor():
            messages.error(request, _("只有主管单位可以向多个网站推送信息。"))
            return redirect(request.path)
        form = PushForm(request.POST, prefix=PUSH_PREFIX)
        if not form.is_valid():
            for error in form.non_field_errors():
                messages.error(request, error)
            return self.render_to_response(self.get_context_data(push_form=form))
        try:
            columns = form.cleaned_data["all_columns"]
            placements = services.push(self.resource, columns, request.user)
        except (ValidationError, PermissionDenied) as exc:
            library_admin.error_messages(request, exc)
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

    template_name = "portal/admin/pending.html"
    page_title = _("待接收")
    header_icon = "tasks"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        placements = list(
            services.pending_placements_for_user(self.request.user).order_by("-created_at")
        )
        _cols, site_of = columns_of_sites(registry.gov_sites())
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
            library_admin.error_messages(request, exc)
        return redirect("portal_admin:pending")


def admin_urls():
    return [
        path(
            "resource/<int:pk>/distribution/",
            ResourceDistributionView.as_view(),
            name="distribution",
        ),
        path("pending/", PendingPlacementsView.as_view(), name="pending"),
        path(
            "pending/<int:pk>/<str:decision>/",
            PlacementDecisionView.as_view(),
            name="decide",
        ),
    ]


def distribution_url(resource):
    return reverse("portal_admin:distribution", args=[resource.pk])


def resource_header_buttons(resource, user):
    """The "分发" button on a resource's edit view (library hook, see library.admin_views)."""
    return [Button(_("分发"), url=distribution_url(resource), icon_name="site", priority=40)]

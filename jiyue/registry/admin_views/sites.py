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

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, StatusTagColumn
from wagtail.admin.widgets import AdminDateInput
from wagtail.permissions import policy_registry

from .. import lifecycle
from ..forms import GovSiteForm
from ..models import (
    ApplicationStatus,
    GovSite,
    SiteApplication,
    SiteStatus,
)
from .scoped import (
    ANY_ACTION,
    APPLICATIONS_VIEWSET,
    SITES_VIEWSET,
    ScopedDeleteView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedModelViewSet,
    scoped,
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
        add_url = reverse(APPLICATIONS_VIEWSET + ":add")
        context.update(
            {
                "checklist": site.checklist(),
                "checklist_complete": site.checklist_complete,
                "applications": site.applications.select_related("applicant").order_by(
                    "-created_at"
                ),
                "pending_application": pending,
                "application_url_name": APPLICATIONS_VIEWSET + ":inspect",
                "apply_actions": [
                    (kind.label, f"{add_url}?site={site.pk}&kind={kind.value}")
                    for kind in lifecycle.allowed_kinds(site)
                ]
                if may_apply and pending is None
                else [],
                "can_go_live": site.status == SiteStatus.PREPARING
                and lifecycle.can_go_live(user, site),
                "go_live_url": reverse(SITES_VIEWSET + ":go_live", args=[site.pk]),
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
    name = SITES_VIEWSET
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
                # rule: DOMAIN-5
                help_text=_("别名域名将301跳转到主域名。"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("dzjg_mark"),
                    FieldPanel("icp_no"),
                    FieldPanel("psb_no"),
                    FieldPanel("psb_record_code"),
                    FieldPanel("site_id_code"),
                ],
                # rule: SITE-7
                heading=_("上线检查事项"),
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

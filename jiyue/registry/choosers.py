"""Choosers (选择器) for organizations and site records, scoped to the user.

A city registers thousands of organizations and sites (an inventory alone brings
3,000+): a ``<select>`` of all of them weighs megabytes and takes seconds to render.
These are Wagtail chooser viewsets (``wagtail.admin.viewsets.chooser``): a modal
with a search box and pages of results. Each lists only what the user may pick —
the same scope the forms validate against (supervisors: every record; anyone else:
their own organization and the ones below it, and those organizations' sites).
"Chosen" of any other id answers 404. The forms keep their own querysets, so a
forged id is still refused by the field (rule: PLATFORM-F4 权限管理).

Widgets are set explicitly where a form wants them (``register_widget = False``):
a foreign key elsewhere keeps its own, narrower, field.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet

from .models import ACTIVE_STATUSES, GovSite, Organization, SiteStatus
from .services import is_supervisor, organization_for_user, organizations_in_scope


class NameSearchForm(BaseFilterForm):
    """A search box over a few text fields (the models are not in the search index)."""

    search_fields = ("name",)
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("名称、代码或域名")}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            condition = Q()
            for name in self.search_fields:
                condition |= Q(**{f"{name}__icontains": query})
            objects = objects.filter(condition)
            self.is_searching = True
            self.search_query = query
        return objects


def choosable_organizations(user):
    """Organizations ``user`` may pick: all for the supervisor, else their subtree."""
    if is_supervisor(user):
        return Organization.objects.all()
    org = organization_for_user(user)
    return organizations_in_scope(org) if org else Organization.objects.none()


def choosable_sites(user):
    """Site records ``user`` may pick: not closed or merged, of choosable organizations."""
    sites = GovSite.objects.exclude(status__in=[SiteStatus.CLOSED, SiteStatus.MERGED])
    if not is_supervisor(user):
        sites = sites.filter(organization__in=choosable_organizations(user))
    return sites.select_related("organization")


def merge_targets(user):
    """Sites another site may be merged into: every active site not merged itself.

    Public facts (the platform directory lists them), so the same for every user.
    """
    return GovSite.objects.filter(
        status__in=ACTIVE_STATUSES, merged_into__isnull=True
    ).select_related("organization")


class _ScopedChosenView(chooser_views.ChosenView):
    scope = None

    def get_object(self, pk):
        return type(self).scope(self.request.user).get(pk=pk)


class ScopedChooserViewSet(ChooserViewSet):
    """A chooser listing ``scope(user)``, searchable by ``search_fields``."""

    scope = None
    search_fields = ("name",)
    register_widget = False
    per_page = 20

    @property
    def choose_view(self):
        return self.construct_view(self._scoped(self.choose_view_class))

    @property
    def choose_results_view(self):
        return self.construct_view(self._scoped(self.choose_results_view_class))

    @property
    def chosen_view(self):
        view = type("ChosenView", (_ScopedChosenView,), {"scope": staticmethod(type(self).scope)})
        return self.construct_view(view)

    def _scoped(self, view_class):
        scope = type(self).scope
        form = type("SearchForm", (NameSearchForm,), {"search_fields": self.search_fields})

        def get_object_list(view):
            return scope(view.request.user)

        attrs = {"get_object_list": get_object_list, "filter_form_class": form}
        return type(view_class.__name__, (view_class,), attrs)


class OrganizationChooserViewSet(ScopedChooserViewSet):
    model = Organization
    icon = "group"
    choose_one_text = _("选择机构")
    choose_another_text = _("选择其他机构")
    edit_item_text = _("编辑机构")
    scope = staticmethod(choosable_organizations)
    search_fields = ("name", "short_name", "division_code")


class GovSiteChooserViewSet(ScopedChooserViewSet):
    model = GovSite
    icon = "site"
    choose_one_text = _("选择网站")
    choose_another_text = _("选择其他网站")
    edit_item_text = _("编辑网站")
    scope = staticmethod(choosable_sites)
    search_fields = ("name", "primary_domain", "organization__name")


class MergeTargetChooserViewSet(GovSiteChooserViewSet):
    choose_one_text = _("选择整合至的网站")
    scope = staticmethod(merge_targets)


organization_chooser_viewset = OrganizationChooserViewSet("registry_organization_chooser")
site_chooser_viewset = GovSiteChooserViewSet("registry_site_chooser")
OrganizationChooser = organization_chooser_viewset.widget_class
GovSiteChooser = site_chooser_viewset.widget_class
merge_target_chooser_viewset = MergeTargetChooserViewSet("registry_merge_target_chooser")
MergeTargetChooser = merge_target_chooser_viewset.widget_class

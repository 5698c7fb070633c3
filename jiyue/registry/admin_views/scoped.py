"""Scoped generic views: every registry admin view asks the registry's policies
(:mod:`jiyue.registry.permissions`) which records the user may see."""

from django.contrib import messages
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet

ANY_ACTION = ["add", "change", "delete", "view"]
REGISTRY_MENU_HOOK = "register_registry_menu_item"
# URL namespaces of the viewsets, so sites and applications link to each other.
SITES_VIEWSET = "registry_sites"
APPLICATIONS_VIEWSET = "registry_applications"


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

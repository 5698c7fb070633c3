"""Isolation of the library in the admin (信息资源库的机构隔离), by construction.

Every library snippet model has a scoped permission policy here; every view of its
snippet viewset and of its chooser goes through that policy in ONE place:

* :class:`ScopedViewSetMixin` overrides ``construct_view``, through which Wagtail
  builds every view of a viewset (edit, inspect, history, revisions, compare,
  usage, lock, unlock, unpublish, copy, preview, workflow actions and history, and
  any view a later Wagtail adds). A view that takes an object id (``pk``) answers
  404 for an object outside the user's scope before the view runs, so no view can
  forget the check; listings use the same scope through ``get_queryset``;
* :class:`ScopedSnippetChooserViewSet` narrows the snippet chooser (listing,
  search, "chosen" by id) to what the user may *choose*: for resources, their own
  scope plus live, shared items of other organizations (public anyway, LIB-5),
  never another organization's draft.

Scope (whose items) is decided by :mod:`.scope`; the rule is PLATFORM-F4 权限管理
and PLATFORM-7. ``tests/isolation/test_admin_url_walk.py`` walks every admin URL
that takes an id and fails when a new view is not refused for another
organization's editor.
"""

import functools

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from wagtail.permissions import policy_registry

from jiyue.registry.permissions import ScopedModelPermissionPolicy
from jiyue.registry.services import is_supervisor, sites_for_user

from .compat import (
    ChooseResultsView,
    ChooseView,
    DeleteBulkAction,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
    WorkflowObjectsToModeratePanel,
)
from .models import Resource, ShareScope
from .scope import by_organization, organization_ids, resources_in_scope

# --- Policies -------------------------------------------------------------------------


class ResourcePermissionPolicy(ScopedModelPermissionPolicy):
    """Resources of the organizations the user acts for (:mod:`.scope`)."""

    def scope_queryset(self, user, queryset):
        return resources_in_scope(user, queryset)

    def choosable_queryset(self, user, queryset):
        """Own scope, plus live items other organizations share (public, rule: LIB-5)."""
        ids = organization_ids(user)
        if ids is None:
            return queryset
        shared = Q(live=True) & ~Q(share_scope=ShareScope.NONE)
        return queryset.filter(Q(source_org__in=ids) | shared)


class OrganizationRecordPolicy(ScopedModelPermissionPolicy):
    """Per-organization records (review workflow choice, API tokens)."""

    def scope_queryset(self, user, queryset):
        return by_organization(user, queryset)


def column_q(user, prefix="column__"):
    """Q matching columns (pages) inside the user's own sites; None for supervisors."""
    if is_supervisor(user):
        return None
    query = Q(pk__in=[])
    for site in sites_for_user(user).select_related("wagtail_site__root_page"):
        if site.wagtail_site_id:
            query |= Q(**{f"{prefix}path__startswith": site.wagtail_site.root_page.path})
    return query


class ColumnRecordPolicy(ScopedModelPermissionPolicy):
    """Per-column records (subscriptions, distribution settings): the user's sites' columns."""

    def scope_queryset(self, user, queryset):
        query = column_q(user)
        return queryset if query is None else queryset.filter(query)


def scope_queryset(user, model, queryset):
    """``queryset`` of ``model`` narrowed by the model's registered scoped policy."""
    policy = policy_registry.get_by_type(model)
    if not isinstance(policy, ScopedModelPermissionPolicy):
        return queryset
    return policy.scope_queryset(user, queryset)


def choosable_queryset(user, model, queryset):
    """What ``user`` may pick in a chooser or a form field (own scope, or more if shared)."""
    policy = policy_registry.get_by_type(model)
    if hasattr(policy, "choosable_queryset"):
        return policy.choosable_queryset(user, queryset)
    return scope_queryset(user, model, queryset)


def _in(queryset, pk):
    """Whether ``pk`` (a URL string) names a row of ``queryset``; bad ids are not."""
    try:
        return queryset.filter(pk=pk).exists()
    except (TypeError, ValueError):
        return False


def guard_object_view(view, allowed):
    """Wrap ``view`` so that an object id outside ``allowed(request)`` answers 404.

    404, not 403: another organization's id must look exactly like a missing one,
    so sequential ids cannot be probed.
    """

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        pk = kwargs.get("pk")
        if pk is not None and not _in(allowed(request), str(pk)):
            raise Http404
        return view(request, *args, **kwargs)

    guarded.jiyue_scoped = True  # the URL walker test checks this marker
    return guarded


# --- Snippet viewsets ------------------------------------------------------------------


class ScopedViewSetMixin:
    """A snippet viewset whose every view is limited to the user's scope (one place)."""

    def scoped_queryset(self, request):
        return scope_queryset(request.user, self.model, self.model._default_manager.all())

    def get_queryset(self, request):
        return self.scoped_queryset(request)

    def construct_view(self, view_class, **kwargs):
        return guard_object_view(super().construct_view(view_class, **kwargs), self.scoped_queryset)


class ScopedChooserMixin:
    def get_object_list(self):
        return choosable_queryset(self.request.user, self.model_class, super().get_object_list())


class ScopedChooseView(ScopedChooserMixin, ChooseView):
    pass


class ScopedChooseResultsView(ScopedChooserMixin, ChooseResultsView):
    pass


class ScopedChosenView(SnippetChosenView):
    def get_object(self, pk):
        model = self.model_class
        return choosable_queryset(self.request.user, model, model.objects.all()).get(pk=pk)


class ScopedChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        return choosable_queryset(self.request.user, self.model_class, super().get_objects(pks))


class ScopedSnippetChooserViewSet(SnippetChooserViewSet):
    """The snippet chooser of a library model: lists, searches and returns only what
    the user may choose; "chosen" of any other id answers 404."""

    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView

    def construct_view(self, view_class, **kwargs):
        model = self.model

        def allowed(request):
            return choosable_queryset(request.user, model, model._default_manager.all())

        return guard_object_view(super().construct_view(view_class, **kwargs), allowed)


# --- Bulk actions ----------------------------------------------------------------------


def scoped_delete_bulk_action(library_models):
    """The snippet bulk delete for ``library_models``, refusing what is not the user's.

    Stock Wagtail's confirmation page (``/admin/bulk/library/<model>/delete/?id=…``)
    lists the titles of the records it will not delete, so any id revealed another
    organization's draft title. Here a user without the delete permission, or an
    id outside their scope, gets 403; "select all" covers only their own records.
    Registered after Wagtail's own (a later registration replaces it per model).
    """

    class ScopedDeleteBulkAction(DeleteBulkAction):
        models = list(library_models)

        def get_all_objects_in_listing_query(self, parent_id):
            queryset = scope_queryset(self.request.user, self.model, self.model.objects.all())
            return queryset.values_list("pk", flat=True)

        def get_actionable_objects(self):
            user = self.request.user
            if not self.permission_policy.user_has_permission(user, "delete"):
                raise PermissionDenied
            ids = [pk for pk in self.request.GET.getlist("id") if pk.isdigit()]
            named = self.model.objects.filter(pk__in=ids)
            if scope_queryset(user, self.model, named).count() != named.count():
                raise PermissionDenied
            return super().get_actionable_objects()

    return ScopedDeleteBulkAction


# --- Review: the dashboard panel --------------------------------------------------------


class ScopedWorkflowObjectsToModeratePanel(WorkflowObjectsToModeratePanel):
    """The dashboard's "awaiting your review" panel without other organizations' items."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        user = parent_context["request"].user
        context["states"] = [
            state
            for state in context["states"]
            if not isinstance(state["obj"], Resource)
            or resources_in_scope(user, Resource.objects.filter(pk=state["obj"].pk)).exists()
        ]
        return context

"""Page views of the Wagtail admin, narrowed to the editor's own sites.

The scoped page permission policy (:mod:`.isolation_policies`) already limits the
explorer, page search and every page action to the editor's own sites. What it
cannot reach, because stock Wagtail shows those things without asking about
permissions at all, is closed here:

* the page chooser (also "link to internal page" in rich text) browses and
  searches the whole tree → ``construct_page_chooser_queryset``;
* the explorer, search and "pages using this type" filters offer every site,
  every page owner and every editor as choices → a page viewset whose filter set
  offers only the editor's own sites and colleagues;
* the copy form names the destination page in its error message, so copying to
  another site's page by id revealed its title → ``before_copy_page``;
* bulk actions list the titles of the pages they refuse → scoped bulk actions.

Rule: PLATFORM-F4 权限管理.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.forms import CheckboxSelectMultiple
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import MultipleUserFilter
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page, PageLogEntry, Site

from .bulk import scoped_bulk_action
from .compat import (
    CHOOSER_BROWSE_VIEWS,
    ContentTypeUseView,
    DeleteBulkAction,
    EditedByFilter,
    ExplorableIndexView,
    GenericPageFilterSet,
    MoveBulkAction,
    PublishBulkAction,
    SearchView,
    SiteFilter,
    UnpublishBulkAction,
    page_models_from_string,
)
from .scope import scope_for, visible_pages

# --- Page chooser ---------------------------------------------------------------


def chooser_parent_id(request):
    """The page whose children the chooser is about to show, if it shows children."""
    match = request.resolver_match
    if match is None or match.url_name not in CHOOSER_BROWSE_VIEWS:
        return None
    if "parent_page_id" in match.kwargs:
        return match.kwargs["parent_page_id"]
    page_type = request.GET.get("page_type")
    if not page_type:
        return Page.get_first_root_node().pk
    try:
        desired = page_models_from_string(page_type)
    except (ValueError, LookupError):
        return None  # the view answers 404 itself
    # Same rule as Wagtail's BrowseView: start at the pages' first common ancestor.
    return Page.objects.type(*desired).first_common_ancestor().pk


@hooks.register("construct_page_chooser_queryset")
def scope_page_chooser(pages, request):
    """Choosers browse and search only the editor's own sites.

    Browsing into another site's page by id answers 404: the chooser would
    otherwise show that page's title as the current parent.
    """
    scope = scope_for(request.user)
    if scope is None:
        return pages
    parent_id = chooser_parent_id(request)
    if parent_id is not None and not scope.navigable_pages().filter(pk=parent_id).exists():
        raise Http404
    return pages.filter(scope.page_q())


# --- Explorer, search and "pages using this type" -----------------------------------


@hooks.register("construct_explorer_page_queryset")
def scope_explorer(parent_page, pages, request):
    """Defence in depth: the explorer lists only the editor's own pages."""
    return visible_pages(request.user, pages)


def _sites_for_filter(request):
    scope = scope_for(request.user)
    return Site.objects.all() if scope is None else scope.sites()


def _owners_for_filter(request):
    owners = visible_pages(request.user).order_by().values_list("owner_id", flat=True)
    return get_user_model().objects.filter(pk__in=owners)


def _editors_for_filter(request):
    entries = PageLogEntry.objects.filter(
        action="wagtail.edit", page__in=visible_pages(request.user)
    ).order_by()
    return get_user_model().objects.filter(pk__in=entries.values_list("user_id", flat=True))


class ScopedPageFilterSet(GenericPageFilterSet):
    """The page filters, offering only the editor's own sites and colleagues."""

    owner = MultipleUserFilter(
        label=_("所有者"), queryset=_owners_for_filter, widget=CheckboxSelectMultiple
    )
    edited_by = EditedByFilter(
        label=_("编辑者"), queryset=_editors_for_filter, widget=CheckboxSelectMultiple
    )
    site = SiteFilter(label=_("站点"), queryset=_sites_for_filter, widget=CheckboxSelectMultiple)


class ScopedListingMixin:
    """Every page listing passes its queryset through ``annotate_queryset``: scope it there.

    This holds for page search too, whatever
    ``WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS`` says.
    """

    def annotate_queryset(self, pages):
        return super().annotate_queryset(visible_pages(self.request.user, pages))


class ScopedExplorableIndexView(ScopedListingMixin, ExplorableIndexView):
    pass


class ScopedContentTypeUseView(ScopedListingMixin, ContentTypeUseView):
    pass


class ScopedSearchView(ScopedListingMixin, SearchView):
    pass


class ScopedPageViewSet(PageViewSet):
    """Wagtail's page views with the listings and filters scoped to the editor's sites."""

    name = "jiyue_scoped_pages"
    filterset_class = ScopedPageFilterSet
    index_view_class = ScopedExplorableIndexView
    content_type_use_view_class = ScopedContentTypeUseView
    search_view_class = ScopedSearchView


@hooks.register("register_admin_viewset")
def register_scoped_page_viewset():
    # Registered after Wagtail's own base page viewset (order -1), so it replaces it
    # for every page type that has no viewset of its own.
    return ScopedPageViewSet(model=Page)


# --- Copy and move to another site's page ------------------------------------------


@hooks.register("before_copy_page")
def refuse_copy_to_other_site(request, page):
    destination_id = request.POST.get("new_parent_page") or request.GET.get("new_parent_page")
    scope = scope_for(request.user)
    if scope is None or not destination_id:
        return None
    if not str(destination_id).isdigit() or not scope.pages().filter(pk=destination_id).exists():
        raise PermissionDenied
    return None


@hooks.register("before_move_page")
def refuse_move_to_other_site(request, page_to_move, destination):
    scope = scope_for(request.user)
    if scope is not None and not scope.allows_page(destination):
        raise PermissionDenied


# --- Bulk actions -------------------------------------------------------------------


def _page_in_scope(scope, page):
    return scope.allows_page(page)


for _action in (DeleteBulkAction, MoveBulkAction, PublishBulkAction, UnpublishBulkAction):
    hooks.register(
        "register_bulk_action",
        scoped_bulk_action(_action, _page_in_scope, destination_field="chooser"),
        order=100,
    )

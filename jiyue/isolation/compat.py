"""Every Wagtail internal that admin isolation (管理隔离) relies on, in one place (issue 7).

Wagtail has no public hook for what isolation needs here, so it subclasses or names
these internals. They are imported from this module only, and each is pinned by a
contract test in ``tests/test_upgrade_contracts.py``: after a Wagtail upgrade that
file fails first and names what moved, instead of an editor silently seeing another
organization's pages (rule: PLATFORM-F4 权限管理).

* internal page-listing views (explorer, page search, "pages using this type") and
  their filters, subclassed in :mod:`.pages` to scope ``annotate_queryset``;
* the page, image and document bulk actions and the images/documents admin API
  endpoints, replaced by scoped versions in :mod:`.pages` and :mod:`.media`;
* the private ``SitePermissionPolicy._user_has_global_permission`` (:class:`SitePolicyBase`);
* the page chooser's ``page_models_from_string`` (its ``page_type`` parameter);
* the URL names of Wagtail's admin views that the middleware and the chooser guard.
"""

from wagtail.admin.views.chooser import page_models_from_string
from wagtail.admin.views.pages.bulk_actions.delete import DeleteBulkAction
from wagtail.admin.views.pages.bulk_actions.move import MoveBulkAction
from wagtail.admin.views.pages.bulk_actions.publish import PublishBulkAction
from wagtail.admin.views.pages.bulk_actions.unpublish import UnpublishBulkAction
from wagtail.admin.views.pages.listing import (
    EditedByFilter,
    ExplorableIndexView,
    GenericPageFilterSet,
    SiteFilter,
)
from wagtail.admin.views.pages.search import SearchView
from wagtail.admin.views.pages.usage import ContentTypeUseView
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.documents.views.bulk_actions.add_tags import (
    AddTagsBulkAction as DocumentAddTagsBulkAction,
)
from wagtail.documents.views.bulk_actions.add_to_collection import (
    AddToCollectionBulkAction as DocumentAddToCollectionBulkAction,
)
from wagtail.documents.views.bulk_actions.delete import (
    DeleteBulkAction as DocumentDeleteBulkAction,
)
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.images.views.bulk_actions.add_tags import AddTagsBulkAction as ImageAddTagsBulkAction
from wagtail.images.views.bulk_actions.add_to_collection import (
    AddToCollectionBulkAction as ImageAddToCollectionBulkAction,
)
from wagtail.images.views.bulk_actions.delete import DeleteBulkAction as ImageDeleteBulkAction
from wagtail.permission_policies.sites import SitePermissionPolicy

__all__ = [
    "ContentTypeUseView",
    "DeleteBulkAction",
    "DocumentAddTagsBulkAction",
    "DocumentAddToCollectionBulkAction",
    "DocumentDeleteBulkAction",
    "DocumentsAdminAPIViewSet",
    "EditedByFilter",
    "ExplorableIndexView",
    "GenericPageFilterSet",
    "ImageAddTagsBulkAction",
    "ImageAddToCollectionBulkAction",
    "ImageDeleteBulkAction",
    "ImagesAdminAPIViewSet",
    "MoveBulkAction",
    "PublishBulkAction",
    "SearchView",
    "SiteFilter",
    "SitePolicyBase",
    "UnpublishBulkAction",
    "page_models_from_string",
]

# --- URL names of Wagtail's admin views ----------------------------------------------

CHOOSER_START_VIEW = "wagtailadmin_choose_page"
CHOOSER_CHILD_VIEW = "wagtailadmin_choose_page_child"
CHOOSER_BROWSE_VIEWS = (CHOOSER_START_VIEW, CHOOSER_CHILD_VIEW)
CHOSEN_PAGES_VIEW = "wagtailadmin_choose_page_chosen_multiple"
MOVE_CONFIRM_VIEW = "wagtailadmin_pages:move_confirm"
# Answers, without a permission check, whether any page is in review and its tasks.
CONFIRM_CANCELLATION_VIEW = "wagtailadmin_pages:confirm_workflow_cancellation"
SUPERVISOR_ONLY_VIEWS = frozenset(
    {
        "wagtailadmin_reports:page_types_usage",
        "wagtailadmin_reports:page_types_usage_results",
        "wagtailadmin_reports:site_history",
        "wagtailadmin_reports:site_history_results",
    }
)
# Every name above, for the contract test (the one with a page id takes ``[page_id]``).
WAGTAIL_URL_NAMES = (
    *CHOOSER_BROWSE_VIEWS,
    CHOSEN_PAGES_VIEW,
    MOVE_CONFIRM_VIEW,
    CONFIRM_CANCELLATION_VIEW,
    *sorted(SUPERVISOR_ONLY_VIEWS),
)


# --- The private global-permission check of site settings ----------------------------


class SitePolicyBase(SitePermissionPolicy):
    """Wagtail's site-setting policy with its private model-wide check made a public hook.

    ``SitePermissionPolicy`` answers "may this user change this setting on any site"
    through the private ``_user_has_global_permission``; a subclass says no by
    overriding :meth:`allows_global_permission` instead of the private name.
    """

    def allows_global_permission(self, user):
        return True

    def _user_has_global_permission(self, user, actions):
        if not self.allows_global_permission(user):
            return False
        return super()._user_has_global_permission(user, actions)

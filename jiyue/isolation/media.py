"""Images and documents in the Wagtail admin, narrowed to the editor's own sites.

Listings, choosers, edit and delete views and upload forms already follow the
scoped collection permission policy (:mod:`.isolation_policies`): each site's
media live in the site's own collection. Two places of stock Wagtail do not ask
the policy and are closed here:

* the admin API (``/admin/api/main/images/`` and ``…/documents/``) lists every
  image and document, with titles, tags and file URLs, to anyone who can log in
  to the admin → endpoints limited to what the user may choose or change;
* bulk actions list the titles of the images/documents they refuse → scoped bulk
  actions (:mod:`.isolation_bulk`).

Rule: PLATFORM-F4 权限管理.
"""

from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from .bulk import scoped_bulk_action
from .compat import (
    DocumentAddTagsBulkAction,
    DocumentAddToCollectionBulkAction,
    DocumentDeleteBulkAction,
    DocumentsAdminAPIViewSet,
    ImageAddTagsBulkAction,
    ImageAddToCollectionBulkAction,
    ImageDeleteBulkAction,
    ImagesAdminAPIViewSet,
)


class PermittedMediaMixin:
    """An admin API endpoint listing only media the user may choose or change."""

    def get_queryset(self):
        policy = policy_registry.get_by_type(self.model)
        permitted = policy.instances_user_has_any_permission_for(
            self.request.user, ["choose", "change"]
        )
        return super().get_queryset().filter(pk__in=permitted.values("pk"))


class ScopedImagesAdminAPIViewSet(PermittedMediaMixin, ImagesAdminAPIViewSet):
    model = get_image_model()


class ScopedDocumentsAdminAPIViewSet(PermittedMediaMixin, DocumentsAdminAPIViewSet):
    model = get_document_model()


@hooks.register("construct_admin_api", order=100)
def register_scoped_media_endpoints(router):
    # After Wagtail's own hooks (order 0): same names, so these replace them.
    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)
    router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)


def _media_in_scope(scope, obj):
    return scope.allows_collection(obj.collection)


for _action in (
    ImageAddTagsBulkAction,
    ImageAddToCollectionBulkAction,
    ImageDeleteBulkAction,
    DocumentAddTagsBulkAction,
    DocumentAddToCollectionBulkAction,
    DocumentDeleteBulkAction,
):
    hooks.register("register_bulk_action", scoped_bulk_action(_action, _media_in_scope), order=100)

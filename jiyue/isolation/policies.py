"""Permission policies that count a staff member's permissions only inside their own sites.

Wagtail 8 asks one permission policy per model (``wagtail.permissions.policy_registry``)
everywhere it decides what a user may see or do: the page explorer, page search,
the image and document listings and choosers, reports, the admin API, site
settings. Each policy starts from the user's ``GroupPagePermission``,
``GroupCollectionPermission`` or ``GroupSitePermission`` records.

The policies here drop every such record that points outside the user's own sites
before Wagtail looks at it. So even if a site editor ends up in a group whose
permissions sit at the top of the tree (Wagtail's stock "Editors" and "Moderators"
groups do), they still see and change only their own site's pages, media and
settings (rule: PLATFORM-F4 权限管理). Supervisors and superusers are not scoped.

They are registered for ``Page`` (which Wagtail looks up before its own
``AbstractPage`` entry) and, with ``exact_class=True``, for the image, document
and site-setting models, so they win whatever order the apps register in.
"""

from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from .compat import SitePolicyBase
from .scope import scope_for


class ScopedPagePermissionPolicy(PagePermissionPolicy):
    """Page permissions count only on pages inside the user's own sites."""

    def get_all_permissions_for_user(self, user):
        permissions = super().get_all_permissions_for_user(user)
        scope = scope_for(user)
        if scope is None:
            return permissions
        return permissions.filter(scope.page_q(prefix="page__"))


class ScopedCollectionOwnershipPermissionPolicy(CollectionOwnershipPermissionPolicy):
    """Image/document permissions count only on the user's own sites' collections."""

    def get_all_permissions_for_user(self, user):
        permissions = super().get_all_permissions_for_user(user)
        scope = scope_for(user)
        if scope is None:
            return permissions
        return permissions.filter(scope.collection_q(prefix="collection__"))


class ScopedSitePermissionPolicy(SitePolicyBase):
    """Site-setting permissions count only on the user's own sites.

    A model-wide permission (e.g. ``portal.change_footersettings`` given to a
    group) would cover every site, so for scoped users it is ignored.
    """

    def get_all_permissions_for_user(self, user):
        permissions = super().get_all_permissions_for_user(user)
        scope = scope_for(user)
        if scope is None:
            return permissions
        return permissions.filter(site_id__in=scope.site_ids)

    def allows_global_permission(self, user):
        return scope_for(user) is None

    def sites_user_has_any_permission_for(self, user, actions):
        sites = super().sites_user_has_any_permission_for(user, actions)
        scope = scope_for(user)
        if scope is None:
            return sites
        return sites.filter(pk__in=scope.site_ids)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        scope = scope_for(user)
        if scope is not None:
            site_id = (
                instance.pk if isinstance(instance, Site) else getattr(instance, "site_id", None)
            )
            if site_id not in scope.site_ids:
                return False
        return super().user_has_any_permission_for_instance(user, actions, instance)


def register_policies():
    """Put the scoped policies in Wagtail's policy registry (idempotent)."""
    if not isinstance(policy_registry.get_by_type(Page), ScopedPagePermissionPolicy):
        register_permission_policy(Page, ScopedPagePermissionPolicy(Page))
    register_permission_policy(
        get_image_model(),
        ScopedCollectionOwnershipPermissionPolicy(
            get_image_model(),
            auth_model="wagtailimages.Image",
            owner_field_name="uploaded_by_user",
        ),
        exact_class=True,
    )
    register_permission_policy(
        get_document_model(),
        ScopedCollectionOwnershipPermissionPolicy(
            get_document_model(),
            auth_model="wagtaildocs.Document",
            owner_field_name="uploaded_by_user",
        ),
        exact_class=True,
    )
    for model in settings_registry:
        if issubclass(model, BaseSiteSetting):
            register_permission_policy(model, ScopedSitePermissionPolicy(model), exact_class=True)


register_policies()

"""Permission policies that scope registry records to the user's organization.

Wagtail's model permission policy answers "may this user change GovSite records?";
these policies add "…and this one?": site staff see and change only the records of
their own site(s) (see :func:`jiyue.registry.services.sites_for_user`), supervisors
see all. The admin viewsets use them for listings, choosers, edit and delete views.
"""

from django.db.models import Q
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from .models import GovSite, Organization, SiteApplication
from .services import is_supervisor, organization_for_user, organizations_in_scope, sites_for_user


class ScopedModelPermissionPolicy(ModelPermissionPolicy):
    """A model policy whose instance checks go through :meth:`scope_queryset`."""

    def scope_queryset(self, user, queryset):  # pragma: no cover - abstract
        raise NotImplementedError

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.scope_queryset(user, self.model._default_manager.all())

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not self.user_has_any_permission(user, actions):
            return False
        return self.scope_queryset(
            user, self.model._default_manager.filter(pk=instance.pk)
        ).exists()

    def users_with_any_permission_for_instance(self, actions, instance):
        return self.users_with_any_permission(actions)


class GovSitePermissionPolicy(ScopedModelPermissionPolicy):
    def scope_queryset(self, user, queryset):
        return queryset.filter(pk__in=sites_for_user(user).values("pk"))


class SiteApplicationPermissionPolicy(ScopedModelPermissionPolicy):
    """Applicants see their site's applications; reviewers also those awaiting them."""

    def scope_queryset(self, user, queryset):
        if is_supervisor(user):
            return queryset
        org = organization_for_user(user)
        if org is None:
            return queryset.none()
        return queryset.filter(
            Q(site__in=sites_for_user(user)) | Q(steps__reviewer_org=org)
        ).distinct()


class OrganizationPermissionPolicy(ScopedModelPermissionPolicy):
    """Staff see their own organization and those below it; supervisors see all."""

    def scope_queryset(self, user, queryset):
        if is_supervisor(user):
            return queryset
        org = organization_for_user(user)
        if org is None:
            return queryset.none()
        return queryset.filter(pk__in=organizations_in_scope(org).values("pk"))


def register_policies():
    """Register the registry's scoped policies (called from ``RegistryConfig.ready``).

    Registered before any view asks for a policy (Wagtail 8: register, do not set
    ``permission_policy`` on the viewset); never twice.
    """
    for model, policy in (
        (GovSite, GovSitePermissionPolicy),
        (Organization, OrganizationPermissionPolicy),
        (SiteApplication, SiteApplicationPermissionPolicy),
    ):
        if policy_registry.get_by_type(model, fallback=False) is None:
            register_permission_policy(model, policy(model))

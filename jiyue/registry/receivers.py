"""Keep the host cache, the Wagtail site and users' cached scope in step with the registry.

Connected by :func:`connect`, called from ``RegistryConfig.ready()``.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Site

from .hosting import sync_site
from .models import GovSite, SiteAlias, StaffMembership
from .services import forget_user_scope, invalidate_host_cache


def gov_site_saved(sender, instance, **kwargs):
    sync_site(instance)
    invalidate_host_cache()


def hosts_changed(sender, **kwargs):
    invalidate_host_cache()


def membership_changed(sender, instance, **kwargs):
    """The user object the membership holds (if loaded) forgets its cached scope."""
    user = instance._state.fields_cache.get("user")
    if user is not None:
        forget_user_scope(user)


def connect():
    for signal in (post_save, post_delete):
        signal.connect(
            membership_changed,
            sender=StaffMembership,
            dispatch_uid=f"registry:membership-changed:{signal is post_save}",
        )
    post_save.connect(gov_site_saved, sender=GovSite, dispatch_uid="registry:gov-site-saved")
    for signal in (post_save, post_delete):
        for sender in (SiteAlias, Site):
            signal.connect(
                hosts_changed,
                sender=sender,
                dispatch_uid=f"registry:hosts-changed:{signal is post_save}:{sender.__name__}",
            )

"""Keep the host cache, the Wagtail site and users' cached scope in step with the
registry, and announce ``signals.site_record_changed`` for a hosted record.

Connected by :func:`connect`, called from ``RegistryConfig.ready()``.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Site

from . import signals
from .hosting import serving_host, sync_site
from .models import GovSite, SiteAlias, StaffMembership
from .services import forget_user_scope, invalidate_host_cache


def _hosted_hostnames(gov_site):
    """The host names a hosted record answers on now (its Wagtail site's, as stored,
    and the one its domain maps to); empty for a record not hosted on the platform."""
    if gov_site.wagtail_site_id is None:
        return []
    stored = Site.objects.filter(pk=gov_site.wagtail_site_id).values_list("hostname", flat=True)
    return list(dict.fromkeys([*stored, serving_host(gov_site.primary_domain)]))


def gov_site_saved(sender, instance, raw=False, **kwargs):
    before = _hosted_hostnames(instance)  # before sync_site moves the Wagtail site
    sync_site(instance)
    invalidate_host_cache()
    if before and not raw:
        signals.site_record_changed.send(sender=GovSite, gov_site=instance, hostnames=before)


def gov_site_deleted(sender, instance, **kwargs):
    hostnames = _hosted_hostnames(instance)
    if hostnames:
        signals.site_record_changed.send(sender=GovSite, gov_site=instance, hostnames=hostnames)


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
    post_delete.connect(gov_site_deleted, sender=GovSite, dispatch_uid="registry:gov-site-deleted")
    for signal in (post_save, post_delete):
        for sender in (SiteAlias, Site):
            signal.connect(
                hosts_changed,
                sender=sender,
                dispatch_uid=f"registry:hosts-changed:{signal is post_save}:{sender.__name__}",
            )

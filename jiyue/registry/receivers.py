"""Keep the host cache and the Wagtail site in step with the registry record.

Connected by :func:`connect`, called from ``RegistryConfig.ready()``.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Site

from .hosting import sync_site
from .models import GovSite, SiteAlias
from .services import invalidate_host_cache


def gov_site_saved(sender, instance, **kwargs):
    sync_site(instance)
    invalidate_host_cache()


def hosts_changed(sender, **kwargs):
    invalidate_host_cache()


def connect():
    post_save.connect(gov_site_saved, sender=GovSite, dispatch_uid="registry:gov-site-saved")
    for signal in (post_save, post_delete):
        for sender in (SiteAlias, Site):
            signal.connect(
                hosts_changed,
                sender=sender,
                dispatch_uid=f"registry:hosts-changed:{signal is post_save}:{sender.__name__}",
            )

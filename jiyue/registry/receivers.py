"""Keep the host cache and the Wagtail site in step with the registry record."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Site

from .hosting import sync_site
from .models import GovSite, SiteAlias
from .services import invalidate_host_cache


@receiver(post_save, sender=GovSite)
def gov_site_saved(sender, instance, **kwargs):
    sync_site(instance)
    invalidate_host_cache()


@receiver(post_save, sender=SiteAlias)
@receiver(post_delete, sender=SiteAlias)
@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def hosts_changed(sender, **kwargs):
    invalidate_host_cache()

"""The registry's domain signals (领域信号): what happened to a site, for other apps to act on.

The registry knows nothing of pages, columns or caches. It announces what happened
to a site record and lets the apps above it react: ``portal`` builds the site's page
tree when it is opened, ``frontcache`` purges the site's pages when its name or status
changes. Every signal is sent with ``sender=GovSite`` (exported here as
``signals.GovSite``) and the record as ``gov_site``; connect with that sender.

- ``site_opened`` (``home_title``): ``provision`` hosts the site on the platform
  (opening approved, or go-live of a site not yet hosted). Receivers build what the
  site needs there; a receiver's failure rolls the opening back.
- ``site_renamed`` (``old_name``): an approved rename application was carried out.
- ``site_status_changed`` (``old_status``, ``new_status``): the lifecycle changed
  ``GovSite.status``, whatever the new status (rule: SITE-6).
- ``site_went_offline`` (``old_status``): … to offline (临时下线).
- ``site_merged`` (``old_status``): … to merged (已整合迁移); ``gov_site.merged_into``
  is the site it merged into.
- ``site_closed`` (``old_status``): … to closed (已关停).
- ``site_record_changed`` (``hostnames``): a record hosted on the platform (it has a
  Wagtail site) was saved or deleted, whatever changed: its name, domain, status,
  codes or filing numbers, which every page of the site shows or depends on; also
  after the lifecycle's own signals above. ``hostnames`` are the host names the site
  answered on before and after the save. Not sent for records outside the platform
  (the inventory's legacy sites), whose pages the platform does not serve.

All are sent synchronously inside the lifecycle's transaction: use
``transaction.on_commit`` in a receiver for work that must wait for the commit.
"""

from django.dispatch import Signal

from .models import GovSite

__all__ = [
    "GovSite",
    "site_closed",
    "site_merged",
    "site_opened",
    "site_record_changed",
    "site_renamed",
    "site_status_changed",
    "site_went_offline",
]

site_opened = Signal()
site_renamed = Signal()
site_status_changed = Signal()
site_went_offline = Signal()
site_merged = Signal()
site_closed = Signal()
site_record_changed = Signal()

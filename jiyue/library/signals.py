"""The library's domain signal (领域信号): a resource's public visibility changed.

Content knows no presentation: the library does not know which pages show a resource.
It announces that what the public may see of a resource changed, and the apps above
it react (the page cache purges the pages showing it; later search re-indexes it).

- ``resource_visibility_changed`` (``instance``, ``visible``): a revision of the
  resource went live (``visible=True``: first publish, or a new version of a live
  resource) or the resource was unpublished (``visible=False``). Sent with the
  resource's own class as sender (``Resource`` or a per-type proxy, see
  ``library.services.resource_classes()``); connect once per class. Sent
  synchronously where Wagtail's ``published`` / ``unpublished`` are sent, so inside
  the publishing transaction.
"""

from django.dispatch import Signal
from wagtail.signals import published, unpublished

__all__ = ["connect_relays", "resource_visibility_changed"]

resource_visibility_changed = Signal()


def _relay_published(sender, instance, **kwargs):
    resource_visibility_changed.send(sender=sender, instance=instance, visible=True)


def _relay_unpublished(sender, instance, **kwargs):
    resource_visibility_changed.send(sender=sender, instance=instance, visible=False)


def connect_relays(resource_classes):
    """Turn Wagtail's publish signals of ``resource_classes`` into the domain signal."""
    for cls in resource_classes:
        label = cls._meta.label
        published.connect(_relay_published, sender=cls, dispatch_uid=f"library:pub:{label}")
        unpublished.connect(_relay_unpublished, sender=cls, dispatch_uid=f"library:unpub:{label}")

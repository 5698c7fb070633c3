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
- ``resource_public_version_ending`` (``instance``, ``deleted``): the version of a live
  resource that the public sees now is about to go, sent *before* the change so that
  a receiver can still see where it is shown: a new revision is about to be saved as
  the live one (``deleted=False``; it may change type, theme or source organization,
  and so the columns whose subscription rules show it), or the resource is about to be
  deleted (``deleted=True``; its placements go with it). ``instance`` is the stored
  live version. Same senders as above; costs one query per save of a live resource,
  none for drafts or new rows.
"""

from django.db.models.signals import pre_delete, pre_save
from django.dispatch import Signal
from wagtail.signals import published, unpublished

__all__ = ["connect_relays", "resource_public_version_ending", "resource_visibility_changed"]

resource_visibility_changed = Signal()
resource_public_version_ending = Signal()


def _relay_published(sender, instance, **kwargs):
    resource_visibility_changed.send(sender=sender, instance=instance, visible=True)


def _relay_unpublished(sender, instance, **kwargs):
    resource_visibility_changed.send(sender=sender, instance=instance, visible=False)


def _relay_pre_save(sender, instance, raw=False, **kwargs):
    """A live resource saved with another live revision than the stored one."""
    if raw or instance.pk is None or not instance.live:
        return
    before = (
        sender._meta.concrete_model._base_manager.filter(pk=instance.pk, live=True)
        .exclude(live_revision_id=instance.live_revision_id)
        .first()
    )
    if before is not None:
        resource_public_version_ending.send(sender=sender, instance=before, deleted=False)


def _relay_pre_delete(sender, instance, **kwargs):
    if instance.live:
        resource_public_version_ending.send(sender=sender, instance=instance, deleted=True)


def connect_relays(resource_classes):
    """Turn Wagtail's publish signals and the model signals of ``resource_classes`` into
    the domain signals; each connection names its sender."""
    for cls in resource_classes:
        label = cls._meta.label
        published.connect(_relay_published, sender=cls, dispatch_uid=f"library:pub:{label}")
        unpublished.connect(_relay_unpublished, sender=cls, dispatch_uid=f"library:unpub:{label}")
        pre_save.connect(_relay_pre_save, sender=cls, dispatch_uid=f"library:pre-save:{label}")
        pre_delete.connect(
            _relay_pre_delete, sender=cls, dispatch_uid=f"library:pre-delete:{label}"
        )

"""How the admin's inspect views show a field's value (Wagtail's ``register_display_class``).

Without this Wagtail prints the Python value: ``True``, ``False``, ``None``, a UTC
timestamp with microseconds, a revision as ``"title" at 2026-11-28 08:15:43.240327+00:00``.
"""

from django.db import models
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import format_html
from wagtail.admin.ui.fields import BaseFieldDisplay, register_display_class
from wagtail.documents.components import DocumentDisplay
from wagtail.images.components import ImageDisplay

EMPTY = "—"
YES = "是"
NO = "否"


def local_datetime(value):
    """``value`` in the current time zone (Beijing time), to the minute."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_filter(value, "Y-m-d H:i")


def plain(value):
    """The text a Chinese reader expects for a field value."""
    if value is None or value == "":
        return EMPTY
    if value is True:
        return YES
    if value is False:
        return NO
    if isinstance(value, timezone.datetime):
        return local_datetime(value)
    return value


class PlainDisplay(BaseFieldDisplay):
    def render_html(self, parent_context=None):
        return format_html("{}", plain(self.value))


class RevisionDisplay(BaseFieldDisplay):
    """A revision by its time and author, not its ``__str__`` in UTC."""

    def render_html(self, parent_context=None):
        if self.value is None:
            return EMPTY
        user = self.value.user
        who = (user.get_full_name() or user.get_username()) if user else "系统"
        return format_html("{}（{}）", local_datetime(self.value.created_at), who)


class OptionalImageDisplay(ImageDisplay):
    def render_html(self, parent_context=None):
        return EMPTY if self.value is None else super().render_html(parent_context)


class OptionalDocumentDisplay(DocumentDisplay):
    def render_html(self, parent_context=None):
        return EMPTY if self.value is None else super().render_html(parent_context)


def register_display_classes():
    # Every field, and every foreign key whose target has no display of its own
    # (Wagtail registers images and documents; those stay).
    register_display_class(models.Field, display_class=PlainDisplay)
    register_display_class(models.ForeignKey, to=models.Model, display_class=PlainDisplay)
    register_display_class(
        models.ForeignKey, to="wagtailcore.Revision", display_class=RevisionDisplay
    )
    # Wagtail's own image and document displays, with "—" instead of "None" when empty.
    register_display_class(
        models.ForeignKey, to="wagtailimages.Image", display_class=OptionalImageDisplay
    )
    register_display_class(
        models.ForeignKey, to="wagtaildocs.Document", display_class=OptionalDocumentDisplay
    )

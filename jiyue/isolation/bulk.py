"""Bulk actions that neither act on nor name another site's objects.

Stock Wagtail bulk actions (``/admin/bulk/<app>/<model>/<action>/?id=…``) check
permission per object, but their confirmation page lists the titles of the
objects the user may *not* touch, so any id revealed another site's page, image
or document title. The bulk move also named the destination page it refused.

:func:`scoped_bulk_action` wraps a stock action class: for a scoped editor, an id
of another site's object, or a destination outside their sites, is refused (403);
"select all" quietly leaves out what is not theirs. The wrapped classes are
registered after Wagtail's own, so they replace them (rule: PLATFORM-F4).
"""

from django.core.exceptions import PermissionDenied

from .scope import scope_for


def _item(entry):
    return entry["item"] if isinstance(entry, dict) else entry


def scoped_bulk_action(action_class, in_scope, destination_field=None):
    """A subclass of ``action_class`` limited to objects for which ``in_scope(scope, obj)``."""

    def get_actionable_objects(self):
        scope = scope_for(self.request.user)
        if scope is None:
            return super(cls, self).get_actionable_objects()
        ids = [pk for pk in self.request.GET.getlist("id") if pk.isdigit()]
        if any(not in_scope(scope, obj) for obj in self.model.objects.filter(pk__in=ids)):
            raise PermissionDenied
        if destination_field and self.request.method == "POST":
            destination = self.request.POST.get(destination_field, "")
            if destination and not (
                destination.isdigit() and scope.pages().filter(pk=destination).exists()
            ):
                raise PermissionDenied
        objects, extra = super(cls, self).get_actionable_objects()
        objects = [obj for obj in objects if in_scope(scope, _item(obj))]
        extra = {
            key: [e for e in value if in_scope(scope, _item(e))]
            if isinstance(value, list)
            else value
            for key, value in extra.items()
        }
        return objects, extra

    cls = type(
        f"Scoped{action_class.__name__}",
        (action_class,),
        {
            "__module__": __name__,
            "__doc__": f"{action_class.__name__}, limited to the editor's own sites.",
            "get_actionable_objects": get_actionable_objects,
        },
    )
    return cls

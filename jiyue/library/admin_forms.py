"""The admin form of a resource: offers and accepts only what the user may act for.

Filtered choices alone are not enough (a forged POST can name any id), so every
reference field's queryset is narrowed here, and Django's ModelChoiceField then
refuses any other id as "not one of the available choices" (rule: PLATFORM-F4
权限管理, PLATFORM-7, LIB-7):

* ``source_org`` (来源机构): the organizations the user acts for (:mod:`.scope`);
* ``owner_site`` (所属网站): the user's own site(s);
* ``policy`` (所解读的政策文件): policies in the user's scope, or live shared ones of
  other organizations — never another organization's draft;
* ``image`` and each attachment's ``document``: media of collections the user may
  choose from (their site's collection).

A value already stored that lies outside those choices (e.g. another site's image
attached before this check existed) is not rendered: the chooser would show its
title and thumbnail. The field starts empty and says why.

Apps above the library add fields of their own to this form through the Wagtail hook
``jiyue_library_resource_form_extensions`` (:class:`ResourceFormExtension`): the
portal adds the columns (栏目) a resource is placed in that way, so the library knows
no columns (layers: library below portal).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from .admin_isolation import choosable_queryset
from .models import PolicyResource
from .scope import organization_choices, site_choices

RESOURCE_FORM_EXTENSIONS_HOOK = "jiyue_library_resource_form_extensions"
MEDIA_ACTIONS = ["choose", "change"]
HIDDEN_VALUE_HELP = _("原所选项属于其他网站或机构，已隐藏；请重新选择，否则保存时将清空。")


def permitted_media(user, model):
    """Images or documents of the collections ``user`` may choose from."""
    policy = policy_registry.get_by_type(model)
    return policy.instances_user_has_any_permission_for(user, MEDIA_ACTIONS)


def restrict_field(form, name, queryset):
    """Limit ``form.fields[name]`` to ``queryset``; hide a stored value outside it."""
    field = form.fields.get(name)
    if field is None:
        return
    field.queryset = queryset
    if form.is_bound:
        return
    value = form.initial.get(name)
    if value is not None and not queryset.filter(pk=getattr(value, "pk", value)).exists():
        form.initial[name] = None
        field.help_text = HIDDEN_VALUE_HELP


class OrganizationRecordForm(WagtailAdminModelForm):
    """Form of a per-organization record (机构审核流程): the user's organizations only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            restrict_field(self, "organization", organization_choices(self.for_user))


class ResourceAdminForm(WagtailAdminModelForm):
    """Base form of every resource type's admin panels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:  # pragma: no cover - Wagtail's views always pass the user
            return
        restrict_field(self, "source_org", organization_choices(user))
        restrict_field(self, "owner_site", site_choices(user))
        restrict_field(
            self, "policy", choosable_queryset(user, PolicyResource, PolicyResource.objects.all())
        )
        restrict_field(self, "image", permitted_media(user, get_image_model()))
        documents = permitted_media(user, get_document_model())
        for formset in self.formsets.values():
            for child in formset.forms:
                restrict_field(child, "document", documents)
        self._default_single_choice("source_org")
        self._default_single_choice("owner_site")
        self.extensions = form_extensions()
        for extension in self.extensions:
            extension.contribute(self, user)

    def clean(self):
        cleaned_data = super().clean()
        for extension in self.extensions:
            extension.clean(self, cleaned_data)
        return cleaned_data

    def save_extensions(self, instance, user):
        """Let each extension store its fields once ``instance`` is saved (see the views)."""
        for extension in self.extensions:
            extension.save(self, instance, user)

    def _default_single_choice(self, name):
        """A user who may act for one organization / site gets it preselected."""
        field = self.fields.get(name)
        if field is None or self.is_bound or self.initial.get(name):
            return
        choices = list(field.queryset[:2])
        if len(choices) == 1:
            self.initial[name] = choices[0].pk


# --- Fields contributed by apps above the library ------------------------------------------


class ResourceFormExtension:
    """A field that an app above the library adds to every resource form.

    Register a function returning an instance with the hook
    ``jiyue_library_resource_form_extensions``. The field is not a model field: the
    extension adds it in :meth:`contribute` and stores it in :meth:`save`, which the
    create and edit views call inside their transaction after the resource is saved.
    """

    field_name = None
    heading = None

    def contribute(self, form, user):
        """Add ``form.fields[self.field_name]`` (with its initial value)."""
        raise NotImplementedError

    def clean(self, form, cleaned_data):
        """Check the field against the rest of the form (``form.add_error``)."""

    def save(self, form, instance, user):
        """Store the field's value for the saved ``instance``."""
        raise NotImplementedError


def form_extensions():
    """The registered extensions, in hook order."""
    return [fn() for fn in hooks.get_hooks(RESOURCE_FORM_EXTENSIONS_HOOK)]


class ExtensionFieldPanel(FieldPanel):
    """A FieldPanel for a field the form adds itself (not one the model form builds)."""

    def get_form_options(self):
        return {}


class ResourceExtensionsPanel(MultiFieldPanel):
    """The panels of the registered extensions, resolved when the panel is bound.

    Binding happens when the admin's viewsets are registered, after every app's
    ``wagtail_hooks`` module has been imported, so every extension is known then.
    """

    def on_model_bound(self):
        extensions = form_extensions()
        self.children = [ExtensionFieldPanel(e.field_name, heading=e.heading) for e in extensions]
        if not self.heading and extensions:
            self.heading = extensions[0].heading
        super().on_model_bound()

    class BoundPanel(MultiFieldPanel.BoundPanel):
        def is_shown(self):
            return bool(self.children) and super().is_shown()

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
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from .admin_isolation import choosable_queryset
from .models import PolicyResource
from .scope import organization_choices, site_choices

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

    def _default_single_choice(self, name):
        """A user who may act for one organization / site gets it preselected."""
        field = self.fields.get(name)
        if field is None or self.is_bound or self.initial.get(name):
            return
        choices = list(field.queryset[:2])
        if len(choices) == 1:
            self.initial[name] = choices[0].pk

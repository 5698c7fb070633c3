"""The 发布栏目 (columns) field of the resource add and edit forms (rule: LIB-3, META-6).

The library's form knows no columns; the portal contributes this field through the
library's hook ``jiyue_library_resource_form_extensions`` (registered in
``portal/wagtail_hooks.py``). Choices are the live columns of the user's own site(s)
only (rule: PLATFORM-7); a new resource starts with its owner site's (所属网站) column
of its type ticked (:func:`jiyue.portal.distribution.default_column`). The choice is
stored as explicit placements through :func:`jiyue.portal.distribution.set_placements`,
which checks the site again and writes the audit log. A draft placed in a column
appears there only once it is published: column lists read live resources only.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiyue.library.admin_forms import ResourceFormExtension
from jiyue.registry import services as registry

from . import distribution
from .forms import columns_of_sites
from .models import Placement, PlacementState

FIELD_NAME = "placement_columns"


class ColumnsField(forms.ModelMultipleChoiceField):
    """Columns labelled ``网站名 / 栏目名`` (only the column when there is one site)."""

    def __init__(self, *args, site_of=None, **kwargs):
        self.site_of = site_of or {}
        self.one_site = len({s.pk for s in self.site_of.values()}) <= 1
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        prefix = "　" * max(obj.depth - 3, 0)
        site = self.site_of.get(obj.pk)
        if site is None or self.one_site:
            return f"{prefix}{obj.title}"
        return f"{site.name} / {prefix}{obj.title}"


class ColumnPlacementExtension(ResourceFormExtension):
    """发布栏目: where on its own site a resource is shown once published."""

    field_name = FIELD_NAME
    heading = _("发布栏目")

    @staticmethod
    def sites(form, user):
        """The sites whose columns are offered: the user's own site(s).

        A supervisor manages every site; offering every column of the platform would
        make a field of thousands of boxes, so they get their own organization's site
        (or its parent's) and, when editing, the resource's owner site.
        """
        sites = registry.sites_for_user(user)
        if not registry.is_supervisor(user):
            return sites
        org = registry.organization_for_user(user)
        chain = [org, *org.ancestors()] if org is not None else []
        owner = form.instance.owner_site_id or form.initial.get("owner_site")
        return sites.filter(Q(organization__in=chain) | Q(pk=owner or 0))

    def contribute(self, form, user):
        sites = self.sites(form, user)
        columns, site_of = columns_of_sites(sites)
        columns = columns.live()
        field = ColumnsField(
            queryset=columns,
            site_of=site_of,
            required=False,
            label=_("发布栏目"),
            widget=forms.CheckboxSelectMultiple,
            help_text=_(
                "信息发布后显示在所选栏目中。新建时默认勾选所属网站中与信息类型对应的栏目；"
                "只能选择本网站的栏目。"
            ),
        )
        form.fields[self.field_name] = field
        form._placement_site_of = site_of
        form._placement_new = form.instance.pk is None
        instance = form.instance
        if instance.pk:
            field.initial = list(
                Placement.objects.filter(
                    resource=instance,
                    column__in=columns,
                    state=PlacementState.ACTIVE,
                ).values_list("column_id", flat=True)
            )
        else:
            owner_pk = form.initial.get("owner_site") or instance.owner_site_id
            owner = registry.gov_sites().filter(pk=owner_pk).first() if owner_pk else None
            column = distribution.default_column(owner, self.resource_type(form))
            if column is not None and column.pk in site_of:
                field.initial = [column.pk]

    @staticmethod
    def resource_type(form):
        return getattr(form._meta.model, "RESOURCE_TYPE", None) or form.instance.resource_type

    def clean(self, form, cleaned_data):
        columns = cleaned_data.get(self.field_name)
        owner = cleaned_data.get("owner_site")
        if not columns or owner is None:
            return
        site_of = form._placement_site_of
        others = [c.title for c in columns if site_of.get(c.pk) != owner]
        if others:
            form.add_error(
                self.field_name,
                _("所选栏目不属于所属网站“%(site)s”：%(columns)s")
                % {"site": owner.name, "columns": "、".join(others)},
            )

    def save(self, form, instance, user):
        field = form.fields[self.field_name]
        columns = list(form.cleaned_data.get(self.field_name) or [])
        if not columns and form._placement_new:
            # A new resource always lands on its owner site: the default column.
            column = distribution.default_column(instance.owner_site, instance.resource_type)
            if column is not None and distribution.user_manages_column(user, column):
                columns = [column]
        distribution.set_placements(instance, columns, user, among=list(field.queryset))


def column_placement_extension():
    """The hook function (see ``portal/wagtail_hooks.py``)."""
    return ColumnPlacementExtension()

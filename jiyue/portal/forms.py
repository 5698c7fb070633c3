"""Admin forms of distribution (分发): placing and pushing a resource into columns.

The forms only collect choices; the rules live in :mod:`jiyue.portal.distribution`.
Column choices are limited to the sites the user may manage, so a forged POST
naming another site's column fails validation before the service is even called
(the service checks again: rule LIB-3).
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from jiyue.library.admin_forms import restrict_field
from jiyue.registry import services as registry

from .models import ColumnPage, ColumnType


def columns_of_sites(gov_sites):
    """Column pages (栏目) of ``gov_sites`` and a ``{column_pk: site name}`` label map."""
    roots = {}
    for site in gov_sites.select_related("wagtail_site__root_page"):
        if site.wagtail_site_id:
            roots[site.wagtail_site.root_page.path] = site
    if not roots:
        return ColumnPage.objects.none(), {}
    path_q = Q()
    for path in roots:
        path_q |= Q(path__startswith=path)
    columns = ColumnPage.objects.filter(path_q).order_by("path")
    # Every site root has the same path length (the sites' home pages sit at one
    # depth), so a column's site is a dict lookup on its path prefix; only the ids and
    # paths are read, the queryset itself stays lazy.
    lengths = sorted({len(path) for path in roots})
    site_of = {}
    for pk, path in columns.values_list("pk", "path"):
        for length in lengths:
            site = roots.get(path[:length])
            if site is not None:
                site_of[pk] = site
                break
    return columns, site_of


class ColumnChoiceField(forms.ModelMultipleChoiceField):
    """Checkboxes labelled ``网站名 / 栏目名``."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args, site_of=None, **kwargs):
        self.site_of = site_of or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        site = self.site_of.get(obj.pk)
        return f"{site.name} / {obj.title}" if site else obj.title


class PlaceForm(forms.Form):
    """An editor places a live resource in columns of their own sites."""

    columns = ColumnChoiceField(queryset=None, label=_("栏目"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        columns, site_of = columns_of_sites(registry.sites_for_user(user))
        self.fields["columns"].queryset = columns
        self.fields["columns"].site_of = site_of


class PushForm(forms.Form):
    """The supervisor pushes a resource into columns across sites (主管推送).

    ``district_column_type`` is a shortcut for "the column of this type on every
    district government site" (区人民政府网站), added to the chosen columns.
    """

    columns = ColumnChoiceField(queryset=None, label=_("栏目"), required=False)
    district_column_type = forms.ChoiceField(label=_("所有区政府网站的此类栏目"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        columns, site_of = columns_of_sites(registry.gov_sites())
        self.fields["columns"].queryset = columns
        self.fields["columns"].site_of = site_of
        self.fields["district_column_type"].choices = [("", "---------"), *ColumnType.choices]

    def district_columns(self, column_type):
        districts = registry.gov_sites(organization__org_type=registry.OrgType.DISTRICT_GOVERNMENT)
        columns, _site_of = columns_of_sites(districts)
        return list(columns.filter(column_type=column_type))

    def clean(self):
        cleaned = super().clean()
        chosen = list(cleaned.get("columns") or [])
        column_type = cleaned.get("district_column_type")
        if column_type:
            found = self.district_columns(column_type)
            if not found:
                raise forms.ValidationError(_("区政府网站中没有该类型的栏目。"))
            chosen += [c for c in found if c not in chosen]
        if not chosen:
            raise forms.ValidationError(_("请至少选择一个栏目。"))
        cleaned["all_columns"] = chosen
        return cleaned


class ColumnRecordForm(WagtailAdminModelForm):
    """Form of a per-column record (subscription rule, distribution settings): the
    ``column`` field accepts only columns of the user's own sites (rule: PLATFORM-7)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            columns, _site_of = columns_of_sites(registry.sites_for_user(self.for_user))
            restrict_field(self, "column", columns)

"""Organizations (机构) in the admin."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn

from ..forms import OrganizationForm
from ..models import (
    Organization,
)
from .scoped import ScopedModelViewSet

# --- Organizations (机构) ----------------------------------------------------------


class OrganizationViewSet(ScopedModelViewSet):
    model = Organization
    name = "registry_organizations"
    url_prefix = "registry/organizations"
    icon = "group"
    menu_label = _("机构")
    menu_order = 100
    list_display = [
        "name",
        "org_type",
        "parent",
        "division_code",
        BooleanColumn("is_supervisor", label=_("是主管单位")),
    ]
    list_filter = ["org_type", "is_supervisor"]
    search_fields = ["name", "short_name", "division_code", "credit_code"]
    inspect_view_fields = [
        "name",
        "short_name",
        "org_type",
        "parent",
        "division_code",
        "credit_code",
        "is_supervisor",
        "address",
        "phone",
        "postcode",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("short_name"),
            FieldPanel("org_type"),
            FieldPanel("parent"),
            FieldPanel("division_code"),
            FieldPanel("credit_code"),
            FieldPanel("is_supervisor"),
            MultiFieldPanel(
                [FieldPanel("address"), FieldPanel("phone"), FieldPanel("postcode")],
                heading=_("联系方式"),
            ),
        ],
        base_form_class=OrganizationForm,
    )

"""Read API for the site registry: GET /api/v1/sites/ (requirement R1, issue item 5)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from .models import GovSite

router = Router(tags=["sites"])


class OrganizationOut(Schema):
    id: int
    name: str
    org_type: str
    division_code: str


class SiteOut(Schema):
    id: int
    name: str
    site_type: str = Field(description="portal / department / special (rule: SITE-1)")
    status: str
    primary_domain: str
    aliases: list[str]
    chinese_domain: str
    site_id_code: str | None = Field(description="网站标识码 (rule: IDCODE-1)")
    icp_no: str
    psb_no: str
    on_platform: bool
    organization: OrganizationOut
    operator_name: str
    opened_at: datetime | None

    @staticmethod
    def resolve_aliases(obj):
        return [a.domain for a in obj.aliases.all()]


class SiteFilter(FilterSchema):
    status: str | None = None
    site_type: str | None = None
    organization: int | None = Field(None, q="organization_id")
    q: str | None = Field(None, q=["name__icontains", "primary_domain__icontains"])


class SitePagination(PageNumberPagination):
    page_size = 50


@router.get("", response=list[SiteOut], summary="List government sites")
@paginate(SitePagination)
def list_sites(request, filters: Query[SiteFilter]):
    qs = GovSite.objects.select_related("organization").prefetch_related("aliases").order_by("pk")
    return filters.filter(qs)


@router.get("{site_id}", response=SiteOut, summary="One government site")
def get_site(request, site_id: int):
    return get_object_or_404(
        GovSite.objects.select_related("organization").prefetch_related("aliases"), pk=site_id
    )

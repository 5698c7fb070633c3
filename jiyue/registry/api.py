"""Read API for the site registry (网站注册): GET /api/v1/sites/ and /api/v1/sites/{id}.

Requirement R1, issue #2 item 5. Government site records (name, domains, identifier code,
filing numbers, organizer) are public information, so the API is read-only and needs no
login; writes go through lifecycle applications in the admin (rule: SITE-6), never here.

Ids and page numbers are bounded to what the database can hold, so a huge number is
refused with 422 instead of overflowing the driver (issue 6 item 9).
"""

from datetime import datetime
from typing import Annotated

from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, FilterSchema, Path, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from .models import GovSite, OrgType, SiteStatus, SiteType

router = Router(tags=["sites"])

MAX_ID = 2**63 - 1  # 64-bit database integers
MAX_PAGE = 1_000_000  # keeps the offset a 64-bit integer for any page size


class BoundedPageNumberPagination(PageNumberPagination):
    """ninja's page-number pagination with an upper bound on ``page``."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)


class OrganizationOut(Schema):
    """The organizer (主办单位) of a site."""

    id: int
    name: str
    org_type: OrgType
    org_type_label: str = Field(description="机构类型（中文）")
    division_code: str = Field(description="GB/T 2260 行政区划代码")

    @staticmethod
    def resolve_org_type_label(obj):
        return str(obj.get_org_type_display())


class SiteOut(Schema):
    """One government site record."""

    id: int
    name: str
    site_type: SiteType = Field(description="portal / department / special (rule: SITE-1)")
    site_type_label: str = Field(description="网站类型（中文）")
    status: SiteStatus
    status_label: str = Field(description="状态（中文）")
    primary_domain: str = Field(description="英文域名 (rule: DOMAIN-1)")
    aliases: list[str] = Field(description="别名域名 (rule: DOMAIN-5)")
    chinese_domain: str = Field(description="中文域名，以 .政务 结尾 (rule: DOMAIN-2)")
    site_id_code: str | None = Field(description="网站标识码 (rule: IDCODE-1)")
    icp_no: str = Field(description="ICP备案编号")
    psb_no: str = Field(description="公安机关备案号")
    on_platform: bool = Field(description="已在本平台承载（否则为待整合的存量网站）")
    is_legacy: bool = Field(description="从现有网站清单导入的存量网站")
    organization: OrganizationOut
    operator_name: str = Field(description="承办单位")
    opened_at: datetime | None

    @staticmethod
    def resolve_aliases(obj):
        # Sorted in Python so the prefetched aliases are used as they are (no query per site).
        return sorted(alias.domain for alias in obj.aliases.all())

    @staticmethod
    def resolve_site_type_label(obj):
        return str(obj.get_site_type_display())

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())


class SiteFilter(FilterSchema):
    """Query parameters of the list; unknown enum values are refused with 422."""

    status: SiteStatus | None = Field(None, description="按状态筛选")
    site_type: SiteType | None = Field(None, description="按网站类型筛选")
    organization: Annotated[int | None, FilterLookup("organization_id")] = Field(
        None, ge=1, le=MAX_ID, description="主办单位 ID"
    )
    on_platform: bool | None = Field(None, description="true：已在本平台承载；false：存量网站")
    q: Annotated[
        str | None,
        FilterLookup(["name__icontains", "primary_domain__icontains", "site_id_code"]),
    ] = Field(None, description="名称、域名包含该文字，或网站标识码等于它")

    def filter_on_platform(self, value):
        return Q() if value is None else Q(wagtail_site__isnull=not value)


def _sites():
    # Constant query count for any page size: one for the page, one for the organizations
    # (joined), one for all aliases of the page, one for the count.
    return GovSite.objects.select_related("organization").prefetch_related("aliases")


@router.get("", response=list[SiteOut], summary="List government sites")
@paginate(BoundedPageNumberPagination, page_size=50, max_page_size=200)
def list_sites(request, filters: Query[SiteFilter]):
    """网站列表：按 ID 排序、分页（page、page_size），可按状态、类型、主办单位和关键词筛选。"""
    return filters.filter(_sites().order_by("pk"))


class ErrorOut(Schema):
    detail: str
    message: str


@router.get("{site_id}", response={200: SiteOut, 404: ErrorOut}, summary="One government site")
def get_site(request, site_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    """单个网站记录；不存在时返回 404。"""
    return get_object_or_404(_sites(), pk=site_id)

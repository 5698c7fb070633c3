"""Library API (rule: LIB-2 统一调用), mounted at ``/api/v1/resources/``.

- ``GET /`` lists published resources, filtered by site, column, type,
  organization, theme and date, newest first, paginated.
- ``GET /{id}`` returns one published resource.
- ``POST /`` (token auth ``Authorization: Bearer <key>``) creates a DRAFT that then
  goes through review; it is never published directly.

Reads only ever see live resources: drafts never leak, whoever asks, not even through
the answer to a filter (an unpublished column answers like a missing one) or to a
write (another organization's draft policy is "not found", like a missing id).

Bad input is refused with 4xx before anything is written (issue 6 item 9): ids and
page numbers are bounded to what the database can hold, ``pub_date`` must carry its
time zone, and everything is checked before the draft is created, in one
transaction with building the answer. The body is cleaned to the admin editor's
allow-list (:mod:`jiyue.library.richtext`) by :func:`services.create_draft`.
"""

import datetime
from typing import Annotated

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from jiyue.registry import services as registry

from . import services
from .models import ApiToken, Resource, ResourceType, Theme

router = Router(tags=["信息资源"])

MAX_PAGE_SIZE = 100
# Ids are 64-bit database integers; a larger number is refused with 422 instead of
# overflowing the database driver (SQLite raises OverflowError).
MAX_ID = 2**63 - 1
# Deep enough for every real list, small enough that the offset stays a 64-bit integer.
MAX_PAGE = 1_000_000

DbId = Annotated[int, Field(ge=1, le=MAX_ID)]


class ResourcePagination(PageNumberPagination):
    """ninja's page-number pagination; the answer keeps ``page`` and ``page_size``.

    Out-of-range ``page`` or ``page_size`` is refused with 422 (not silently clamped):
    the offset must stay a 64-bit integer, and a client asking for 1,000 items should
    learn that it gets at most :data:`MAX_PAGE_SIZE`.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        count: int
        page: int
        page_size: int
        items: list

    def paginate_queryset(self, queryset, pagination, request, **params):
        data = super().paginate_queryset(queryset, pagination, request, **params)
        return {
            **data,
            "page": pagination.page,
            "page_size": self._get_page_size(pagination.page_size),
        }


class SettingsRateThrottle:
    """ninja's rate throttle with its rate read from ``JIYUE_API_THROTTLE_RATES``.

    Read on every request (not once at import), so settings and tests can change it;
    a scope without a rate (``None``) is not throttled. Too many requests get 429 with
    the Chinese message of :mod:`jiyue.api`.
    """

    def __init__(self):
        self.rate = None

    def allow_request(self, request):
        self.rate = getattr(settings, "JIYUE_API_THROTTLE_RATES", {}).get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class ReadThrottle(SettingsRateThrottle, AnonRateThrottle):
    """Anonymous reads, per client address (scope ``anon``)."""


class WriteThrottle(SettingsRateThrottle, AuthRateThrottle):
    """Writes, per API token (scope ``auth``)."""


class TokenAuth(HttpBearer):
    """Bearer token of an :class:`ApiToken` that is not revoked."""

    def authenticate(self, request, token):
        api_token = ApiToken.authenticate(token)
        if api_token is not None:
            request.api_token = api_token
        return api_token


class ResourceOut(Schema):
    id: int
    uid: str
    resource_type: str
    resource_type_label: str
    title: str
    summary: str
    source_org_id: int
    source_org: str
    owner_site_id: int
    author: str
    keywords: str
    pub_date: str = Field(description="发布时间 YYYY-MM-DD HH:MM 北京时间（META-7）")
    theme_id: int | None
    theme: str | None
    index_no: str | None
    doc_no: str
    issuing_organ: str
    source_url: str
    written_date: datetime.date | None
    validity: str
    validity_label: str
    policy_id: int | None

    @staticmethod
    def resolve_uid(obj):
        return str(obj.uid)

    @staticmethod
    def resolve_resource_type_label(obj):
        return obj.get_resource_type_display()

    @staticmethod
    def resolve_source_org(obj):
        return obj.source_org.name

    @staticmethod
    def resolve_pub_date(obj):
        return obj.pub_date_display

    @staticmethod
    def resolve_theme(obj):
        return str(obj.theme) if obj.theme_id else None

    @staticmethod
    def resolve_validity_label(obj):
        return obj.get_validity_display()


class ResourceDetailOut(ResourceOut):
    body: str
    interpretation_ids: list[int]
    attachments: list[dict]

    @staticmethod
    def resolve_interpretation_ids(obj):
        return list(obj.interpretations.live().values_list("pk", flat=True))

    @staticmethod
    def resolve_attachments(obj):
        return [
            {"title": a.title or a.document.title, "url": a.document.url}
            for a in obj.attachments.select_related("document")
        ]


class ResourceFilters(Schema):
    site: DbId | None = Field(None, description="网站（GovSite id）：所属或在其栏目中显示的资源")
    column: DbId | None = Field(None, description="栏目（页面 id）；未发布的栏目与不存在的相同")
    type: ResourceType | None = None
    organization: DbId | None = Field(None, description="来源机构 id")
    theme: DbId | None = Field(None, description="主题分类 id（含下级分类）")
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class ResourceIn(Schema):
    resource_type: str
    title: str
    source_org_id: DbId
    owner_site_id: DbId
    summary: str = ""
    body: str = ""
    author: str = ""
    keywords: str = ""
    theme_code: str = ""
    pub_date: datetime.datetime | None = Field(
        None, description="发布时间，须带时区，如 2024-05-06T09:30:00+08:00（META-7）"
    )
    doc_no: str = ""
    issuing_organ: str = ""
    written_date: datetime.date | None = None
    validity: str = "valid"
    needs_interpretation: bool = False
    policy_id: DbId | None = None
    interpretation_form: str = ""
    video_url: str = ""
    source_url: str = Field("", description="原文链接：转载或迁移的信息的原文网址")


class FieldError(Schema):
    field: str
    message: str


class ErrorsOut(Schema):
    errors: list[FieldError]


def _out(resource):
    """Build (and so check) the answer for ``resource`` while its transaction is open.

    ninja builds the response again from the object after the view; this early build
    makes a failure in it roll the draft back instead of leaving it to be duplicated.
    """
    return ResourceDetailOut.from_orm(resource)


def _site_q(site_id):
    """Resources owned by the site or shown in any of its columns."""
    q = Q(owner_site_id=site_id)
    shown_on_site = services.placement_filter("site")
    return q if shown_on_site is None else q | shown_on_site(site_id)


def _column_q(column_id):
    """Resources shown in the column; 404 for a missing or unpublished one."""
    shown_in_column = services.placement_filter("column")
    if shown_in_column is None:
        raise Http404
    return shown_in_column(column_id)


@router.get(
    "/",
    response=list[ResourceOut],
    auth=None,
    throttle=ReadThrottle(),
    summary="已发布信息资源列表",
)
@paginate(ResourcePagination)
def list_resources(request, filters: Query[ResourceFilters]):
    qs = services.live_resources().select_related("source_org", "theme__parent")
    if filters.column is not None:
        qs = qs.filter(_column_q(filters.column))
    if filters.site is not None:
        qs = qs.filter(_site_q(filters.site))
    if filters.type:
        qs = qs.filter(resource_type=filters.type)
    if filters.organization is not None:
        qs = qs.filter(source_org_id=filters.organization)
    if filters.theme is not None:
        theme = get_object_or_404(Theme, pk=filters.theme)
        qs = qs.filter(theme_id__in=theme.descendant_ids())
    if filters.date_from:
        qs = qs.filter(pub_date__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(pub_date__date__lte=filters.date_to)
    return qs.order_by("-pub_date", "-pk")


@router.get(
    "/{int:resource_id}",
    response=ResourceDetailOut,
    auth=None,
    throttle=ReadThrottle(),
    summary="信息资源详情",
)
def get_resource(request, resource_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    return get_object_or_404(
        services.live_resources().select_related("source_org", "theme__parent"), pk=resource_id
    )


def _scope_errors(token, payload):
    """The token's organization limits what it may write (organization scope).

    A token acts for its own organization only, as an editor does by default
    (``library.scope``): being higher in the tree does not make an organization the
    author of its departments' items (issue 6 item 11). Its items may be shown on its
    own site or, for a unit without a site, on a site above it (rule: SITE-4).
    """
    org = token.organization
    errors = []
    if payload.source_org_id != org.pk:
        errors.append(("source_org_id", _("来源机构须为本令牌所属机构。")))
    allowed_site_orgs = [org.pk, *[a.pk for a in org.ancestors()]]
    if (
        not registry.gov_sites()
        .filter(pk=payload.owner_site_id, organization_id__in=allowed_site_orgs)
        .exists()
    ):
        errors.append(("owner_site_id", _("所属网站不是本令牌所属机构（或其上级）的网站。")))
    if (
        payload.policy_id is not None
        and not _policies_visible_to(org).filter(pk=payload.policy_id).exists()
    ):
        # The same answer for a missing id and for another organization's draft, so
        # the API cannot be used to probe which draft ids exist (issue 6 item 10).
        errors.append(("policy_id", _("INTERP-2：所解读的政策文件不存在。")))
    return errors


def _policies_visible_to(org):
    """Policies a token of ``org`` may link an interpretation to.

    Live policies of anyone (they are public), and drafts of the token's own
    organization.
    """
    return Resource.objects.filter(resource_type=ResourceType.POLICY).filter(
        Q(live=True) | Q(source_org=org)
    )


def _input_errors(payload):
    """Errors the model's validation does not catch, found before anything is saved."""
    errors = []
    if payload.pub_date is not None and timezone.is_naive(payload.pub_date):
        errors.append(
            (
                "pub_date",
                _("META-7：发布时间须带时区，如 2024-05-06T09:30:00+08:00（北京时间）。"),
            )
        )
    return errors


def _field_errors(errors):
    return Status(422, {"errors": [{"field": f, "message": str(m)} for f, m in errors]})


@router.post(
    "/",
    response={201: ResourceDetailOut, 422: ErrorsOut},
    auth=TokenAuth(),
    throttle=WriteThrottle(),
    summary="推送信息资源（草稿，须经审核）",
)
def create_resource(request, payload: ResourceIn):
    token = request.auth
    errors = []
    if payload.resource_type not in ResourceType.values:
        errors.append(
            ("resource_type", _("未知的资源类型，可选：%s") % "、".join(ResourceType.values))
        )
    errors += _input_errors(payload)
    errors += _scope_errors(token, payload)
    theme = None
    if payload.theme_code:
        theme = Theme.objects.filter(code=payload.theme_code).first()
        if theme is None:
            errors.append(("theme_code", _("主题分类代码不存在。")))
    if errors:
        return _field_errors(errors)
    fields = payload.dict(exclude={"theme_code"})
    fields["theme"] = theme
    try:
        # The draft, its revision and the answer are made in one transaction: if
        # anything fails on the way, nothing stays behind to be duplicated by a retry.
        with transaction.atomic():
            resource = services.create_draft(user=None, **fields)
            _out(resource)
    except ValidationError as exc:
        return _field_errors(
            (field, msg) for field, msgs in exc.message_dict.items() for msg in msgs
        )
    return Status(201, resource)

"""Library data: resources (信息资源), themes, distribution and API tokens.

One concrete table holds every resource type so that distribution, column listings
and the API query a single indexed table (rule: LIB-2, LIB-7). Per-type admin forms
are proxy models (see :mod:`jiyue.library.wagtail_hooks`). Review, revisions,
locking and scheduling come from Wagtail's snippet mixins (rule: PUB-3).
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    Revision,
    RevisionMixin,
    WorkflowMixin,
    WorkflowState,
)
from wagtail.search import index

from jiyue.registry.services import organizations_in_scope
from jiyue.standards import format_pub_date

from .choices import (
    DEFAULT_CLASS,
    GUIDE_CATEGORIES,
    GUIDE_PHONE_RE,
    GuideItemType,
    GuideScope,
    InterpretationForm,
    ResourceClass,
    ResourceType,
    ShareScope,
    Validity,
)
from .taxonomy import Theme


class ResourceQuerySet(models.QuerySet):
    def live(self):
        """Only live resources: never a draft, scheduled or expired one."""
        return self.filter(live=True)

    def newest_first(self):
        return self.order_by("-pub_date", "-pk")

    def annotate_listing_states(self):
        """Whether each has an approved schedule and a workflow in progress, in the query.

        The admin lists show ``status_string``; without these annotations Wagtail asks
        the revisions and the workflow states once per row (two queries a row).
        """
        content_type = ContentType.objects.get_for_model(self.model, for_concrete_model=True)
        object_id = Cast(OuterRef("pk"), output_field=models.CharField())
        return self.annotate(
            _approved_schedule=Exists(
                Revision.objects.filter(
                    base_content_type=content_type,
                    object_id=object_id,
                    approved_go_live_at__isnull=False,
                )
            ),
            _workflow_in_progress=Exists(
                WorkflowState.objects.filter(
                    base_content_type=content_type,
                    object_id=object_id,
                    status=WorkflowState.STATUS_IN_PROGRESS,
                )
            ),
        )


class Resource(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    """One information resource in the library (rule: LIB-1, LIB-5, LIB-7).

    ``pk`` is the global resource id: a BigAutoField that is never reused; ``uid`` is
    the stable identifier for external systems.
    """

    RESOURCE_TYPE = None  # set by the proxy classes

    uid = models.UUIDField(_("资源标识符"), default=uuid.uuid4, unique=True, editable=False)
    resource_type = models.CharField(
        _("资源类型"), max_length=20, choices=ResourceType.choices, db_index=True
    )
    resource_class = models.CharField(
        _("资源分类"),
        max_length=20,
        choices=ResourceClass.choices,
        blank=True,
        # rule: LIB-4
        help_text=_("留空时按资源类型自动确定。"),
    )
    # Drafts start unpublished; Wagtail's mixin defaults ``live`` to True.
    live = models.BooleanField(verbose_name=_("已发布"), default=False, editable=False)

    title = models.CharField(_("标题"), max_length=255)
    summary = models.TextField(_("摘要"), blank=True)
    body = RichTextField(_("正文"), blank=True)
    source_org = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("来源/发布机构"),
        on_delete=models.PROTECT,
        related_name="library_resources",
        # rule: META-2 ContentSource, PUB-4
        help_text=_("发布单位；转载时为原始来源。"),
    )
    owner_site = models.ForeignKey(
        "registry.GovSite",
        verbose_name=_("所属网站"),
        on_delete=models.PROTECT,
        related_name="library_resources",
        help_text=_("规范网址所在的网站：信息以该网站上的地址为准。"),
    )
    author = models.CharField(_("作者/责任编辑"), max_length=100, blank=True)
    keywords = models.CharField(_("关键词"), max_length=255, blank=True)
    pub_date = models.DateTimeField(
        _("发布时间"),
        null=True,
        blank=True,
        # rule: META-7
        help_text=_("北京时间，按“年-月-日 时:分”显示；留空时取首次发布时间。"),
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("主题分类"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
    )
    share_scope = models.CharField(
        _("共享类型"), max_length=16, choices=ShareScope.choices, default=ShareScope.UNCONDITIONAL
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("图片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Policy documents (政策文件).
    doc_no = models.CharField(_("文号"), max_length=100, blank=True)
    issuing_organ = models.CharField(_("发文机关"), max_length=200, blank=True)
    written_date = models.DateField(_("成文日期"), null=True, blank=True)
    validity = models.CharField(
        _("有效性"), max_length=16, choices=Validity.choices, default=Validity.VALID
    )
    index_no = models.CharField(
        _("索引号"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("首次发布时由平台分配，永不复用。"),
    )
    needs_interpretation = models.BooleanField(
        _("需要解读"),
        default=False,
        # rule: INTERP-1
        help_text=_("勾选后，须与解读同步发布，或由审批人填写免解读理由。"),
    )
    interpretation_waiver_reason = models.TextField(_("免于解读理由"), blank=True, editable=False)
    interpretation_waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("免于解读批准人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Interpretations (政策解读).
    policy = models.ForeignKey(
        "self",
        verbose_name=_("所解读的政策文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interpretations",
        limit_choices_to={"resource_type": ResourceType.POLICY},
    )
    interpretation_form = models.CharField(
        _("解读形式"), max_length=16, choices=InterpretationForm.choices, blank=True
    )
    video_url = models.URLField(_("视频/音频链接"), blank=True)

    # Reposted or migrated items (转载、迁移): where the original is (issue 10 item 7).
    # The original issuer is ``issuing_organ`` (rule: PUB-4).
    source_url = models.URLField(
        _("原文链接"),
        max_length=500,
        blank=True,
        help_text=_("转载或迁移的信息填写原文网址，页面显示为原文链接。"),
    )

    # Service guides (办事指南), rule: GUIDE-1, GUIDE-3, GUIDE-4.
    guide_item_name = models.CharField(_("事项名称"), max_length=200, blank=True)
    guide_item_code = models.CharField(_("事项编码"), max_length=64, blank=True)
    guide_item_type = models.CharField(
        _("事项类型"), max_length=20, choices=GuideItemType.choices, blank=True
    )
    guide_department = models.CharField(_("主管部门"), max_length=200, blank=True)
    guide_implementing_org = models.CharField(_("实施机关"), max_length=200, blank=True)
    guide_legal_basis = models.TextField(_("设定依据"), blank=True)
    guide_scope = models.CharField(
        _("受理范围"), max_length=16, choices=GuideScope.choices, blank=True
    )
    guide_conditions = models.TextField(_("申请条件"), blank=True)
    guide_materials = models.TextField(_("办理材料"), blank=True)
    guide_location = models.CharField(_("办理地点"), max_length=255, blank=True)
    guide_agency = models.TextField(_("办理机构"), blank=True)
    guide_is_free = models.BooleanField(_("不收费"), default=False)
    guide_fee_standard = models.TextField(_("收费标准"), blank=True)
    guide_hours = models.CharField(_("办理时间"), max_length=255, blank=True)
    guide_phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    guide_complaint_phone = models.CharField(_("监督投诉电话"), max_length=50, blank=True)
    guide_process = models.TextField(_("办理流程"), blank=True)
    guide_time_limit = models.CharField(_("办理时限"), max_length=100, blank=True)

    created_at = models.DateTimeField(_("入库时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ResourceQuerySet.as_manager()

    search_fields = [
        index.SearchField("title"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.AutocompleteField("title"),
        index.FilterField("resource_type"),
        index.FilterField("live"),
        index.FilterField("source_org"),
        index.FilterField("owner_site"),
        # The admin choosers search within what the user may choose (admin_isolation).
        index.FilterField("share_scope"),
    ]

    class Meta:
        verbose_name = _("信息资源")
        verbose_name_plural = _("信息资源")
        ordering = ["-pub_date", "-pk"]
        permissions = [
            ("waive_interpretation", _("可批准政策文件免于解读")),
            # Explicit per group: "own organization and those below it" (see scope.py).
            ("manage_sub_organizations", _("可管理下级机构的信息资源")),
        ]
        indexes = [
            # Column lists: live resources newest first, filtered by type/org/theme.
            models.Index(fields=["live", "-pub_date", "-id"], name="lib_live_pub"),
            models.Index(fields=["resource_type", "live", "-pub_date"], name="lib_type_live_pub"),
            models.Index(fields=["source_org", "live", "-pub_date"], name="lib_org_live_pub"),
            models.Index(fields=["owner_site", "live", "-pub_date"], name="lib_site_live_pub"),
            models.Index(fields=["theme", "live", "-pub_date"], name="lib_theme_live_pub"),
            models.Index(fields=["expire_at"], name="lib_expire_at"),
            # Admin lists (信息资源 lists): a type, recently updated first, for the whole
            # platform or one organization; without them a page of 50 sorted the whole
            # type (0.3 s at 100,000 resources, issue 8 item 19).
            models.Index(
                fields=["resource_type", "-updated_at", "-id"], name="lib_admin_type_updated"
            ),
            models.Index(
                fields=["source_org", "resource_type", "-updated_at", "-id"],
                name="lib_admin_org_type_updated",
            ),
        ]

    def __str__(self):
        return self.title

    # --- type defaults -------------------------------------------------------

    def _apply_type_defaults(self):
        if not self.resource_type and self.RESOURCE_TYPE:
            self.resource_type = self.RESOURCE_TYPE
        if not self.resource_class and self.resource_type:
            self.resource_class = DEFAULT_CLASS.get(self.resource_type, ResourceClass.OTHER)

    def full_clean(self, *args, **kwargs):
        self._apply_type_defaults()
        return super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self._apply_type_defaults()
        return super().save(*args, **kwargs)

    @property
    def is_repost(self):
        """A reposted or migrated item (转载): it carries its original address."""
        return bool(self.source_url)

    @property
    def content_source(self):
        """来源 (ContentSource): the publishing organization, or for a repost the original
        issuer (rule: PUB-4, META-2)."""
        if self.source_url and self.issuing_organ:
            return self.issuing_organ
        return self.source_org.name if self.source_org_id else ""

    def clean(self):
        super().clean()
        errors = {}
        if self.resource_type == ResourceType.INTERPRETATION:
            if not self.policy_id:
                errors["policy"] = _("INTERP-2：政策解读必须关联所解读的政策文件。")
            if self.interpretation_form in (InterpretationForm.VIDEO, InterpretationForm.AUDIO):
                if not self.video_url:
                    errors["video_url"] = _("INTERP-3：视频、音频解读须填写链接。")
        if self.policy_id and self.resource_type != ResourceType.INTERPRETATION:
            errors["policy"] = _("只有政策解读可以关联政策文件。")
        if self.guide_complaint_phone and not GUIDE_PHONE_RE.match(self.guide_complaint_phone):
            errors["guide_complaint_phone"] = _(
                "GUIDE-3：监督投诉电话应为“区号-号码”格式，如 010-12345678。"
            )
        if self.owner_site_id and self.source_org_id and not self._owner_site_in_scope():
            errors["owner_site"] = _("LIB-7：所属网站必须是来源机构本级或其上级机构的网站。")
        if errors:
            raise ValidationError(errors)

    def _owner_site_in_scope(self):
        """Whether the source organization is the owner site's or one below it (LIB-7).

        A bulk import sets ``_scope_cache`` (a dict shared by the batch) so the check
        costs one query per distinct site/organization pair, not one per line.
        """
        cache = getattr(self, "_scope_cache", None)
        key = (self.owner_site_id, self.source_org_id)
        if cache is not None and key in cache:
            return cache[key]
        site_org = self.owner_site.organization
        result = organizations_in_scope(site_org).filter(pk=self.source_org_id).exists()
        if cache is not None:
            cache[key] = result
        return result

    # --- revisions -----------------------------------------------------------

    def with_content_json(self, content):
        """Keep the platform-assigned fields when restoring an older revision.

        The index number, uid and the interpretation waiver belong to the resource as
        a whole, not to one revision (rule: LIB-7 "never reused").
        """
        obj = super().with_content_json(content)
        obj.uid = self.uid
        obj.index_no = self.index_no
        obj.interpretation_waiver_reason = self.interpretation_waiver_reason
        obj.interpretation_waived_by_id = self.interpretation_waived_by_id
        obj.created_at = self.created_at
        return obj

    def publish(self, revision, user=None, **kwargs):
        """Publish through the library's rules, then Wagtail's own publish action.

        Every publish path (admin button, final workflow approval, scheduled publish,
        API) ends here via ``Revision.publish``, so the interpretation rule
        (rule: INTERP-1) and index numbers cannot be bypassed. The bulk import
        (:mod:`jiyue.library.importing`) applies the same rules batch-wise and sends
        the lines it cannot batch through here.
        """
        from ..workflow import publish_resource_revision

        return publish_resource_revision(self, revision, user=user, **kwargs)

    def _wagtail_publish(self, revision, user=None, **kwargs):
        return super().publish(revision, user=user, **kwargs)

    def get_workflow(self):
        """The workflow of the source organization, else the model's default."""
        from ..workflow import workflow_for_resource

        return workflow_for_resource(self)

    # --- display -------------------------------------------------------------

    HELD_STATUS = _("待政策发布")

    @property
    def is_held(self):
        """An approved interpretation waiting for its policy (rule: INTERP-1)."""
        if self.live or self.resource_type != ResourceType.INTERPRETATION or not self.pk:
            return False
        return hasattr(self, "held_release")

    @property
    def status_string(self):
        """Wagtail's status, or 待政策发布 for a held interpretation (not 草稿)."""
        if self.is_held:
            return self.HELD_STATUS
        return super().status_string

    @property
    def approved_schedule(self):
        # From ResourceQuerySet.annotate_listing_states when the list asked for it.
        if hasattr(self, "_approved_schedule"):
            return self._approved_schedule
        return super().approved_schedule

    @property
    def workflow_in_progress(self):
        if hasattr(self, "_workflow_in_progress"):
            return self._workflow_in_progress
        return super().workflow_in_progress

    @property
    def pub_date_display(self):
        """Publish time as ``YYYY-MM-DD HH:MM`` Beijing time (rule: META-7)."""
        return format_pub_date(self.pub_date or self.first_published_at)

    def guide_missing_categories(self):
        """Labels of the GUIDE-1 key element categories this guide leaves empty."""
        missing = []
        for fields, label in GUIDE_CATEGORIES:
            if not any(getattr(self, f) for f in fields):
                missing.append(str(label))
        return missing

    def get_preview_template(self, request, mode_name):
        return "library/resource_preview.html"


class ResourceAttachment(Orderable):
    """An attachment (附件) of a resource: a Wagtail document."""

    resource = ParentalKey(Resource, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("文件"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("附件名称"), max_length=255, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.title or self.document.title


# --- Per-type proxies (admin forms) ---------------------------------------------


class _TypedManager(models.Manager.from_queryset(ResourceQuerySet)):
    def __init__(self, resource_type):
        super().__init__()
        self.resource_type = resource_type

    def get_queryset(self):
        return super().get_queryset().filter(resource_type=self.resource_type)

    def deconstruct(self):  # managers on proxies are not serialized into migrations
        return (False, f"{__name__}._TypedManager", None, (self.resource_type,), {})


def _proxy(name, resource_type, verbose):
    meta = type(
        "Meta", (), {"proxy": True, "verbose_name": verbose, "verbose_name_plural": verbose}
    )
    return type(
        name,
        (Resource,),
        {
            "__module__": __name__,
            "RESOURCE_TYPE": resource_type,
            "Meta": meta,
            "objects": _TypedManager(resource_type),
        },
    )


NewsResource = _proxy("NewsResource", ResourceType.NEWS, _("工作动态"))
NoticeResource = _proxy("NoticeResource", ResourceType.NOTICE, _("通知公告"))
PolicyResource = _proxy("PolicyResource", ResourceType.POLICY, _("政策文件"))
InterpretationResource = _proxy(
    "InterpretationResource", ResourceType.INTERPRETATION, _("政策解读")
)
ResponseResource = _proxy("ResponseResource", ResourceType.RESPONSE, _("回应关切"))
DataReleaseResource = _proxy("DataReleaseResource", ResourceType.DATA_RELEASE, _("数据发布"))
ServiceGuideResource = _proxy("ServiceGuideResource", ResourceType.SERVICE_GUIDE, _("办事指南"))
TopicResource = _proxy("TopicResource", ResourceType.TOPIC, _("专题"))

PROXY_MODELS = {
    ResourceType.NEWS: NewsResource,
    ResourceType.NOTICE: NoticeResource,
    ResourceType.POLICY: PolicyResource,
    ResourceType.INTERPRETATION: InterpretationResource,
    ResourceType.RESPONSE: ResponseResource,
    ResourceType.DATA_RELEASE: DataReleaseResource,
    ResourceType.SERVICE_GUIDE: ServiceGuideResource,
    ResourceType.TOPIC: TopicResource,
}

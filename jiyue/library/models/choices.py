"""The library's choices and constants: resource types and classes, sharing,
validity, service-guide vocabularies, publish-time format (rule: META-7)."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiyue.standards.formats import PUB_DATE_FORMAT  # noqa: F401  re-exported (rule: META-7)


class ResourceType(models.TextChoices):
    NEWS = "news", _("工作动态")
    NOTICE = "notice", _("通知公告")
    POLICY = "policy", _("政策文件")
    INTERPRETATION = "interpretation", _("政策解读")
    RESPONSE = "response", _("回应关切")
    DATA_RELEASE = "data_release", _("数据发布")
    SERVICE_GUIDE = "service_guide", _("办事指南")
    TOPIC = "topic", _("专题")


class ResourceClass(models.TextChoices):
    """Resource classes (rule: LIB-4, CONFIG-18)."""

    GOV_DOCUMENT = "gov_document", _("政务文件")
    GOV_NEWS = "gov_news", _("政务动态")
    GOV_SERVICE = "gov_service", _("政务服务")
    INTERACTION = "interaction", _("互动交流")
    DATA = "data", _("数据")
    OTHER = "other", _("其他")


# Default resource class of each type (rule: LIB-4); editable per resource.
DEFAULT_CLASS = {
    ResourceType.NEWS: ResourceClass.GOV_NEWS,
    ResourceType.NOTICE: ResourceClass.GOV_NEWS,
    ResourceType.POLICY: ResourceClass.GOV_DOCUMENT,
    ResourceType.INTERPRETATION: ResourceClass.GOV_DOCUMENT,
    ResourceType.RESPONSE: ResourceClass.INTERACTION,
    ResourceType.DATA_RELEASE: ResourceClass.DATA,
    ResourceType.SERVICE_GUIDE: ResourceClass.GOV_SERVICE,
    ResourceType.TOPIC: ResourceClass.OTHER,
}


class ShareScope(models.TextChoices):
    """共享类型 (rule: LIB-5)."""

    UNCONDITIONAL = "unconditional", _("无条件共享")
    CONDITIONAL = "conditional", _("有条件共享")
    NONE = "none", _("不予共享")


class Validity(models.TextChoices):
    """Validity of a policy document (rule: PUB-5)."""

    VALID = "valid", _("有效")
    REVISED = "revised", _("已修订")
    REPEALED = "repealed", _("已废止")
    INVALID = "invalid", _("失效")


class InterpretationForm(models.TextChoices):
    """Forms of a 解读 (rule: INTERP-3)."""

    TEXT = "text", _("文字")
    GRAPHIC = "graphic", _("图表图解")
    VIDEO = "video", _("视频")
    AUDIO = "audio", _("音频")
    ANIMATION = "animation", _("动漫")


class GuideItemType(models.TextChoices):
    """事项类型 (rule: GUIDE-6)."""

    LICENSING = "licensing", _("行政许可")
    CONFIRMATION = "confirmation", _("行政确认")
    ADJUDICATION = "adjudication", _("行政裁决")
    PAYMENT = "payment", _("行政给付")
    REWARD = "reward", _("行政奖励")
    FILING = "filing", _("行政备案")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class GuideScope(models.TextChoices):
    """受理范围 (rule: GUIDE-3)."""

    PERSON = "person", _("个人")
    LEGAL_PERSON = "legal_person", _("法人")
    BOTH = "both", _("个人及法人")


# rule: GUIDE-3 — supervision phone "区号-号码".
GUIDE_PHONE_RE = re.compile(r"^\d{3,4}-\d{7,8}$")

# rule: GUIDE-1 — the ten key element categories, as (field name(s), label).
GUIDE_CATEGORIES = [
    (("guide_item_name",), _("事项名称")),
    (("guide_legal_basis",), _("设定依据")),
    (("guide_conditions",), _("申请条件")),
    (("guide_materials",), _("办理材料")),
    (("guide_location",), _("办理地点")),
    (("guide_agency",), _("办理机构")),
    (("guide_fee_standard", "guide_is_free"), _("收费标准")),
    (("guide_hours",), _("办理时间")),
    (("guide_phone",), _("联系电话")),
    (("guide_process",), _("办理流程")),
]

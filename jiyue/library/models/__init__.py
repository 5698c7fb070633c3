"""Library data: resources (信息资源), themes, review bookkeeping and API tokens.

Split by concern: :mod:`.choices`, :mod:`.taxonomy` (Theme), :mod:`.resources`
(the one resource table, attachments and the per-type proxies), :mod:`.review`
(index numbers, held interpretations, organization workflows), :mod:`.tokens`.
"""

from .choices import (
    DEFAULT_CLASS,
    GUIDE_CATEGORIES,
    GUIDE_PHONE_RE,
    PUB_DATE_FORMAT,
    GuideItemType,
    GuideScope,
    InterpretationForm,
    ResourceClass,
    ResourceType,
    ShareScope,
    Validity,
)
from .resources import (
    PROXY_MODELS,
    DataReleaseResource,
    InterpretationResource,
    NewsResource,
    NoticeResource,
    PolicyResource,
    Resource,
    ResourceAttachment,
    ResourceQuerySet,
    ResponseResource,
    ServiceGuideResource,
    TopicResource,
)
from .review import HeldInterpretation, IndexNumberCounter, OrganizationWorkflow
from .taxonomy import Theme
from .tokens import ApiToken

__all__ = [
    "DEFAULT_CLASS",
    "GUIDE_CATEGORIES",
    "GUIDE_PHONE_RE",
    "PROXY_MODELS",
    "PUB_DATE_FORMAT",
    "ApiToken",
    "DataReleaseResource",
    "GuideItemType",
    "GuideScope",
    "HeldInterpretation",
    "IndexNumberCounter",
    "InterpretationForm",
    "InterpretationResource",
    "NewsResource",
    "NoticeResource",
    "OrganizationWorkflow",
    "PolicyResource",
    "Resource",
    "ResourceAttachment",
    "ResourceClass",
    "ResourceQuerySet",
    "ResourceType",
    "ResponseResource",
    "ServiceGuideResource",
    "ShareScope",
    "Theme",
    "TopicResource",
    "Validity",
]

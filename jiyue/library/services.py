"""The library's public functions. Other apps call these, never the tables directly.

- Drafting: :func:`create_draft` (the API and the importer use it).
- Review: Wagtail workflows (:mod:`jiyue.library.workflow`).
- Choices other apps filter on: ``ResourceType``, ``ShareScope``, ``Validity``; the
  ``Resource`` model itself for querysets and signal senders.

Distribution (which columns show a resource) is the portal's:
:mod:`jiyue.portal.services`. The library knows no columns, pages or sites' trees.
"""

from django.db import transaction

from .importing import UnstorableText, check_storable_text, import_lines, validation_messages
from .models import (
    PROXY_MODELS,
    GuideItemType,
    GuideScope,
    Resource,
    ResourceType,
    ShareScope,
    Validity,
)
from .richtext import clean_body
from .workflow import (
    WORKFLOW_STEPS,
    InterpretationRequired,
    set_organization_workflow,
    setup_library_workflow,
    waive_interpretation,
    workflow_for_resource,
)

__all__ = [
    "WORKFLOW_STEPS",
    "GuideItemType",
    "GuideScope",
    "InterpretationRequired",
    "Resource",
    "ResourceType",
    "ShareScope",
    "UnstorableText",
    "Validity",
    "check_storable_text",
    "create_draft",
    "import_lines",
    "live_resources",
    "placement_filter",
    "publish_now",
    "register_placement_filters",
    "resource_classes",
    "set_organization_workflow",
    "setup_library_workflow",
    "unpublish",
    "validation_messages",
    "waive_interpretation",
    "workflow_for_resource",
]


def resource_classes():
    """``Resource`` and its per-type proxies: the senders of a resource's signals."""
    return [Resource, *PROXY_MODELS.values()]


def live_resources():
    """Every live resource; the only queryset public pages may read (rule: LIB-1)."""
    return Resource.objects.live()


@transaction.atomic
def create_draft(user=None, log_action="wagtail.create", **fields):
    """Create a resource as an unpublished draft with a first revision.

    The body is cleaned to the admin editor's allow-list first (rule: PLATFORM-7,
    :mod:`jiyue.library.richtext`): callers pass HTML from outside the editor.
    Validates with the model's rules (``full_clean``) and raises ValidationError.
    The draft then goes through review like one created in the admin.
    """
    if fields.get("body"):
        fields["body"] = clean_body(fields["body"])
    resource_type = fields.get("resource_type")
    model = PROXY_MODELS.get(resource_type, Resource)
    resource = model(**fields)
    resource.live = False
    resource.has_unpublished_changes = True
    resource.full_clean()
    resource.save()
    resource.save_revision(user=user, log_action=log_action, clean=False)
    return resource


def publish_now(resource, user=None):
    """Publish the latest revision directly (bulk import with ``--publish``, tests).

    Bypasses the review workflow; callers must be explicitly authorised for that.
    """
    revision = resource.get_latest_revision() or resource.save_revision(user=user)
    revision.publish(user=user, skip_permission_checks=True)
    resource.refresh_from_db()
    return resource


def unpublish(resource, user=None):
    """Take a resource off every site at once (listings derive from live state)."""
    resource.unpublish(user=user)
    return resource


# --- Placement filters of the resources API (显示位置筛选, a hook) ---------------------------
# Which resources a column or a site shows is distribution, the portal's knowledge; the
# library knows no columns. The portal registers its filters here in its
# ``AppConfig.ready()`` and the resources API (:mod:`jiyue.library.api`) asks for them,
# so the library never imports the portal (layers: library below portal).
_placement_filters = {}


def register_placement_filters(*, column, site):
    """Register the API's ``column`` and ``site`` filters.

    ``column(column_id)`` returns a ``Q`` on resources shown in that live, public column
    and raises ``Http404`` for a missing or unpublished one; ``site(site_id)`` returns a
    ``Q`` on resources shown in any column of that site (the site's own resources are
    added by the API).
    """
    _placement_filters.update(column=column, site=site)


def placement_filter(name):
    """The registered ``column`` or ``site`` filter, or None (portal not installed)."""
    return _placement_filters.get(name)

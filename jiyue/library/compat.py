"""Every Wagtail internal the library (信息资源库) relies on, in one place (issue 7).

Imported from this module only and pinned by ``tests/test_upgrade_contracts.py``, so
a Wagtail upgrade that moves one of them fails there first, by name:

* the snippet chooser's internal views and the snippet delete bulk action, replaced
  by scoped versions in :mod:`.admin_isolation` (rule: PLATFORM-F4 权限管理);
* the dashboard's ``WorkflowObjectsToModeratePanel``, narrowed there as well;
* ``ReferenceIndex``'s private helpers, with which the bulk importer
  (:mod:`.importing`) writes the rows Wagtail's per-object task would write.
"""

import importlib

from wagtail.models import ReferenceIndex

# The admin internals are loaded on first use (PEP 562 ``__getattr__`` below): this
# module is also imported while the models load (the importer, through
# library.services), and Wagtail's admin views need the app registry to be ready.
_ADMIN_INTERNALS = {
    "ChooseResultsView": "wagtail.snippets.views.chooser",
    "ChooseView": "wagtail.snippets.views.chooser",
    "SnippetChooserViewSet": "wagtail.snippets.views.chooser",
    "SnippetChosenMultipleView": "wagtail.snippets.views.chooser",
    "SnippetChosenView": "wagtail.snippets.views.chooser",
    "DeleteBulkAction": "wagtail.snippets.bulk_actions.delete",
    "WorkflowObjectsToModeratePanel": "wagtail.admin.views.home",
}


def __getattr__(name):
    if name in _ADMIN_INTERNALS:
        return getattr(importlib.import_module(_ADMIN_INTERNALS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def references_of(obj):
    """``(to_content_type_id, to_object_id, model_path, content_path)`` of every
    reference ``obj`` holds, as Wagtail's reference index extracts them."""
    return set(ReferenceIndex._extract_references_from_object(obj))


def content_path_hash(content_path):
    """The ``content_path_hash`` Wagtail stores beside ``content_path``."""
    return ReferenceIndex._get_content_path_hash(content_path)

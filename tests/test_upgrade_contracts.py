"""What Jiyue relies on in Django's and Wagtail's internals, pinned in one place (issue 7).

A few places use an internal (a private method, an internal view class, a URL name, a
data layout) because no public API does the job. Each app keeps every such use in its
own ``compat.py`` (``jiyue/isolation``, ``jiyue/library``, ``jiyue/security``,
``jiyue/frontcache``), and each is pinned here through that module, so that after a
Django or Wagtail upgrade this file fails first and names what changed, instead of
isolation, the exports or the page cache silently doing less. When an internal gets a
public replacement, switch to it and drop its test.
"""

import ast
import inspect
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.models import Page, ReferenceIndex, Site
from wagtail.permission_policies.sites import SitePermissionPolicy

from jiyue.frontcache import compat as frontcache_compat
from jiyue.isolation import compat as isolation_compat
from jiyue.isolation.policies import ScopedSitePermissionPolicy
from jiyue.library import compat as library_compat
from jiyue.library.models import Resource
from jiyue.registry import compat as registry_compat
from jiyue.security import compat as security_compat

JIYUE = Path(__file__).resolve().parent.parent / "jiyue"


# --- isolation ------------------------------------------------------------------------


def test_site_policy_base_still_reaches_the_private_global_permission_check():
    """isolation.compat.SitePolicyBase hooks ``_user_has_global_permission`` (rule: PLATFORM-F4)."""
    original = SitePermissionPolicy._user_has_global_permission
    assert list(inspect.signature(original).parameters) == ["self", "user", "actions"]
    assert isolation_compat.SitePolicyBase._user_has_global_permission is not original
    assert issubclass(ScopedSitePermissionPolicy, isolation_compat.SitePolicyBase)
    # Wagtail's public checks still go through it, so the hook is reached.
    source = inspect.getsource(SitePermissionPolicy)
    assert "_user_has_global_permission(" in source


@pytest.mark.parametrize(
    "view",
    [
        isolation_compat.ExplorableIndexView,
        isolation_compat.SearchView,
        isolation_compat.ContentTypeUseView,
    ],
)
def test_page_listing_views_isolation_subclasses_still_pass_through_annotate_queryset(view):
    """isolation.pages scopes these internal listing views in ``annotate_queryset``,
    which each passes its whole queryset through (rule: PLATFORM-F4)."""
    assert hasattr(view, "annotate_queryset")
    source = "".join(
        inspect.getsource(klass) for klass in view.__mro__ if "wagtail" in klass.__module__
    )
    assert "self.annotate_queryset(" in source


def test_page_listing_filters_isolation_narrows_still_exist():
    filterset = isolation_compat.GenericPageFilterSet
    assert issubclass(isolation_compat.SiteFilter, object)
    assert issubclass(isolation_compat.EditedByFilter, object)
    assert {"site", "edited_by"} <= set(filterset.base_filters)


@pytest.mark.parametrize(
    "action",
    [
        isolation_compat.DeleteBulkAction,
        isolation_compat.MoveBulkAction,
        isolation_compat.PublishBulkAction,
        isolation_compat.UnpublishBulkAction,
        isolation_compat.ImageAddTagsBulkAction,
        isolation_compat.ImageAddToCollectionBulkAction,
        isolation_compat.ImageDeleteBulkAction,
        isolation_compat.DocumentAddTagsBulkAction,
        isolation_compat.DocumentAddToCollectionBulkAction,
        isolation_compat.DocumentDeleteBulkAction,
        library_compat.DeleteBulkAction,
    ],
)
def test_bulk_actions_isolation_replaces_still_check_each_object(action):
    """isolation.bulk wraps ``check_perm`` of the bulk actions it replaces (rule: PLATFORM-F4)."""
    assert callable(action.check_perm)
    assert action.action_type


@pytest.mark.parametrize(
    "viewset", [isolation_compat.ImagesAdminAPIViewSet, isolation_compat.DocumentsAdminAPIViewSet]
)
def test_admin_api_endpoints_isolation_replaces_still_filter_a_queryset(viewset):
    assert callable(viewset.get_queryset)


def test_page_chooser_still_reads_its_page_type_parameter_with_the_helper():
    assert isolation_compat.page_models_from_string("wagtailcore.Page") == (Page,)


def _reverse_with_page_ids(name):
    """Reverse ``name`` with no, one or two page ids (e.g. move: page and destination)."""
    for args in ([], [1], [1, 2]):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    raise NoReverseMatch(name)


def test_wagtail_url_names_isolation_refers_to_still_resolve():
    for name in isolation_compat.WAGTAIL_URL_NAMES:
        _reverse_with_page_ids(name)


# --- library --------------------------------------------------------------------------


def test_reference_index_private_helpers_the_importer_uses_still_exist():
    """library.compat wraps the two helpers the bulk importer writes rows with."""
    assert callable(ReferenceIndex._extract_references_from_object)
    assert library_compat.content_path_hash("body") == library_compat.content_path_hash("body")
    assert library_compat.content_path_hash("body") != library_compat.content_path_hash("intro")


def test_snippet_chooser_and_dashboard_internals_the_library_narrows_still_exist():
    for name in (
        "ChooseResultsView",
        "ChooseView",
        "SnippetChooserViewSet",
        "SnippetChosenMultipleView",
        "SnippetChosenView",
        "WorkflowObjectsToModeratePanel",
    ):
        assert inspect.isclass(getattr(library_compat, name)), name
    assert hasattr(library_compat.WorkflowObjectsToModeratePanel, "get_context_data")


def test_resource_keeps_wagtails_publish_under_the_name_the_workflow_calls():
    """library.workflow wraps publishing and calls Wagtail's public ``publish`` as
    ``Resource._wagtail_publish`` (Jiyue's own name, not a Wagtail internal)."""
    assert callable(Resource._wagtail_publish)


# --- security -------------------------------------------------------------------------


def test_spreadsheet_exports_still_pass_every_value_through_preprocess_field_value():
    """security.compat wraps this method once so CSV exports cannot run formulas (PLATFORM-7)."""
    method = SpreadsheetExportMixin.preprocess_field_value
    assert list(inspect.signature(method).parameters) == [
        "self",
        "field",
        "value",
        "export_format",
    ]
    assert method.neutralizes_formulas  # installed by SecurityConfig.ready()
    assert method(SpreadsheetExportMixin(), "title", "=1+1", "csv") == "'=1+1"


def test_audit_trail_report_internals_still_exist():
    assert "list_export" in vars(security_compat.LogEntriesView)
    assert "user" in security_compat.SiteHistoryReportFilterSet.base_filters


def test_wagtail_url_names_security_refers_to_still_resolve():
    for name in (security_compat.ADMIN_HOME_VIEW, *security_compat.SECOND_FACTOR_EXEMPT_VIEWS):
        reverse(name)


# --- frontcache -----------------------------------------------------------------------


@pytest.mark.django_db
def test_run_on_commit_entries_hold_the_callable_second():
    """frontcache.compat finds its pending batch as ``entry[1]`` of run_on_commit."""

    def marker():
        return None

    def other():
        return None

    with transaction.atomic():
        transaction.on_commit(marker)
        assert frontcache_compat.is_queued_on_commit(connection, marker)
        assert not frontcache_compat.is_queued_on_commit(connection, other)


@pytest.mark.django_db
def test_find_for_request_answers_the_remembered_site_without_a_query(
    django_assert_num_queries, rf
):
    """registry.compat hands Wagtail the request's site through ``_wagtail_site``."""
    site = Site(hostname="remembered.example.gov.cn", port=80)
    request = rf.get("/", HTTP_HOST="other.example.gov.cn")
    registry_compat.remember_wagtail_site(request, site)
    with django_assert_num_queries(0):
        assert Site.find_for_request(request) is site


# --- nothing outside the compat modules ------------------------------------------------

# Module paths and names that are Wagtail/Django internals (see the modules above).
INTERNAL_MODULES = (
    "wagtail.admin.views.pages.",
    "wagtail.admin.views.chooser",
    "wagtail.admin.views.home",
    "wagtail.admin.views.reports.",
    "wagtail.admin.views.mixins",
    "wagtail.snippets.views.chooser",
    "wagtail.snippets.bulk_actions.",
    "wagtail.images.views.bulk_actions.",
    "wagtail.documents.views.bulk_actions.",
    "wagtail.images.api.admin.",
    "wagtail.documents.api.admin.",
    "wagtail.permission_policies.sites",
)
INTERNAL_NAMES = (
    "_user_has_global_permission",
    "_extract_references_from_object",
    "_get_content_path_hash",
    "run_on_commit",
    "_wagtail_site",
)


def _python_files():
    return [path for path in JIYUE.rglob("*.py") if "migrations" not in path.parts]


def test_only_the_compat_modules_use_wagtail_and_django_internals():
    offenders = []
    for path in _python_files():
        if path.name in {"compat.py", "apps.py"}:
            continue  # apps.py only installs what compat.py provides
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                if (node.module + ".").startswith(INTERNAL_MODULES):
                    offenders.append(f"{path.relative_to(JIYUE)}: from {node.module}")
            elif isinstance(node, ast.Attribute) and node.attr in INTERNAL_NAMES:
                offenders.append(f"{path.relative_to(JIYUE)}: .{node.attr}")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value.startswith(("wagtailadmin_", "wagtailadmin:")):
                    offenders.append(f"{path.relative_to(JIYUE)}: {node.value!r}")
    assert offenders == []


def test_standards_imports_nothing_of_wagtail():
    """standards is the bottom layer: rules and validators only (issue 7)."""
    for path in (JIYUE / "standards").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = [
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        ]
        assert not [m for m in modules if m and m.split(".")[0] == "wagtail"], path

"""What Jiyue relies on in Django's and Wagtail's internals, pinned in one place (issue 7).

A few places use an internal (a private method, an internal view class, a URL name, a
data layout) because no public API does the job. Each is pinned here, so that after a
Django or Wagtail upgrade this file fails first and names what changed, instead of
isolation or the page cache silently doing less. When an internal gets a public
replacement, switch to it and drop its test.
"""

import inspect

import pytest
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from wagtail.admin.views.pages.listing import ExplorableIndexView
from wagtail.admin.views.pages.search import SearchView
from wagtail.admin.views.pages.usage import ContentTypeUseView
from wagtail.models import ReferenceIndex
from wagtail.permission_policies.sites import SitePermissionPolicy

from jiyue.isolation import middleware as isolation_middleware
from jiyue.isolation import pages as isolation_pages
from jiyue.isolation.policies import ScopedSitePermissionPolicy
from jiyue.library.models import Resource


def test_site_policy_still_asks_the_private_global_permission_check():
    """isolation.policies overrides ``_user_has_global_permission`` (rule: PLATFORM-F4)."""
    original = SitePermissionPolicy._user_has_global_permission
    assert list(inspect.signature(original).parameters) == ["self", "user", "actions"]
    assert ScopedSitePermissionPolicy._user_has_global_permission is not original
    # Wagtail's public checks still go through it, so the override is reached.
    source = inspect.getsource(SitePermissionPolicy)
    assert "_user_has_global_permission(" in source


@pytest.mark.parametrize("view", [ExplorableIndexView, SearchView, ContentTypeUseView])
def test_page_listing_views_isolation_subclasses_still_exist(view):
    """isolation.pages scopes these internal listing views in ``annotate_queryset``,
    which each passes its whole queryset through (rule: PLATFORM-F4)."""
    assert hasattr(view, "annotate_queryset")
    source = "".join(
        inspect.getsource(klass) for klass in view.__mro__ if "wagtail" in klass.__module__
    )
    assert "self.annotate_queryset(" in source


def test_wagtail_url_names_isolation_refers_to_still_resolve():
    names = [
        isolation_middleware.CHOSEN_PAGES_VIEW,
        isolation_middleware.CHOOSER_START_VIEW,
        *isolation_pages.CHOOSER_BROWSE_VIEWS,
    ]
    for name in names:
        try:
            reverse(name)
        except NoReverseMatch:
            reverse(name, args=[1])  # views that take a page id


def test_reference_index_private_helpers_the_importer_uses_still_exist():
    """library.importing writes ReferenceIndex rows in bulk with these two helpers."""
    assert callable(ReferenceIndex._extract_references_from_object)
    assert ReferenceIndex._get_content_path_hash("body") == ReferenceIndex._get_content_path_hash(
        "body"
    )


def test_resource_keeps_wagtails_publish_under_the_name_the_workflow_calls():
    """library.workflow wraps publishing and calls the original as ``_wagtail_publish``."""
    assert callable(Resource._wagtail_publish)


@pytest.mark.django_db
def test_run_on_commit_entries_hold_the_callable_second():
    """frontcache.invalidation finds its pending batch as ``entry[1]`` of run_on_commit."""

    def marker():
        return None

    with transaction.atomic():
        transaction.on_commit(marker)
        assert any(entry[1] is marker for entry in connection.run_on_commit)

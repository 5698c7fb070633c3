"""The isolation pieces that live outside the registry app are actually switched on."""

import importlib
import os

from django.urls import resolve

from jiyue.isolation.pages import ScopedPageViewSet

from .conftest import ISOLATION_MIDDLEWARE

SETTINGS = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])


def test_isolation_middleware_is_in_the_settings():
    middleware = list(SETTINGS.MIDDLEWARE)
    assert ISOLATION_MIDDLEWARE in middleware
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware.index(ISOLATION_MIDDLEWARE) > auth


def test_page_admin_is_served_by_the_scoped_viewset():
    from wagtail.admin.viewsets.pages import page_viewset_registry
    from wagtail.models import Page

    resolve("/admin/pages/")  # loads the admin URLs and with them the viewsets
    assert isinstance(page_viewset_registry.get_by_type(Page), ScopedPageViewSet)


def test_page_search_is_not_configured_to_skip_permissions():
    assert getattr(SETTINGS, "WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS", True) is True

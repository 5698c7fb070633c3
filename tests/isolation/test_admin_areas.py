"""Admin areas a site's editor has no business in, and Django's own admin.

Editors hold no permission on Wagtail's sites, users, groups, collections,
redirects and workflows, so Wagtail refuses them; Django's admin is for
superusers only (rule: PLATFORM-F4 权限管理, PLATFORM-7).
"""

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from .conftest import ISOLATION_MIDDLEWARE, MARK_B, body_text, check_urls

pytestmark = pytest.mark.django_db


def platform_admin_urls(world):
    b = world.b
    return [
        ("sites", reverse("wagtailsites:index")),
        ("site B", reverse("wagtailsites:edit", args=[b.site.pk])),
        ("users", reverse("wagtailusers_users:index")),
        ("user B", reverse("wagtailusers_users:edit", args=[b.editor.pk])),
        ("groups", reverse("wagtailusers_groups:index")),
        ("collections", reverse("wagtailadmin_collections:index")),
        ("collection B", reverse("wagtailadmin_collections:edit", args=[b.collection.pk])),
        (
            "collection B privacy",
            reverse("wagtailadmin_collections:set_privacy", args=[b.collection.pk]),
        ),
        ("redirects", reverse("wagtailredirects:index")),
        ("workflows", reverse("wagtailadmin_workflows:index")),
        ("workflow tasks", reverse("wagtailadmin_workflows:task_index")),
    ]


@pytest.mark.parametrize("who", ["site editor", "supervisor"])
def test_platform_admin_areas_refuse_site_staff(world, as_user, who):
    user = world.a.editor if who == "site editor" else world.supervisor
    cases = [(name, url, 302) for name, url in platform_admin_urls(world)]
    assert check_urls(as_user(user), cases) == []


def test_superuser_reaches_the_platform_admin_areas(world, as_user):
    cases = [(name, url, "") for name, url in platform_admin_urls(world)]
    assert check_urls(as_user(world.superuser), cases) == []


def test_search_promotions_are_not_installed():
    with pytest.raises(NoReverseMatch):
        reverse("wagtailsearchpromotions:index")


@pytest.mark.parametrize("path", ["/django-admin/", "/django-admin/wagtailimages/image/"])
def test_django_admin_is_for_superusers_only(world, as_user, path):
    for user in (world.a.editor, world.supervisor):
        response = as_user(user).get(path)
        assert response.status_code == 403, (user, path)
        assert MARK_B not in body_text(response)
    assert as_user(world.superuser).get(path).status_code == 200


def test_django_admin_still_shows_its_login_page(client):
    response = client.get("/django-admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/django-admin/login/")


def test_stock_django_admin_lets_staff_in_without_the_middleware(world, settings):
    """Why the middleware must be installed: stock Django admits any ``is_staff`` user."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != ISOLATION_MIDDLEWARE]
    bare = Client()  # a new client loads the middleware list anew
    bare.force_login(world.a.editor)
    assert bare.get("/django-admin/").status_code == 200

"""Editor A is refused on every page view of site B; B's editor and the supervisor are not.

Rule: PLATFORM-F4 (权限管理) — a site's editors see and change only their own pages.
"""

import pytest
from django.urls import reverse
from wagtail.models import Page

from .conftest import MARK_B, body_text, check_urls, refusal_problems

pytestmark = pytest.mark.django_db


def page_view_urls(s):
    """(name, url, text a permitted user sees) for the page views of site ``s``."""
    draft = s.draft
    revision = draft.latest_revision_id
    return [
        ("edit", reverse("wagtailadmin_pages:edit", args=[draft.pk]), draft.title),
        (
            "add sub-column",
            reverse("wagtailadmin_pages:add", args=["portal", "columnpage", s.column.pk]),
            "",
        ),
        ("delete", reverse("wagtailadmin_pages:delete", args=[draft.pk]), draft.title),
        (
            "unpublish",
            reverse("wagtailadmin_pages:unpublish", args=[s.article.pk]),
            s.article.title,
        ),
        ("move", reverse("wagtailadmin_pages:move", args=[draft.pk]), draft.title),
        ("copy", reverse("wagtailadmin_pages:copy", args=[draft.pk]), draft.title),
        ("history", reverse("wagtailadmin_pages:history", args=[draft.pk]), draft.title),
        (
            "revisions compare",
            reverse("wagtailadmin_pages:revisions_compare", args=[draft.pk, "earliest", "latest"]),
            draft.title,
        ),
        (
            "revisions revert",
            reverse("wagtailadmin_pages:revisions_revert", args=[draft.pk, revision]),
            draft.title,
        ),
        (
            "revision view",
            reverse("wagtailadmin_pages:revisions_view", args=[draft.pk, revision]),
            "",
        ),
        ("view draft", reverse("wagtailadmin_pages:view_draft", args=[draft.pk]), ""),
        ("preview", reverse("wagtailadmin_pages:preview_on_edit", args=[draft.pk]), ""),
        ("usage", reverse("wagtailadmin_pages:usage", args=[draft.pk]), draft.title),
        ("privacy", reverse("wagtailadmin_pages:set_privacy", args=[draft.pk]), ""),
        (
            "workflow history",
            reverse("wagtailadmin_pages:workflow_history", args=[s.in_review.pk]),
            s.in_review.title,
        ),
    ]


def workflow_preview_url(s):
    task = s.in_review.current_workflow_task
    return reverse("wagtailadmin_pages:workflow_preview", args=[s.in_review.pk, task.pk])


def test_editor_is_refused_on_every_page_view_of_another_site(world, as_user):
    client = as_user(world.a.editor)
    cases = [(name, url, 302) for name, url, _text in page_view_urls(world.b)]
    cases.append(("workflow preview", workflow_preview_url(world.b), 302))
    assert check_urls(client, cases) == []


@pytest.mark.parametrize("who", ["site editor", "supervisor"])
def test_owner_and_supervisor_open_the_same_page_views(world, as_user, who):
    user = world.b.editor if who == "site editor" else world.supervisor
    cases = page_view_urls(world.b)
    assert check_urls(as_user(user), cases) == []


def test_explorer_sends_the_editor_back_to_their_own_site(world, as_user):
    client = as_user(world.a.editor)
    own_root = reverse("wagtailadmin_explore", args=[world.a.home.pk])
    for url in (
        reverse("wagtailadmin_explore_root"),
        reverse("wagtailadmin_explore", args=[world.b.home.pk]),
        reverse("wagtailadmin_explore", args=[world.b.column.pk]),
        reverse("wagtailadmin_explore_results", args=[world.b.column.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == own_root, url
    listing = client.get(reverse("wagtailadmin_explore", args=[world.a.column.pk]))
    assert listing.status_code == 200
    assert world.a.draft.title in body_text(listing)
    assert MARK_B not in body_text(listing)


def test_explorer_lists_another_site_for_its_editor_and_the_supervisor(world, as_user):
    for user in (world.b.editor, world.supervisor):
        response = as_user(user).get(reverse("wagtailadmin_explore", args=[world.b.column.pk]))
        assert response.status_code == 200
        assert world.b.draft.title in body_text(response)


def test_explorer_filters_offer_only_the_editors_own_site_and_colleagues(world, as_user):
    """Stock Wagtail offers every site, page owner and editor as filter choices."""
    url = reverse("wagtailadmin_explore", args=[world.a.home.pk]) + "?q=通知&search_all=1"
    text = body_text(as_user(world.a.editor).get(url))
    assert world.a.draft.title in text
    assert world.b.gov_site.name not in text
    assert world.b.editor.username not in text
    text = body_text(as_user(world.supervisor).get(url.replace(str(world.a.home.pk), "1", 1)))
    assert world.b.gov_site.name in text


def test_page_search_finds_only_the_editors_own_pages(world, as_user):
    url = reverse("wagtailadmin_pages:search") + "?q=通知"
    own = body_text(as_user(world.a.editor).get(url))
    assert world.a.draft.title in own
    assert MARK_B not in own
    results_url = reverse("wagtailadmin_pages:search_results") + "?q=通知"
    results = body_text(as_user(world.a.editor).get(results_url))
    assert world.a.article.title in results
    assert MARK_B not in results
    everything = body_text(as_user(world.supervisor).get(url))
    assert world.a.draft.title in everything
    assert world.b.draft.title in everything


def test_page_search_stays_scoped_when_wagtail_would_not_filter_it(world, as_user, settings):
    """``WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS = False`` must not open other sites."""
    settings.WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS = False
    text = body_text(as_user(world.a.editor).get(reverse("wagtailadmin_pages:search") + "?q=通知"))
    assert world.a.draft.title in text
    assert MARK_B not in text


def test_pages_of_a_type_list_only_the_editors_own(world, as_user):
    url = reverse("wagtailadmin_pages:type_use", args=["portal", "columnpage"])
    text = body_text(as_user(world.a.editor).get(url))
    assert world.a.article.title in text
    assert MARK_B not in text
    assert world.b.gov_site.name not in text


def test_editor_cannot_publish_another_sites_draft(world, as_user):
    draft = world.b.draft
    response = as_user(world.a.editor).post(
        reverse("wagtailadmin_pages:edit", args=[draft.pk]),
        {"title": "篡改", "slug": draft.slug, "action-publish": "action-publish"},
    )
    assert refusal_problems(response, 302) == []
    draft.refresh_from_db()
    assert not draft.live
    assert draft.title == "通知：乙站机密草稿"


def test_editor_cannot_unpublish_delete_or_lock_another_sites_pages(world, as_user):
    client = as_user(world.a.editor)
    article = world.b.article
    for view in ("unpublish", "delete", "lock"):
        response = client.post(reverse(f"wagtailadmin_pages:{view}", args=[article.pk]))
        assert refusal_problems(response, 302) == [], view
    article.refresh_from_db()
    assert article.live
    assert not article.locked


def test_editor_cannot_move_or_copy_pages_across_sites(world, as_user):
    client = as_user(world.a.editor)
    b_column, a_article = world.b.column, world.a.article
    # Another site's page into their own site (and, on the way, no answer to "is
    # this slug taken under that page?").
    for page, destination in ((world.b.article, world.a.column), (world.b.article, world.a.draft)):
        response = client.post(
            reverse("wagtailadmin_pages:move_confirm", args=[page.pk, destination.pk])
        )
        assert refusal_problems(response, 403) == []
    # Their own page into another site.
    response = client.post(
        reverse("wagtailadmin_pages:move_confirm", args=[a_article.pk, b_column.pk])
    )
    assert refusal_problems(response, 403) == []
    a_article.refresh_from_db()
    assert a_article.get_parent().pk == world.a.column.pk
    # Copy into another site: refused before the form names the destination.
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[a_article.pk]),
        {"new_title": "复制", "new_slug": "copied", "new_parent_page": b_column.pk},
    )
    assert refusal_problems(response, 302) == []
    assert not Page.objects.filter(slug="copied").exists()
    response = client.get(
        reverse("wagtailadmin_pages:copy", args=[a_article.pk]) + f"?new_parent_page={b_column.pk}"
    )
    assert refusal_problems(response, 302) == []


def test_editor_copies_within_their_own_site(world, as_user):
    response = as_user(world.a.editor).post(
        reverse("wagtailadmin_pages:copy", args=[world.a.article.pk]),
        {"new_title": "复制", "new_slug": "copied", "new_parent_page": world.a.column.pk},
    )
    assert response.status_code == 302
    assert Page.objects.get(slug="copied").get_parent().pk == world.a.column.pk


def test_admin_api_shows_only_the_editors_own_pages(world, as_user):
    client = as_user(world.a.editor)
    listing_url = reverse("wagtailadmin_api:pages:listing") + "?child_of=root&for_explorer=1"
    listing = client.get(listing_url)
    assert listing.status_code == 200
    assert world.a.home.title in body_text(listing)
    assert MARK_B not in body_text(listing)
    detail = client.get(reverse("wagtailadmin_api:pages:detail", args=[world.b.draft.pk]))
    assert refusal_problems(detail, 404) == []
    action = client.post(
        reverse("wagtailadmin_api:pages:action", args=[world.b.draft.pk, "publish"]),
        {},
        content_type="application/json",
    )
    assert refusal_problems(action, 404) == []

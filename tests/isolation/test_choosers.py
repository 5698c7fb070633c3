"""Page choosers (also "link to internal page" in rich text) show only the editor's sites.

Stock Wagtail's page chooser browses and searches the whole tree for everyone.
Rule: PLATFORM-F4 (权限管理).
"""

import pytest
from django.test import Client
from django.urls import reverse

from jiyue.library.models import PolicyResource
from jiyue.portal.models import ColumnPage

from .conftest import MARK_A, MARK_B, body_text, refusal_problems

pytestmark = pytest.mark.django_db

RICH_TEXT_LINK = "?allow_external_link=true&allow_email_link=true&allow_phone_link=true"


def chooser_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return body_text(response)


@pytest.mark.parametrize(
    "query",
    ["", RICH_TEXT_LINK, "?page_type=portal.columnpage"],
    ids=["page chooser", "rich text link", "column chooser"],
)
def test_chooser_root_offers_only_the_editors_own_home(world, as_user, query):
    text = chooser_text(as_user(world.a.editor), reverse("wagtailadmin_choose_page") + query)
    assert world.a.home.title in text
    assert MARK_B not in text


def test_chooser_browses_the_editors_own_pages(world, as_user):
    url = reverse("wagtailadmin_choose_page_child", args=[world.a.column.pk]) + RICH_TEXT_LINK
    text = chooser_text(as_user(world.a.editor), url)
    assert world.a.article.title in text
    assert world.a.draft.title in text


def test_chooser_refuses_to_browse_into_another_site(world, as_user):
    client = as_user(world.a.editor)
    for page in (world.b.home, world.b.column, world.b.draft):
        for query in ("", RICH_TEXT_LINK):
            url = reverse("wagtailadmin_choose_page_child", args=[page.pk]) + query
            assert refusal_problems(client.get(url), 404) == [], url


def test_chooser_search_finds_only_the_editors_own_pages(world, as_user):
    queries = ("?q=通知", "?q=通知&" + RICH_TEXT_LINK[1:], "?q=通知&page_type=portal.columnpage")
    for query in queries:
        url = reverse("wagtailadmin_choose_page_search") + query
        text = chooser_text(as_user(world.a.editor), url)
        assert world.a.draft.title in text, query
        assert MARK_B not in text, query


def test_chosen_step_refuses_another_sites_page_ids(world, as_user):
    client = as_user(world.a.editor)
    url = reverse("wagtailadmin_choose_page_chosen_multiple")
    refused = client.get(f"{url}?id={world.a.article.pk}&id={world.b.draft.pk}")
    assert refusal_problems(refused, 403) == []
    chosen = client.get(f"{url}?id={world.a.article.pk}")
    assert chosen.status_code == 200
    assert world.a.article.title in body_text(chosen)


def test_other_sites_editor_and_supervisor_choose_there(world, as_user):
    editor_b = as_user(world.b.editor)
    url = reverse("wagtailadmin_choose_page_child", args=[world.b.column.pk])
    assert world.b.draft.title in chooser_text(editor_b, url)
    supervisor = as_user(world.supervisor)
    root = chooser_text(supervisor, reverse("wagtailadmin_choose_page"))
    assert world.a.home.title in root
    assert world.b.home.title in root
    found = chooser_text(supervisor, reverse("wagtailadmin_choose_page_search") + "?q=通知")
    assert MARK_A in found
    assert MARK_B in found
    chosen = supervisor.get(
        reverse("wagtailadmin_choose_page_chosen_multiple") + f"?id={world.b.draft.pk}"
    )
    assert world.b.draft.title in body_text(chosen)


def test_chooser_for_a_type_only_another_site_has_opens_on_the_editors_home(
    world, as_user, settings
):
    """Wagtail opens a typed chooser at the common ancestor of all pages of the type,
    which is inside site B when only B has such pages."""
    # Site A's only column pages: its column and the pages below it.
    ColumnPage.objects.get(pk=world.a.column.pk).delete()
    url = reverse("wagtailadmin_choose_page") + "?page_type=portal.columnpage"
    response = as_user(world.a.editor).get(url)
    home = reverse("wagtailadmin_choose_page_child", args=[world.a.home.pk])
    assert response.status_code == 302
    assert response["Location"] == home + "?page_type=portal.columnpage"
    followed = as_user(world.a.editor).get(response["Location"])
    assert followed.status_code == 200
    assert MARK_B not in body_text(followed)
    # Without the middleware the chooser hook still refuses to show site B's page.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "isolation" not in m]
    bare = Client()  # a new client loads the middleware list anew
    bare.force_login(world.a.editor)
    assert refusal_problems(bare.get(url), 404) == []


# --- Reference fields of admin forms are scoped choosers (issue 8 item 19) -------------

ADD_INTERPRETATION = "wagtailsnippets_library_interpretationresource:add"
SCOPED_CHOOSERS = {
    # chooser → (what editor A may pick, what they must not see)
    "library_source_org_chooser": ("北京市发展和改革委员会", "北京市教育委员会"),
    "library_owner_site_chooser": ("北京市发展和改革委员会网站", "北京市教育委员会网站"),
    "registry_organization_chooser": ("北京市发展和改革委员会", "北京市教育委员会"),
    "registry_site_chooser": ("北京市发展和改革委员会网站", "北京市教育委员会网站"),
}


def test_resource_form_references_are_choosers_not_selects(world, as_user):
    """A city has 100,000 resources: the ``policy`` field was a select of all of them."""
    response = as_user(world.a.editor).get(reverse(ADD_INTERPRETATION))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("policy", "source_org", "owner_site"):
        assert f'<select name="{name}"' not in html, name
        assert f'name="{name}"' in html, name  # the chooser's hidden input
    assert reverse("library_source_org_chooser:choose") in html
    assert reverse("library_owner_site_chooser:choose") in html
    policy_chooser = PolicyResource.snippet_viewset.chooser_viewset.get_url_name("choose")
    assert reverse(policy_chooser) in html


@pytest.mark.parametrize("chooser", sorted(SCOPED_CHOOSERS))
def test_reference_choosers_list_and_search_only_what_the_user_may_pick(world, as_user, chooser):
    own, other = SCOPED_CHOOSERS[chooser]
    client = as_user(world.a.editor)
    for url in (
        reverse(f"{chooser}:choose"),
        reverse(f"{chooser}:choose_results") + "?q=北京市",
    ):
        text = chooser_text(client, url)
        assert own in text, url
        assert other not in text, url
    # The supervisor picks among the whole city.
    text = chooser_text(as_user(world.supervisor), reverse(f"{chooser}:choose"))
    assert own in text and other in text


def test_reference_choosers_refuse_to_return_what_the_user_may_not_pick(world, as_user):
    client = as_user(world.a.editor)
    cases = {
        "library_source_org_chooser": world.orgs["b"].pk,
        "registry_organization_chooser": world.orgs["b"].pk,
        "library_owner_site_chooser": world.b.gov_site.pk,
        "registry_site_chooser": world.b.gov_site.pk,
    }
    for chooser, pk in cases.items():
        response = client.get(reverse(f"{chooser}:chosen", args=[pk]))
        assert response.status_code == 404, chooser
    own = client.get(reverse("library_source_org_chooser:chosen", args=[world.orgs["a"].pk]))
    assert own.status_code == 200

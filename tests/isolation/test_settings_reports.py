"""Site settings, reports and the dashboard, as one site's editor sees them.

Rule: PLATFORM-F4 (权限管理).
"""

import pytest
from django.urls import reverse
from wagtail.log_actions import log

from jiyue.portal.models import FooterSettings

from .conftest import MARK_A, MARK_B, body_text, check_urls, refusal_problems

pytestmark = pytest.mark.django_db


def footer_url(s):
    return reverse("wagtailsettings:edit", args=["portal", "footersettings", s.site.pk])


def test_editor_edits_only_their_own_sites_footer(world, as_user):
    client = as_user(world.a.editor)
    assert refusal_problems(client.get(footer_url(world.b)), 302) == []
    response = client.post(footer_url(world.b), {"address": "篡改"})
    assert refusal_problems(response, 302) == []
    assert FooterSettings.for_site(world.b.site).address == "乙站机密地址"
    own = client.get(footer_url(world.a))
    assert own.status_code == 200
    assert "甲站机密地址" in body_text(own)
    # The settings menu entry opens the editor's own site, whichever host they use.
    entry = client.get(reverse("wagtailsettings:edit", args=["portal", "footersettings"]))
    assert entry["Location"] == footer_url(world.a)


def test_site_switcher_lists_only_the_editors_own_sites(world, as_user):
    text = body_text(as_user(world.a.editor).get(footer_url(world.a)))
    assert world.b.gov_site.name not in text
    switcher = body_text(as_user(world.supervisor).get(footer_url(world.a)))
    assert world.b.gov_site.name in switcher


@pytest.mark.parametrize("who", ["site editor", "supervisor"])
def test_owner_and_supervisor_edit_site_bs_footer(world, as_user, who):
    user = world.b.editor if who == "site editor" else world.supervisor
    client = as_user(user)
    assert "乙站机密地址" in body_text(client.get(footer_url(world.b)))
    response = client.post(footer_url(world.b), {"address": "乙站新地址"})
    assert response.status_code == 302
    assert FooterSettings.for_site(world.b.site).address == "乙站新地址"


def test_model_wide_setting_permission_does_not_open_other_sites(world, as_user):
    """A stray model-wide ``change_footersettings`` would cover every site; scoped users lose it."""
    from django.contrib.auth.models import Permission

    world.a.editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="portal", codename="change_footersettings")
    )
    assert refusal_problems(as_user(world.a.editor).get(footer_url(world.b)), 302) == []


def test_platform_settings_are_not_for_site_editors(world, as_user):
    url = reverse("wagtailsettings:edit", args=["registry", "mergeplansettings"])
    response = as_user(world.a.editor).get(url, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"


def report_urls():
    return [
        ("locked pages", reverse("wagtailadmin_reports:locked_pages"), 200),
        ("aging pages", reverse("wagtailadmin_reports:aging_pages"), 200),
        ("workflows", reverse("wagtailadmin_reports:workflow"), 200),
        ("workflow tasks", reverse("wagtailadmin_reports:workflow_tasks"), 200),
        ("site history", reverse("wagtailadmin_reports:site_history"), 403),
        ("site history results", reverse("wagtailadmin_reports:site_history_results"), 403),
        ("page types usage", reverse("wagtailadmin_reports:page_types_usage"), 403),
        (
            "page types usage results",
            reverse("wagtailadmin_reports:page_types_usage_results"),
            403,
        ),
    ]


def test_reports_show_an_editor_only_their_own_site(world, as_user):
    # A registry record change of site B, as helper views log it.
    log(world.b.gov_site, "wagtail.edit", user=world.b.editor)
    client = as_user(world.a.editor)
    for name, url, status in report_urls():
        response = client.get(url)
        assert response.status_code == status, name
        assert MARK_B not in body_text(response), name
        assert world.b.gov_site.name not in body_text(response), name
    locked = body_text(client.get(reverse("wagtailadmin_reports:locked_pages")))
    assert world.a.locked.title in locked
    aging = body_text(client.get(reverse("wagtailadmin_reports:aging_pages")))
    assert world.a.article.title in aging


def test_reports_menu_hides_the_platform_wide_reports_from_editors(world, as_user):
    text = body_text(as_user(world.a.editor).get(reverse("wagtailadmin_home")))
    assert reverse("wagtailadmin_reports:locked_pages") in text
    assert reverse("wagtailadmin_reports:page_types_usage") not in text
    assert reverse("wagtailadmin_reports:site_history") not in text
    text = body_text(as_user(world.supervisor).get(reverse("wagtailadmin_home")))
    assert reverse("wagtailadmin_reports:page_types_usage") in text


def test_supervisor_sees_every_site_in_the_reports(world, as_user):
    client = as_user(world.supervisor)
    cases = [(name, url, "") for name, url, _status in report_urls()]
    assert check_urls(client, cases) == []
    locked = body_text(client.get(reverse("wagtailadmin_reports:locked_pages")))
    assert world.a.locked.title in locked
    assert world.b.locked.title in locked
    usage = body_text(client.get(reverse("wagtailadmin_reports:page_types_usage")))
    assert world.a.gov_site.name in usage
    assert world.b.gov_site.name in usage


def test_dashboard_shows_an_editor_only_their_own_site(world, as_user):
    # The fixture left editor A's own locked page and edits for the panels to show.
    client = as_user(world.a.editor)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    text = body_text(response)
    assert MARK_B not in text
    assert MARK_A in text  # their own locked page / recent edits
    owner = body_text(as_user(world.b.editor).get(reverse("wagtailadmin_home")))
    assert MARK_B in owner

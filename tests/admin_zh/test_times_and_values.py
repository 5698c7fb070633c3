"""Times in Beijing time and values in words in the admin (issue 8 items 8 and 10).

Wagtail's inspect view printed a field's Python value through ``|localize``, which
does not convert to the current time zone: the site inspect page showed 03:58 (UTC)
where the application list showed 11:58 for the same moment.
"""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.models import Page
from wagtail.users.models import UserProfile

from jiyue.registry.models import GovSite

from .visible import visible_text

pytestmark = pytest.mark.django_db

# A migration module's name starts with a digit: imported by name.
reset_profiles = importlib.import_module(
    "jiyue.adminui.migrations.0001_chinese_beijing_profiles"
).reset_profiles

UTC_0358 = datetime.datetime(2026, 3, 1, 3, 58, tzinfo=datetime.UTC)


def test_site_inspect_shows_opened_at_in_beijing_time(admin_city, client):
    GovSite.objects.filter(pk=admin_city.fgw_site.pk).update(opened_at=UTC_0358)
    client.force_login(admin_city.supervisor)
    html = client.get(f"/admin/registry/sites/inspect/{admin_city.fgw_site.pk}/").content.decode()
    text = "\n".join(visible_text(html))
    assert "2026-03-01 11:58" in text
    assert "03:58" not in text


def test_resource_inspect_shows_revisions_in_beijing_time_and_no_raw_values(admin_city, client):
    client.force_login(admin_city.fgw_editor)
    policy = admin_city.live_policy
    html = client.get(f"/admin/snippets/library/policyresource/inspect/{policy.pk}/").content
    chunks = visible_text(html.decode())
    assert not [c for c in chunks if "+00:00" in c], "a UTC timestamp is shown"
    assert not {"True", "False", "None"} & set(chunks)
    revision_time = policy.latest_revision.created_at.astimezone(
        datetime.timezone(datetime.timedelta(hours=8))
    )
    assert any(revision_time.strftime("%Y-%m-%d %H:%M") in c for c in chunks)


def test_site_checklist_icons_are_sized(admin_city, client):
    """The checklist's icons carry Wagtail's sized icon class (``.icon.default``:
    1.5em); an unsized SVG icon fills its container (150 px check marks)."""
    client.force_login(admin_city.supervisor)
    html = client.get(f"/admin/registry/sites/inspect/{admin_city.fgw_site.pk}/").content.decode()
    checklist = re.search(r'<ul class="jiyue-checklist">(.*?)</ul>', html, re.S).group(1)
    icons = re.findall(r'<svg class="([^"]*)"', checklist)
    assert icons
    assert all("default" in classes.split() for classes in icons), icons


@pytest.mark.parametrize("app_label", ["registry", "library", "portal"])
def test_help_texts_for_editors_carry_no_rule_ids(app_label):
    """Rule IDs stay in error messages, comments and docs, not in field help (item 10)."""
    rule_id = re.compile(r"\brule\b|\b[A-Z]+-[A-Z]?\d+\b")
    offending = [
        f"{model.__name__}.{field.name}: {field.help_text}"
        for model in apps.get_app_config(app_label).get_models()
        for field in model._meta.get_fields()
        if rule_id.search(str(getattr(field, "help_text", "") or ""))
    ]
    assert not offending


def test_spreadsheet_exports_write_beijing_time():
    """CSV and XLSX exports (Jiyue's lists and Wagtail's reports) in Beijing time."""
    exporter = SpreadsheetExportMixin()
    csv_value = exporter.preprocess_field_value("t", UTC_0358, exporter.FORMAT_CSV)
    xlsx_value = exporter.preprocess_field_value("t", UTC_0358, exporter.FORMAT_XLSX)
    assert csv_value == "2026-03-01 11:58:00"
    assert xlsx_value == datetime.datetime(2026, 3, 1, 11, 58)


def test_report_export_shows_beijing_time(admin_city, client):
    """The aging-pages report, exported as CSV by the editor."""
    Page.objects.filter(pk=admin_city.fgw_policies.pk).update(last_published_at=UTC_0358)
    client.force_login(admin_city.fgw_editor)
    response = client.get("/admin/reports/aging-pages/?export=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "2026-03-01 11:58:00" in body
    assert "+00:00" not in body


def test_profiles_that_chose_english_or_another_time_zone_are_reset(admin_city, client):
    """A profile saved while English and every time zone were offered (migration
    adminui 0001) gets the Chinese, Beijing-time admin again."""
    profile = UserProfile.get_for_user(admin_city.fgw_editor)
    profile.preferred_language = "en"
    profile.current_time_zone = "UTC"
    profile.save()
    reset_profiles(apps, None)
    profile.refresh_from_db()
    assert (profile.preferred_language, profile.current_time_zone) == ("", "")
    client.force_login(admin_city.fgw_editor)
    html = client.get("/admin/").content.decode()
    assert 'lang="zh-hans"' in html

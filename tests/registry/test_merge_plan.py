"""The merge plan (整合计划) at a glance, and the inventory upload in the admin.

Supervisors only (403 for others); counts by status, type and district; progress
against the supervisor's deadlines (MergePlanSettings, per-site overrides);
findings by rule ID (NAME-1, SITE-4, DOMAIN-4); the dashboard panel; the CSV upload
with CSRF, dry-run preview and confirmation.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, Page, Site

from jiyue.registry import inventory
from jiyue.registry.inventory import merge_plan
from jiyue.registry.inventory_admin import SESSION_KEY
from jiyue.registry.models import (
    GovSite,
    MergePlanSettings,
    Organization,
    OrgType,
    PlanAction,
    SiteStatus,
    SiteType,
    StaffMembership,
)

DATA = Path(__file__).parent / "data"
PLAN_URL = "/admin/merge-plan/"
IMPORT_URL = "/admin/merge-plan/import/"

pytestmark = pytest.mark.django_db


@dataclass
class PlanWorld:
    today: datetime.date
    supervisor: object
    staff: object
    sites: dict


def admin_user(username, org):
    user = get_user_model().objects.create_user(username=username, password="x", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    StaffMembership.objects.create(user=user, organization=org)
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def plan_world(db):
    """Ten site records of one city, in every state the plan knows.

    Default deadlines: departments 30 days ago, districts in 30 days.
    """
    today = timezone.localdate()
    past, future = today - datetime.timedelta(days=30), today + datetime.timedelta(days=30)
    plan_settings = MergePlanSettings.load()
    plan_settings.department_deadline = past
    plan_settings.district_deadline = future
    plan_settings.save()

    def org(name, org_type, parent=None, code="", **kwargs):
        return Organization.objects.create(
            name=name, org_type=org_type, parent=parent, division_code=code, **kwargs
        )

    city = org("北京市人民政府", OrgType.CITY_GOVERNMENT, code="110000")
    office = org("北京市人民政府办公厅", OrgType.GENERAL_OFFICE, city, is_supervisor=True)
    haidian = org("北京市海淀区人民政府", OrgType.DISTRICT_GOVERNMENT, city, "110108")
    chaoyang = org("北京市朝阳区人民政府", OrgType.DISTRICT_GOVERNMENT, city, "110105")
    fgw = org("北京市发展和改革委员会", OrgType.DEPARTMENT, city)
    water = org("北京市水务局", OrgType.DEPARTMENT, city)
    stats = org("北京市统计局", OrgType.DEPARTMENT, city)
    tourism = org("北京市旅游发展委员会", OrgType.DEPARTMENT, city)
    haidian_edu = org("北京市海淀区教育委员会", OrgType.DISTRICT_DEPARTMENT, haidian)
    street = org("北京市海淀区学院路街道", OrgType.TOWN_STREET, haidian)
    cy_street = org("北京市朝阳区望京街道", OrgType.TOWN_STREET, chaoyang)

    def site(key, organization, domain, site_type=SiteType.DEPARTMENT, **kwargs):
        kwargs.setdefault("is_legacy", True)
        kwargs.setdefault("status", SiteStatus.ONLINE)
        kwargs.setdefault("name", organization.name + "网站")
        return key, GovSite.objects.create(
            organization=organization, primary_domain=domain, site_type=site_type, **kwargs
        )

    sites = dict(
        [
            site(
                "city_portal",
                city,
                "www.beijing.gov.cn",
                SiteType.PORTAL,
                is_legacy=False,
                plan_action=PlanAction.KEEP,
                wagtail_site=Site.objects.create(
                    hostname="www.localhost", root_page=Page.get_first_root_node()
                ),
            ),
            site("fgw", fgw, "fgw.beijing.gov.cn", plan_action=PlanAction.MERGE),
            site(
                "water",
                water,
                "swj.beijing.gov.cn",
                plan_action=PlanAction.MERGE,
                status=SiteStatus.MERGED,
            ),
            site(
                "stats",
                stats,
                "www.bjstats.gov.cn",  # outside the portal's domain: DOMAIN-4
                plan_action=PlanAction.CLOSE,
                plan_deadline=future,
            ),
            site(
                "haidian_edu",
                haidian_edu,
                "jw.bjhd.gov.cn",  # a county-level department's own site: SITE-4
                plan_action=PlanAction.MERGE,
            ),
            site(
                "street",
                street,
                "xyl.bjhd.gov.cn",  # a street's own site: SITE-4
                plan_action=PlanAction.CLOSE,
                plan_deadline=today - datetime.timedelta(days=5),
            ),
            site(
                "cy_street",
                cy_street,
                "wj.bjchy.gov.cn",
                name="望京之窗",  # SITE-4 and NAME-1
            ),
            site(
                "haidian_portal",
                haidian,
                "www.bjhd.gov.cn",
                SiteType.PORTAL,
                is_legacy=False,
                status=SiteStatus.PLANNED,
                plan_action=PlanAction.KEEP,
            ),
            site(
                "chaoyang_portal",
                chaoyang,
                "www.bjchy.gov.cn",
                SiteType.PORTAL,
                plan_action=PlanAction.KEEP,
            ),
            site("tourism", tourism, "lvw.beijing.gov.cn", status=SiteStatus.CLOSED),
        ]
    )
    return PlanWorld(
        today=today,
        supervisor=admin_user("supervisor", office),
        staff=admin_user("fgw_staff", fgw),
        sites=sites,
    )


def client_for(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def count(soup, selector):
    return int(soup.select_one(selector).get_text().split("（")[0].strip())


# --- The figures ----------------------------------------------------------------------


def test_overview_counts_status_type_platform_and_plan(plan_world):
    overview = inventory.merge_plan_overview()

    assert overview.total == 10
    assert dict(overview.by_status) == {
        SiteStatus.PLANNED.label: 1,
        SiteStatus.PREPARING.label: 0,
        SiteStatus.ONLINE.label: 7,
        SiteStatus.OFFLINE.label: 0,
        SiteStatus.MERGED.label: 1,
        SiteStatus.CLOSED.label: 1,
    }
    assert dict(overview.by_type) == {
        SiteType.PORTAL.label: 3,
        SiteType.DEPARTMENT.label: 7,
        SiteType.SPECIAL.label: 0,
    }
    assert (overview.on_platform, overview.legacy, overview.registered_only) == (1, 8, 1)
    # In the plan: merge/close planned, or already merged/closed.
    assert (overview.in_plan, overview.done, overview.remaining) == (6, 2, 4)
    assert overview.undecided == 1  # 望京之窗: legacy, running, no decision yet


def test_overview_progress_against_deadlines(plan_world):
    overview = inventory.merge_plan_overview()

    department, district, own = overview.deadlines
    plan_settings = MergePlanSettings.load()
    assert department.deadline == plan_settings.department_deadline
    assert (department.total, department.done, department.remaining, department.overdue) == (
        3,
        2,
        1,
        1,
    )
    assert district.deadline == plan_settings.district_deadline
    assert (district.total, district.done, district.remaining, district.overdue) == (1, 0, 1, 0)
    assert (own.total, own.done, own.remaining, own.overdue) == (2, 0, 2, 1)
    assert [(o.site.primary_domain, o.days) for o in overview.overdue] == [
        ("fgw.beijing.gov.cn", 30),
        ("xyl.bjhd.gov.cn", 5),
    ]


def test_a_later_deadline_clears_the_overdue_sites(plan_world):
    plan_settings = MergePlanSettings.load()
    plan_settings.department_deadline = plan_world.today
    plan_settings.save()
    GovSite.objects.filter(primary_domain="xyl.bjhd.gov.cn").update(plan_deadline=None)

    overview = inventory.merge_plan_overview()

    assert overview.overdue == []
    _department, district, own = overview.deadlines
    assert (district.total, district.remaining) == (2, 2)  # the street now uses its default
    assert own.total == 1


def test_overview_by_district_names_the_division_government(plan_world):
    overview = inventory.merge_plan_overview()

    rows = {d.code: (d.name, d.total, d.legacy, d.remaining) for d in overview.by_district}
    assert rows == {
        "110000": ("北京市人民政府", 5, 4, 2),
        "110105": ("北京市朝阳区人民政府", 2, 2, 0),
        "110108": ("北京市海淀区人民政府", 3, 2, 2),
    }


def test_overview_findings_by_rule(plan_world):
    overview = inventory.merge_plan_overview()

    # SITE-4: both streets and the district department (county-level departments too).
    assert overview.findings_by_rule == [("DOMAIN-4", 1), ("NAME-1", 1), ("SITE-4", 3)]
    assert overview.sites_with_findings == 4
    # The same as the per-site check with its own portal lookups, site by site.
    expected = {}
    for site in GovSite.objects.exclude(status__in=[SiteStatus.MERGED, SiteStatus.CLOSED]):
        for rule_id, _message in inventory.compliance_findings(site):
            expected[rule_id] = expected.get(rule_id, 0) + 1
    assert dict(overview.findings_by_rule) == expected


def test_overview_findings_are_computed_once_until_the_registry_changes(plan_world, monkeypatch):
    cache.clear()
    calls = []
    count_findings = merge_plan._count_findings
    monkeypatch.setattr(
        merge_plan,
        "_count_findings",
        lambda overview, sites: calls.append(1) or count_findings(overview, sites),
    )
    first = inventory.merge_plan_overview()
    again = inventory.merge_plan_overview()

    assert len(calls) == 1  # the second overview reads the cached counts
    assert again.findings_by_rule == first.findings_by_rule
    assert again.sites_with_findings == first.sites_with_findings

    # A change by any path, even QuerySet.update (no signal), is a new fingerprint.
    GovSite.objects.filter(site_type=SiteType.DEPARTMENT).update(site_type=SiteType.SPECIAL)
    changed = inventory.merge_plan_overview()

    assert len(calls) == 2
    assert changed.findings_by_rule != first.findings_by_rule
    expected = {}
    for site in GovSite.objects.exclude(status__in=[SiteStatus.MERGED, SiteStatus.CLOSED]):
        for rule_id, _message in inventory.compliance_findings(site):
            expected[rule_id] = expected.get(rule_id, 0) + 1
    assert dict(changed.findings_by_rule) == expected


# --- The view ---------------------------------------------------------------------------


def test_plan_view_shows_the_figures(plan_world):
    response = client_for(plan_world.supervisor).get(PLAN_URL)

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    summary = '[data-merge-plan="summary"] [data-count="{}"]'
    assert count(soup, summary.format("total")) == 10
    assert count(soup, summary.format("legacy")) == 8
    assert count(soup, summary.format("on_platform")) == 1
    assert count(soup, summary.format("in_plan")) == 6
    assert count(soup, summary.format("done")) == 2
    assert count(soup, summary.format("remaining")) == 4
    dept = '[data-merge-plan="deadlines"] tr[data-deadline="1"] [data-count="{}"]'
    assert count(soup, dept.format("overdue")) == 1
    assert count(soup, dept.format("done")) == 2
    district = 'tr[data-district="110108"] [data-count="{}"]'
    assert count(soup, district.format("total")) == 3
    assert "北京市海淀区人民政府" in soup.select_one('tr[data-district="110108"]').get_text()
    assert count(soup, 'tr[data-rule="SITE-4"] [data-count="findings"]') == 3
    overdue = soup.select_one('[data-merge-plan="overdue"]').get_text()
    assert "北京市发展和改革委员会网站" in overdue and "北京市海淀区学院路街道网站" in overdue
    assert "北京市统计局网站" not in overdue
    # Each overdue site links to its record, where its plan is edited.
    fgw = plan_world.sites["fgw"]
    links = [a["href"] for a in soup.select('[data-merge-plan="overdue"] a')]
    assert reverse("registry_sites:edit", args=[fgw.pk]) in links


def test_plan_view_escapes_site_names(plan_world):
    GovSite.objects.filter(primary_domain="fgw.beijing.gov.cn").update(
        name="<script>alert(1)</script>发改委"
    )

    response = client_for(plan_world.supervisor).get(PLAN_URL)

    assert b"<script>alert(1)</script>" not in response.content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;发改委" in response.content.decode()


@pytest.mark.parametrize("url", [PLAN_URL, IMPORT_URL])
def test_non_supervisor_gets_403(plan_world, url):
    client = client_for(plan_world.staff)

    assert client.get(url).status_code == 403
    upload = SimpleUploadedFile("s.csv", (DATA / "inventory_good.csv").read_bytes())
    assert client.post(url, {"file": upload}).status_code == 403
    assert not GovSite.objects.filter(primary_domain="www.bjhd.gov.cn", is_legacy=True).exists()


def test_anonymous_is_sent_to_login(plan_world):
    response = Client().get(PLAN_URL)

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_menu_item_and_dashboard_panel_only_for_supervisors(plan_world):
    home = client_for(plan_world.supervisor).get("/admin/").content.decode()
    assert PLAN_URL in home  # menu item and panel link
    soup = BeautifulSoup(home, "html.parser")
    panel = soup.select_one("#merge-plan-panel-section")
    assert panel is not None
    assert count(panel, '[data-count="remaining"]') == 4
    assert count(panel, '[data-count="overdue"]') == 2

    staff_home = client_for(plan_world.staff).get("/admin/").content.decode()
    assert PLAN_URL not in staff_home
    assert "merge-plan-panel" not in staff_home


def test_deadline_settings_are_editable_by_the_supervisor_in_settings(plan_world):
    url = reverse("wagtailsettings:edit", args=["registry", "mergeplansettings"])
    user = get_user_model().objects.create_superuser("root", password="x")

    response = client_for(user).get(url, follow=True)

    assert response.status_code == 200
    assert "市级部门整合期限" in response.content.decode()


# --- Upload in the admin ----------------------------------------------------------------


def csrf_token(client, url):
    response = client.get(url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.select_one("input[name=csrfmiddlewaretoken]")["value"]


def upload(client, token, filename, skip_invalid=False):
    data = {
        "csrfmiddlewaretoken": token,
        "file": SimpleUploadedFile(filename, (DATA / filename).read_bytes(), "text/csv"),
        "encoding": "",
    }
    if skip_invalid:
        data["skip_invalid"] = "on"
    return client.post(IMPORT_URL, data)


@pytest.fixture
def empty_registry_supervisor(db):
    office = Organization.objects.create(
        name="市政府办公厅", org_type=OrgType.GENERAL_OFFICE, is_supervisor=True
    )
    return admin_user("supervisor", office)


def test_upload_previews_then_imports_with_csrf(empty_registry_supervisor):
    user = empty_registry_supervisor
    client = client_for(user, enforce_csrf_checks=True)
    token = csrf_token(client, IMPORT_URL)

    preview = upload(client, token, "inventory_good.csv")

    assert preview.status_code == 200
    soup = BeautifulSoup(preview.content, "html.parser")
    assert count(soup, '[data-import="counts"] [data-count="created"]') == 5
    assert count(soup, '[data-import="counts"] [data-count="rejected"]') == 0
    assert GovSite.objects.count() == 0  # a dry run so far
    confirm_form = soup.select_one("button[name=confirm]").find_parent("form")
    assert confirm_form.select_one("input[name=csrfmiddlewaretoken]") is not None

    done = client.post(
        IMPORT_URL,
        {
            "csrfmiddlewaretoken": token,
            "token": confirm_form.select_one("input[name=token]")["value"],
            "confirm": "1",
        },
    )

    assert done.status_code == 302 and done["Location"] == PLAN_URL
    assert GovSite.objects.filter(is_legacy=True).count() == 5
    site = GovSite.objects.get(primary_domain="www.bjhd.gov.cn")
    entry = ModelLogEntry.objects.for_instance(site).get()
    assert (entry.action, entry.user_id) == ("wagtail.create", user.pk)
    assert SESSION_KEY not in client.session


def test_upload_without_csrf_token_is_refused(empty_registry_supervisor):
    client = client_for(empty_registry_supervisor, enforce_csrf_checks=True)

    response = client.post(
        IMPORT_URL,
        {"file": SimpleUploadedFile("s.csv", (DATA / "inventory_good.csv").read_bytes())},
    )

    assert response.status_code == 403
    assert GovSite.objects.count() == 0


def test_broken_upload_shows_lines_and_changes_nothing(empty_registry_supervisor):
    client = client_for(empty_registry_supervisor, enforce_csrf_checks=True)
    token = csrf_token(client, IMPORT_URL)

    preview = upload(client, token, "inventory_broken.csv")

    soup = BeautifulSoup(preview.content, "html.parser")
    lines = {int(tr["data-line"]) for tr in soup.select('[data-import="rejected"] tr[data-line]')}
    # Only rows that identify no site are refused; a .com host, a bad identifier
    # code and a malformed domain (lines 8, 9, 12) are kept as findings.
    assert lines == {5, 10, 11}
    assert "DOMAIN-5" in soup.select_one('[data-import="rejected"] tr[data-line="10"]').get_text()
    assert soup.select_one("button[name=confirm]") is None
    # A forged confirmation of the previewed file imports nothing either.
    forged = client.post(
        IMPORT_URL,
        {
            "csrfmiddlewaretoken": token,
            "token": client.session[SESSION_KEY]["token"],
            "confirm": "1",
        },
    )
    assert forged.status_code == 200
    assert GovSite.objects.count() == 0
    assert Organization.objects.count() == 1  # the supervisor's office only


def test_broken_upload_with_skip_invalid_imports_the_good_rows(empty_registry_supervisor):
    client = client_for(empty_registry_supervisor, enforce_csrf_checks=True)
    token = csrf_token(client, IMPORT_URL)

    preview = upload(client, token, "inventory_broken.csv", skip_invalid=True)
    soup = BeautifulSoup(preview.content, "html.parser")
    confirm_token = soup.select_one("input[name=token]")["value"]
    client.post(IMPORT_URL, {"csrfmiddlewaretoken": token, "token": confirm_token, "confirm": "1"})

    assert GovSite.objects.count() == 6


def test_stale_confirmation_is_refused(empty_registry_supervisor):
    client = client_for(empty_registry_supervisor, enforce_csrf_checks=True)
    token = csrf_token(client, IMPORT_URL)

    response = client.post(
        IMPORT_URL, {"csrfmiddlewaretoken": token, "token": "nope", "confirm": "1"}
    )

    assert response.status_code == 302 and response["Location"] == IMPORT_URL
    assert GovSite.objects.count() == 0


def test_upload_of_an_unreadable_file_shows_the_reason(empty_registry_supervisor):
    client = client_for(empty_registry_supervisor, enforce_csrf_checks=True)
    token = csrf_token(client, IMPORT_URL)

    response = client.post(
        IMPORT_URL,
        {
            "csrfmiddlewaretoken": token,
            "file": SimpleUploadedFile("s.csv", "name,type\n某网站,portal\n".encode()),
        },
    )

    assert response.status_code == 200
    assert "缺少必需的列" in response.content.decode()
    assert GovSite.objects.count() == 0


def test_the_overdue_table_lists_the_most_overdue_only(plan_world, monkeypatch):
    """Issue 8 item 18: an inventory of thousands of sites renders a bounded page."""
    from jiyue.registry import inventory_admin

    monkeypatch.setattr(inventory_admin, "OVERDUE_SHOWN", 1)
    client = client_for(plan_world.supervisor)

    soup = BeautifulSoup(client.get(PLAN_URL).content, "html.parser")

    assert len(soup.select('[data-merge-plan="overdue"] tbody tr')) == 1
    overview = inventory.merge_plan_overview()
    more = soup.select_one('[data-merge-plan="overdue-more"]').get_text()
    assert f"另有 {len(overview.overdue) - 1} 个" in more

"""``load_demo`` without ../shared/data: the built-in sample, the registry, the accounts.

The demo is loaded once for this module through the management command, with the data
directory pointed at a path that does not exist.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from wagtail.models import Page, PageLogEntry, Site

from jiyue.demo import city, loader
from jiyue.demo.management.commands.load_demo import Command as LoadDemo
from jiyue.library.models import Resource
from jiyue.portal import metadata
from jiyue.portal.models import ColumnPage, FooterSettings
from jiyue.portal.services import site_resources
from jiyue.registry import services
from jiyue.registry.models import (
    ApplicationKind,
    ApplicationStatus,
    GovSite,
    Organization,
    SiteApplication,
    SiteStatus,
    StaffMembership,
)

from .conftest import demo_loaded
from .walk import client_for, footer_problems, site_urls


@pytest.fixture(scope="module")
def builtin_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded by the command with the data directory pointing nowhere."""
    missing = tmp_path_factory.mktemp("no-shared") / "data"
    with demo_loaded(django_db_blocker, missing) as loaded:
        yield loaded


def counts():
    return {
        "pages": Page.objects.count(),
        "sites": GovSite.objects.count(),
        "organizations": Organization.objects.count(),
        "users": get_user_model().objects.count(),
        "applications": SiteApplication.objects.count(),
        "groups": Group.objects.count(),
        "footers": FooterSettings.objects.count(),
    }


def test_load_reports_builtin_content(builtin_demo):
    """What the first run built (how long it takes is measured by bench/demo_load.py)."""
    result = builtin_demo.result
    assert result.created
    assert not result.shared_data
    assert result.pages > 100  # column pages
    assert result.resources > 100  # library resources


@pytest.mark.usefixtures("builtin_demo")
def test_loading_twice_creates_nothing_and_prints_urls_and_logins_every_time(db):
    """The second and third runs find the portal record and create nothing."""
    before = counts()
    output = io.StringIO()
    call_command(LoadDemo(), stdout=output)
    assert counts() == before
    call_command(LoadDemo(), stdout=output)
    assert counts() == before
    runs = output.getvalue().split("演示城市已存在，未重复载入。")
    assert len(runs) == 3 and runs[0] == ""
    for text in runs[1:]:
        assert "北京市人民政府门户网站  http://www.localhost:8000/" in text
        assert "北京市发展和改革委员会网站  http://fgw.localhost:8000/" in text
        assert "北京市海淀区人民政府网站  http://www.bjhd.localhost:8000/" in text
        assert "admin / jiyue-admin" in text
        assert "supervisor / jiyue-demo" in text
        for spec in city.SITES:
            assert f"{spec.editor_username} / jiyue-demo" in text


def test_first_run_output_also_lists_urls_and_logins(builtin_demo):
    text = builtin_demo.output
    assert "已载入演示城市" in text
    assert "内置示例内容（未找到共享数据目录）" in text
    assert "http://www.bjchy.localhost:8000/" in text
    assert "admin / jiyue-admin" in text


@pytest.mark.usefixtures("builtin_demo")
def test_a_database_with_clashing_records_is_refused_untouched(db):
    """The demo needs a fresh database: with its portal gone but its organizations
    still there, the command stops with a clear message and changes nothing."""
    from django.core.management.base import CommandError

    GovSite.objects.filter(primary_domain=city.PORTAL_DOMAIN).update(
        primary_domain="old.beijing.gov.cn"
    )
    before = counts()
    with pytest.raises(CommandError, match="演示城市只能载入到新建的数据库中") as info:
        call_command(LoadDemo(), stdout=io.StringIO())
    assert "北京市人民政府办公厅" in str(info.value)
    assert counts() == before


def test_port_option_changes_the_printed_urls(builtin_demo, db):
    output = io.StringIO()
    call_command(LoadDemo(), port="8103", stdout=output)
    assert "http://jw.localhost:8103/" in output.getvalue()


def test_port_option_moves_the_sites_so_view_live_names_it(builtin_demo, db):
    """The admin's "View live" links are built from the Wagtail site's port (issue 8 item 9)."""
    jw = GovSite.objects.select_related("wagtail_site__root_page").get(
        primary_domain="jw.beijing.gov.cn"
    )
    assert jw.wagtail_site.root_page.full_url == "http://jw.localhost/"
    call_command(LoadDemo(), port=8103, stdout=io.StringIO())
    assert set(Site.objects.values_list("port", flat=True)) == {8103}
    home = Page.objects.get(pk=jw.wagtail_site.root_page_id).specific
    assert home.full_url == "http://jw.localhost:8103/"
    # The site is still found for requests on the server's port and behind a proxy.
    assert Client(HTTP_HOST="jw.localhost:8103").get("/").status_code == 200
    assert Client(HTTP_HOST="jw.localhost").get("/").status_code == 200


@pytest.mark.usefixtures("builtin_demo")
def test_every_page_passes_without_shared_data(db):
    """rule: META-4 — the walk over all demo pages, built-in content only."""
    sites = GovSite.objects.filter(primary_domain__in=[s.primary_domain for s in city.SITES])
    assert sites.count() == 6
    for gov_site in sites:
        client = client_for(gov_site)
        for url, kind in site_urls(gov_site):
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert metadata.check_page_metadata(html, kind, gov_site) == [], url
            assert footer_problems(html, gov_site) == [], url


@pytest.mark.usefixtures("builtin_demo")
def test_no_column_is_empty(db):
    """rule: DESIGN-4, VETO-6 — every column has content, with the built-in sample alone."""
    for column in ColumnPage.objects.live():
        assert column.latest_resources().exists(), column.url_path


@pytest.mark.usefixtures("builtin_demo")
def test_columns_carry_their_type_and_inspection_attributes(db):
    """rule: META-6, META-8."""
    portal = GovSite.objects.get(primary_domain=city.PORTAL_DOMAIN)
    columns = {c.slug: c for c in ColumnPage.objects.descendant_of(portal.wagtail_site.root_page)}
    assert columns["gzdt"].column_type == "NEWS"
    assert columns["gzdt"].inspection_class == "dynamic_news"
    assert columns["gzdt"].update_cycle_days == 14
    assert columns["tzgg"].inspection_class == "notice"
    assert columns["zcwj"].column_type == "POLICY" and columns["zcwj"].top_level
    assert columns["zxts"].column_type == "CONSULT_COMPLAINT" and columns["zxts"].must_reply
    assert columns["jgzn"].column_type == "FUNCTIONS"
    assert columns["ldxx"].column_type == "LEADERS"
    assert columns["xxgkzn"].column_type == "OGI_GUIDE"
    assert columns["xxgknb"].column_type == "OGI_ANNUAL_REPORT"
    assert columns["hygq"].column_type == "RESPONSE"
    assert columns["zcjd"].column_type == "INTERPRETATION"
    assert columns["bsfw"].column_type == "SERVICE"
    assert columns["zjdc"].column_type == "SOLICITATION"
    assert columns["zxft"].column_type == "INTERVIEW"
    assert columns["sjfb"].column_type == "DATA_RELEASE"
    assert not columns["gzdt"].top_level
    # Only the portal has the open-data and work-report columns.
    fgw = GovSite.objects.get(primary_domain="fgw.beijing.gov.cn")
    fgw_slugs = set(
        ColumnPage.objects.descendant_of(fgw.wagtail_site.root_page).values_list("slug", flat=True)
    )
    assert "sjkf" in columns and "sjkf" not in fgw_slugs
    assert "zfgzbg" in columns and "zfgzbg" not in fgw_slugs


@pytest.mark.usefixtures("builtin_demo")
def test_organizations_form_the_city_hierarchy(db):
    city_gov = Organization.objects.get(name="北京市人民政府")
    assert city_gov.org_type == "city_government" and city_gov.division_code == "110000"
    office = Organization.objects.get(name="北京市人民政府办公厅")
    assert office.is_supervisor and office.parent == city_gov
    for name in ("北京市发展和改革委员会", "北京市教育委员会", "北京市卫生健康委员会"):
        assert Organization.objects.get(name=name).parent == city_gov
    for name, code in (("北京市海淀区人民政府", "110108"), ("北京市朝阳区人民政府", "110105")):
        district = Organization.objects.get(name=name)
        assert district.division_code == code and district.parent == city_gov
        kinds = sorted(district.children.values_list("org_type", flat=True))
        assert kinds == ["district_department", "town_street"]
        # rule: SITE-4 — units and streets publish through the district site.
        assert not GovSite.objects.filter(organization__parent=district).exists()


@pytest.mark.usefixtures("builtin_demo")
def test_site_records_satisfy_the_registry_rules(db):
    """rule: NAME-1, DOMAIN-1, DOMAIN-4, IDCODE-3, IDCODE-4, SITE-7."""
    for spec in city.SITES:
        gov_site = GovSite.objects.get(primary_domain=spec.primary_domain)
        gov_site.full_clean()
        assert gov_site.organization.name in gov_site.name
        assert gov_site.site_id_code.startswith(gov_site.division_code)
        assert gov_site.checklist_complete
        assert gov_site.psb_no == f"京公网安备 {gov_site.psb_record_code}号"
    portal = GovSite.objects.get(primary_domain="www.beijing.gov.cn")
    assert (portal.site_id_code, portal.icp_no) == ("1100000088", "京ICP备05060933号")
    assert portal.psb_record_code == "11010502039321"


@pytest.mark.usefixtures("builtin_demo")
def test_sites_were_opened_through_the_lifecycle(db):
    """rule: SITE-6, SITE-7 — an approved open application, then go-live."""
    for spec in city.SITES:
        gov_site = GovSite.objects.get(primary_domain=spec.primary_domain)
        assert gov_site.status == SiteStatus.ONLINE
        assert gov_site.opened_at is not None
        application = gov_site.applications.get()
        assert application.kind == ApplicationKind.OPEN
        assert application.status == ApplicationStatus.APPROVED
        assert application.applicant.username == spec.editor_username
        final = application.steps.get(is_final=True)
        assert final.decided_by.username == city.SUPERVISOR_USERNAME
        assert gov_site.wagtail_site.hostname == services.serving_host(spec.primary_domain)


@pytest.mark.usefixtures("builtin_demo")
def test_accounts_and_their_permissions(db):
    user_model = get_user_model()
    admin = user_model.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("jiyue-admin")
    supervisor = user_model.objects.get(username="supervisor")
    assert supervisor.check_password("jiyue-demo")
    assert supervisor.staff_membership.organization.name == "北京市人民政府办公厅"
    assert supervisor.groups.filter(name="主管单位").exists()
    for app_label, codename in city.SUPERVISOR_PERMISSIONS:
        assert supervisor.has_perm(f"{app_label}.{codename}"), codename
    assert services.is_supervisor(supervisor)
    for spec in city.SITES:
        editor = user_model.objects.get(username=spec.editor_username)
        assert editor.check_password("jiyue-demo")
        assert not services.is_supervisor(editor)
        assert StaffMembership.objects.get(user=editor).organization.name == spec.organization
        gov_site = GovSite.objects.get(primary_domain=spec.primary_domain)
        assert editor.groups.filter(pk=services.editors_group(gov_site).pk).exists()
        assert list(services.sites_for_user(editor)) == [gov_site]


@pytest.mark.usefixtures("builtin_demo")
def test_one_reviewer_per_review_step_is_a_listed_login(db):
    """A visitor can play every role of the review (初审 → 复审 → 保密审查 → 签发)."""
    user_model = get_user_model()
    logins = {username: what for _role, username, _password, what in loader.logins()}
    steps = ["初审", "复审", "保密审查", "签发"]
    for step, username in zip(steps, city.REVIEWER_USERNAMES, strict=True):
        reviewer = user_model.objects.get(username=username)
        assert reviewer.check_password("jiyue-demo")
        groups = set(reviewer.groups.values_list("name", flat=True))
        assert groups & set(steps) == {step}  # this step only (and the site's staff group)
        assert reviewer.staff_membership.organization.name == "北京市发展和改革委员会"
        assert not services.is_supervisor(reviewer)
        assert step in logins[username]


@pytest.mark.usefixtures("builtin_demo")
def test_builtin_items_are_recent_so_the_home_pages_look_updated(db):
    """rule: VETO-3 — each home page has an item from the last 14 days."""
    from datetime import timedelta

    from django.utils import timezone

    for spec in city.SITES:
        gov_site = GovSite.objects.get(primary_domain=spec.primary_domain)
        newest = site_resources(gov_site.wagtail_site.root_page).first()
        assert timezone.now() - newest.pub_date < timedelta(days=14)
        assert newest.pub_date <= timezone.now()


@pytest.mark.usefixtures("builtin_demo")
def test_opening_is_in_the_audit_log(db):
    gov_site = GovSite.objects.get(primary_domain="jw.beijing.gov.cn")
    from wagtail.models import ModelLogEntry

    actions = set(
        ModelLogEntry.objects.filter(object_id=str(gov_site.pk)).values_list("action", flat=True)
    )
    assert "jiyue.site.go_live" in actions
    assert PageLogEntry.objects.filter(action="wagtail.publish").exists()
    # Demo content went through the library's publish action (rule: LIB-1).
    assert (
        ModelLogEntry.objects.filter(
            action="wagtail.publish", content_type__app_label="library"
        ).count()
        == Resource.objects.live().count()
    )

"""The registry admin (menu “网站注册”): Chinese pages, rule-named form errors,
scoping between organizations, and the lifecycle driven through the admin views.
"""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from jiyue.registry import lifecycle
from jiyue.registry.admin_views import GovSiteViewSet
from jiyue.registry.forms import GovSiteForm
from jiyue.registry.models import (
    ApplicationStatus,
    GovSite,
    SiteAlias,
    SiteApplication,
    SiteStatus,
    StepDecision,
)

from .factories import complete_checklist, register_site

SITES = "registry_sites"
ORGS = "registry_organizations"
APPS = "registry_applications"


def url(name, *args):
    return reverse(name, args=args)


def logged_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def site_form_data(organization, **overrides):
    data = {
        "name": "北京市海淀区教育委员会网站",
        "site_type": "department",
        "organization": organization.pk,
        "operator_name": "",
        "primary_domain": "jw.bjhd.gov.cn",
        "chinese_domain": "",
        "dzjg_mark": "",
        "icp_no": "",
        "psb_no": "",
        "psb_record_code": "",
        "site_id_code": "",
        "legacy_url": "",
        "plan_action": "undecided",
        "plan_target": "",
        "plan_deadline": "",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.fixture
def haidian_special(tree):
    """A PLANNED special site of the Haidian district government's organization tree."""
    return register_site(
        tree.street, "海淀区某街道疫情防控专项网站", "jd.bjhd.gov.cn", site_type="special"
    )


# --- Pages load, in Chinese ------------------------------------------------------------


def test_registry_pages_load_in_chinese_for_the_supervisor(tree, fgw_site):
    client = logged_in(tree.supervisor)
    application = lifecycle.submit_application(tree.fgw_staff, fgw_site, "open", "开设")
    pages = {
        url(SITES + ":index"): "政府网站",
        url(SITES + ":add"): "网站名称",
        url(SITES + ":edit", fgw_site.pk): "上线检查事项",
        url(SITES + ":inspect", fgw_site.pk): "上线检查事项",
        url(SITES + ":history", fgw_site.pk): "历史",
        url(ORGS + ":index"): "机构类型",
        url(ORGS + ":add"): "行政区划代码",
        url(ORGS + ":inspect", tree.fgw.pk): "北京市发展和改革委员会",
        url(APPS + ":index"): "开设整合申请",
        url(APPS + ":add"): "申请理由",
        url(APPS + ":inspect", application.pk): "审核环节",
        url(APPS + ":history", application.pk): "提交网站申请",
    }
    for page, text in pages.items():
        response = client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert 'lang="zh-hans"' in body, page
        assert text in body, page
    # The sidebar menu is sent as JSON (non-ASCII escaped).
    home = client.get("/admin/").content.decode()
    assert json.dumps("网站注册")[1:-1] in home


def test_site_listing_filters_and_search(tree, fgw_site):
    client = logged_in(tree.supervisor)
    listing = client.get(url(SITES + ":index")).content.decode()
    for column in (
        "网站名称",
        "网站类型",
        "状态",
        "英文域名",
        "网站标识码",
        "主办单位",
        "在平台上",
    ):
        assert column in listing
    online = client.get(url(SITES + ":index"), {"status": "online"}).content.decode()
    assert "北京市海淀区人民政府网站" in online
    assert "北京市发展和改革委员会网站" not in online
    found = client.get(url(SITES + ":index"), {"q": "fgw"}).content.decode()
    assert "北京市发展和改革委员会网站" in found
    assert "北京市海淀区人民政府网站" not in found


def test_organization_listing_filters_by_type(tree):
    client = logged_in(tree.supervisor)
    response = client.get(url(ORGS + ":index"), {"org_type": "district_government"})
    body = response.content.decode()
    assert "北京市海淀区人民政府" in body
    assert "110108" in body
    assert "北京市发展和改革委员会" not in body


# --- Creating a site: rules apply, status is not a field ------------------------------------


def test_status_is_not_in_the_site_form(tree, fgw_site):
    form_class = GovSiteViewSet().get_form_class()
    assert issubclass(form_class, GovSiteForm)
    form = form_class(instance=fgw_site, for_user=tree.supervisor)
    assert "status" not in form_class.base_fields
    assert "status" not in form.fields
    page = logged_in(tree.supervisor).get(url(SITES + ":edit", fgw_site.pk)).content.decode()
    assert 'name="status"' not in page


def test_creating_a_site_with_a_bad_domain_shows_the_rule_and_saves_nothing(tree):
    client = logged_in(tree.supervisor)
    before = GovSite.objects.count()
    response = client.post(
        url(SITES + ":add"),
        site_form_data(
            tree.fgw, name="北京市发展和改革委员会网站", primary_domain="fgw.beijing.com"
        ),
    )
    assert response.status_code == 200
    assert "DOMAIN-1" in response.content.decode()
    assert GovSite.objects.count() == before


def test_creating_a_site_with_a_clashing_alias_shows_domain_5(tree):
    client = logged_in(tree.supervisor)
    data = site_form_data(
        tree.fgw,
        name="北京市发展和改革委员会网站",
        primary_domain="fgw.beijing.gov.cn",
        **{
            "aliases-TOTAL_FORMS": "1",
            "aliases-0-domain": "www.bjhd.gov.cn",
            "aliases-0-id": "",
            "aliases-0-DELETE": "",
        },
    )
    response = client.post(url(SITES + ":add"), data)
    assert response.status_code == 200
    assert "DOMAIN-5" in response.content.decode()
    assert not GovSite.objects.filter(primary_domain="fgw.beijing.gov.cn").exists()


def test_supervisor_registers_a_planned_site_with_an_alias(tree):
    client = logged_in(tree.supervisor)
    data = site_form_data(
        tree.fgw,
        name="北京市发展和改革委员会网站",
        primary_domain="fgw.beijing.gov.cn",
        status="online",  # not a form field: ignored
        **{
            "aliases-TOTAL_FORMS": "1",
            "aliases-0-domain": "ndrc.beijing.gov.cn",
            "aliases-0-id": "",
            "aliases-0-DELETE": "",
        },
    )
    response = client.post(url(SITES + ":add"), data)
    assert response.status_code == 302
    site = GovSite.objects.get(primary_domain="fgw.beijing.gov.cn")
    assert site.status == SiteStatus.PLANNED
    assert list(site.aliases.values_list("domain", flat=True)) == ["ndrc.beijing.gov.cn"]
    assert ModelLogEntry.objects.for_instance(site).filter(action="wagtail.create").exists()


def test_site_rules_show_in_the_admin_form_site_4_and_site_3(tree, fgw_site):
    client = logged_in(tree.supervisor)
    street = client.post(
        url(SITES + ":add"),
        site_form_data(tree.street, name="海淀区某街道网站", primary_domain="jd.bjhd.gov.cn"),
    )
    assert "SITE-4" in street.content.decode()
    second = client.post(
        url(SITES + ":add"),
        site_form_data(
            tree.fgw, name="北京市发展和改革委员会第二网站", primary_domain="fgw2.beijing.gov.cn"
        ),
    )
    assert "SITE-3" in second.content.decode()
    assert GovSite.objects.filter(organization__in=[tree.street, tree.fgw]).count() == 1


def test_site_staff_register_only_for_their_own_organization(tree):
    client = logged_in(tree.haidian_edu_staff)
    form_page = client.get(url(SITES + ":add")).content.decode()
    options = re.findall(r'<option value="(\d+)"', form_page.split('name="organization"')[1])
    assert options == [str(tree.haidian_edu.pk)]
    assert 'name="plan_action"' not in form_page  # the merge plan is the supervisor's

    response = client.post(
        url(SITES + ":add"),
        site_form_data(
            tree.fgw, name="北京市发展和改革委员会网站", primary_domain="fgw.beijing.gov.cn"
        ),
    )
    assert response.status_code == 200
    assert not GovSite.objects.filter(organization=tree.fgw).exists()

    response = client.post(
        url(SITES + ":add"),
        site_form_data(
            tree.haidian_edu,
            name="北京市海淀区教育委员会招生考试专项网站",
            site_type="special",
            primary_domain="zk.bjhd.gov.cn",
        ),
    )
    assert response.status_code == 302
    assert GovSite.objects.get(organization=tree.haidian_edu).status == SiteStatus.PLANNED


def test_name_cannot_be_changed_by_editing(tree, fgw_site):
    client = logged_in(tree.fgw_staff)
    data = site_form_data(
        tree.fgw,
        name="随便改的名字",
        primary_domain="fgw.beijing.gov.cn",
        icp_no="京ICP备05060933号",
    )
    response = client.post(url(SITES + ":edit", fgw_site.pk), data)
    assert response.status_code == 302
    fgw_site.refresh_from_db()
    assert fgw_site.name == "北京市发展和改革委员会网站"  # renaming is an application
    assert fgw_site.icp_no == "京ICP备05060933号"


def test_planned_site_without_history_may_be_deleted(tree, fgw_site):
    client = logged_in(tree.supervisor)
    assert client.post(url(SITES + ":delete", fgw_site.pk)).status_code == 302
    assert not GovSite.objects.filter(pk=fgw_site.pk).exists()
    # A site with a lifecycle is kept: it ends by closing or merging, never deletion.
    assert client.get(url(SITES + ":delete", tree.haidian_portal.pk)).status_code == 404


# --- Scoping between organizations -------------------------------------------------------


def test_fgw_staff_are_refused_haidians_records(tree, fgw_site):
    client = logged_in(tree.fgw_staff)
    haidian = tree.haidian_portal
    for view in ("edit", "inspect", "history", "delete", "usage"):
        response = client.get(url(f"{SITES}:{view}", haidian.pk))
        assert response.status_code in (403, 404), view
    response = client.post(
        url(SITES + ":edit", haidian.pk),
        site_form_data(tree.haidian, name=haidian.name, primary_domain="evil.bjhd.gov.cn"),
    )
    assert response.status_code in (403, 404)
    haidian.refresh_from_db()
    assert haidian.primary_domain == "www.bjhd.gov.cn"

    listing = client.get(url(SITES + ":index")).content.decode()
    assert "北京市发展和改革委员会网站" in listing
    assert "北京市海淀区人民政府网站" not in listing
    assert "北京市人民政府门户网站" not in listing
    search = client.get(url(SITES + ":index"), {"q": "海淀"}).content.decode()
    assert "北京市海淀区人民政府网站" not in search

    orgs = client.get(url(ORGS + ":index")).content.decode()
    assert "北京市发展和改革委员会" in orgs
    assert "北京市海淀区人民政府" not in orgs
    assert client.get(url(ORGS + ":inspect", tree.haidian.pk)).status_code == 404


def test_applications_are_scoped(tree, fgw_site, haidian_special):
    haidian_app = lifecycle.submit_application(tree.street_staff, haidian_special, "open", "开设")
    fgw_app = lifecycle.submit_application(tree.fgw_staff, fgw_site, "open", "开设")

    fgw = logged_in(tree.fgw_staff)
    listing = fgw.get(url(APPS + ":index")).content.decode()
    assert "北京市发展和改革委员会网站" in listing
    assert "海淀区某街道疫情防控专项网站" not in listing
    assert fgw.get(url(APPS + ":inspect", haidian_app.pk)).status_code == 404
    assert fgw.post(url(APPS + ":withdraw", haidian_app.pk)).status_code == 404
    assert fgw.post(url(APPS + ":decide", haidian_app.pk), {"step": 1}).status_code == 404

    # The district's reviewer sees the application awaiting it, not fgw's.
    reviewer = logged_in(tree.haidian_reviewer)
    awaiting = reviewer.get(url(APPS + ":index"), {"awaiting_me": "true"}).content.decode()
    assert "海淀区某街道疫情防控专项网站" in awaiting
    assert "北京市发展和改革委员会网站" not in awaiting
    assert reviewer.get(url(APPS + ":inspect", fgw_app.pk)).status_code == 404


def test_site_application_form_offers_only_own_sites(tree, fgw_site, haidian_special):
    page = logged_in(tree.fgw_staff).get(url(APPS + ":add")).content.decode()
    site_select = page.split('name="site"')[1].split("</select>")[0]
    assert "北京市发展和改革委员会网站" in site_select
    assert "海淀区某街道疫情防控专项网站" not in site_select


# --- The lifecycle through the admin ----------------------------------------------------


def test_submit_approve_and_go_live_through_the_admin_with_csrf(tree, haidian_special):
    street = logged_in(tree.street_staff, enforce_csrf_checks=True)
    inspect = street.get(url(SITES + ":inspect", haidian_special.pk))
    body = inspect.content.decode()
    assert "申请开设" in body
    assert "党政机关网站标识：未完成" in body
    token = street.cookies["csrftoken"].value
    data = {"kind": "open", "site": haidian_special.pk, "reason": "开设专项网站"}

    # Without the CSRF token the POST is refused and nothing is made.
    assert street.post(url(APPS + ":add"), data).status_code == 403
    assert not SiteApplication.objects.exists()

    response = street.post(url(APPS + ":add"), {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    application = SiteApplication.objects.get()
    assert response["Location"] == url(APPS + ":inspect", application.pk)
    assert application.applicant == tree.street_staff
    assert application.steps.count() == 2

    # The applicant cannot decide; the page offers it no form.
    page = street.get(url(APPS + ":inspect", application.pk)).content.decode()
    assert "decide" not in page and "撤回申请" in page
    refused = street.post(
        url(APPS + ":decide", application.pk),
        {
            "step": application.current_step().pk,
            "decision": "approve",
            "csrfmiddlewaretoken": token,
        },
        follow=True,
    )
    assert "您无权审核该环节" in refused.content.decode()
    assert application.current_step().order == 1

    # The supervisor cannot skip the district: no form, and a POST is refused.
    supervisor = logged_in(tree.supervisor)
    assert (
        "同意</button>"
        not in supervisor.get(url(APPS + ":inspect", application.pk)).content.decode()
    )
    final = application.steps.get(is_final=True)
    skipped = supervisor.post(
        url(APPS + ":decide", application.pk),
        {"step": final.pk, "decision": "approve"},
        follow=True,
    )
    assert "越级" in skipped.content.decode()
    final.refresh_from_db()
    assert final.decision == StepDecision.PENDING

    reviewer = logged_in(tree.haidian_reviewer, enforce_csrf_checks=True)
    page = reviewer.get(url(APPS + ":inspect", application.pk)).content.decode()
    assert "审核（第1级：北京市海淀区人民政府）" in page
    token = reviewer.cookies["csrftoken"].value
    step1 = application.steps.get(order=1)
    decision = {"step": step1.pk, "decision": "approve", "comment": "同意"}
    assert reviewer.post(url(APPS + ":decide", application.pk), decision).status_code == 403
    response = reviewer.post(
        url(APPS + ":decide", application.pk), {**decision, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    step1.refresh_from_db()
    assert step1.decision == StepDecision.APPROVED

    response = supervisor.post(
        url(APPS + ":decide", application.pk),
        {"step": final.pk, "decision": "approve", "comment": "同意开设"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    haidian_special.refresh_from_db()
    assert haidian_special.status == SiteStatus.PREPARING

    # Go-live: refused while the checklist is incomplete, naming what is missing.
    response = street.post(
        url(SITES + ":go_live", haidian_special.pk),
        {"csrfmiddlewaretoken": street.cookies["csrftoken"].value},
        follow=True,
    )
    assert "SITE-7" in response.content.decode()
    assert "公安机关备案" in response.content.decode()
    haidian_special.refresh_from_db()
    assert haidian_special.status == SiteStatus.PREPARING
    complete_checklist(haidian_special)
    response = street.post(
        url(SITES + ":go_live", haidian_special.pk),
        {"csrfmiddlewaretoken": street.cookies["csrftoken"].value},
    )
    assert response.status_code == 302
    haidian_special.refresh_from_db()
    assert haidian_special.status == SiteStatus.ONLINE


def test_reject_through_the_admin_needs_a_comment(tree, fgw_site):
    application = lifecycle.submit_application(tree.fgw_staff, fgw_site, "open", "开设")
    step = application.current_step()
    supervisor = logged_in(tree.supervisor)
    response = supervisor.post(
        url(APPS + ":decide", application.pk),
        {"step": step.pk, "decision": "reject", "comment": ""},
        follow=True,
    )
    assert "驳回申请须填写审核意见" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING

    supervisor.post(
        url(APPS + ":decide", application.pk),
        {"step": step.pk, "decision": "reject", "comment": "<b>域名未备案</b>"},
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    page = logged_in(tree.fgw_staff).get(url(APPS + ":inspect", application.pk)).content.decode()
    # The reviewer's comment is shown, escaped.
    assert "&lt;b&gt;域名未备案&lt;/b&gt;" in page
    assert "<b>域名未备案</b>" not in page


def test_bad_application_is_reported_on_the_form(tree, fgw_site):
    client = logged_in(tree.fgw_staff)
    response = client.post(
        url(APPS + ":add"),
        {"kind": "rename", "site": fgw_site.pk, "reason": "改名", "new_name": "发改委网站"},
    )
    assert response.status_code == 200
    assert "NAME-1" in response.content.decode()
    response = client.post(
        url(APPS + ":add"), {"kind": "offline", "site": fgw_site.pk, "reason": "维护"}
    )
    assert "SITE-6" in response.content.decode()
    assert not SiteApplication.objects.exists()


def test_withdraw_through_the_admin(tree, fgw_site):
    application = lifecycle.submit_application(tree.fgw_staff, fgw_site, "open", "开设")
    other = logged_in(tree.fgw_reviewer)  # same organization: may withdraw
    assert other.post(url(APPS + ":withdraw", application.pk)).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert (
        ModelLogEntry.objects.for_instance(application)
        .filter(action="jiyue.application.withdraw", user=tree.fgw_reviewer)
        .exists()
    )


def test_applications_have_no_edit_or_delete_views(tree, fgw_site):
    application = lifecycle.submit_application(tree.fgw_staff, fgw_site, "open", "开设")
    client = logged_in(tree.supervisor)
    for path in (
        f"/admin/registry/applications/edit/{application.pk}/",
        f"/admin/registry/applications/delete/{application.pk}/",
    ):
        assert client.get(path).status_code == 404


def test_alias_inline_edit_keeps_rule_errors(tree, fgw_site):
    SiteAlias.objects.create(site=tree.haidian_portal, domain="haidian.gov.cn")
    client = logged_in(tree.fgw_staff)
    data = site_form_data(
        tree.fgw,
        name=fgw_site.name,
        primary_domain="fgw.beijing.gov.cn",
        **{
            "aliases-TOTAL_FORMS": "1",
            "aliases-0-domain": "haidian.gov.cn",
            "aliases-0-id": "",
            "aliases-0-DELETE": "",
        },
    )
    response = client.post(url(SITES + ":edit", fgw_site.pk), data)
    assert response.status_code == 200
    assert "DOMAIN-5" in response.content.decode()
    assert not fgw_site.aliases.exists()


def test_alias_repeating_the_new_primary_domain_is_refused_domain_5(tree):
    client = logged_in(tree.supervisor)
    data = site_form_data(
        tree.fgw,
        name="北京市发展和改革委员会网站",
        primary_domain="fgw.beijing.gov.cn",
        **{
            "aliases-TOTAL_FORMS": "1",
            "aliases-0-domain": "FGW.beijing.gov.cn",
            "aliases-0-id": "",
            "aliases-0-DELETE": "",
        },
    )
    response = client.post(url(SITES + ":add"), data)
    assert response.status_code == 200
    assert "DOMAIN-5：别名不能与本网站的主域名相同" in response.content.decode()
    assert not GovSite.objects.filter(primary_domain="fgw.beijing.gov.cn").exists()

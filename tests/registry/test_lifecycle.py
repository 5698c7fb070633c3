"""The site lifecycle by application (rule: SITE-6) and go-live (rule: SITE-7).

Every kind of application end to end, the review chain computed from the
organization tree, refused shortcuts (skipped steps, wrong reviewers, rejection
without a comment), the answers a host name gives in each status, and the audit log.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from wagtail.models import Collection, ModelLogEntry, Site

from jiyue.registry import lifecycle, services
from jiyue.registry.models import (
    ApplicationKind,
    ApplicationStatus,
    ApprovalStep,
    GovSite,
    Organization,
    SiteAlias,
    SiteApplication,
    SiteStatus,
    StepDecision,
)

from .factories import complete_checklist, force_status

OPEN, MERGE, OFFLINE, RESTORE, CLOSE, RENAME = (
    ApplicationKind.OPEN,
    ApplicationKind.MERGE,
    ApplicationKind.OFFLINE,
    ApplicationKind.RESTORE,
    ApplicationKind.CLOSE,
    ApplicationKind.RENAME,
)


def approve_all(application, reviewers):
    """Approve each step in order, by the given reviewer for each level."""
    for reviewer in reviewers:
        application = lifecycle.decide(reviewer, application, True, "同意")
    return application


def reload(obj):
    obj.refresh_from_db()
    return obj


def actions_for(instance):
    return set(ModelLogEntry.objects.for_instance(instance).values_list("action", flat=True))


@pytest.fixture
def online_fgw(tree, fgw_site):
    """The fgw site opened through the lifecycle and put online."""
    application = lifecycle.submit_application(tree.fgw_staff, fgw_site, OPEN, "开设部门网站")
    approve_all(application, [tree.supervisor])
    complete_checklist(reload(fgw_site))
    lifecycle.go_live(tree.fgw_staff, fgw_site)
    return reload(fgw_site)


def host(client, name, path="/"):
    return client.get(path, HTTP_HOST=name)


# --- Review chain ---------------------------------------------------------------------


def test_department_chain_is_only_the_supervisor(tree, fgw_site):
    chain = lifecycle.review_chain(fgw_site)
    assert chain == [(tree.office, True)]


def test_district_portal_chain_skips_the_city_government(tree):
    assert lifecycle.review_chain(tree.haidian_portal) == [(tree.office, True)]


def test_street_special_site_chain_goes_through_the_district(tree, street_special_site):
    application = lifecycle.submit_application(
        tree.street_staff, street_special_site, OPEN, "开设专项网站"
    )
    steps = list(application.steps.order_by("order"))
    assert [(s.order, s.reviewer_org, s.is_final) for s in steps] == [
        (1, tree.haidian, False),
        (2, tree.office, True),
    ]


def test_district_department_chain_goes_through_the_district(tree):
    site = GovSite.objects.create(
        name="北京市海淀区教育委员会招生考试专项网站",
        organization=tree.haidian_edu,
        primary_domain="zk.bjhd.gov.cn",
        site_type="special",
    )
    assert lifecycle.review_chain(site) == [(tree.haidian, False), (tree.office, True)]


def test_deeper_hierarchy_gives_one_step_per_level(tree):
    unit = Organization.objects.create(
        name="海淀区某街道某社区", org_type="unit", parent=tree.street
    )
    site = GovSite.objects.create(
        name="海淀区某街道某社区专项网站",
        organization=unit,
        primary_domain="sq.bjhd.gov.cn",
        site_type="special",
    )
    assert lifecycle.review_chain(site) == [
        (tree.street, False),
        (tree.haidian, False),
        (tree.office, True),
    ]


def test_no_supervisor_registered_is_a_clear_error(tree, fgw_site):
    Organization.objects.filter(is_supervisor=True).update(is_supervisor=False)
    with pytest.raises(ValidationError, match="主管单位"):
        lifecycle.submit_application(tree.fgw_staff, fgw_site, OPEN, "开设")
    assert not SiteApplication.objects.exists()


def test_supervisor_of_the_same_root_is_chosen(tree, fgw_site):
    other_city = Organization.objects.create(name="天津市人民政府", org_type="city_government")
    Organization.objects.create(
        name="天津市人民政府办公厅",
        org_type="general_office",
        parent=other_city,
        is_supervisor=True,
    )
    assert lifecycle.supervisor_organization(tree.fgw) == tree.office


# --- Every kind end to end -----------------------------------------------------------------


def test_open_then_go_live(tree, fgw_site, client):
    application = lifecycle.submit_application(tree.fgw_staff, fgw_site, OPEN, "开设部门网站")
    assert application.status == ApplicationStatus.PENDING
    assert reload(fgw_site).status == SiteStatus.PLANNED  # nothing changes before approval

    application = lifecycle.decide(tree.supervisor, application, True, "同意开设")
    assert application.status == ApplicationStatus.APPROVED
    assert application.decided_at is not None
    site = reload(fgw_site)
    assert site.status == SiteStatus.PREPARING
    # Approval provisions the platform resources, held by key on the record.
    assert site.wagtail_site.hostname == "fgw.localhost"
    assert site.editors_group.name == "北京市发展和改革委员会网站 编辑"
    assert site.collection.name == "北京市发展和改革委员会网站"
    assert services.host_entry("fgw.localhost")["status"] == SiteStatus.PREPARING
    response = host(client, "fgw.localhost")
    assert response.status_code == 503
    assert "正在建设中" in response.content.decode()

    complete_checklist(site)
    site = lifecycle.go_live(tree.fgw_staff, site)
    site = reload(site)
    assert site.status == SiteStatus.ONLINE
    assert site.opened_at is not None
    assert services.host_entry("fgw.localhost")["status"] == SiteStatus.ONLINE
    assert {"jiyue.site.status_change", "jiyue.site.go_live"} <= actions_for(site)


def test_go_live_with_incomplete_checklist_names_missing_items_site_7(tree, fgw_site):
    approve_all(
        lifecycle.submit_application(tree.fgw_staff, fgw_site, OPEN, "开设"), [tree.supervisor]
    )
    site = reload(fgw_site)
    site.icp_no = "京ICP备05060933号"
    site.save()
    with pytest.raises(ValidationError) as excinfo:
        lifecycle.go_live(tree.fgw_staff, site)
    message = excinfo.value.messages[0]
    assert message.startswith("SITE-7")
    for missing in ("党政机关网站标识", "域名注册", "公安机关备案", "网站标识码"):
        assert missing in message
    assert "ICP备案" not in message
    assert reload(site).status == SiteStatus.PREPARING

    complete_checklist(site)
    lifecycle.go_live(tree.fgw_staff, site)
    assert reload(site).status == SiteStatus.ONLINE


def test_go_live_needs_an_approved_opening(tree, fgw_site):
    complete_checklist(fgw_site)
    with pytest.raises(ValidationError, match="SITE-6"):
        lifecycle.go_live(tree.supervisor, fgw_site)
    assert reload(fgw_site).status == SiteStatus.PLANNED


def test_go_live_is_refused_to_other_organizations(tree, fgw_site):
    approve_all(
        lifecycle.submit_application(tree.fgw_staff, fgw_site, OPEN, "开设"), [tree.supervisor]
    )
    complete_checklist(reload(fgw_site))
    with pytest.raises(PermissionDenied):
        lifecycle.go_live(tree.haidian_staff, fgw_site)
    lifecycle.go_live(tree.supervisor, fgw_site)
    assert reload(fgw_site).status == SiteStatus.ONLINE


def test_offline_answers_503_with_retry_after(tree, online_fgw, client):
    application = lifecycle.submit_application(tree.fgw_staff, online_fgw, OFFLINE, "改版维护")
    approve_all(application, [tree.supervisor])
    assert reload(online_fgw).status == SiteStatus.OFFLINE
    response = host(client, "fgw.localhost", "/some/page/")
    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.content.decode()
    assert "临时下线" in body and "北京市发展和改革委员会网站" in body


def test_restore_brings_an_offline_site_back(tree, online_fgw):
    approve_all(
        lifecycle.submit_application(tree.fgw_staff, online_fgw, OFFLINE, "维护"),
        [tree.supervisor],
    )
    approve_all(
        lifecycle.submit_application(tree.fgw_staff, online_fgw, RESTORE, "维护完成"),
        [tree.supervisor],
    )
    site = reload(online_fgw)
    assert site.status == SiteStatus.ONLINE
    assert services.host_entry("fgw.localhost")["status"] == SiteStatus.ONLINE


def test_close_answers_410(tree, online_fgw, client):
    approve_all(
        lifecycle.submit_application(tree.fgw_staff, online_fgw, CLOSE, "机构撤并"),
        [tree.supervisor],
    )
    assert reload(online_fgw).status == SiteStatus.CLOSED
    response = host(client, "fgw.localhost")
    assert response.status_code == 410
    body = response.content.decode()
    assert "已关停" in body
    # The visitor is pointed to the parent portal (rule: SITE-4).
    assert "www.localhost" in body


def test_merge_answers_301_to_the_target_host(tree, online_fgw, client):
    city_portal = tree.city_portal
    services.provision(city_portal)
    application = lifecycle.submit_application(
        tree.fgw_staff, online_fgw, MERGE, "整合至市政府门户网站", merge_target=city_portal
    )
    assert application.merge_target == city_portal
    approve_all(application, [tree.supervisor])
    site = reload(online_fgw)
    assert site.status == SiteStatus.MERGED
    assert site.merged_into == city_portal
    response = host(client, "fgw.localhost", "/old/article/1.html")
    assert response.status_code == 301
    assert response["Location"] == "http://www.localhost/"


def test_merge_target_must_be_another_hosted_active_site(tree, online_fgw):
    with pytest.raises(ValidationError) as excinfo:
        lifecycle.submit_application(tree.fgw_staff, online_fgw, MERGE, "整合")
    assert "merge_target" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        lifecycle.submit_application(
            tree.fgw_staff, online_fgw, MERGE, "整合", merge_target=online_fgw
        )
    # The city portal is online but (here) not hosted: accepted, it is online.
    lifecycle.submit_application(
        tree.fgw_staff, online_fgw, MERGE, "整合", merge_target=tree.city_portal
    )


def test_merge_into_a_planned_unhosted_site_is_refused(tree, online_fgw, street_special_site):
    with pytest.raises(ValidationError, match="PLATFORM-6"):
        lifecycle.submit_application(
            tree.fgw_staff, online_fgw, MERGE, "整合", merge_target=street_special_site
        )


def test_merge_into_a_merged_site_is_refused(tree, online_fgw):
    force_status(tree.haidian_portal, SiteStatus.MERGED)
    GovSite.objects.filter(pk=tree.haidian_portal.pk).update(merged_into=tree.city_portal)
    with pytest.raises(ValidationError) as excinfo:
        lifecycle.submit_application(
            tree.fgw_staff, online_fgw, MERGE, "整合", merge_target=reload(tree.haidian_portal)
        )
    assert "merge_target" in excinfo.value.message_dict


def test_rename_renames_the_wagtail_site_group_and_collection(tree, online_fgw):
    group_pk, collection_pk = online_fgw.editors_group_id, online_fgw.collection_id
    new_name = "北京市发展和改革委员会门户网站"
    application = lifecycle.submit_application(
        tree.fgw_staff, online_fgw, RENAME, "规范网站名称", new_name=new_name
    )
    approve_all(application, [tree.supervisor])
    site = reload(online_fgw)
    assert site.name == new_name
    assert site.status == SiteStatus.ONLINE
    assert Site.objects.get(pk=site.wagtail_site_id).site_name == new_name
    assert Group.objects.get(pk=group_pk).name == f"{new_name} 编辑"
    assert Collection.objects.get(pk=collection_pk).name == new_name
    # The lookups other apps use still find them.
    assert services.editors_group(site).pk == group_pk
    assert services.site_collection(site).pk == collection_pk
    assert "jiyue.site.rename" in actions_for(site)


def test_rename_must_keep_the_organization_name_name_1(tree, online_fgw):
    with pytest.raises(ValidationError) as excinfo:
        lifecycle.submit_application(
            tree.fgw_staff, online_fgw, RENAME, "改名", new_name="发改委网站"
        )
    assert any(m.startswith("NAME-1") for m in excinfo.value.message_dict["new_name"])
    with pytest.raises(ValidationError, match="相同"):
        lifecycle.submit_application(
            tree.fgw_staff, online_fgw, RENAME, "改名", new_name=online_fgw.name
        )


# --- Who may apply, and when ------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (SiteStatus.PLANNED, OFFLINE),
        (SiteStatus.PLANNED, CLOSE),
        (SiteStatus.ONLINE, OPEN),
        (SiteStatus.ONLINE, RESTORE),
        (SiteStatus.OFFLINE, OFFLINE),
        (SiteStatus.CLOSED, RESTORE),
        (SiteStatus.MERGED, RENAME),
    ],
)
def test_kind_must_fit_the_current_status_site_6(tree, fgw_site, status, kind):
    force_status(fgw_site, status)
    with pytest.raises(ValidationError) as excinfo:
        lifecycle.submit_application(tree.supervisor, fgw_site, kind, "理由")
    assert any(m.startswith("SITE-6") for m in excinfo.value.message_dict["kind"])
    assert not SiteApplication.objects.exists()


def test_allowed_kinds_follow_the_status(tree, fgw_site):
    assert lifecycle.allowed_kinds(fgw_site) == [OPEN, RENAME]
    force_status(fgw_site, SiteStatus.ONLINE)
    assert set(lifecycle.allowed_kinds(fgw_site)) == {OFFLINE, CLOSE, MERGE, RENAME}


def test_only_the_sites_own_staff_or_a_supervisor_may_apply(tree, fgw_site):
    for outsider in (tree.haidian_staff, tree.haidian_reviewer, tree.street_staff):
        with pytest.raises(PermissionDenied):
            lifecycle.submit_application(outsider, fgw_site, OPEN, "开设")
    application = lifecycle.submit_application(tree.supervisor, fgw_site, OPEN, "代为申请")
    assert application.applicant == tree.supervisor
    assert application.applicant_org == tree.fgw  # the site owner applies (rule: SITE-6)


def test_reason_is_required(tree, fgw_site):
    with pytest.raises(ValidationError) as excinfo:
        lifecycle.submit_application(tree.fgw_staff, fgw_site, OPEN, "   ")
    assert "reason" in excinfo.value.message_dict


def test_one_pending_application_per_site(tree, fgw_site):
    lifecycle.submit_application(tree.fgw_staff, fgw_site, OPEN, "开设")
    with pytest.raises(ValidationError) as excinfo:
        lifecycle.submit_application(
            tree.fgw_staff, fgw_site, RENAME, "改名", new_name="北京市发展和改革委员会新网站"
        )
    assert "审核中" in excinfo.value.message_dict["site"][0]
    assert SiteApplication.objects.count() == 1


def test_database_refuses_a_second_pending_application(tree, fgw_site):
    first = lifecycle.submit_application(tree.fgw_staff, fgw_site, OPEN, "开设")
    with pytest.raises(IntegrityError), transaction.atomic():
        SiteApplication.objects.create(
            kind=OPEN, site=fgw_site, applicant_org=first.applicant_org, reason="再来一次"
        )


def test_open_application_rechecks_the_record(tree, fgw_site):
    """A record that no longer satisfies the registration rules cannot be opened."""
    GovSite.objects.filter(pk=fgw_site.pk).update(name="发改委网站")
    with pytest.raises(ValidationError, match="NAME-1"):
        lifecycle.submit_application(tree.fgw_staff, reload(fgw_site), OPEN, "开设")


# --- Deciding: level by level, by the right people -----------------------------------------


@pytest.fixture
def street_application(tree, street_special_site):
    return lifecycle.submit_application(
        tree.street_staff, street_special_site, OPEN, "开设疫情防控专项网站"
    )


def test_supervisor_cannot_skip_the_district_step(tree, street_application):
    with pytest.raises(PermissionDenied):
        lifecycle.decide(tree.supervisor, street_application, True, "直接批准")
    final = street_application.steps.get(is_final=True)
    with pytest.raises(ValidationError, match="越级"):
        lifecycle.decide(tree.supervisor, street_application, True, "直接批准", step=final)
    assert set(street_application.steps.values_list("decision", flat=True)) == {
        StepDecision.PENDING
    }


def test_superuser_decides_only_the_current_step(tree, street_application, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw")
    final = street_application.steps.get(is_final=True)
    with pytest.raises(ValidationError, match="越级"):
        lifecycle.decide(root, street_application, True, "同意", step=final)
    application = lifecycle.decide(root, street_application, True, "同意")
    assert application.current_step().is_final


def test_levels_are_decided_in_order(tree, street_application, street_special_site):
    application = lifecycle.decide(tree.haidian_reviewer, street_application, True, "区政府同意")
    assert application.status == ApplicationStatus.PENDING
    assert reload(street_special_site).status == SiteStatus.PLANNED  # not yet effective
    step1 = application.steps.get(order=1)
    assert step1.decision == StepDecision.APPROVED
    assert step1.decided_by == tree.haidian_reviewer
    assert step1.decided_at is not None
    assert step1.comment == "区政府同意"
    # The district cannot decide again; the supervisor decides the final step.
    with pytest.raises(PermissionDenied):
        lifecycle.decide(tree.haidian_reviewer, application, True, "再次同意")
    application = lifecycle.decide(tree.supervisor, application, True, "同意")
    assert application.status == ApplicationStatus.APPROVED
    assert reload(street_special_site).status == SiteStatus.PREPARING


def test_reviewer_of_another_organization_is_refused(tree, street_application):
    with pytest.raises(PermissionDenied, match="北京市海淀区人民政府"):
        lifecycle.decide(tree.fgw_reviewer, street_application, True, "同意")


def test_district_staff_without_review_permission_is_refused(tree, street_application):
    with pytest.raises(PermissionDenied):
        lifecycle.decide(tree.haidian_staff, street_application, True, "同意")
    assert not lifecycle.can_decide(tree.haidian_staff, street_application)
    assert lifecycle.can_decide(tree.haidian_reviewer, street_application)


def test_applicant_cannot_approve_its_own_application(tree, street_application):
    with pytest.raises(PermissionDenied):
        lifecycle.decide(tree.street_staff, street_application, True, "同意")


def test_reject_needs_a_comment_and_ends_the_application(
    tree, street_application, street_special_site
):
    with pytest.raises(ValidationError) as excinfo:
        lifecycle.decide(tree.haidian_reviewer, street_application, False, "  ")
    assert "comment" in excinfo.value.message_dict
    assert reload(street_application).status == ApplicationStatus.PENDING

    application = lifecycle.decide(
        tree.haidian_reviewer, street_application, False, "材料不全，请补充"
    )
    assert application.status == ApplicationStatus.REJECTED
    assert application.decided_at is not None
    step = application.steps.get(order=1)
    assert (step.decision, step.comment) == (StepDecision.REJECTED, "材料不全，请补充")
    assert reload(street_special_site).status == SiteStatus.PLANNED
    with pytest.raises(ValidationError, match="已驳回"):
        lifecycle.decide(tree.supervisor, application, True, "同意")

    # Resubmission is a new application with a fresh chain.
    again = lifecycle.submit_application(tree.street_staff, street_special_site, OPEN, "已补充材料")
    assert again.pk != application.pk
    assert again.status == ApplicationStatus.PENDING
    assert list(again.steps.values_list("decision", flat=True)) == [StepDecision.PENDING] * 2


def test_withdraw(tree, street_application, street_special_site):
    with pytest.raises(PermissionDenied):
        lifecycle.withdraw(tree.haidian_reviewer, street_application)
    application = lifecycle.withdraw(tree.street_staff, street_application)
    assert application.status == ApplicationStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        lifecycle.withdraw(tree.street_staff, application)
    with pytest.raises(ValidationError):
        lifecycle.decide(tree.haidian_reviewer, application, True, "同意")
    lifecycle.submit_application(tree.street_staff, street_special_site, OPEN, "重新申请")


def test_effect_rechecks_the_status_at_approval(tree, online_fgw):
    """If the site changed meanwhile, the final approval is refused and nothing changes."""
    application = lifecycle.submit_application(tree.fgw_staff, online_fgw, OFFLINE, "维护")
    force_status(online_fgw, SiteStatus.CLOSED)
    with pytest.raises(ValidationError, match="SITE-6"):
        lifecycle.decide(tree.supervisor, application, True, "同意")
    assert reload(application).status == ApplicationStatus.PENDING
    assert ApprovalStep.objects.get(application=application).decision == StepDecision.PENDING


# --- Host names in each status ------------------------------------------------------------


def test_alias_redirects_to_the_primary_host_domain_5(tree, online_fgw, client):
    SiteAlias.objects.create(site=online_fgw, domain="ndrc.beijing.gov.cn")
    response = host(client, "ndrc.localhost", "/zwgk/index.html?page=2")
    assert response.status_code == 301
    assert response["Location"] == "http://fgw.localhost/zwgk/index.html?page=2"


def test_unknown_host_answers_404(tree, client):
    response = host(client, "nosuchsite.localhost")
    assert response.status_code == 404
    assert "未在本平台登记" in response.content.decode()


def test_online_site_is_served(tree, online_fgw):
    entry = services.host_entry("fgw.localhost")
    assert entry["status"] == SiteStatus.ONLINE
    assert entry["alias_of"] is None
    assert entry["site_id"] == online_fgw.pk


# --- Audit log --------------------------------------------------------------------------


def test_every_action_is_in_the_audit_log(tree, street_application, street_special_site):
    application = lifecycle.decide(tree.haidian_reviewer, street_application, True, "同意")
    application = lifecycle.decide(tree.supervisor, application, True, "同意")
    rejected = lifecycle.submit_application(
        tree.street_staff,
        street_special_site,
        RENAME,
        "改名",
        new_name="海淀区某街道专项网站",
    )
    lifecycle.decide(tree.haidian_reviewer, rejected, False, "名称不规范")
    withdrawn = lifecycle.submit_application(tree.street_staff, street_special_site, CLOSE, "关停")
    lifecycle.withdraw(tree.street_staff, withdrawn)

    assert actions_for(application) == {
        "jiyue.application.submit",
        "jiyue.application.approve_step",
        "jiyue.application.approved",
    }
    assert actions_for(rejected) == {"jiyue.application.submit", "jiyue.application.reject"}
    assert actions_for(withdrawn) == {"jiyue.application.submit", "jiyue.application.withdraw"}
    assert "jiyue.site.status_change" in actions_for(street_special_site)

    entries = ModelLogEntry.objects.for_instance(application).order_by("timestamp", "pk")
    assert [e.user for e in entries] == [
        tree.street_staff,
        tree.haidian_reviewer,
        tree.supervisor,
        tree.supervisor,
    ]
    reject = ModelLogEntry.objects.for_instance(rejected).get(action="jiyue.application.reject")
    assert reject.data["comment"] == "名称不规范"
    # Chinese labels are registered for the admin's history views.
    assert reject.formatter.label == "驳回申请"
    assert reject.comment == "名称不规范"
    status_entry = ModelLogEntry.objects.for_instance(street_special_site).get(
        action="jiyue.site.status_change"
    )
    assert status_entry.message == "网站状态由“拟开设”变更为“已批准建设中”"

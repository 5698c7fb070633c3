"""The site lifecycle (开设整合) by application: the only place a site's status changes.

Rule SITE-6: opening (开设), merging (整合迁移), taking offline (临时下线) and closing
(关停) — and here also restoring (恢复上线) and renaming (更名) — are applications by
the site owner (主办单位), reviewed level by level up the organization hierarchy and
effective only after the supervisor (主管单位) approves. Rule SITE-7: an opened site
goes online only when its go-live checklist is complete.

The admin views call these functions; they never write ``GovSite.status`` themselves.
Authorization failures raise :class:`django.core.exceptions.PermissionDenied` (the
admin answers 403); bad requests raise :class:`django.core.exceptions.ValidationError`
with Chinese messages that name the rule. Every action is written to Wagtail's audit
log with the ``jiyue.application.*`` / ``jiyue.site.*`` action types registered below.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter, log

from jiyue.standards import validators

from . import hosting, signals
from .models import (
    ACTIVE_STATUSES,
    ApplicationKind,
    ApplicationStatus,
    ApprovalStep,
    GovSite,
    Organization,
    OrgType,
    SiteApplication,
    SiteStatus,
    StaffMembership,
    StepDecision,
)

__all__ = [
    "ALLOWED_FROM",
    "allowed_kinds",
    "can_apply",
    "can_decide",
    "can_go_live",
    "can_withdraw",
    "decide",
    "go_live",
    "review_chain",
    "submit_application",
    "supervisor_organization",
    "validate_application",
    "withdraw",
]

# The statuses a site must be in for each kind of application (rule: SITE-6).
ALLOWED_FROM = {
    ApplicationKind.OPEN: (SiteStatus.PLANNED,),
    ApplicationKind.OFFLINE: (SiteStatus.ONLINE,),
    ApplicationKind.RESTORE: (SiteStatus.OFFLINE,),
    ApplicationKind.CLOSE: (SiteStatus.PREPARING, SiteStatus.ONLINE, SiteStatus.OFFLINE),
    ApplicationKind.MERGE: (SiteStatus.ONLINE, SiteStatus.OFFLINE, SiteStatus.PREPARING),
    ApplicationKind.RENAME: tuple(ACTIVE_STATUSES),
}

# What an approved application does to the site's status.
RESULTING_STATUS = {
    ApplicationKind.OPEN: SiteStatus.PREPARING,
    ApplicationKind.OFFLINE: SiteStatus.OFFLINE,
    ApplicationKind.RESTORE: SiteStatus.ONLINE,
    ApplicationKind.CLOSE: SiteStatus.CLOSED,
    ApplicationKind.MERGE: SiteStatus.MERGED,
}

# Audit-log action types (registered with Wagtail below).
ACTION_SUBMIT = "jiyue.application.submit"
ACTION_APPROVE_STEP = "jiyue.application.approve_step"
ACTION_REJECT = "jiyue.application.reject"
ACTION_APPROVED = "jiyue.application.approved"
ACTION_WITHDRAW = "jiyue.application.withdraw"
ACTION_STATUS_CHANGE = "jiyue.site.status_change"
ACTION_RENAME = "jiyue.site.rename"
ACTION_GO_LIVE = "jiyue.site.go_live"


# --- Who may do what ---------------------------------------------------------


def _membership_org(user):
    if not getattr(user, "is_authenticated", False):
        return None
    membership = StaffMembership.objects.filter(user=user).select_related("organization").first()
    return membership.organization if membership else None


def _is_supervisor(user):
    from .services import is_supervisor

    return is_supervisor(user)


def can_apply(user, site):
    """Staff of the site's own organization (主办单位), or a supervisor (rule: SITE-6)."""
    if _is_supervisor(user):
        return True
    org = _membership_org(user)
    return org is not None and org.pk == site.organization_id


def can_go_live(user, site):
    """Who may press "上线": supervisors and the site's own staff."""
    return can_apply(user, site)


def can_decide(user, application):
    """True when ``user`` may decide the application's current step (and only that one)."""
    if application.status != ApplicationStatus.PENDING:
        return False
    step = application.current_step()
    return step is not None and _may_decide_step(user, step)


def _may_decide_step(user, step):
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if step.is_final and _is_supervisor(user):
        return True
    org = _membership_org(user)
    return (
        org is not None
        and org.pk == step.reviewer_org_id
        and user.has_perm("registry.review_application")
    )


def can_withdraw(user, application):
    """The applying organization's staff (or the applicant) may withdraw while pending."""
    if application.status != ApplicationStatus.PENDING:
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or application.applicant_id == user.pk:
        return True
    org = _membership_org(user)
    return org is not None and org.pk == application.applicant_org_id


def allowed_kinds(site):
    """The kinds of application the site's current status allows (rule: SITE-6)."""
    return [kind for kind, statuses in ALLOWED_FROM.items() if site.status in statuses]


# --- The review chain ----------------------------------------------------------


def _root(org):
    chain = [org, *org.ancestors()]
    return chain[-1]


def supervisor_organization(org):
    """The supervisor (主管单位) that gives the final approval for ``org``'s sites.

    With several supervisors (e.g. one per city in a multi-city installation), the
    one under the same root organization as ``org``.
    """
    candidates = list(Organization.objects.filter(is_supervisor=True))
    if len(candidates) > 1:
        root = _root(org)
        candidates = [c for c in candidates if _root(c).pk == root.pk]
    if not candidates:
        raise ValidationError(
            _(
                "SITE-6：未登记主管单位（机构设置中“是主管单位”），无法确定终审单位，"
                "请先登记主管单位。"
            )
        )
    if len(candidates) > 1:
        raise ValidationError(
            _("SITE-6：“%(org)s”所在层级有多个主管单位，无法确定终审单位。") % {"org": org.name}
        )
    return candidates[0]


def review_chain(site):
    """``[(organization, is_final)]``: one level per ancestor, then the supervisor.

    Levels go from the nearest ancestor of the site's organization upwards, leaving
    out the city government itself (its general office, the supervisor, reviews for
    it) and any organization that is the supervisor; the supervisor's step is last
    and final (rule: SITE-6 逐级审核，主管单位批准后生效).
    """
    supervisor = supervisor_organization(site.organization)
    levels = [
        (org, False)
        for org in site.organization.ancestors()
        if org.org_type != OrgType.CITY_GOVERNMENT
        and not org.is_supervisor
        and org.pk != supervisor.pk
    ]
    return [*levels, (supervisor, True)]


# --- Submitting -------------------------------------------------------------------


def validate_application(
    user,
    site,
    kind,
    reason,
    *,
    new_name="",
    merge_target=None,
    offline_from=None,
    offline_until=None,
):
    """Check an application before it is made; raise ``ValidationError`` if it is bad.

    Errors are keyed by the application form's field names so the admin form can
    show each beside its field.
    """
    if site is None:
        raise ValidationError({"site": _("请选择网站。")})
    if not can_apply(user, site):
        raise PermissionDenied(
            _("只有主办单位“%(org)s”的工作人员或主管单位可以为该网站提交申请。")
            % {"org": site.organization.name}
        )
    errors = {}
    try:
        kind = ApplicationKind(kind)
    except ValueError:
        raise ValidationError({"kind": _("申请类型无效。")}) from None
    if site.status not in ALLOWED_FROM[kind]:
        allowed = "、".join(str(SiteStatus(s).label) for s in ALLOWED_FROM[kind])
        errors.setdefault("kind", []).append(
            _("SITE-6：网站当前状态为“%(status)s”，不能申请%(kind)s（仅限%(allowed)s的网站）。")
            % {"status": site.get_status_display(), "kind": kind.label, "allowed": allowed}
        )
    if not (reason or "").strip():
        errors.setdefault("reason", []).append(_("请填写申请理由。"))
    if SiteApplication.objects.filter(site=site, status=ApplicationStatus.PENDING).exists():
        errors.setdefault("site", []).append(
            _("该网站已有一项审核中的申请，请等待其办结或撤回后再提交。")
        )
    if kind == ApplicationKind.MERGE:
        _check_merge_target(site, merge_target, errors)
    if kind == ApplicationKind.RENAME:
        _check_new_name(site, new_name, errors)
    if kind == ApplicationKind.OFFLINE:
        _check_offline_period(offline_from, offline_until, errors)
    if kind == ApplicationKind.OPEN and not site.is_legacy:
        # The record must still satisfy the registration rules it was entered under.
        try:
            site.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors.setdefault("site", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    try:
        review_chain(site)
    except ValidationError as exc:
        raise ValidationError({"kind": exc.messages}) from None


def _check_offline_period(offline_from, offline_until, errors):
    """A planned shutdown period, when given, ends on or after its start and after today."""
    today = timezone.localdate()
    if offline_until is not None and offline_until < today:
        errors.setdefault("offline_until", []).append(_("计划恢复日期不能早于今天。"))
    if offline_from is not None and offline_until is not None and offline_until < offline_from:
        errors.setdefault("offline_until", []).append(_("计划恢复日期不能早于计划下线日期。"))


def _check_merge_target(site, target, errors):
    """The target of a merge: another active site that is hosted here or online."""
    if target is None:
        errors.setdefault("merge_target", []).append(_("整合迁移须选择整合至的网站。"))
        return
    if target.pk == site.pk:
        errors.setdefault("merge_target", []).append(_("不能整合至网站本身。"))
        return
    if target.merged_into_id is not None or target.status not in ACTIVE_STATUSES:
        errors.setdefault("merge_target", []).append(
            _("整合至的网站“%(t)s”已%(status)s，不能作为整合目标。")
            % {"t": target.name, "status": target.get_status_display()}
        )
        return
    if not (target.on_platform or target.status == SiteStatus.ONLINE):
        errors.setdefault("merge_target", []).append(
            _("PLATFORM-6：整合至的网站“%(t)s”尚未在平台上开设，内容无处迁入。")
            % {"t": target.name}
        )


def _check_new_name(site, new_name, errors):
    """A new name passes NAME-1 and differs from the current one."""
    new_name = (new_name or "").strip()
    if not new_name:
        errors.setdefault("new_name", []).append(_("更名须填写新名称。"))
        return
    if new_name == site.name:
        errors.setdefault("new_name", []).append(_("新名称与现名称相同。"))
        return
    try:
        validators.validate_site_name(new_name, site.organization.name)
    except ValidationError as exc:
        errors.setdefault("new_name", []).extend(exc.messages)
    if (
        site.editors_group_id
        and Group.objects.filter(name=hosting.editors_group_name(GovSite(name=new_name)))
        .exclude(pk=site.editors_group_id)
        .exists()
    ):
        errors.setdefault("new_name", []).append(_("已有同名网站的编辑组，请换一个名称。"))


@transaction.atomic
def submit_application(
    user,
    site,
    kind,
    reason,
    *,
    new_name="",
    merge_target=None,
    offline_from=None,
    offline_until=None,
):
    """Make an application and its review chain; return the new ``SiteApplication``.

    ``offline_from`` / ``offline_until``: the planned period of a temporary shutdown
    (临时下线), kept for the offline notice page; the admin form requires them.
    """
    site = GovSite.objects.select_for_update().get(pk=site.pk)
    validate_application(
        user,
        site,
        kind,
        reason,
        new_name=new_name,
        merge_target=merge_target,
        offline_from=offline_from,
        offline_until=offline_until,
    )
    kind = ApplicationKind(kind)
    offline = kind == ApplicationKind.OFFLINE
    try:
        with transaction.atomic():
            application = SiteApplication.objects.create(
                kind=kind,
                site=site,
                applicant=user,
                applicant_org=site.organization,
                reason=reason.strip(),
                new_name=(new_name or "").strip() if kind == ApplicationKind.RENAME else "",
                merge_target=merge_target if kind == ApplicationKind.MERGE else None,
                offline_from=offline_from if offline else None,
                offline_until=offline_until if offline else None,
            )
    except IntegrityError:
        # rule: the DB constraint registry_one_pending_application_per_site.
        raise ValidationError(
            {"site": _("该网站已有一项审核中的申请，请等待其办结或撤回后再提交。")}
        ) from None
    for order, (org, is_final) in enumerate(review_chain(site), start=1):
        ApprovalStep.objects.create(
            application=application, order=order, reviewer_org=org, is_final=is_final
        )
    log(
        application,
        ACTION_SUBMIT,
        user=user,
        data={"kind": kind.value, "site": site.name, "site_id": site.pk},
    )
    return application


# --- Deciding ------------------------------------------------------------------


@transaction.atomic
def decide(user, application, approve, comment="", step=None):
    """Approve or reject the application's current step.

    Only the lowest pending step can be decided, so no level can be skipped; pass
    ``step`` (the step the reviewer saw) to refuse a decision on any other step.
    Rejection needs a comment and ends the application; the final approval applies
    the change to the site in the same transaction.
    """
    application = SiteApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.PENDING:
        raise ValidationError(
            _("该申请已%(status)s，不能再审核。") % {"status": application.get_status_display()}
        )
    current = application.current_step()
    if current is None:  # pragma: no cover - a pending application always has a step
        raise ValidationError(_("该申请没有待审核的环节。"))
    if step is not None and step.pk != current.pk:
        raise ValidationError(
            _("SITE-6：须逐级审核，当前待审核的是第%(n)d级“%(org)s”，不能越级审核。")
            % {"n": current.order, "org": current.reviewer_org.name}
        )
    if not _may_decide_step(user, current):
        raise PermissionDenied(
            _("当前环节由“%(org)s”审核，您无权审核该环节（须逐级审核，不能越级）。")
            % {"org": current.reviewer_org.name}
        )
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("驳回申请须填写审核意见。")})

    now = timezone.now()
    current.decision = StepDecision.APPROVED if approve else StepDecision.REJECTED
    current.comment = comment
    current.decided_by = user
    current.decided_at = now
    current.save()
    step_data = {
        "step": current.order,
        "reviewer_org": current.reviewer_org.name,
        "comment": comment,
        "kind": application.kind,
        "site": application.site.name,
    }
    if not approve:
        application.status = ApplicationStatus.REJECTED
        application.decided_at = now
        application.save(update_fields=["status", "decided_at"])
        log(application, ACTION_REJECT, user=user, data=step_data)
        return application

    log(application, ACTION_APPROVE_STEP, user=user, data=step_data)
    if not current.is_final:
        return application

    _apply(user, application)
    application.status = ApplicationStatus.APPROVED
    application.decided_at = now
    application.save(update_fields=["status", "decided_at"])
    log(application, ACTION_APPROVED, user=user, data=step_data)
    return application


def _apply(user, application):
    """Carry out an approved application on its site."""
    site = GovSite.objects.select_for_update().get(pk=application.site_id)
    kind = ApplicationKind(application.kind)
    if site.status not in ALLOWED_FROM[kind]:
        raise ValidationError(
            _("SITE-6：网站状态已变为“%(status)s”，不能再执行该申请。")
            % {"status": site.get_status_display()}
        )
    if kind == ApplicationKind.RENAME:
        errors = {}
        _check_new_name(site, application.new_name, errors)
        if errors:
            raise ValidationError([m for messages in errors.values() for m in messages])
        old_name = site.name
        site.name = application.new_name
        # The post-save signal (``hosting.sync_site``) renames the Wagtail site, the
        # editors' group and the collection in the same transaction.
        site.save(update_fields=["name", "updated_at"])
        hosting.sync_site(site)
        log(
            site,
            ACTION_RENAME,
            user=user,
            data={"from": old_name, "to": site.name, "application": application.pk},
        )
        signals.site_renamed.send(sender=GovSite, gov_site=site, old_name=old_name)
        return

    if kind == ApplicationKind.MERGE:
        target = application.merge_target
        errors = {}
        _check_merge_target(site, target, errors)
        if errors:
            raise ValidationError([m for messages in errors.values() for m in messages])
        site.merged_into = target
    _set_status(user, site, RESULTING_STATUS[kind], application=application)
    if kind == ApplicationKind.OPEN:
        hosting.provision(site)


def _set_status(user, site, status, application=None, extra_fields=()):
    old = site.status
    site.status = status
    site.status_changed_at = timezone.now()
    site.save(
        update_fields=["status", "status_changed_at", "merged_into", "updated_at", *extra_fields]
    )
    log(
        site,
        ACTION_STATUS_CHANGE,
        user=user,
        data={
            "from": old,
            "to": status.value if hasattr(status, "value") else status,
            "application": application.pk if application else None,
        },
    )
    signals.site_status_changed.send(
        sender=GovSite, gov_site=site, old_status=old, new_status=site.status
    )
    specific = _STATUS_SIGNALS.get(site.status)
    if specific is not None:
        specific.send(sender=GovSite, gov_site=site, old_status=old)


# The lifecycle's specific announcements besides ``site_status_changed``.
_STATUS_SIGNALS = {
    SiteStatus.OFFLINE: signals.site_went_offline,
    SiteStatus.MERGED: signals.site_merged,
    SiteStatus.CLOSED: signals.site_closed,
}


@transaction.atomic
def withdraw(user, application):
    """The applying organization withdraws a pending application."""
    application = SiteApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.PENDING:
        raise ValidationError(
            _("该申请已%(status)s，不能撤回。") % {"status": application.get_status_display()}
        )
    if not can_withdraw(user, application):
        raise PermissionDenied(_("只有申请单位的工作人员可以撤回申请。"))
    application.status = ApplicationStatus.WITHDRAWN
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at"])
    log(
        application,
        ACTION_WITHDRAW,
        user=user,
        data={"kind": application.kind, "site": application.site.name},
    )
    return application


# --- Going live -------------------------------------------------------------------


@transaction.atomic
def go_live(user, site):
    """Put an approved (建设中) site online once its checklist is complete (rule: SITE-7)."""
    site = GovSite.objects.select_for_update().get(pk=site.pk)
    if not can_go_live(user, site):
        raise PermissionDenied(_("只有主办单位的工作人员或主管单位可以将该网站上线。"))
    if site.status != SiteStatus.PREPARING:
        raise ValidationError(
            _("SITE-6：只有开设申请已获批准（建设中）的网站才能上线，该网站当前为“%(status)s”。")
            % {"status": site.get_status_display()}
        )
    missing = [str(label) for _key, label, done in site.checklist() if not done]
    if missing:
        raise ValidationError(
            _("SITE-7：上线前须完成以下事项：%(items)s。") % {"items": "、".join(missing)},
            code="checklist_incomplete",
            params={"missing": missing},
        )
    if site.wagtail_site_id is None:
        hosting.provision(site)
    site.opened_at = timezone.now()
    _set_status(user, site, SiteStatus.ONLINE, extra_fields=["opened_at"])
    log(site, ACTION_GO_LIVE, user=user, data={"opened_at": site.opened_at.isoformat()})
    return site


# --- Audit-log action types -----------------------------------------------------


class _ApplicationFormatter(LogFormatter):
    def format_message(self, log_entry):
        data = log_entry.data or {}
        kind = data.get("kind")
        kind_label = ApplicationKind(kind).label if kind in ApplicationKind.values else ""
        message = f"{self.label}：{data.get('site', '')}{kind_label}"
        if data.get("reviewer_org"):
            message += f"（{data['reviewer_org']}）"
        return message

    def format_comment(self, log_entry):
        return (log_entry.data or {}).get("comment", "")


class _StatusFormatter(LogFormatter):
    label = _("网站状态变更")

    def format_message(self, log_entry):
        data = log_entry.data or {}

        def label(value):
            return SiteStatus(value).label if value in SiteStatus.values else value or "—"

        return _("网站状态由“%(from)s”变更为“%(to)s”") % {
            "from": label(data.get("from")),
            "to": label(data.get("to")),
        }


class _RenameFormatter(LogFormatter):
    label = _("网站更名")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return _("网站由“%(from)s”更名为“%(to)s”") % {
            "from": data.get("from", ""),
            "to": data.get("to", ""),
        }


APPLICATION_ACTION_LABELS = {
    ACTION_SUBMIT: _("提交网站申请"),
    ACTION_APPROVE_STEP: _("审核同意"),
    ACTION_REJECT: _("驳回申请"),
    ACTION_APPROVED: _("申请获批生效"),
    ACTION_WITHDRAW: _("撤回申请"),
}


@hooks.register("register_log_actions")
def register_log_actions(actions):
    """Chinese labels for the lifecycle's audit-log entries."""
    for action, label in APPLICATION_ACTION_LABELS.items():
        actions.register_action(action)(
            type("_Formatter", (_ApplicationFormatter,), {"label": label})
        )
    actions.register_action(ACTION_STATUS_CHANGE)(_StatusFormatter)
    actions.register_action(ACTION_RENAME)(_RenameFormatter)
    actions.register_action(ACTION_GO_LIVE, _("网站上线"), _("网站通过上线检查，正式上线"))

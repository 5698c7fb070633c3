"""Review and publishing rules of the library (rule: PUB-3, INTERP-1, TIME-5).

Review is Wagtail's own snippet workflow machinery: :func:`setup_library_workflow`
creates the default workflow "信息发布审核" (初审 → 复审 → 保密审查 → 签发) and assigns
it to every resource content type. An organization may be given another workflow
with :class:`~jiyue.library.models.OrganizationWorkflow` (see
:func:`workflow_for_resource`).

Every publish path ends in :meth:`Resource.publish`, which calls
:func:`publish_resource_revision` here, so the interpretation rule and the index
number assignment hold for the admin, the workflow, the scheduler, the API and the
importer alike.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import GroupApprovalTask, Workflow, WorkflowContentType, WorkflowTask

from jiyue.registry import services as registry
from jiyue.registry.services import is_supervisor

from .models import (
    PROXY_MODELS,
    HeldInterpretation,
    IndexNumberCounter,
    OrganizationWorkflow,
    Resource,
    ResourceType,
)

WORKFLOW_NAME = "信息发布审核"
# rule: PUB-3 — content review and confidentiality review (保密审查) before release.
WORKFLOW_STEPS = ["初审", "复审", "保密审查", "签发"]
EDITORS_GROUP = "信息资源编辑"
SIGN_OFF_GROUP = "签发"
# Types that receive a disclosure index number (索引号) on first publish.
INDEXED_TYPES = {"policy", "interpretation"}


class InterpretationRequired(ValidationError):
    """A policy that needs interpretation was published without one (rule: INTERP-1)."""


def resource_editing_permissions(model):
    """What an editor needs to draft resources of ``model`` (publishing goes through review)."""
    return [_perm(model, a) for a in ("view", "add", "change", "lock", "unlock")]


def grant_site_editors(group):
    """Let a site's editors' group draft library resources (rule: LIB-1 先入库).

    Every site's editors work in the library; the library's own permission policy
    scopes what they see to their organization, and publishing still needs the
    review workflow. Called when the registry provisions a site.
    """
    for model in resource_models():
        group.permissions.add(*resource_editing_permissions(model))


def resource_models():
    return [Resource, *PROXY_MODELS.values()]


# --- Workflow selection --------------------------------------------------------------


def workflow_for_resource(resource):
    """The active workflow for ``resource``.

    The nearest :class:`OrganizationWorkflow` of the source organization or one of
    its ancestors wins; otherwise Wagtail's per-model assignment applies.
    """
    if not getattr(settings, "WAGTAIL_WORKFLOW_ENABLED", True):
        return None

    if resource.source_org_id:
        org = resource.source_org
        chain = [org, *org.ancestors()]
        rows = {
            row.organization_id: row.workflow
            for row in OrganizationWorkflow.objects.filter(
                organization__in=chain, workflow__active=True
            ).select_related("workflow")
        }
        for candidate in chain:
            if candidate.pk in rows:
                return rows[candidate.pk]
    return type(resource).get_default_workflow()


def set_organization_workflow(organization, workflow, user):
    """Give ``organization`` its own review workflow (supervisors only)."""

    if not is_supervisor(user):
        raise PermissionDenied(_("只有主管单位可以为机构指定审核流程。"))
    row, _created = OrganizationWorkflow.objects.update_or_create(
        organization=organization, defaults={"workflow": workflow}
    )
    log(
        instance=row,
        action="library.workflow.assign",
        user=user,
        data={"organization": organization.name, "workflow": workflow.name},
    )
    return row


# --- Default workflow and groups ------------------------------------------------------


def _perm_codename(model, codename, name):
    # get_or_create: this runs on post_migrate, possibly before Django's and
    # Wagtail's own permission creation for this app.
    ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
    perm, _created = Permission.objects.get_or_create(
        content_type=ct, codename=codename, defaults={"name": name}
    )
    return perm


def _perm(model, action):
    codename = f"{action}_{model._meta.model_name}"
    return _perm_codename(model, codename, f"Can {action} {model._meta.verbose_name_raw}")


@transaction.atomic
def setup_library_workflow():
    """Create the default workflow, its groups and permissions. Idempotent.

    The workflow is only created when missing, so a supervisor's later edits in
    Settings → Workflows are kept; group permissions are only ever added.
    """

    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    groups = {}
    for name in [EDITORS_GROUP, *WORKFLOW_STEPS]:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        groups[name] = group

    for model in resource_models():
        view = _perm(model, "view")
        groups[EDITORS_GROUP].permissions.add(view, *resource_editing_permissions(model))
        for step in WORKFLOW_STEPS:
            groups[step].permissions.add(view, _perm(model, "change"))
        groups[SIGN_OFF_GROUP].permissions.add(_perm(model, "publish"))
    waive = _perm_codename(Resource, "waive_interpretation", "可批准政策文件免于解读")
    groups[SIGN_OFF_GROUP].permissions.add(waive)

    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        for order, step in enumerate(WORKFLOW_STEPS):
            task = GroupApprovalTask.objects.filter(name=step).first()
            if task is None:
                task = GroupApprovalTask.objects.create(name=step, active=True)
            task.groups.add(groups[step])
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    for model in resource_models():
        ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
        WorkflowContentType.objects.get_or_create(content_type=ct, defaults={"workflow": workflow})
    return workflow


# --- Interpretation waiver -------------------------------------------------------------


def waive_interpretation(policy, user, reason):
    """Record that ``policy`` may be published without an interpretation (INTERP-1).

    Only an approver with ``library.waive_interpretation`` may do this.
    """

    if not (user.is_superuser or user.has_perm("library.waive_interpretation")):
        raise PermissionDenied(_("INTERP-1：只有审批人可以批准免于解读。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"interpretation_waiver_reason": _("INTERP-1：请填写免于解读的理由。")}
        )
    Resource.objects.filter(pk=policy.pk).update(
        interpretation_waiver_reason=reason, interpretation_waived_by=user
    )
    policy.interpretation_waiver_reason = reason
    policy.interpretation_waived_by = user
    log(instance=policy, action="library.interpretation.waive", user=user, data={"reason": reason})


# --- Publishing ------------------------------------------------------------------------


def _goes_live_now(obj):
    return not (obj.go_live_at and obj.go_live_at > timezone.now())


def publish_resource_revision(resource, revision, user=None, **kwargs):
    """Publish ``revision`` of ``resource`` under the library's rules.

    - An interpretation whose policy is not live yet is held (rule: INTERP-1
      "同步部署") and released with the policy.
    - A policy that needs interpretation is published only with at least one live or
      held interpretation, unless an approver waived it; held interpretations are
      published in the same transaction.
    - Index numbers and a missing publish time are assigned on first publish.
    """

    # The platform-owned fields come from the database row, never from an in-memory
    # instance or revision (e.g. a waiver typed into a draft is ignored).
    owned = ["uid", "index_no", "interpretation_waiver_reason", "interpretation_waived_by_id"]
    row = Resource.objects.filter(pk=resource.pk).values(*owned).first() or {}
    for field, value in row.items():
        setattr(resource, field, value)
    obj = revision.as_object()
    if not _goes_live_now(obj):
        # Scheduling only: the rules run when the scheduler publishes it.
        return resource._wagtail_publish(revision, user=user, **kwargs)

    with transaction.atomic():
        if obj.resource_type == ResourceType.INTERPRETATION and obj.policy_id:
            policy_live = Resource.objects.filter(pk=obj.policy_id, live=True).exists()
            if not policy_live:
                HeldInterpretation.objects.update_or_create(
                    interpretation=resource, defaults={"revision": revision, "held_by": user}
                )
                log(
                    instance=resource,
                    action="library.interpretation.held",
                    user=user,
                    revision=revision,
                )
                return None

        held = []
        if obj.resource_type == ResourceType.POLICY:
            held = list(
                HeldInterpretation.objects.filter(interpretation__policy_id=resource.pk)
                .select_related("revision")
                .order_by("pk")
            )
            waived = bool(resource.interpretation_waiver_reason) and bool(
                resource.interpretation_waived_by_id
            )
            if obj.needs_interpretation and not waived and not held:
                has_live = Resource.objects.filter(policy_id=resource.pk, live=True).exists()
                if not has_live:
                    raise InterpretationRequired(
                        _(
                            "INTERP-1：该政策文件需要解读，须与已审核的解读同步发布，"
                            "或由审批人填写免于解读理由。"
                        )
                    )

        result = resource._wagtail_publish(revision, user=user, **kwargs)
        _after_first_publish(resource)

        for row in held:
            row.revision.publish(user=user, skip_permission_checks=True)
            HeldInterpretation.objects.filter(pk=row.pk).delete()
        if obj.resource_type == ResourceType.INTERPRETATION:
            HeldInterpretation.objects.filter(interpretation=resource).delete()
    return result


def _after_first_publish(resource):
    """Assign publish time and index number the first time a resource is live."""

    row = Resource.objects.filter(pk=resource.pk).values(
        "live", "pub_date", "index_no", "resource_type", "source_org_id", "first_published_at"
    )[0]
    if not row["live"]:
        return
    updates = {}
    if row["pub_date"] is None:
        updates["pub_date"] = row["first_published_at"] or timezone.now()
    if row["index_no"] is None and row["resource_type"] in INDEXED_TYPES:
        updates["index_no"] = allocate_index_no(row["source_org_id"])
    if updates:
        Resource.objects.filter(pk=resource.pk).update(**updates)
        for key, value in updates.items():
            setattr(resource, key, value)


def index_no_org_code(org):
    """The organization code of an index number (索引号), e.g. ``11110000000021135M``.

    The organization's unified social credit code (统一社会信用代码, GB 32100-2015; the
    national identifier of every organ, as the disclosure catalogues of the State
    Council and the provinces use). An organization not yet given one in the registry
    gets the platform's identifier: the division code of it or its nearest ancestor
    with one and its 4-digit id (``1100000003``); never a bare ``ORG`` prefix.
    """
    if org.credit_code:
        return org.credit_code
    division = next((o.division_code for o in [org, *org.ancestors()] if o.division_code), "000000")
    return f"{division}{org.pk:04d}"


def allocate_index_no(organization_id, when=None):
    """Issue the next disclosure index number (索引号) of an organization (LIB-7 index_no).

    Format ``<机构代码>/<年份>-<5位序号>``, e.g. ``11110000000021135M/2025-00012``: the
    organization code (:func:`index_no_org_code`), the year, and a per-organization,
    per-year sequence. Counters never go down, so a number is never reused.
    """

    year = timezone.localtime(when or timezone.now()).year
    counter, _created = IndexNumberCounter.objects.select_for_update().get_or_create(
        organization_id=organization_id, year=year
    )
    IndexNumberCounter.objects.filter(pk=counter.pk).update(last_value=F("last_value") + 1)
    counter.refresh_from_db()
    org = registry.organizations().get(pk=organization_id)
    return f"{index_no_org_code(org)}/{year}-{counter.last_value:05d}"

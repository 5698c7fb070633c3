"""Admin forms of the site registry, scoped to the user who fills them in.

Choices are narrowed to what the user may touch (their own organization, their own
sites); the rules themselves live in the models (``GovSite.clean``) and in
:mod:`jiyue.registry.lifecycle`, so a form only reports their errors. No form has a
status field: status changes only through approved applications (rule: SITE-6).
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from jiyue.standards.validators import (
    normalize_domain,
    validate_icp_no,
    validate_plain_text,
    validate_psb_no,
    validate_psb_record_code,
)

from . import lifecycle
from .choosers import GovSiteChooser, MergeTargetChooser, OrganizationChooser, merge_targets
from .models import (
    ACTIVE_STATUSES,
    ApplicationKind,
    GovSite,
    Organization,
    SiteApplication,
    SiteStatus,
)
from .services import is_supervisor, organization_for_user, organizations_in_scope

# Merge-plan fields: set by the supervisor, read-only for site staff.
PLAN_FIELDS = ("plan_action", "plan_target", "plan_deadline")
# Format checks of the record's free-text fields (rule: SITE-7, FOOTER-2, PLATFORM-7).
FIELD_VALIDATORS = {
    "icp_no": validate_icp_no,
    "psb_no": validate_psb_no,
    "psb_record_code": validate_psb_record_code,
    "operator_name": validate_plain_text,
    "dzjg_mark": validate_plain_text,
}
# Identity fields (网站身份信息) of a registered site: what the registry, the host-name
# routing and the review chain key on. Site staff never change them in the edit form:
# a new name is a rename application (更名申请), the rest is the supervisor's record
# (rule: SITE-6). A changed domain would take the site off its host at once, a
# changed type would skip the department-domain check (rule: DOMAIN-4).
IDENTITY_FIELDS = ("name", "site_type", "organization", "primary_domain", "site_id_code")


def _is_supervisor(user):
    return is_supervisor(user)


def _user_org(user):
    return organization_for_user(user)


class GovSiteForm(WagtailAdminModelForm):
    """Registering (登记) or editing a site record.

    Supervisors register sites for any organization; site staff only for their own.
    The name is fixed once registered: renaming is an application (更名申请).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        supervisor = user is not None and _is_supervisor(user)
        if "organization" in self.fields and not supervisor:
            org = _user_org(user) if user is not None else None
            allowed = [org.pk] if org else []
            if self.instance.pk:
                # Shown, not changeable: moving a site to another owner is the
                # supervisor's decision.
                allowed.append(self.instance.organization_id)
                self.fields["organization"].disabled = True
            self.fields["organization"].queryset = Organization.objects.filter(pk__in=allowed)
        if not supervisor:
            for name in PLAN_FIELDS:
                self.fields.pop(name, None)
        elif "plan_target" in self.fields:
            targets = GovSite.objects.exclude(status__in=[SiteStatus.CLOSED, SiteStatus.MERGED])
            if self.instance.pk:
                targets = targets.exclude(pk=self.instance.pk)
            self.fields["plan_target"].queryset = targets
            # The supervisor picks among the whole city: choosers, not selects.
            self.fields["plan_target"].widget = GovSiteChooser()
            if "organization" in self.fields:
                self.fields["organization"].widget = OrganizationChooser()
        if self.instance.pk and "name" in self.fields:
            self.fields["name"].disabled = True
            self.fields["name"].help_text = _(
                "网站名称登记后不能直接修改；如需更名，请在网站详情页提交“更名”申请。"
            )
        if self.instance.pk and not supervisor:
            self._freeze_identity()

    def _freeze_identity(self):
        """Identity fields are shown, not editable, for site staff (rule: SITE-6).

        Disabled fields take their value from the record whatever is posted, so a
        hand-made POST changes nothing either. The identifier code is issued once by
        the national reporting system (rule: IDCODE-1, SITE-7): staff may enter it
        while it is empty, not change it afterwards.
        """
        for name in IDENTITY_FIELDS:
            field = self.fields.get(name)
            if field is None or field.disabled:
                continue
            if name == "site_id_code" and not self.instance.site_id_code:
                continue
            field.disabled = True
            field.help_text = _(
                "SITE-6：网站身份信息登记后不能在此修改；如需变更，"
                "请提交网站申请，经主管单位审核后生效。"
            )

    def clean(self):
        """Each filled-in filing number and text field in its format (see FIELD_VALIDATORS)."""
        cleaned = super().clean()
        for name, validate in FIELD_VALIDATORS.items():
            value = cleaned.get(name)
            if name not in self.fields or self.fields[name].disabled or not value:
                continue
            try:
                cleaned[name] = validate(value)
            except ValidationError as exc:
                self.add_error(name, exc)
        return cleaned

    def is_valid(self):
        """Also refuse aliases repeating the primary domain or each other (rule: DOMAIN-5).

        ``SiteAlias.clean`` cannot see these for a site not saved yet, nor the other
        aliases typed beside it; the inline forms are only cleaned after this form.
        """
        valid = super().is_valid()
        primary = self.cleaned_data.get("primary_domain") if hasattr(self, "cleaned_data") else None
        seen = set()
        for form in self.formsets.get("aliases", []):
            data = getattr(form, "cleaned_data", None) or {}
            domain = normalize_domain(data.get("domain"))
            if not domain or data.get("DELETE"):
                continue
            if domain == primary:
                form.add_error("domain", _("DOMAIN-5：别名不能与本网站的主域名相同。"))
                valid = False
            elif domain in seen:
                form.add_error("domain", _("DOMAIN-5：别名重复。"))
                valid = False
            seen.add(domain)
        return valid


class OrganizationForm(WagtailAdminModelForm):
    """An organization; a non-supervisor may only place it inside their own subtree."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is not None and not _is_supervisor(user) and "parent" in self.fields:
            org = _user_org(user)
            self.fields["parent"].queryset = (
                organizations_in_scope(org) if org else Organization.objects.none()
            )
            self.fields["is_supervisor"].disabled = True
        if "parent" in self.fields:
            self.fields["parent"].widget = OrganizationChooser()  # same scope as above


class SiteApplicationForm(WagtailAdminModelForm):
    """Submitting an application (申请); validated by :func:`lifecycle.validate_application`."""

    class Meta:
        model = SiteApplication
        fields = ["kind", "site", "reason", "new_name", "merge_target"]
        fields += ["offline_from", "offline_until"]
        help_texts = {
            "offline_from": _("仅临时下线申请填写：计划自哪一天起下线。"),
            "offline_until": _("仅临时下线申请填写：计划恢复访问的日期，将显示在下线公告页上。"),
            # rule: NAME-1
            "new_name": _("仅更名申请填写，须包含主办单位名称。"),
            "merge_target": _("仅整合迁移申请填写：本网站内容迁入的网站。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is not None and _is_supervisor(user):
            sites = GovSite.objects.filter(status__in=ACTIVE_STATUSES)
        else:
            org = _user_org(user) if user is not None else None
            sites = GovSite.objects.filter(
                organization_id=org.pk if org else None, status__in=ACTIVE_STATUSES
            )
        self.fields["site"].queryset = sites.select_related("organization")
        if user is not None and _is_supervisor(user):
            self.fields["site"].widget = GovSiteChooser()
        self.fields["merge_target"].queryset = merge_targets(user)
        self.fields["merge_target"].widget = MergeTargetChooser()
        self.fields["reason"].widget = forms.Textarea(attrs={"rows": 4})

    def clean(self):
        cleaned = super().clean()
        site = cleaned.get("site")
        kind = cleaned.get("kind")
        if kind == ApplicationKind.OFFLINE:
            # The planned period is asked for here (issue 8 item 14); the service
            # checks that it is consistent.
            for name, message in (
                ("offline_from", _("请填写计划下线日期。")),
                ("offline_until", _("请填写计划恢复日期。")),
            ):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
        if site is None or kind is None:
            return cleaned
        try:
            lifecycle.validate_application(
                self.for_user,
                site,
                kind,
                cleaned.get("reason", ""),
                new_name=cleaned.get("new_name", ""),
                merge_target=cleaned.get("merge_target"),
                offline_from=cleaned.get("offline_from"),
                offline_until=cleaned.get("offline_until"),
            )
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from None
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    target = field if field in self.fields else None
                    for error in errors:
                        self.add_error(target, error)
            else:
                raise
        return cleaned


class DecisionForm(forms.Form):
    """A reviewer's decision on the application's current step."""

    DECISIONS = [("approve", _("同意")), ("reject", _("驳回"))]

    step = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("审核结果"), choices=DECISIONS)
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("驳回时必须填写。"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("驳回申请须填写审核意见。"))
        return cleaned

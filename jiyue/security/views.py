"""The security pages: lockout notice, lockouts and unlock, audit trail, second factor.

Everything in the admin here is for supervisors (主管单位) and superusers only
(``registry.services.is_supervisor``); others get 403. rule: PLATFORM-7, PLATFORM-F16
"""

from base64 import b32encode
from datetime import timedelta
from urllib.parse import urlencode

import django_filters
import segno
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, Max, Sum, Value
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.filters import ContentTypeFilter
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import PageLogEntry

from jiyue.registry import services as registry
from jiyue.standards.spreadsheets import neutralize_row

from .audit import (
    TWO_FACTOR_ENROLLED,
    TWO_FACTOR_FAILED,
    TWO_FACTOR_VERIFIED,
    UNLOCK,
    log_event,
)
from .compat import ADMIN_HOME_VIEW, LogEntriesView, SiteHistoryReportFilterSet

# --- The lockout page (django-axes' AXES_LOCKOUT_CALLABLE) ----------------------------


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out login gets: a page in Chinese, status 429."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "security/lockout.html", context, status=429)


# --- Supervisor-only admin views -----------------------------------------------------


class SupervisorOnlyMixin:
    """403 with a page that says so (Wagtail would turn PermissionDenied into a redirect)."""

    def dispatch(self, request, *args, **kwargs):
        if not registry.is_supervisor(request.user):
            return TemplateResponse(
                request,
                "security/forbidden.html",
                {"page_title": _("安全"), "header_title": _("安全")},
                status=403,
            )
        return super().dispatch(request, *args, **kwargs)


class UnlockForm(forms.Form):
    username = forms.CharField(required=False, max_length=150)
    ip_address = forms.GenericIPAddressField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("username") and not data.get("ip_address"):
            raise forms.ValidationError(_("请指定要解锁的账号或地址。"))
        return data


def _recent_attempts():
    cool_off = get_cool_off() or timedelta(days=1)
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)


def lockout_summary(field):
    """Failures per account (``username``) or per address (``ip_address``) in the cool-off."""
    limit = settings.AXES_FAILURE_LIMIT
    rows = (
        _recent_attempts()
        .exclude(**{field: None})
        .values(field)
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .order_by("-last")
    )
    return [
        {
            "key": row[field],
            "failures": row["failures"],
            "last": row["last"],
            "locked": row["failures"] >= limit,
        }
        for row in rows
        if row["failures"]
    ]


class LockoutsView(SupervisorOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Who is locked out now (登录锁定), per account and per address, with unlock buttons."""

    page_title = gettext_lazy("登录锁定")
    header_icon = "lock"
    template_name = "security/lockouts.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            accounts=lockout_summary("username"),
            addresses=lockout_summary("ip_address"),
            failure_limit=settings.AXES_FAILURE_LIMIT,
            cooloff_minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            **kwargs,
        )


class UnlockView(SupervisorOnlyMixin, FormView):
    """POST only: remove the failure records of one account or one address; logged."""

    form_class = UnlockForm
    http_method_names = ["post"]

    def form_valid(self, form):
        username = form.cleaned_data.get("username") or None
        ip_address = form.cleaned_data.get("ip_address") or None
        removed = axes_reset(ip=ip_address, username=username)
        account = None
        if username:
            account = get_user_model()._default_manager.filter(username=username).first()
        target = "、".join(filter(None, [username, ip_address]))
        log_event(
            UNLOCK,
            instance=account,
            user=self.request.user,
            label=target,
            data={
                "detail": target,
                "username": username or "",
                "locked_ip": ip_address or "",
                "removed_records": removed,
            },
        )
        messages.success(self.request, _("已解除“%(target)s”的登录锁定。") % {"target": target})
        return HttpResponseRedirect(reverse("jiyue_security:lockouts"))

    def form_invalid(self, form):
        messages.error(self.request, _("请指定要解锁的账号或地址。"))
        return HttpResponseRedirect(reverse("jiyue_security:lockouts"))


# --- The audit trail -------------------------------------------------------------------


def _all_log_models():
    return list(log_action_registry.get_log_entry_models())


class AuditTrailFilterSet(SiteHistoryReportFilterSet):
    """Site history's filters over *every* entry, plus the client address."""

    object_type = ContentTypeFilter(
        label=gettext_lazy("Type"),
        method="filter_object_type",
        queryset=lambda request: ContentType.objects.filter(
            pk__in={
                pk
                for model in _all_log_models()
                for pk in model.objects.values_list("content_type_id", flat=True).distinct()
            }
        ).order_by("model"),
    )
    client_ip = django_filters.CharFilter(
        label=gettext_lazy("客户端地址"), method="filter_client_ip"
    )

    def filter_client_ip(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(data__client_ip__startswith=value) if value else queryset

    def get_action_choices(self):
        return log_action_registry.get_choices()

    def get_users_queryset(self):
        user_ids = set()
        for model in _all_log_models():
            user_ids.update(model.objects.exclude(user=None).values_list("user_id", flat=True))
        User = get_user_model()
        return User.objects.filter(pk__in=user_ids).order_by(User.USERNAME_FIELD)

    class Meta:
        model = PageLogEntry
        fields = []


class AuditTrailView(SupervisorOnlyMixin, LogEntriesView):
    """安全审计: Wagtail's site history over all organizations, with client addresses.

    Site history (``wagtailadmin_reports:site_history``) shows a user only the entries of
    models they hold permissions on; the supervisor must see everything, security events
    on user accounts included, so this view does not filter by ``viewable_by_user``.
    """

    page_title = gettext_lazy("安全审计")
    header_icon = "history"
    results_template_name = "security/audit_results.html"
    filterset_class = AuditTrailFilterSet
    index_url_name = "jiyue_security:audit"
    index_results_url_name = "jiyue_security:audit_results"
    export_headings = {
        **LogEntriesView.export_headings,
        "message": gettext_lazy("详情"),
        "client_ip": gettext_lazy("客户端地址"),
    }
    list_export = [*LogEntriesView.list_export, "message", "client_ip"]

    def get_filename(self):
        return "jiyue-audit-{}".format(timezone.localdate().strftime("%Y-%m-%d"))

    def get_filtered_queryset(self):
        # As LogEntriesView, minus viewable_by_user: the supervisor reads the whole trail.
        queryset = None
        self.log_models = _all_log_models()
        for index, log_model in enumerate(self.log_models):
            sub = (
                log_model.objects.all()
                .values("pk", "timestamp")
                .annotate(log_model_index=Value(index, output_field=IntegerField()))
            )
            sub = self.filter_queryset(sub).order_by()
            queryset = sub if queryset is None else queryset.union(sub, all=True)
        return queryset.order_by("-timestamp")

    def decorate_paginated_queryset(self, queryset):
        entries = super().decorate_paginated_queryset(queryset)
        for entry in entries:
            entry.client_ip = (entry.data or {}).get("client_ip", "")
        return entries

    def write_csv_row(self, writer, row_dict):
        # A user name typed at the login form ends up here: never let it be a formula
        # (the shared guard of every admin export, applied here explicitly too).
        return writer.writerow(
            neutralize_row(
                {
                    field: self.preprocess_field_value(field, raw, self.FORMAT_CSV)
                    for field, raw in row_dict.items()
                }
            )
        )


# --- Second factor (双因素认证) --------------------------------------------------------


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("动态口令"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("动态口令由数字组成。"))
        return token


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/admin/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(ADMIN_HOME_VIEW)


class SecondFactorMixin(WagtailAdminTemplateMixin):
    header_icon = "key"

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_next_url(self.request), **kwargs)


class EnrolView(SupervisorOnlyMixin, SecondFactorMixin, FormView):
    """Bind an authenticator app (绑定动态口令): scan the QR code, confirm with one code."""

    page_title = gettext_lazy("绑定动态口令")
    template_name = "security/enrol.html"
    form_class = TokenForm

    def dispatch(self, request, *args, **kwargs):
        if registry.is_supervisor(request.user) and self._confirmed().exists():
            query = urlencode({"next": _next_url(request)})
            return HttpResponseRedirect(f"{reverse('jiyue_security:verify')}?{query}")
        return super().dispatch(request, *args, **kwargs)

    def _confirmed(self):
        return TOTPDevice.objects.filter(user=self.request.user, confirmed=True)

    def device(self):
        device = TOTPDevice.objects.filter(user=self.request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=self.request.user, name="动态口令", confirmed=False
            )
        return device

    def get_context_data(self, **kwargs):
        device = self.device()
        secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
        return super().get_context_data(
            qr_svg=segno.make(device.config_url, error="m").svg_inline(scale=5),
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            **kwargs,
        )

    def form_valid(self, form):
        device = self.device()
        if not device.verify_token(form.cleaned_data["token"]):
            log_event(TWO_FACTOR_FAILED, instance=self.request.user, user=self.request.user)
            form.add_error("token", _("动态口令不正确，请核对手机上的时间后重试。"))
            return self.form_invalid(form)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(self.request, device)
        log_event(TWO_FACTOR_ENROLLED, instance=self.request.user, user=self.request.user)
        messages.success(self.request, _("已绑定动态口令，以后登录时需输入手机上显示的口令。"))
        return HttpResponseRedirect(_next_url(self.request))


class VerifyView(SecondFactorMixin, FormView):
    """Ask for the current code (验证动态口令) once per session."""

    page_title = gettext_lazy("验证动态口令")
    template_name = "security/verify.html"
    form_class = TokenForm

    def form_valid(self, form):
        user = self.request.user
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(self.request, device)
                log_event(TWO_FACTOR_VERIFIED, instance=user, user=user)
                return HttpResponseRedirect(_next_url(self.request))
        log_event(TWO_FACTOR_FAILED, instance=user, user=user)
        form.add_error("token", _("动态口令不正确或尝试过于频繁，请稍后重试。"))
        return self.form_invalid(form)

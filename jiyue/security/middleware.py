"""Request-level defences: CSP per area, audit context, session limits, second factor.

See docs/security.md. rule: PLATFORM-7
"""

import time
from urllib.parse import urlencode

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiyue.registry import services as registry

from .audit import current_client_ip, current_entry_count, log_export, log_unlogged_write
from .client import client_ip
from .compat import SECOND_FACTOR_EXEMPT_VIEWS
from .sessions import LOGIN_AT, SEEN_AT

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
# Wagtail's editor pings this every few seconds while an edit page is open: that is the
# browser, not the person, so it must not keep an idle session alive.
BACKGROUND_PREFIXES = ("/admin/editing-sessions/",)
# Admin POSTs that change nothing (previews, the ping, choosers' searches) or are
# logged as security events of their own (login, logout, second factor).
NOT_WRITES = (
    "/preview/",
    "/editing-sessions/",
    "/login/",
    "/logout/",
    "/security/2fa/",
    "/jsi18n/",
    "/chooser/",
    "/choose/",
)
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Write the last-activity time at most this often (seconds), not on every request.
SEEN_RESOLUTION = 60


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with two policies: strict everywhere, the admin's below its prefixes.

    Public pages get ``CONTENT_SECURITY_POLICY`` (no inline script or style, nothing from
    other hosts). Under ``JIYUE_CSP_ADMIN_PREFIXES`` Wagtail's admin needs inline scripts
    and styles (widgets, inline panels, Draftail), blob: images and framing by itself
    (live preview), so those paths get ``JIYUE_CSP_ADMIN_DIRECTIVES``.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(settings.JIYUE_CSP_ADMIN_PREFIXES))
        ):
            parts.config = settings.JIYUE_CSP_ADMIN_DIRECTIVES
        return parts


class AuditContextMiddleware:
    """Makes the request's client address known to every log entry written meanwhile;
    logs file exports (an attachment answered by the admin or the API) and admin writes
    that left no log entry of their own, so that every admin write is in the trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        address_token = current_client_ip.set(client_ip(request))
        counter = [0]
        count_token = current_entry_count.set(counter)
        try:
            response = self.get_response(request)
            if self._is_export(request, response):
                log_export(request, response)
            elif counter[0] == 0 and self._is_admin_write(request, response):
                log_unlogged_write(request, response)
            return response
        finally:
            current_entry_count.reset(count_token)
            current_client_ip.reset(address_token)

    @staticmethod
    def _signed_in(request):
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)

    @classmethod
    def _is_admin_write(cls, request, response):
        # A successful admin write redirects (or answers JSON to the admin's scripts); a
        # form shown again with its errors (200 HTML) wrote nothing.
        succeeded = 300 <= response.status_code < 400 or (
            response.status_code == 200
            and response.get("Content-Type", "").startswith("application/json")
        )
        return (
            request.method in WRITE_METHODS
            and succeeded
            and request.path_info.startswith(ADMIN_PREFIXES)
            and not any(part in request.path_info for part in NOT_WRITES)
            and cls._signed_in(request)
        )

    @classmethod
    def _is_export(cls, request, response):
        if response.status_code != 200:
            return False
        if not request.path_info.startswith((*ADMIN_PREFIXES, "/api/")):
            return False
        if "attachment" not in response.get("Content-Disposition", ""):
            return False
        return cls._signed_in(request)


class SessionTimeoutMiddleware:
    """Ends a signed-in session after idle time or absolute lifetime (会话超时).

    ``JIYUE_SESSION_IDLE_TIMEOUT`` since the last request, ``JIYUE_SESSION_ABSOLUTE_TIMEOUT``
    since login; the session is flushed (Django's ``logout``) and the event logged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            self._check(request, session)
        return self.get_response(request)

    def _check(self, request, session):
        now = time.time()
        login_at = session.get(LOGIN_AT)
        seen_at = session.get(SEEN_AT)
        if login_at is None or seen_at is None:
            # Signed in before these limits existed: count from now.
            session[LOGIN_AT] = login_at or now
            session[SEEN_AT] = now
            return
        idle = settings.JIYUE_SESSION_IDLE_TIMEOUT.total_seconds()
        absolute = settings.JIYUE_SESSION_ABSOLUTE_TIMEOUT.total_seconds()
        reason = None
        if now - seen_at > idle:
            reason = f"空闲超过 {int(idle // 60)} 分钟"
        elif now - login_at > absolute:
            reason = f"登录已超过 {absolute / 3600:g} 小时"
        if reason:
            request.jiyue_logout_reason = reason
            logout(request)
            return
        if not request.path_info.startswith(BACKGROUND_PREFIXES) and now - seen_at >= min(
            SEEN_RESOLUTION, idle / 2
        ):
            session[SEEN_AT] = now


def needs_second_factor(user):
    """Supervisors (主管单位) and superusers: the accounts that see every site."""
    return registry.is_supervisor(user)


class SecondFactorMiddleware:
    """With ``JIYUE_2FA_REQUIRED``, a supervisor reaches no admin page before TOTP.

    Without a confirmed device they are sent to enrol (绑定), otherwise to verify (验证).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.JIYUE_2FA_REQUIRED
            and request.path_info.startswith(ADMIN_PREFIXES)
            and SESSION_KEY in getattr(request, "session", {})
            and not self._exempt(request.path_info)
        ):
            user = request.user
            if user.is_authenticated and not user.is_verified() and needs_second_factor(user):
                enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
                target = reverse("jiyue_security:verify" if enrolled else "jiyue_security:enrol")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _exempt(path):
        allowed = (
            reverse("jiyue_security:verify"),
            reverse("jiyue_security:enrol"),
            *(reverse(name) for name in SECOND_FACTOR_EXEMPT_VIEWS),
        )
        return path.startswith(allowed)

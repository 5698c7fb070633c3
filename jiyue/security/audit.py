"""One audit trail (安全审计) in Wagtail's audit log. rule: PLATFORM-7

Wagtail already logs its own admin writes (create, edit, delete, publish, workflow…) as
``ModelLogEntry`` / ``PageLogEntry`` rows, and Jiyue's apps log theirs with
``wagtail.log_actions.log``. This module adds, to the same tables:

* the client address (客户端地址) of the request to *every* log entry written while a
  request is being answered (``data["client_ip"]``, filled by a ``pre_save`` receiver
  from :mod:`.middleware`'s request context);
* the security events, as ``jiyue.security.*`` actions with Chinese labels: login,
  login failure, lockout, unlock, logout, session expiry, second-factor events, group
  membership and permission changes, exports, and writes made in Django's own admin.

Supervisors read the whole trail in 安全 → 安全审计 (:mod:`.views`).
"""

import contextvars

from axes.signals import user_locked_out
from django.contrib.admin.models import LogEntry as DjangoAdminLogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from wagtail import hooks
from wagtail.log_actions import LogFormatter, get_active_log_context, log
from wagtail.models import GroupCollectionPermission, GroupPagePermission, ModelLogEntry
from wagtail.models.audit_log import BaseLogEntry

from .sessions import mark_login

# The client address of the request being answered (set by AuditContextMiddleware).
current_client_ip = contextvars.ContextVar("jiyue_client_ip", default=None)
# How many log entries the request being answered wrote so far: [count].
current_entry_count = contextvars.ContextVar("jiyue_entry_count", default=None)

LOGIN = "jiyue.security.login"
LOGIN_FAILED = "jiyue.security.login_failed"
LOCKOUT = "jiyue.security.lockout"
UNLOCK = "jiyue.security.unlock"
LOGOUT = "jiyue.security.logout"
SESSION_EXPIRED = "jiyue.security.session_expired"
TWO_FACTOR_ENROLLED = "jiyue.security.2fa_enrolled"
TWO_FACTOR_VERIFIED = "jiyue.security.2fa_verified"
TWO_FACTOR_FAILED = "jiyue.security.2fa_failed"
GROUPS_CHANGED = "jiyue.security.groups_changed"
PERMISSIONS_CHANGED = "jiyue.security.permissions_changed"
EXPORT = "jiyue.security.export"
DJANGO_ADMIN_WRITE = "jiyue.security.django_admin_write"
ADMIN_WRITE = "jiyue.security.admin_write"

NO_OBJECT_ID = "0"

# action: (label, message) — Chinese, as the supervisor reads them.
ACTIONS = {
    LOGIN: ("登录", "登录成功"),
    LOGIN_FAILED: ("登录失败", "登录失败"),
    LOCKOUT: ("登录锁定", "连续登录失败，已锁定"),
    UNLOCK: ("解除登录锁定", "解除登录锁定"),
    LOGOUT: ("退出登录", "退出登录"),
    SESSION_EXPIRED: ("会话超时", "会话超时，已退出登录"),
    TWO_FACTOR_ENROLLED: ("启用双因素认证", "绑定动态口令设备"),
    TWO_FACTOR_VERIFIED: ("双因素认证通过", "动态口令验证通过"),
    TWO_FACTOR_FAILED: ("双因素认证失败", "动态口令验证失败"),
    GROUPS_CHANGED: ("用户组变更", "用户所属用户组变更"),
    PERMISSIONS_CHANGED: ("权限变更", "用户组权限变更"),
    EXPORT: ("数据导出", "导出数据"),
    DJANGO_ADMIN_WRITE: ("数据管理后台写操作", "在数据管理后台（/django-admin/）修改数据"),
    ADMIN_WRITE: ("后台写操作", "后台提交"),
}


def _formatter(label, message):
    class SecurityFormatter(LogFormatter):
        def format_message(self, log_entry):
            detail = (log_entry.data or {}).get("detail")
            return f"{message}：{detail}" if detail else message

    SecurityFormatter.label = label
    SecurityFormatter.message = message
    return SecurityFormatter


@hooks.register("register_log_actions")
def register_security_actions(actions):
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action)(_formatter(label, message))


# --- Writing entries ---------------------------------------------------------------


def _unwrap(obj):
    """request.user may be a lazy object around a lazy object (django-otp wraps Django's);
    Wagtail looks the log model up by the type one level down, so hand it the real user."""
    while isinstance(obj, LazyObject):
        if obj._wrapped is empty:
            obj._setup()
        obj = obj._wrapped
    return obj


def log_event(action, *, instance=None, user=None, label="", data=None):
    """Write one security event; ``instance`` is the object it concerns, if any.

    Without an instance (a login failure for a name no account has) the entry is kept
    against the user model with object id "0" (no account has it; Wagtail requires an
    id and looks instances up by it), the name as its label.
    """
    data = dict(data or {})
    instance, user = _unwrap(instance), _unwrap(user)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if instance is not None and instance.pk is not None:
        return log(instance, action, user=user, data=data, title=label or None)
    return ModelLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_id=NO_OBJECT_ID,
        label=label or "—",
        action=action,
        user=user,
        data=data,
        timestamp=timezone.now(),
    )


@receiver(pre_save)
def add_client_address(sender, instance, **kwargs):
    """Every log entry written during a request carries the request's client address."""
    if not isinstance(instance, BaseLogEntry):
        return
    counter = current_entry_count.get()
    if counter is not None and instance._state.adding:
        counter[0] += 1
    address = current_client_ip.get()
    if address and instance.data is not None and "client_ip" not in instance.data:
        instance.data = {**instance.data, "client_ip": address}


def _account(username):
    if not username:
        return None
    User = get_user_model()
    try:
        return User._default_manager.get_by_natural_key(username)
    except (User.DoesNotExist, ValueError):
        return None


# --- Login, logout, lockout ----------------------------------------------------------


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_login(request.session)
    log_event(LOGIN, instance=user, user=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username") or "")[:150]
    data = {"username": username}
    if request is not None and getattr(request, "axes_locked_out", False):
        data["detail"] = "账号或地址处于锁定期"
    log_event(LOGIN_FAILED, instance=_account(username), label=username, data=data)


@receiver(user_locked_out)
def on_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    username = str(username or "")[:150]
    data = {"username": username, "locked_ip": ip_address or "", "detail": username}
    log_event(LOCKOUT, instance=_account(username), label=username, data=data)


@receiver(user_logged_out)
def on_logout(sender, request=None, user=None, **kwargs):
    if user is None:
        return
    reason = getattr(request, "jiyue_logout_reason", None)
    if reason:
        log_event(SESSION_EXPIRED, instance=user, user=user, data={"detail": reason})
    else:
        log_event(LOGOUT, instance=user, user=user)


# --- Permission changes --------------------------------------------------------------


def _someone_acting():
    """True while answering a request or inside a user's LogContext.

    Permission changes made by migrations and set-up code (post_migrate grants, the
    demo loader) have nobody behind them and would only bury the real ones.
    """
    return current_client_ip.get() is not None or get_active_log_context().user is not None


def _names(model, pks):
    return sorted(str(obj) for obj in model._default_manager.filter(pk__in=pks or ()))


@receiver(m2m_changed, sender=get_user_model().groups.through)
def on_groups_changed(sender, instance, action, reverse, *, pk_set, **kwargs):
    """A user joined or left groups (from the user's or from the group's side)."""
    if not _someone_acting():
        return
    if action == "pre_clear":
        # Keep the memberships about to go, for the post_clear entry.
        if reverse:
            instance._jiyue_cleared = list(instance.user_set.values_list("pk", flat=True))
        else:
            instance._jiyue_cleared = list(instance.groups.values_list("pk", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action == "post_clear":
        pk_set = getattr(instance, "_jiyue_cleared", [])
    if not pk_set:
        return
    verb = "加入" if action == "post_add" else "移出"
    if reverse:  # instance is a group, pk_set are users
        users = list(get_user_model()._default_manager.filter(pk__in=pk_set))
        for user in users:
            log_event(GROUPS_CHANGED, instance=user, data={"detail": f"{verb}用户组“{instance}”"})
    else:
        groups = _names(Group, pk_set)
        log_event(
            GROUPS_CHANGED,
            instance=instance,
            data={"detail": f"{verb}用户组：" + "、".join(groups), "groups": groups},
        )


@receiver(m2m_changed, sender=Group.permissions.through)
def on_group_permissions_changed(sender, instance, action, reverse, *, pk_set, model, **kwargs):
    if action not in {"post_add", "post_remove"} or reverse or not pk_set:
        return
    if not _someone_acting():
        return
    codenames = sorted(
        model._default_manager.filter(pk__in=pk_set).values_list("codename", flat=True)
    )
    verb = "授予" if action == "post_add" else "收回"
    log_event(
        PERMISSIONS_CHANGED,
        instance=instance,
        data={"detail": f"{verb}权限：" + "、".join(codenames), "permissions": codenames},
    )


def _object_permission_changed(instance, verb):
    if not _someone_acting():
        return
    group = instance.group
    target = getattr(instance, "page", None) or getattr(instance, "collection", None)
    permission = instance.permission.codename if instance.permission_id else ""
    log_event(
        PERMISSIONS_CHANGED,
        instance=group,
        data={"detail": f"{verb}“{target}”的权限 {permission}", "permissions": [permission]},
    )


@receiver(post_save, sender=GroupPagePermission)
@receiver(post_save, sender=GroupCollectionPermission)
def on_object_permission_saved(sender, instance, created, **kwargs):
    _object_permission_changed(instance, "授予" if created else "修改")


@receiver(post_delete, sender=GroupPagePermission)
@receiver(post_delete, sender=GroupCollectionPermission)
def on_object_permission_deleted(sender, instance, **kwargs):
    _object_permission_changed(instance, "收回")


# --- Django's own admin, exports -----------------------------------------------------


@receiver(post_save, sender=DjangoAdminLogEntry)
def on_django_admin_write(sender, instance, created, **kwargs):
    """Django's admin keeps its own log; mirror it so the trail stays one."""
    if not created:
        return
    verb = {1: "新增", 2: "修改", 3: "删除"}.get(instance.action_flag, "操作")
    type_name = instance.content_type.name if instance.content_type_id else ""
    log_event(
        DJANGO_ADMIN_WRITE,
        user=instance.user,
        label=instance.object_repr[:200] or "—",
        data={
            "detail": f"{verb}{type_name}“{instance.object_repr}”",
            "object_id": instance.object_id or "",
        },
    )


def log_unlogged_write(request, response):
    """An admin POST that succeeded without writing any log entry (some Wagtail views,
    e.g. adding a collection, do not log): keep at least who, where and what URL."""
    user = request.user
    detail = f"{request.method} {request.path}"[:500]
    location = response.get("Location", "")
    log_event(
        ADMIN_WRITE,
        instance=user,
        user=user,
        data={"detail": detail, "path": request.path[:500], "location": location[:500]},
    )


def log_export(request, response):
    """A spreadsheet or file left the admin: who, what (the URL) and when."""
    user = request.user
    log_event(
        EXPORT,
        instance=user,
        user=user,
        data={
            "detail": request.get_full_path()[:500],
            "path": request.get_full_path()[:500],
            "content_type": response.get("Content-Type", ""),
        },
    )

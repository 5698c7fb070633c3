"""One audit trail (安全审计): events, client addresses, the supervisor's view, retention.

rule: PLATFORM-7 (audit of who changed what, R8).
"""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.log_actions import LogContext
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import Collection, GroupCollectionPermission, ModelLogEntry, PageLogEntry

from jiyue.security import audit

from .conftest import login_post


def test_every_jiyue_security_action_has_a_chinese_label():
    for action, (label, _message) in audit.ACTIONS.items():
        assert log_action_registry.get_action_label(action) == label
    assert log_action_registry.get_action_label(audit.LOGIN) == "登录"


def test_an_admin_write_carries_user_time_address_and_object_PLATFORM_7(client, people):
    client.force_login(people.superuser)
    response = client.post(
        "/admin/redirects/add/",
        {"old_path": "/old-page", "is_permanent": "on", "redirect_link": "https://www.gov.cn/"},
        REMOTE_ADDR="10.2.3.4",
    )
    assert response.status_code == 302
    redirect = Redirect.objects.get(old_path="/old-page")
    entry = ModelLogEntry.objects.get(action="wagtail.create", object_id=str(redirect.pk))
    assert entry.user_id == people.superuser.pk
    assert entry.data["client_ip"] == "10.2.3.4"
    assert entry.timestamp is not None
    # Logged by Wagtail itself: no second, generic entry.
    assert not ModelLogEntry.objects.filter(action=audit.ADMIN_WRITE).exists()


def test_an_admin_write_wagtail_does_not_log_still_reaches_the_trail_PLATFORM_7(client, people):
    """Wagtail 8's "add collection" view writes no log entry of its own."""
    client.force_login(people.superuser)
    root = Collection.get_first_root_node()
    response = client.post(
        "/admin/collections/add/", {"name": "审计测试", "parent": root.pk}, REMOTE_ADDR="10.2.3.6"
    )
    assert response.status_code == 302
    entry = ModelLogEntry.objects.get(action=audit.ADMIN_WRITE)
    assert entry.user_id == people.superuser.pk
    assert entry.data["path"] == "/admin/collections/add/"
    assert entry.data["client_ip"] == "10.2.3.6"


def test_reading_pinging_and_refused_forms_are_not_writes(client, people):
    client.force_login(people.superuser)
    client.get("/admin/collections/")
    client.post("/admin/editing-sessions/ping/wagtailcore.page/1/")
    refused = client.post("/admin/collections/add/", {"name": ""})
    assert refused.status_code == 200  # the form again, with its error
    assert not ModelLogEntry.objects.filter(action=audit.ADMIN_WRITE).exists()


def test_a_write_in_djangos_admin_joins_the_same_trail(client, people):
    client.force_login(people.superuser)
    response = client.post(
        "/django-admin/auth/group/add/", {"name": "临时组"}, REMOTE_ADDR="10.2.3.5"
    )
    assert response.status_code == 302
    entry = ModelLogEntry.objects.get(action=audit.DJANGO_ADMIN_WRITE)
    assert entry.user_id == people.superuser.pk
    assert "临时组" in entry.data["detail"]
    assert entry.data["client_ip"] == "10.2.3.5"


def test_group_membership_and_permission_changes_are_logged_PLATFORM_7(people):
    group = Group.objects.create(name="审核人员")
    permission = Permission.objects.get(codename="access_admin")
    with LogContext(user=people.superuser):
        people.editor.groups.add(group)
        group.permissions.add(permission)
        GroupCollectionPermission.objects.create(
            group=group,
            collection=Collection.get_first_root_node(),
            permission=Permission.objects.get(codename="add_image"),
        )
        people.editor.groups.remove(group)
    joined, left = ModelLogEntry.objects.filter(action=audit.GROUPS_CHANGED).order_by("pk")
    assert joined.object_id == str(people.editor.pk)
    assert joined.user_id == people.superuser.pk
    assert "加入用户组：审核人员" in joined.data["detail"]
    assert "移出" in left.data["detail"]
    granted = ModelLogEntry.objects.filter(
        action=audit.PERMISSIONS_CHANGED, object_id=str(group.pk)
    )
    assert granted.count() == 2
    assert any("access_admin" in entry.data["detail"] for entry in granted)


def test_set_up_code_without_a_user_does_not_flood_the_trail(people):
    """Migrations and provisioning grant permissions with nobody acting."""
    group = Group.objects.create(name="编辑")
    people.editor.groups.add(group)
    assert not ModelLogEntry.objects.filter(action=audit.GROUPS_CHANGED).exists()


def _failed_login_with_formula(client):
    login_post(client, "=cmd|' /C calc'!A0", "x", address="10.4.4.4")


def test_the_supervisor_reads_the_whole_trail_with_addresses_PLATFORM_7(client, people):
    login_post(client, "editor-jw", "wrong", address="10.4.4.4")
    admin = client.__class__()
    admin.force_login(people.supervisor)
    response = admin.get("/admin/security/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "editor-jw" in html  # another organization's account
    assert "10.4.4.4" in html
    assert "登录失败" in html
    # Searchable: by address, by action.
    by_address = admin.get("/admin/security/audit/results/", {"client_ip": "10.4."})
    assert "editor-jw" in by_address.content.decode()
    other = admin.get("/admin/security/audit/results/", {"client_ip": "10.9."})
    assert "editor-jw" not in other.content.decode()
    by_action = admin.get("/admin/security/audit/results/", {"action": audit.LOGIN})
    assert "editor-jw" not in by_action.content.decode()


def test_site_editors_cannot_read_the_trail_PLATFORM_7(client, people):
    login_post(client, "editor-jw", "wrong")
    editor = client.__class__()
    editor.force_login(people.editor)
    response = editor.get("/admin/security/audit/")
    assert response.status_code == 403
    assert "editor-jw" not in response.content.decode()
    assert editor.get("/admin/security/audit/results/").status_code == 403
    assert editor.get("/admin/security/audit/?export=csv").status_code == 403
    # Wagtail's own site history stays closed to them (registry.isolation_reports).
    assert editor.get("/admin/reports/site-history/").status_code in {302, 403}


def test_the_export_is_logged_and_neutralizes_formulas_PLATFORM_7(client, people):
    _failed_login_with_formula(client)
    admin = client.__class__()
    admin.force_login(people.supervisor)
    response = admin.get("/admin/security/audit/", {"export": "csv"}, REMOTE_ADDR="10.5.5.5")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    labels = [row[1] for row in rows[1:]]
    assert "'=cmd|' /C calc'!A0" in labels
    assert not any(cell.startswith("=") for row in rows for cell in row)
    assert rows[0][-1] == "客户端地址"
    export = ModelLogEntry.objects.get(action=audit.EXPORT)
    assert export.user_id == people.supervisor.pk
    assert export.data["client_ip"] == "10.5.5.5"
    assert "export=csv" in export.data["path"]


@override_settings(JIYUE_AUDIT_RETENTION_DAYS=200)
def test_prune_deletes_only_entries_past_the_retention(people):
    old = audit.log_event(audit.LOGIN, instance=people.editor, user=people.editor)
    ModelLogEntry.objects.filter(pk=old.pk).update(timestamp=timezone.now() - timedelta(days=201))
    recent = audit.log_event(audit.LOGIN, instance=people.editor, user=people.editor)

    out = io.StringIO()
    call_command("prune_audit_log", "--dry-run", stdout=out)
    assert "将删除 1 条" in out.getvalue()
    assert ModelLogEntry.objects.filter(pk=old.pk).exists()

    call_command("prune_audit_log", stdout=io.StringIO())
    assert not ModelLogEntry.objects.filter(pk=old.pk).exists()
    assert ModelLogEntry.objects.filter(pk=recent.pk).exists()
    assert PageLogEntry.objects.count() >= 0


def test_prune_refuses_less_than_six_months(people):
    with pytest.raises(CommandError, match="六个月"):
        call_command("prune_audit_log", "--days", "30")

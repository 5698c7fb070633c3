"""Login protection (登录失败处理): lockout per account and per address, unlock, audit.

rule: PLATFORM-7. Before this, 30 wrong passwords in a row were accepted silently.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from wagtail.models import ModelLogEntry

from jiyue.security import audit

from .conftest import PASSWORD, login_post

LIMIT = settings.AXES_FAILURE_LIMIT


def test_the_nth_failure_locks_the_account_PLATFORM_7(client, people):
    for attempt in range(1, LIMIT):
        response = login_post(client, "editor-fgw", "wrong-password")
        assert response.status_code == 200, attempt  # the form again, with an error
    response = login_post(client, "editor-fgw", "wrong-password")
    assert response.status_code == 429
    text = response.content.decode()
    assert "登录已被暂时锁定" in text
    assert f"{LIMIT} 次" in text
    # While locked, even the right password does not let anyone in.
    response = login_post(client, "editor-fgw", PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_thirty_wrong_passwords_are_not_accepted_silently_PLATFORM_7(client, people):
    statuses = [login_post(client, "editor-fgw", f"guess-{n}").status_code for n in range(30)]
    assert statuses.count(429) >= 30 - LIMIT + 1


def test_one_address_is_locked_whatever_account_it_tries_PLATFORM_7(client, people):
    """Password spraying: one wrong password for many accounts from one address."""
    for n in range(LIMIT):
        login_post(client, f"someone-{n}", "Winter2026!", address="10.9.9.9")
    response = login_post(client, "editor-jw", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    # The same account from another address still logs in: the account is not locked.
    response = login_post(client, "editor-jw", PASSWORD, address="10.1.1.1")
    assert response.status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout_PLATFORM_7(client, people):
    """Only a trusted proxy's X-Real-IP / X-Forwarded-For count; a client's own do not."""
    for n in range(LIMIT):
        login_post(client, f"someone-{n}", "x", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = login_post(client, "editor-jw", PASSWORD, HTTP_X_REAL_IP="192.0.2.200")
    assert response.status_code == 429


@override_settings(JIYUE_TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_the_trusted_proxy_each_client_address_counts_on_its_own(client, people):
    for n in range(LIMIT):
        login_post(client, f"someone-{n}", "x", address="127.0.0.1", HTTP_X_REAL_IP="192.0.2.1")
    locked = login_post(client, "editor-jw", PASSWORD, "127.0.0.1", HTTP_X_REAL_IP="192.0.2.1")
    assert locked.status_code == 429
    other = login_post(client, "editor-jw", PASSWORD, "127.0.0.1", HTTP_X_REAL_IP="192.0.2.2")
    assert other.status_code == 302


def test_a_successful_login_clears_the_accounts_failures(client, people):
    for _n in range(LIMIT - 1):
        login_post(client, "editor-fgw", "wrong")
    assert login_post(client, "editor-fgw", PASSWORD).status_code == 302
    client.logout()
    # Counting starts again: LIMIT - 1 more failures do not lock.
    for _n in range(LIMIT - 1):
        assert login_post(client, "editor-fgw", "wrong", address="10.0.0.2").status_code == 200


def test_failures_lockout_and_login_are_in_the_audit_trail_PLATFORM_7(client, people):
    login_post(client, "editor-fgw", PASSWORD, address="10.0.0.7")
    client.logout()
    for _n in range(LIMIT):
        login_post(client, "editor-fgw", "wrong", address="10.0.0.8")
    login_post(client, "nobody-such", "wrong", address="10.0.0.8")

    login = ModelLogEntry.objects.get(action=audit.LOGIN)
    assert login.object_id == str(people.editor.pk)
    assert login.user_id == people.editor.pk
    assert login.data["client_ip"] == "10.0.0.7"
    assert ModelLogEntry.objects.filter(action=audit.LOGOUT, user=people.editor).exists()

    failures = ModelLogEntry.objects.filter(action=audit.LOGIN_FAILED, label="editor-fgw")
    assert failures.count() == LIMIT
    assert {entry.data["client_ip"] for entry in failures} == {"10.0.0.8"}
    assert all(entry.user_id is None for entry in failures)  # nobody was logged in
    lockout = ModelLogEntry.objects.filter(action=audit.LOCKOUT).first()
    assert lockout is not None
    assert lockout.data["client_ip"] == "10.0.0.8"
    # A name no account has is kept as the label.
    unknown = ModelLogEntry.objects.get(action=audit.LOGIN_FAILED, label="nobody-such")
    assert unknown.object_id == audit.NO_OBJECT_ID


def test_the_supervisor_sees_lockouts_and_unlocks_an_account_PLATFORM_7(client, people):
    for _n in range(LIMIT):
        login_post(client, "editor-fgw", "wrong", address="10.0.0.3")
    assert login_post(client, "editor-fgw", PASSWORD, address="10.0.0.4").status_code == 429

    admin = client.__class__()
    admin.force_login(people.supervisor)
    page = admin.get("/admin/security/lockouts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "editor-fgw" in html
    assert "已锁定" in html

    response = admin.post(
        "/admin/security/lockouts/unlock/", {"username": "editor-fgw"}, REMOTE_ADDR="10.0.0.99"
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="editor-fgw").exists()

    unlock = ModelLogEntry.objects.get(action=audit.UNLOCK)
    assert unlock.user_id == people.supervisor.pk
    assert unlock.object_id == str(people.editor.pk)
    assert unlock.data["username"] == "editor-fgw"
    assert unlock.data["client_ip"] == "10.0.0.99"
    # Unlocked: the right password works again (from a fresh address: per-address
    # counting is separate).
    assert login_post(client, "editor-fgw", PASSWORD, address="10.0.0.5").status_code == 302


def test_the_supervisor_unlocks_an_address(client, people):
    for n in range(LIMIT):
        login_post(client, f"x{n}", "wrong", address="10.7.7.7")
    admin = client.__class__()
    admin.force_login(people.supervisor)
    assert "10.7.7.7" in admin.get("/admin/security/lockouts/").content.decode()
    admin.post("/admin/security/lockouts/unlock/", {"ip_address": "10.7.7.7"})
    assert login_post(client, "editor-jw", PASSWORD, address="10.7.7.7").status_code == 302
    assert ModelLogEntry.objects.filter(action=audit.UNLOCK, label="10.7.7.7").exists()


def test_an_editor_can_neither_see_nor_unlock_lockouts_PLATFORM_7(client, people):
    for _n in range(LIMIT):
        login_post(client, "editor-jw", "wrong", address="10.0.0.6")
    editor = client.__class__()
    editor.force_login(people.editor)
    assert editor.get("/admin/security/lockouts/").status_code == 403
    assert (
        editor.post("/admin/security/lockouts/unlock/", {"username": "editor-jw"}).status_code
        == 403
    )
    assert AccessAttempt.objects.filter(username="editor-jw").exists()
    assert not ModelLogEntry.objects.filter(action=audit.UNLOCK).exists()


def test_unlock_without_a_target_changes_nothing(client, people):
    login_post(client, "editor-jw", "wrong")
    admin = client.__class__()
    admin.force_login(people.supervisor)
    response = admin.post("/admin/security/lockouts/unlock/", {"ip_address": "not-an-ip"})
    assert response.status_code == 302
    assert AccessAttempt.objects.filter(username="editor-jw").exists()

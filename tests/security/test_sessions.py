"""Session limits (会话超时): idle timeout and absolute lifetime. rule: PLATFORM-7"""

import time
from datetime import timedelta

from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from wagtail.models import ModelLogEntry

from jiyue.security import audit
from jiyue.security.sessions import LOGIN_AT, SEEN_AT

from .conftest import PASSWORD, login_post


def set_clocks(client, *, login_ago=0, seen_ago=0):
    session = client.session
    now = time.time()
    session[LOGIN_AT] = now - login_ago
    session[SEEN_AT] = now - seen_ago
    session.save()


def test_defaults_fit_level_3_30_minutes_idle_8_hours_absolute(settings):
    assert settings.JIYUE_SESSION_IDLE_TIMEOUT == timedelta(minutes=30)
    assert settings.JIYUE_SESSION_ABSOLUTE_TIMEOUT == timedelta(hours=8)
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY


def test_a_session_idle_past_the_timeout_is_ended_and_logged_PLATFORM_7(client, people):
    client.force_login(people.editor)
    assert client.get("/admin/").status_code == 200
    set_clocks(client, login_ago=40 * 60, seen_ago=31 * 60)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert SESSION_KEY not in client.session
    entry = ModelLogEntry.objects.get(action=audit.SESSION_EXPIRED)
    assert entry.user_id == people.editor.pk
    assert "空闲" in entry.data["detail"]


def test_a_session_in_use_stays_within_the_idle_timeout(client, people):
    client.force_login(people.editor)
    set_clocks(client, login_ago=60 * 60, seen_ago=29 * 60)
    assert client.get("/admin/").status_code == 200
    # That request counted as activity: the idle clock restarted.
    assert time.time() - client.session[SEEN_AT] < 60


def test_a_session_past_its_absolute_lifetime_ends_even_when_busy_PLATFORM_7(client, people):
    client.force_login(people.editor)
    set_clocks(client, login_ago=8 * 3600 + 60, seen_ago=10)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    entry = ModelLogEntry.objects.get(action=audit.SESSION_EXPIRED)
    assert "8 小时" in entry.data["detail"]


@override_settings(JIYUE_SESSION_IDLE_TIMEOUT=timedelta(minutes=5))
def test_the_idle_timeout_is_configurable(client, people):
    client.force_login(people.editor)
    set_clocks(client, login_ago=600, seen_ago=6 * 60)
    assert client.get("/admin/").status_code == 302


def test_the_editors_background_ping_does_not_keep_a_session_alive(client, people):
    """Wagtail's edit page pings /admin/editing-sessions/ every few seconds."""
    client.force_login(people.editor)
    set_clocks(client, login_ago=600, seen_ago=20 * 60)
    before = client.session[SEEN_AT]
    client.post("/admin/editing-sessions/ping/wagtailcore.page/1/")
    assert client.session[SEEN_AT] == before


def test_login_starts_both_clocks(client, people):
    login_post(client, "editor-fgw", PASSWORD)
    assert time.time() - client.session[LOGIN_AT] < 60
    assert time.time() - client.session[SEEN_AT] < 60

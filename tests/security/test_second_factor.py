"""Second factor (双因素认证, TOTP) for supervisors, enforced by JIYUE_2FA_REQUIRED.

rule: PLATFORM-7 (等保三级: administrators authenticate with two factors).
"""

import re

import pytest
from django.test import override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from jiyue.security import audit


def current_code(device):
    # A wrong code throttles the device for a second (django-otp): let that second pass.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


pytestmark = pytest.mark.usefixtures("people")


@override_settings(JIYUE_2FA_REQUIRED=True)
def test_a_supervisor_without_a_device_is_sent_to_enrol_PLATFORM_7(client, people):
    client.force_login(people.supervisor)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/security/2fa/enrol/?next=")

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html  # the QR code
    secret = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", html).group(1)
    device = TOTPDevice.objects.get(user=people.supervisor)
    assert not device.confirmed

    wrong = client.post(page.request["PATH_INFO"], {"token": "000000", "next": "/admin/pages/"})
    assert wrong.status_code == 200
    assert "动态口令不正确" in wrong.content.decode()

    done = client.post(
        "/admin/security/2fa/enrol/", {"token": current_code(device), "next": "/admin/pages/"}
    )
    assert done.status_code == 302
    assert done["Location"] == "/admin/pages/"
    device.refresh_from_db()
    assert device.confirmed
    assert secret.replace(" ", "")
    assert client.get("/admin/pages/").status_code == 200
    assert ModelLogEntry.objects.filter(
        action=audit.TWO_FACTOR_ENROLLED, user=people.supervisor
    ).exists()
    assert ModelLogEntry.objects.filter(action=audit.TWO_FACTOR_FAILED).count() == 1


@override_settings(JIYUE_2FA_REQUIRED=True)
def test_the_pages_own_assets_load_before_the_second_factor_PLATFORM_7(client, people):
    """The admin's script fetches the icon sprite and the translations on every page,
    the enrol and verify pages included: they must not be redirected to the enrol page
    (which the script then inserted into the page a second time, found in Chromium)."""
    client.force_login(people.supervisor)
    sprite = client.get("/admin/sprite/")
    assert sprite.status_code == 200
    assert "<svg" in sprite.content.decode() and "data-totp-secret" not in sprite.content.decode()
    assert client.get("/admin/jsi18n/").status_code == 200
    assert client.get("/admin/pages/").status_code == 302  # everything else still waits


@override_settings(JIYUE_2FA_REQUIRED=True)
def test_an_enrolled_supervisor_must_verify_in_each_new_session_PLATFORM_7(client, people):
    device = TOTPDevice.objects.create(user=people.supervisor, name="手机", confirmed=True)
    client.force_login(people.supervisor)
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/security/2fa/verify/")
    # Not through the enrol page again: it sends an enrolled user to verify.
    assert client.get("/admin/security/2fa/enrol/").status_code == 302
    assert TOTPDevice.objects.filter(user=people.supervisor).count() == 1

    wrong = client.post("/admin/security/2fa/verify/", {"token": "123456", "next": "/admin/"})
    assert wrong.status_code == 200
    assert client.get("/admin/").status_code == 302

    right = client.post(
        "/admin/security/2fa/verify/", {"token": current_code(device), "next": "/admin/"}
    )
    assert right.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert ModelLogEntry.objects.filter(action=audit.TWO_FACTOR_VERIFIED).exists()


@override_settings(JIYUE_2FA_REQUIRED=True)
def test_superusers_need_the_second_factor_too(client, people):
    client.force_login(people.superuser)
    assert client.get("/admin/")["Location"].startswith("/admin/security/2fa/enrol/")
    assert client.get("/django-admin/")["Location"].startswith("/admin/security/2fa/enrol/")


@override_settings(JIYUE_2FA_REQUIRED=True)
def test_department_editors_are_not_asked(client, people):
    client.force_login(people.editor)
    assert client.get("/admin/").status_code == 200


@override_settings(JIYUE_2FA_REQUIRED=True)
def test_next_never_leaves_the_admin(client, people):
    device = TOTPDevice.objects.create(user=people.supervisor, name="手机", confirmed=True)
    client.force_login(people.supervisor)
    response = client.post(
        "/admin/security/2fa/verify/",
        {"token": current_code(device), "next": "https://evil.example/admin/"},
    )
    assert response["Location"] == "/admin/"


@override_settings(JIYUE_2FA_REQUIRED=False)
def test_without_the_setting_the_second_factor_is_optional(client, people):
    client.force_login(people.supervisor)
    assert client.get("/admin/").status_code == 200
    # … and still offered.
    assert client.get("/admin/security/2fa/enrol/").status_code == 200


def test_editors_cannot_open_the_enrol_page(client, people):
    client.force_login(people.editor)
    assert client.get("/admin/security/2fa/enrol/").status_code == 403

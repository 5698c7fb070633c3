"""jiyue.settings.production: HTTPS, HSTS, secure cookies, env-configurable limits.

Each case imports the settings module in a fresh interpreter with its own environment
(settings modules read the environment once, at import). rule: PLATFORM-7
"""

import json
import os
import subprocess
import sys

from django.conf import settings

NAMES = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_AGE",
    "JIYUE_2FA_REQUIRED",
    "JIYUE_TRUSTED_PROXIES",
    "AXES_FAILURE_LIMIT",
    "JIYUE_AUDIT_RETENTION_DAYS",
    "DEBUG",
]


def production(tmp_path, **env):
    code = (
        "import json, importlib; s = importlib.import_module('jiyue.settings.production');"
        f"print(json.dumps({{n: getattr(s, n) for n in {NAMES!r}}}, default=str))"
    )
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "JIYUE_SECRET_KEY": "test-secret",
        "JIYUE_VAR_DIR": str(tmp_path),
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_production_defaults_are_https_only_PLATFORM_7(tmp_path):
    values = production(tmp_path)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_AGE"] == 8 * 3600
    assert values["JIYUE_2FA_REQUIRED"] is True
    assert values["JIYUE_TRUSTED_PROXIES"] == ["127.0.0.1", "::1"]


def test_production_settings_follow_the_environment(tmp_path):
    values = production(
        tmp_path,
        JIYUE_SSL_REDIRECT="0",
        JIYUE_HSTS_SECONDS="600",
        JIYUE_SESSION_MAX_HOURS="4",
        JIYUE_2FA_REQUIRED="off",
        JIYUE_TRUSTED_PROXIES="10.0.0.2",
        JIYUE_LOGIN_FAILURE_LIMIT="3",
        JIYUE_AUDIT_RETENTION_DAYS="400",
    )
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 600
    assert values["SESSION_COOKIE_AGE"] == 4 * 3600
    assert values["JIYUE_2FA_REQUIRED"] is False
    assert values["JIYUE_TRUSTED_PROXIES"] == ["10.0.0.2"]
    assert values["AXES_FAILURE_LIMIT"] == 3
    assert values["JIYUE_AUDIT_RETENTION_DAYS"] == 400

"""`make run` is the product on its embedded defaults, not a debug server (issue 8 item 11).

tests/browser/test_make_run_product.py checks the same through the real server and a
real browser; these are the in-process checks.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def dev_settings(tmp_path, **env):
    """Values of ``jiyue.settings.dev`` as a fresh process sees them."""
    script = (
        "import json, jiyue.settings.dev as s; print(json.dumps({k: str(getattr(s, k)) for k in "
        "('DEBUG', 'EMAIL_BACKEND', 'EMAIL_FILE_PATH', 'WHITENOISE_USE_FINDERS', "
        "'JIYUE_SERVE_MEDIA', 'JIYUE_SITE_PORT', 'INSTALLED_APPS')}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("JIYUE_")}
    clean.update(JIYUE_VAR_DIR=str(tmp_path), **env)
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_make_run_settings_are_the_products(tmp_path):
    values = dev_settings(tmp_path)
    assert values["DEBUG"] == "False"
    # Mail into var/mail/, not to an SMTP server that is not there.
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["EMAIL_FILE_PATH"] == str(tmp_path / "mail")
    # Static files by WhiteNoise without collectstatic, media by Django.
    assert values["WHITENOISE_USE_FINDERS"] == "True"
    assert values["JIYUE_SERVE_MEDIA"] == "True"
    assert values["JIYUE_SITE_PORT"] == "8000"
    assert "'ninja'" in values["INSTALLED_APPS"]


def test_make_run_passes_its_port_and_debug_stays_a_choice(tmp_path):
    values = dev_settings(tmp_path, JIYUE_SITE_PORT="8010", JIYUE_DEBUG="1")
    assert values["JIYUE_SITE_PORT"] == "8010"
    assert values["DEBUG"] == "True"


@pytest.mark.parametrize("host", ["localhost", "www.localhost", "nowhere.localhost"])
def test_favicon_answers_on_every_host(client, host):
    response = client.get("/favicon.ico", HTTP_HOST=host)
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}


def test_api_docs_load_swagger_ui_from_this_server(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert all(source.startswith("/") for source in sources), sources
    # Swagger UI's validator badge would be fetched from a foreign server.
    config = re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1)
    assert json.loads(config)["validatorUrl"] is None


def test_unknown_path_gets_the_chinese_404_page(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/path/", HTTP_HOST="localhost")
    assert response.status_code == 404
    assert "未找到" in response.content.decode()

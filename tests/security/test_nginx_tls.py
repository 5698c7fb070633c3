"""deploy/nginx/jiyue-tls.conf: valid, HTTP only redirects, HTTPS carries HSTS and CSP.

rule: PLATFORM-7 (传输加密). Skipped where nginx or openssl is not installed.
"""

import http.client
import http.server
import re
import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import pytest
from csp.utils import build_policy
from django.conf import settings

from tests.nginx_harness import start_nginx, write_main_conf

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl")
DEPLOY = Path(settings.BASE_DIR) / "deploy" / "nginx"
TLS_CONF = DEPLOY / "jiyue-tls.conf"
PLAIN_CONF = DEPLOY / "jiyue.conf"

needs_nginx = pytest.mark.skipif(
    not Path(NGINX).exists() or OPENSSL is None, reason="nginx or openssl is not installed"
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def self_signed(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=www.localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def render(tmp_path, http_port, https_port, upstream_port):
    cert, key = self_signed(tmp_path)
    text = TLS_CONF.read_text()
    for placeholder, value in {
        "/etc/ssl/jiyue/fullchain.pem": str(cert),
        "/etc/ssl/jiyue/privkey.pem": str(key),
        "/srv/jiyue/var/frontcache/pages": str(tmp_path / "pages"),
        "/srv/jiyue/var/static/": str(tmp_path / "static") + "/",
        "/srv/jiyue/var/media/": str(tmp_path / "media") + "/",
        "/srv/jiyue/var/acme": str(tmp_path / "acme"),
        "127.0.0.1:8000": f"127.0.0.1:{upstream_port}",
        "listen 80 default_server;": f"listen 127.0.0.1:{http_port} default_server;",
        "listen 443 ssl http2 default_server;": (
            f"listen 127.0.0.1:{https_port} ssl http2 default_server;"
        ),
        "listen [::]:80 default_server;": "",
        "listen [::]:443 ssl http2 default_server;": "",
    }.items():
        assert placeholder in text, placeholder
        text = text.replace(placeholder, value)
    (tmp_path / "jiyue.conf").write_text(text)
    return write_main_conf(tmp_path, extra_dirs=("pages", "static", "media", "acme"))


def directives(header):
    """A policy as {directive: {sources}}: django-csp's order of directives varies."""
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {words[0]: set(words[1:]) for words in parts}


def test_one_default_server_per_port_and_the_same_locations_as_jiyue_conf():
    text = TLS_CONF.read_text()
    listens = re.findall(r"^\s*listen\s+([^;]+);", text, flags=re.M)
    defaults = [line.split()[0] for line in listens if "default_server" in line]
    assert len(defaults) == len(set(defaults))
    assert sorted(defaults) == sorted(["80", "[::]:80", "443", "[::]:443"])
    # The HTTPS server serves what jiyue.conf serves (no drift between the two).
    for location in re.findall(r"^\s*location\s+[^{]+\{", PLAIN_CONF.read_text(), flags=re.M):
        assert location in text, location


def test_the_cached_pages_csp_equals_the_settings_public_policy():
    header = re.search(r'add_header Content-Security-Policy "([^"]+)"', TLS_CONF.read_text())
    assert directives(header.group(1)) == directives(build_policy())


@needs_nginx
def test_nginx_accepts_the_tls_configuration(tmp_path):
    main = render(tmp_path, free_port(), free_port(), free_port())
    result = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(main)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


class Upstream(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"django {self.headers['X-Forwarded-Proto']} {self.headers['X-Real-IP']}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tls_front(tmp_path):
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    http_port, https_port = free_port(), free_port()
    main = render(tmp_path, http_port, https_port, upstream.server_address[1])
    page = tmp_path / "pages" / "www.localhost" / "cached" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<!DOCTYPE html><title>缓存页</title>")
    process = start_nginx(NGINX, tmp_path, main, https_port)
    yield http_port, https_port
    process.terminate()
    process.wait(timeout=10)
    upstream.shutdown()


def https_get(port, path):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's self-signed certificate
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=5)
    connection.request("GET", path, headers={"Host": "www.localhost"})
    response = connection.getresponse()
    return response, response.read().decode()


@needs_nginx
def test_http_redirects_to_https_and_https_carries_hsts_and_csp_PLATFORM_7(tls_front):
    http_port, https_port = tls_front
    connection = http.client.HTTPConnection("127.0.0.1", http_port, timeout=5)
    connection.request("GET", "/content/12/?a=1", headers={"Host": "www.localhost"})
    redirect = connection.getresponse()
    assert redirect.status == 301
    assert redirect.getheader("Location") == "https://www.localhost/content/12/?a=1"

    cached, body = https_get(https_port, "/cached/")
    assert "缓存页" in body
    assert cached.getheader("Strict-Transport-Security") == "max-age=31536000"
    assert directives(cached.getheader("Content-Security-Policy")) == directives(build_policy())

    proxied, body = https_get(https_port, "/admin/")
    assert proxied.status == 200
    assert body == "django https 127.0.0.1"  # Django learns the scheme and the client

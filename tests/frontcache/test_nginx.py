"""deploy/nginx/jiyue.conf: valid for nginx, and serves the cache as the middleware does.

Skipped where nginx is not installed (/usr/sbin/nginx).
"""

import http.server
import shutil
import socket
import subprocess
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from jiyue.frontcache import services
from tests.nginx_harness import start_nginx, write_main_conf

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONF = Path(settings.BASE_DIR) / "deploy" / "nginx" / "jiyue.conf"

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx is not installed (/usr/sbin/nginx)"
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render(tmp_path, nginx_port, upstream_port):
    """A copy of jiyue.conf with tmp paths and ports, inside a minimal nginx.conf."""
    text = CONF.read_text()
    for placeholder, value in {
        "/srv/jiyue/var/frontcache/pages": str(tmp_path / "cache" / "pages"),
        "/srv/jiyue/var/static/": str(tmp_path / "static") + "/",
        "/srv/jiyue/var/media/": str(tmp_path / "media") + "/",
        "127.0.0.1:8000": f"127.0.0.1:{upstream_port}",
        "listen 80 default_server;": f"listen 127.0.0.1:{nginx_port} default_server;",
        "listen [::]:80 default_server;": "",
    }.items():
        assert placeholder in text, placeholder
        text = text.replace(placeholder, value)
    (tmp_path / "jiyue.conf").write_text(text)
    return write_main_conf(tmp_path, extra_dirs=("static", "media"))


def test_config_is_valid(tmp_path):
    main = render(tmp_path, free_port(), free_port())
    result = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(main)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


class Upstream(http.server.BaseHTTPRequestHandler):
    """Stands in for gunicorn: says who answered and what it was asked."""

    def do_GET(self):
        body = f"django {self.headers['Host']} {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("X-Forwarded-For-Seen", self.headers.get("X-Forwarded-For", ""))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def front(tmp_path, settings):
    settings.JIYUE_FRONTCACHE_ROOT = tmp_path / "cache"
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = free_port()
    main = render(tmp_path, port, upstream.server_address[1])
    process = start_nginx(NGINX, tmp_path, main, port)
    yield port
    process.terminate()
    process.wait(timeout=10)
    upstream.shutdown()


def fetch(port, host, path, cookie=None, method="GET"):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    request.add_header("Host", host)
    if cookie:
        request.add_header("Cookie", cookie)
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.headers, response.read().decode()


def test_nginx_serves_cached_files_with_their_content_type_and_falls_back(front):
    host = "www.localhost"
    services.store(host, "/", "text/html", "首页".encode(), 0)
    services.store(host, "/zcwj/feed/", "application/rss+xml", b"<rss/>", 0)
    services.store(host, "/sitemap.xml", "application/xml", b"<urlset/>", 0)

    headers, body = fetch(front, host, "/")
    assert body == "首页"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["X-Jiyue-Cache"] == "HIT-NGINX"
    assert headers["X-Frame-Options"] == "DENY"

    headers, body = fetch(front, host, "/zcwj/feed/")
    assert body == "<rss/>"
    assert headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    headers, _body = fetch(front, host, "/sitemap.xml")
    assert headers["Content-Type"] == "application/xml; charset=utf-8"

    # Misses, query strings, session cookies, POST and other hosts reach Django.
    assert fetch(front, host, "/zcwj/")[1] == "django www.localhost /zcwj/"
    assert fetch(front, host, "/?page=2")[1] == "django www.localhost /?page=2"
    assert fetch(front, host, "/", cookie="sessionid=abc")[1] == "django www.localhost /"
    assert fetch(front, host, "/", method="POST")[1] == "django www.localhost /"
    assert fetch(front, "fgw.localhost", "/")[1] == "django fgw.localhost /"
    assert fetch(front, host, "/admin/")[1] == "django www.localhost /admin/"
    # A cookie other than the session's does not bypass the cache.
    assert fetch(front, host, "/", cookie="csrftoken=x")[1] == "首页"

    services.purge_host(host)
    assert fetch(front, host, "/")[1] == "django www.localhost /"


def test_platform_7_nginx_keys_the_cache_by_the_normalized_host(front):
    """nginx's $host is lower case, without port or trailing dot, as normalize_host;
    Django is sent that spelling, never the client's (issue 6)."""
    services.store("fgw.localhost", "/robots.txt", "text/plain", b"Sitemap: canonical", 0)
    for spelling in ("FGW.LOCALHOST.", "Fgw.Localhost", "fgw.localhost.", "FGW.localhost:8080"):
        headers, body = fetch(front, spelling, "/robots.txt")
        assert body == "Sitemap: canonical", spelling
        assert headers["X-Jiyue-Cache"] == "HIT-NGINX"
        # A miss reaches Django with the normalized host only.
        assert fetch(front, spelling, "/zcwj/")[1] == "django fgw.localhost /zcwj/", spelling


def test_platform_7_nginx_never_serves_a_non_canonical_path_from_the_cache(front):
    """Django stores only canonical paths; other spellings reach Django, which redirects."""
    services.store("fgw.localhost", "/content/228/", "text/html", b"item", 0)
    assert fetch(front, "fgw.localhost", "/content/228/")[1] == "item"
    for spelling in ("/content/0228/", "/CONTENT/228/", "/content/228/?x=1"):
        assert fetch(front, "fgw.localhost", spelling)[1].startswith("django "), spelling

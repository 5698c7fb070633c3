"""Start and stop gunicorn and nginx for the HTTP benchmarks (127.0.0.1 only).

Both run as child processes of the benchmark, on free ports, with bounded start-up
waits, and are stopped by the benchmark itself (``with Servers(...) as servers``).
nginx gets a configuration generated from ``deploy/nginx/jiyue.conf`` (the paths and
addresses it marks "EDIT" filled in) in a temporary prefix directory.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import _common

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
GUNICORN = str(_common.ROOT / ".venv" / "bin" / "gunicorn")
NGINX_CONF = _common.ROOT / "deploy" / "nginx" / "jiyue.conf"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, host, timeout=60):
    """Wait until ``url`` answers (any HTTP status) with ``Host: host``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            get(url, host)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def get(url, host, timeout=30):
    """``(status, headers, body)`` of a GET with ``Host: host`` (no redirects followed)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def nginx_config(prefix, var_dir, upstream_port, listen_port):
    """A complete nginx.conf: the project's server block with the EDIT values filled."""
    server = NGINX_CONF.read_text(encoding="utf-8")
    pages = Path(var_dir) / "frontcache" / "pages"
    replacements = {
        "/srv/jiyue/var/frontcache/pages": str(pages),
        "/srv/jiyue/var/static/": f"{Path(var_dir) / 'static'}/",
        "/srv/jiyue/var/media/": f"{Path(var_dir) / 'media'}/",
        "127.0.0.1:8000": f"127.0.0.1:{upstream_port}",
        "listen 80 default_server;": f"listen 127.0.0.1:{listen_port} default_server;",
        "listen [::]:80 default_server;": "",
    }
    for old, new in replacements.items():
        server = server.replace(old, new)
    pages.mkdir(parents=True, exist_ok=True)
    return f"""
daemon off;
worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{server}
}}
"""


class Servers:
    """gunicorn (``workers``) behind nginx, both on free 127.0.0.1 ports."""

    def __init__(self, var_dir, database_url=None, workers=2):
        self.var_dir = Path(var_dir)
        self.database_url = database_url
        self.workers = workers
        self.gunicorn_port = free_port()
        self.nginx_port = free_port()
        while self.nginx_port == self.gunicorn_port:  # the OS may hand out a port twice
            self.nginx_port = free_port()
        self.prefix = Path(tempfile.mkdtemp(prefix="jiyue-bench-nginx-"))
        self.procs = []

    @property
    def django_url(self):
        return f"http://127.0.0.1:{self.gunicorn_port}"

    @property
    def nginx_url(self):
        return f"http://127.0.0.1:{self.nginx_port}"

    def __enter__(self):
        env = dict(os.environ)
        env.update(_common.bench_env(self.var_dir, self.database_url))
        log = open(self.prefix / "gunicorn.log", "w")
        self._log = log
        self.procs.append(
            subprocess.Popen(
                [
                    GUNICORN,
                    "jiyue.wsgi",
                    "--workers",
                    str(self.workers),
                    "--bind",
                    f"127.0.0.1:{self.gunicorn_port}",
                    "--access-logfile",
                    "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
                    "--log-level",
                    "warning",
                ],
                cwd=_common.ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        conf = self.prefix / "nginx.conf"
        conf.write_text(
            nginx_config(self.prefix, self.var_dir, self.gunicorn_port, self.nginx_port),
            encoding="utf-8",
        )
        self.procs.append(
            subprocess.Popen(
                [NGINX, "-p", str(self.prefix), "-c", str(conf)],
                stdout=subprocess.DEVNULL,
                stderr=open(self.prefix / "nginx.stderr", "w"),
            )
        )
        wait_for(self.django_url + "/", "127.0.0.1")
        wait_for(self.nginx_url + "/", "127.0.0.1")
        return self

    def __exit__(self, *exc):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM if proc.args[0] == GUNICORN else signal.SIGQUIT)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self._log.close()
        if exc[0] is not None:
            print(f"server logs kept in {self.prefix}")
        else:
            shutil.rmtree(self.prefix, ignore_errors=True)


def collectstatic(var_dir, database_url=None):
    """Production settings serve hashed static names: collect them once."""
    env = dict(os.environ)
    env.update(_common.bench_env(var_dir, database_url))
    subprocess.run(
        [
            str(_common.ROOT / ".venv" / "bin" / "python"),
            "manage.py",
            "collectstatic",
            "--noinput",
            "-v",
            "0",
        ],
        cwd=_common.ROOT,
        env=env,
        check=True,
    )

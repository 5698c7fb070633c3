"""Run Jiyue's nginx site configuration in a throw-away nginx (tests only).

deploy/nginx/*.conf are ``server`` blocks for an ``http`` context; the tests render
one into ``tmp_path/jiyue.conf`` with local ports and paths, and this writes the outer
``nginx.conf`` around it (pid, logs, temp paths under ``tmp_path``, no daemon).
"""

import socket
import subprocess
import time

import pytest

TEMP_DIRECTORIES = ("logs", "temp")


def write_main_conf(tmp_path, extra_dirs=()):
    """Write ``tmp_path/nginx.conf`` including ``tmp_path/jiyue.conf``; return its path."""
    for name in (*TEMP_DIRECTORIES, *extra_dirs):
        (tmp_path / name).mkdir(exist_ok=True)
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"""
daemon off;
master_process off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/logs/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/temp/body;
    proxy_temp_path {tmp_path}/temp/proxy;
    fastcgi_temp_path {tmp_path}/temp/fastcgi;
    uwsgi_temp_path {tmp_path}/temp/uwsgi;
    scgi_temp_path {tmp_path}/temp/scgi;
    include {tmp_path}/jiyue.conf;
}}
"""
    )
    return main


def start_nginx(nginx, tmp_path, main, port):
    """Start ``nginx`` with ``main`` in the foreground; return the process once it
    accepts connections on ``port`` (the test fails with nginx's error otherwise)."""
    process = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(main)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    pytest.fail("nginx did not start: " + process.stderr.read().decode())

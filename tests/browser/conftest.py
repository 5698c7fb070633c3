"""Browser tests (marker ``browser``): the real server, driven by a real Chromium.

``demo_server`` starts what ``make run`` starts, on a free port on 127.0.0.1: a fresh
SQLite database in a temporary ``var/`` (``jiyue.settings.dev``), migrated, the demo
city loaded (built-in content, so the test does not depend on ../shared/data) and
``manage.py runserver --noreload``. Tasks run inside the request that enqueues them
(django-tasks' immediate backend) instead of in a separate ``db_worker``, so a test
never waits for a worker's next poll.

Chromium resolves every ``*.localhost`` name to the loopback address by itself, so the
demo's sites (``fgw.localhost``, ``www.bjhd.localhost``, …) need no DNS and no
``--host-resolver-rules``.

The browser tests run in the SQLite pass of ``make test`` only: the server uses its own
SQLite database whichever engine the pass tests, so a second run would prove nothing
new (docs/development.md). They are skipped, saying why, where Chromium or Playwright
is missing (``make test-tools`` installs Debian's ``chromium`` when run as root);
Playwright's Python package comes from requirements/dev.txt (its own browser
downloads are not used).
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEMO_PASSWORD = "jiyue-demo"

# Run by `manage.py shell` on the server's database: one reviewer account per step of
# the library's review workflow (初审, 复审, 保密审查, 签发). The demo's own accounts are
# used where a step's group has one; otherwise one is made, staff of the city's
# development and reform commission (the department whose editor the tests play).
# Prints [[step, username], …] as JSON.
REVIEWERS_SCRIPT = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from jiyue.library.workflow import WORKFLOW_STEPS
from jiyue.registry import services as registry

org = registry.organizations(name="北京市发展和改革委员会").get()
rows = []
for number, step in enumerate(WORKFLOW_STEPS, start=1):
    group = Group.objects.get(name=step)
    user = group.user_set.filter(is_active=True, is_superuser=False).order_by("pk").first()
    if user is None:
        user = get_user_model().objects.create_user(
            f"reviewer-{number}", f"reviewer-{number}@example.org", "%(password)s",
            first_name=f"{step}审核人",
        )
        group.user_set.add(user)
        registry.add_staff_member(user, org)
    rows.append([step, user.username])
print(json.dumps(rows))
"""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every browser test on one pytest-xdist worker, so one server serves them all.

    tests/conftest.py groups tests by module; this group is put first (the closest
    ``xdist_group`` mark is the one pytest-xdist uses).
    """
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"), append=False)


def chromium_path():
    """Debian's Chromium (``/usr/bin/chromium``), or ``chromium`` on PATH, or None."""
    for candidate in (os.environ.get("JIYUE_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class DemoServer:
    port: int
    var_dir: Path
    reviewers: list = field(default_factory=list)
    # What `manage.py load_demo` printed (stdout + stderr), as make run shows it.
    load_output: str = ""

    def url(self, host="localhost", path="/"):
        return f"http://{host}:{self.port}{path}"


def _server_env(var_dir, port):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="jiyue.settings.dev",
        JIYUE_VAR_DIR=str(var_dir),
        JIYUE_SITE_PORT=str(port),
        JIYUE_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
        **kwargs,
    )


def _wait_until_up(url, process, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the server did not answer {url} within {timeout} s")


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    if os.environ.get("JIYUE_TEST_DB", "").lower() in {"postgres", "postgresql", "pg"}:
        pytest.skip("browser tests run in the SQLite pass only (tests/browser/conftest.py)")
    if chromium_path() is None:
        pytest.skip(
            "Chromium not installed (make test-tools installs it: apt-get install chromium)"
        )
    var_dir = tmp_path_factory.mktemp("browser-var")
    no_shared_data = tmp_path_factory.mktemp("no-shared-data") / "absent"
    port = free_port()
    env = _server_env(var_dir, port)
    _manage(env, "migrate", "--noinput", "--verbosity", "0")
    loaded = _manage(env, "load_demo", "--data-dir", str(no_shared_data), "--port", str(port))
    out = _manage(env, "shell", "-c", REVIEWERS_SCRIPT % {"password": DEMO_PASSWORD}).stdout
    reviewers = json.loads(out.strip().splitlines()[-1])
    log = (var_dir / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/", process)
        yield DemoServer(
            port=port,
            var_dir=var_dir,
            reviewers=reviewers,
            load_output=loaded.stdout + loaded.stderr,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def chromium(demo_server):
    """A headless Chromium (Playwright ``Browser``) for the session."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_context(chromium):
    """``new_context(**options)``: a fresh browser context (own cookies); closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("locale", "zh-CN")
        context = chromium.new_context(**options)
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()

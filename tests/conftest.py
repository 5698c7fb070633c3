"""Fixtures shared by the whole suite.

Kept small and generic on purpose: the database switch (SQLite by default, PostgreSQL with
``JIYUE_TEST_DB=postgres``; the mechanics are in ``tests/db.py``) and the
way to the shared data beside the repository. Fixtures of one app live in that app's
test folder.
"""

import atexit
import contextlib
import os
import signal

import pytest
from pytest_postgresql import factories

from tests import db as test_db


def pytest_configure(config):
    """Fail at once, with the fix, when the requested database cannot be had."""
    backend = test_db.wanted_backend()
    problem = test_db.startup_problem(backend)
    if problem:
        raise pytest.UsageError(problem)
    if backend == "postgres" and not os.environ.get(test_db.ENV_URL):
        if test_db.find_bindir() is None:
            raise pytest.UsageError(test_db.MISSING_SERVER)


def pytest_report_header(config):
    backend = test_db.wanted_backend()
    if backend == "sqlite":
        return "jiyue test database: sqlite"
    if os.environ.get(test_db.ENV_URL):
        return f"jiyue test database: postgres ({test_db.ENV_URL})"
    return f"jiyue test database: postgres (throw-away cluster from {test_db.find_bindir()})"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "shared_data_dir" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.needs_shared_data)


_bindir = test_db.find_bindir()

# The non-root way to a throw-away cluster: pytest-postgresql's process fixture.
jiyue_postgresql_proc = factories.postgresql_proc(
    executable=str(_bindir / "pg_ctl") if _bindir else None,
    host="127.0.0.1",
    port=None,  # any free port
    user=test_db.SUPERUSER,
    # Loopback only (PostgreSQL's default is "localhost", which may include ::1); no
    # durability for a database that is deleted afterwards.
    postgres_options="-c listen_addresses=127.0.0.1 -c synchronous_commit=off",
)


@pytest.fixture(scope="session")
def database_backend():
    """The engine this test session runs on: "sqlite" or "postgres"."""
    return test_db.wanted_backend()


@pytest.fixture(scope="session")
def jiyue_database(request, database_backend):
    """Start PostgreSQL when asked for and point Django's ``default`` database at it.

    Yields the DATABASES entry in use (None on SQLite, where the settings module's
    entry is kept). The cluster is stopped and its directory deleted at session end,
    on failure too.
    """
    if database_backend != "postgres":
        yield None
        return
    url = os.environ.get(test_db.ENV_URL)
    if url:
        entry = test_db.database_from_url(url)
        test_db.point_default_database_at(entry)
        yield entry
        return
    if test_db.is_root():
        cluster = test_db.Cluster(_bindir, os_user=test_db.server_account())
        atexit.register(cluster.stop)  # also when the interpreter exits early
        with _sigterm_as_interrupt():
            cluster.start()
            try:
                entry = cluster.database()
                test_db.point_default_database_at(entry)
                yield entry
            finally:
                cluster.stop()
        return
    proc = request.getfixturevalue("jiyue_postgresql_proc")
    entry = test_db.django_database(
        host=proc.host, port=proc.port, user=proc.user, password=proc.password
    )
    test_db.point_default_database_at(entry)
    yield entry


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """Treat SIGTERM like Ctrl-C while our cluster runs, so teardown still stops it.

    By default SIGTERM ends Python without running fixtures' teardown or atexit.
    """

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(jiyue_database, django_db_modify_db_settings_parallel_suffix):
    """pytest-django's hook: runs before the test databases are created.

    ``jiyue_database`` comes first, so the server is known before pytest-django adds
    its xdist/tox suffix to the test database name (``test_jiyue_gw0`` with ``-n``).
    """


@pytest.fixture(scope="session")
def shared_data_dir():
    """``../shared/data`` beside the repository; skips the test where it is absent."""
    from django.conf import settings

    path = (settings.BASE_DIR.parent / "shared" / "data").resolve()
    if not path.is_dir():
        pytest.skip(f"needs the shared data directory {path} (absent on this machine)")
    return path

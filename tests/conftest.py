"""Fixtures shared by the whole suite.

Kept small and generic on purpose: the database switch (SQLite by default, PostgreSQL with
``JIYUE_TEST_DB=postgres``; the mechanics are in ``tests/db.py``), the way to the shared
data beside the repository, and how the suite is made fast without sharing state between
tests:

- pytest-xdist runs the suite on one worker per core (``-n auto --dist loadgroup`` in
  pyproject.toml). A run that names test files or test ids runs in-process instead
  (:func:`pytest_xdist_auto_num_workers`). Each worker has its own test database
  (``test_jiyue_gw0``...), on PostgreSQL in its own throw-away cluster.
- Site fixtures that every test of a module uses are built once per module inside a
  transaction that is rolled back (``tests.db.rolled_back``); each test gets a fresh copy of
  the Python objects and runs in its own savepoint.
- Big data sets that several modules use (the demo city) are built once and kept while
  consecutive tests use them (:class:`KeptData`); such tests are run one after the other,
  on one xdist worker (:func:`pytest_collection_modifyitems`).

Fixtures of one app live in that app's test folder.
"""

import atexit
import contextlib
import os
import shutil
import signal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from pytest_postgresql import factories

from tests import db as test_db

# Environment variable naming the shared data directory (default: ``../shared/data``
# beside the repository), e.g. for a git worktree that is not beside it.
ENV_SHARED_DATA = "JIYUE_SHARED_DATA_DIR"


def pytest_configure(config):
    """Fail at once, with the fix, when the requested database cannot be had."""
    backend = test_db.wanted_backend()
    problem = test_db.startup_problem(backend)
    if problem:
        raise pytest.UsageError(problem)
    if backend == "postgres" and not os.environ.get(test_db.ENV_URL):
        if test_db.find_bindir() is None:
            raise pytest.UsageError(test_db.MISSING_SERVER)
    # The controlling process of a SQLite run: one directory for the migrated template
    # its xdist workers share (``sqlite_template``); they inherit the environment.
    if (
        backend == "sqlite"
        and not hasattr(config, "workerinput")
        and not os.environ.get(test_db.ENV_SQLITE_TEMPLATE_DIR)
    ):
        directory = test_db.sqlite_template_dir()
        os.environ[test_db.ENV_SQLITE_TEMPLATE_DIR] = str(directory)
        config.stash[_TEMPLATE_DIR] = directory


def pytest_unconfigure(config):
    directory = config.stash.get(_TEMPLATE_DIR, None)
    if directory is not None:
        shutil.rmtree(directory, ignore_errors=True)
        os.environ.pop(test_db.ENV_SQLITE_TEMPLATE_DIR, None)


_TEMPLATE_DIR = pytest.StashKey()


def pytest_report_header(config):
    backend = test_db.wanted_backend()
    if backend == "sqlite":
        return "jiyue test database: sqlite"
    if os.environ.get(test_db.ENV_URL):
        return f"jiyue test database: postgres ({test_db.ENV_URL})"
    return f"jiyue test database: postgres (throw-away cluster from {test_db.find_bindir()})"


def pytest_xdist_auto_num_workers(config):
    """``-n auto`` (the default): one worker per core, none when only files or test ids
    are named (a few tests start faster in-process, and ``--pdb`` works).

    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still sets the number, as pytest-xdist documents.
    """
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own hook reads it
    args = [a for a in config.args if not a.startswith("-")]
    if args and all("::" in a or a.endswith(".py") for a in args):
        return 0
    return None


@pytest.hookimpl(wrapper=True)  # marks set before pytest-xdist turns them into node ids
def pytest_collection_modifyitems(config, items):
    for item in items:
        if "shared_data_dir" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.needs_shared_data)

    # xdist work units (``--dist loadgroup``): a whole module, so its module-scoped
    # fixtures are built once; all tests using a kept data set together, on one worker.
    # Tests using a kept data set also run last, one set after the other.
    def kept_set(item):
        names = getattr(item, "fixturenames", ())
        return next((name for name in KEPT_DATA_SETS if name in names), None)

    for item in items:
        module = getattr(item, "module", None)
        group = kept_set(item) or (module.__name__ if module else item.nodeid.split("::")[0])
        item.add_marker(pytest.mark.xdist_group(group))
    order = {name: i + 1 for i, name in enumerate(KEPT_DATA_SETS)}
    items.sort(key=lambda item: order.get(kept_set(item), 0))
    return (yield)


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
def sqlite_template(request, django_db_modify_db_settings, database_backend):
    """On SQLite under xdist: the :class:`tests.db.SqliteTemplate` of this worker (the
    database is migrated once per run, not once per worker); otherwise None."""
    directory = os.environ.get(test_db.ENV_SQLITE_TEMPLATE_DIR)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if (
        database_backend != "sqlite"
        or not directory
        or not worker
        or request.config.getvalue("reuse_db")
    ):
        yield None
        return
    template = test_db.SqliteTemplate(directory, worker)
    try:
        yield template
    finally:
        template.release()


@pytest.fixture(scope="session")
def django_db_keepdb(request, sqlite_template):
    """pytest-django's fixture: keep the database a worker copied from the template."""
    if sqlite_template is not None:
        return sqlite_template.prepare()
    return request.config.getvalue("reuse_db")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, sqlite_template):
    """pytest-django's fixture, then: publish the migrated database as the template."""
    if sqlite_template is not None:
        sqlite_template.publish()


@pytest.fixture(scope="session")
def shared_data_dir():
    """``../shared/data`` beside the repository (or ``$JIYUE_SHARED_DATA_DIR``); skips the
    test where it is absent."""
    default = settings.BASE_DIR.parent / "shared" / "data"
    path = Path(os.environ.get(ENV_SHARED_DATA) or default).resolve()
    if not path.is_dir():
        pytest.skip(f"needs the shared data directory {path} (absent on this machine)")
    return path


# --- Data kept across tests ------------------------------------------------------------

# Fixtures whose data set is kept while consecutive tests use it (see KeptData); the
# tests using one are run together, in this order, after all others.
KEPT_DATA_SETS = ("demo_with_data",)


class KeptData:
    """One data set built once and kept, inside a transaction, while consecutive tests use it.

    ``get(name, build)`` returns the set called ``name``, building it with ``build()`` (a
    context manager such as :func:`tests.db.rolled_back`) when another set or none is
    there; the previous set is rolled back first. :func:`_release_kept_data` rolls the set
    back as soon as a test (or a module's shared fixtures) that does not use it comes, so
    no other test ever sees it, whatever the order the tests run in. The name is that of
    the fixture that calls ``get`` and must be listed in ``KEPT_DATA_SETS``.
    """

    def __init__(self):
        self.name = None
        self.value = None
        self._stack = None

    def get(self, name, build):
        if self.name != name:
            self.release()
            if connection.in_atomic_block:
                raise RuntimeError(
                    f"{name} must be set up before any other transaction (request it "
                    "before `db`, and not from a module that has its own shared data)"
                )
            stack = contextlib.ExitStack()
            self.value = stack.enter_context(build())
            self.name, self._stack = name, stack
        return self.value

    def release(self):
        stack, self._stack, self.name, self.value = self._stack, None, None, None
        if stack is not None:
            stack.close()


KEPT = KeptData()


@pytest.fixture(scope="session")
def kept_data(django_db_setup):
    """The :class:`KeptData` holder; set up after the test database, so torn down first."""
    yield KEPT
    KEPT.release()


@pytest.fixture(scope="module", autouse=True)
def _release_kept_data_for_module(request):
    """Before a module's shared fixtures: drop a kept set that none of its tests uses."""
    if KEPT.name is not None:
        items = request.session.items
        if not any(i.module is request.module and KEPT.name in i.fixturenames for i in items):
            KEPT.release()


@pytest.fixture(autouse=True)
def _release_kept_data(request):
    """Before each test's own fixtures (``db`` included): drop a kept set it does not use;
    after it, clear Django's cache (host and site-root lookups live there)."""
    if KEPT.name is not None and KEPT.name not in request.fixturenames:
        KEPT.release()
    yield
    cache.clear()

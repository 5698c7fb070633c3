"""Which database the test suite runs on: SQLite (default) or a throw-away PostgreSQL.

The suite runs twice in ``make test``: once on SQLite (the embedded mode of ``make run``)
and once on PostgreSQL (the production engine), so that nothing works on one engine only.

PostgreSQL is selected in the environment, because the engine must be known before
Django starts (see :func:`startup_problem`)::

    JIYUE_TEST_DB=postgres DATABASE_URL=postgres://postgres@127.0.0.1/jiyue pytest

By default a throw-away cluster is then started from the installed server binaries,
listens on 127.0.0.1 on a free port, and is stopped and deleted when the session ends.
``JIYUE_TEST_DATABASE_URL`` points the suite at an existing server instead (its user
needs CREATEDB; pytest-django creates and drops ``test_<name>``).

PostgreSQL refuses to run as root, and CI runs as root. As root the cluster is therefore
started here under the ``postgres`` system account (``runuser``); as any other user the
``postgresql_proc`` process fixture of pytest-postgresql starts it (see ``tests/conftest.py``).
"""

import contextlib
import fcntl
import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction

ENV_BACKEND = "JIYUE_TEST_DB"
ENV_URL = "JIYUE_TEST_DATABASE_URL"
ENV_BINDIR = "JIYUE_PG_BINDIR"
BACKENDS = ("sqlite", "postgres")
# The database Django connects to; pytest-django creates and drops "test_jiyue" beside it.
DATABASE_NAME = "jiyue"
SUPERUSER = "postgres"
# What DATABASE_URL says for the PostgreSQL run: the engine and database name; the
# harness fills in the host and port of the server it starts.
PLACEHOLDER_URL = f"postgres://{SUPERUSER}@127.0.0.1/{DATABASE_NAME}"


def wanted_backend():
    """The backend asked for by ``JIYUE_TEST_DB`` ("sqlite" by default)."""
    value = os.environ.get(ENV_BACKEND, "sqlite").strip().lower() or "sqlite"
    aliases = {"postgresql": "postgres", "pg": "postgres", "sqlite3": "sqlite"}
    value = aliases.get(value, value)
    if value not in BACKENDS:
        raise ValueError(f"{ENV_BACKEND}={value!r}: expected one of {', '.join(BACKENDS)}")
    return value


def find_bindir():
    """The directory holding the PostgreSQL server binaries (``pg_ctl``, ``initdb``).

    Looks at ``JIYUE_PG_BINDIR``, then ``pg_ctl`` on PATH (resolved through symlinks so
    ``initdb`` and ``postgres`` come from the same installation), then Debian's
    ``/usr/lib/postgresql/<version>/bin`` (newest first). None when there is none.
    """
    candidates = []
    if os.environ.get(ENV_BINDIR):
        candidates.append(Path(os.environ[ENV_BINDIR]))
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates.extend(debian)
    for bindir in candidates:
        if (bindir / "pg_ctl").is_file() and (bindir / "initdb").is_file():
            return bindir
    return None


def free_port(host="127.0.0.1"):
    """A TCP port nothing listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def django_database(*, host, port, user=SUPERUSER, password="", name=DATABASE_NAME):
    """A Django DATABASES entry for a PostgreSQL server."""
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": user,
        "PASSWORD": password or "",
        "HOST": host,
        "PORT": str(port),
        "CONN_MAX_AGE": 0,
        "OPTIONS": {},
    }


def database_from_url(url):
    """A Django DATABASES entry for ``JIYUE_TEST_DATABASE_URL``."""
    entry = dj_database_url.parse(url, conn_max_age=0)
    if entry["ENGINE"] != "django.db.backends.postgresql":
        raise ValueError(f"{ENV_URL} must be a postgres:// URL, got engine {entry['ENGINE']}")
    return entry


def point_default_database_at(entry):
    """Point Django's ``default`` database at ``entry``'s server before test databases exist.

    Only the connection parameters change, never the engine: Django has already started on
    that engine (see :func:`startup_problem`). The settings dict is changed in place
    because Django's connection handler holds a reference to it; a connection made
    earlier is closed and dropped.
    """
    current = settings.DATABASES["default"]
    if entry["ENGINE"] != current["ENGINE"]:
        raise RuntimeError(f"engine {current['ENGINE']} cannot be swapped for {entry['ENGINE']}")
    for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT", "CONN_MAX_AGE"):
        current[key] = entry[key]
    current["OPTIONS"] = dict(entry.get("OPTIONS") or {})
    connections.close_all()
    with contextlib.suppress(AttributeError):
        del connections["default"]


def startup_problem(backend):
    """Why Django's start-up engine does not fit ``backend``, or None when it does.

    The engine has to be chosen before Django starts, which pytest-django does before any
    conftest runs: app models are built for it then (Wagtail's search index table has
    PostgreSQL tsvector columns on PostgreSQL only). So the PostgreSQL run sets
    ``JIYUE_TEST_DB=postgres`` and a PostgreSQL ``DATABASE_URL`` in the environment
    (``make test`` does both); the harness then starts the server and fills in host/port.
    """
    engine = settings.DATABASES["default"]["ENGINE"]
    is_postgres = engine == "django.db.backends.postgresql"
    if backend == "postgres" and not is_postgres:
        return (
            f"{ENV_BACKEND}=postgres, but Django started on {engine}. The engine must be "
            "known before Django starts: run `make test`, or set "
            f"DATABASE_URL={PLACEHOLDER_URL} as well (the harness replaces host and port)."
        )
    if backend == "sqlite" and is_postgres:
        return (
            "DATABASE_URL points at PostgreSQL but this is the SQLite run: unset "
            f"DATABASE_URL, or set {ENV_BACKEND}=postgres."
        )
    return None


@dataclass
class Cluster:
    """A throw-away PostgreSQL cluster run by ``os_user`` (used when we are root).

    ``initdb`` and ``pg_ctl`` run through ``runuser`` because the server refuses to start
    as root. The cluster lives in a private temporary directory that is removed on stop.
    """

    bindir: Path
    os_user: str = SUPERUSER
    host: str = "127.0.0.1"
    port: int = 0
    datadir: Path | None = None
    _root: Path | None = None

    def _run(self, *args, check=True):
        command = ["runuser", "-u", self.os_user, "--", *map(str, args)]
        return subprocess.run(
            command,
            cwd=self._root,  # a directory the server account may enter
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
        )

    def start(self):
        self._root = Path(tempfile.mkdtemp(prefix="jiyue-pg-"))
        shutil.chown(self._root, user=self.os_user)
        self.datadir = self._root / "data"
        self.port = free_port(self.host)
        try:
            self._run(
                self.bindir / "initdb",
                "-D",
                self.datadir,
                "-A",
                "trust",
                "-U",
                SUPERUSER,
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            )
            # Durability is pointless for a database that is deleted afterwards.
            options = (
                f"-h {self.host} -p {self.port} -k {self._root} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            self._run(
                self.bindir / "pg_ctl",
                "-D",
                self.datadir,
                "-o",
                options,
                "-l",
                self._root / "server.log",
                "-w",
                "-t",
                "60",
                "start",
            )
        except subprocess.CalledProcessError as exc:
            log = self._root / "server.log"
            details = log.read_text(errors="replace") if log.exists() else ""
            self.stop()
            raise RuntimeError(
                f"Could not start a throw-away PostgreSQL cluster with {exc.cmd}:\n"
                f"{exc.stdout}{exc.stderr}{details}"
            ) from exc
        return self

    def stop(self):
        """Stop the server (if running) and delete its directory. Safe to call twice."""
        if self._root is None:
            return
        if self.datadir is not None and (self.datadir / "postmaster.pid").exists():
            self._run(
                self.bindir / "pg_ctl", "-D", self.datadir, "-m", "immediate", "stop", check=False
            )
        shutil.rmtree(self._root, ignore_errors=True)
        self._root = None
        self.datadir = None

    def database(self):
        return django_database(host=self.host, port=self.port)


def server_account():
    """The system account that runs the cluster when we are root.

    ``postgres`` exists wherever Debian's server package is installed; ``nobody`` is the
    fallback so the harness never has to create accounts.
    """
    for name in (SUPERUSER, "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("No 'postgres' or 'nobody' account to run PostgreSQL as (it refuses root).")


def is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


MISSING_SERVER = (
    "PostgreSQL server binaries (pg_ctl, initdb) not found. Install them "
    "(Debian: apt-get install postgresql) or set JIYUE_PG_BINDIR, or point "
    "JIYUE_TEST_DATABASE_URL at a server."
)


@contextlib.contextmanager
def rolled_back(django_db_blocker):
    """Data shared by several tests: built inside a transaction that is rolled back.

    The pytest-django pattern for data built once per module (or kept across modules,
    see ``KeptData`` in ``tests/conftest.py``): the block runs with database access
    unblocked, inside ``transaction.atomic()``; each test then runs in its own savepoint
    (pytest-django's ``db``), so what one test changes is gone before the next, and at the
    end everything is rolled back, so no other module ever sees the data. Django's cache
    is cleared on both sides, since host and site-root lookups are cached there.
    """
    with django_db_blocker.unblock():
        cache.clear()
        with transaction.atomic():
            try:
                yield
            finally:
                transaction.set_rollback(True)
        cache.clear()


# --- One migrated SQLite database per run, copied by every xdist worker -----------------

# Set by the controlling pytest process (tests/conftest.py) and inherited by its xdist
# workers: the directory that holds the migrated template and the workers' copies.
ENV_SQLITE_TEMPLATE_DIR = "JIYUE_TEST_SQLITE_TEMPLATE_DIR"


def sqlite_template_dir():
    """A new directory for the template, in memory (``/dev/shm``) where there is one."""
    shm = Path("/dev/shm")
    parent = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="jiyue-test-sqlite-", dir=parent))


class SqliteTemplate:
    """Migrate the SQLite test database once per run instead of once per xdist worker.

    Applying Jiyue's ~220 migrations costs far more than most test modules (the model
    states are rendered again and again), and each xdist worker used to do it for its
    own in-memory database. Here the first worker to take the lock migrates its
    database into a file and publishes a copy of it as the template; every other worker
    copies the template to its own file and lets Django keep it (pytest-django's
    ``keepdb``: ``migrate`` then finds nothing to apply and only runs ``post_migrate``).
    A worker's own file is deleted at the end of its session; the controlling process
    deletes the directory.
    """

    TEMPLATE = "template.sqlite3"

    def __init__(self, directory, worker):
        self.directory = Path(directory)
        self.worker = worker
        self._lock = None
        self.path = None
        self.copied = False

    def prepare(self):
        """Point the default test database at this worker's file; copy the template
        there when it exists. Returns True when copied (Django must keep it as is)."""
        entry = settings.DATABASES["default"]
        self.path = self.directory / f"test_{self.worker}.sqlite3"
        entry.setdefault("TEST", {})["NAME"] = str(self.path)
        lock = open(self.directory / "template.lock", "w")  # held open: that is the lock
        fcntl.flock(lock, fcntl.LOCK_EX)
        template = self.directory / self.TEMPLATE
        if template.exists():
            shutil.copyfile(template, self.path)
            lock.close()  # releases the lock
            self.copied = True
        else:
            self._lock = lock  # held until publish(): the others wait for the template
        return self.copied

    def publish(self):
        """After this worker migrated its database: copy it as the template (sqlite3's
        backup API, consistent even while Django holds a connection), release the lock."""
        if self._lock is None:
            return
        try:
            partial = self.directory / (self.TEMPLATE + ".partial")
            with sqlite3.connect(self.path) as source, sqlite3.connect(partial) as target:
                source.backup(target)
            source.close()
            target.close()
            partial.rename(self.directory / self.TEMPLATE)
        finally:
            self._lock.close()
            self._lock = None

    def release(self):
        """At the end of the session: give the lock back (if migration failed) and
        delete the copied file (Django deletes a file it created itself)."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None
        if self.copied and self.path is not None:
            connections["default"].close()
            self.path.unlink(missing_ok=True)

"""The two commands and CI: what `make test`, `make run`, `make bench` and `.ci/run` do.

Each test runs the real Makefile (or ``.ci/run``) against stand-ins: a scratch virtualenv
directory whose ``bin/`` holds small shell scripts named ``python``, ``pytest`` and
``ruff`` that write down how they were called (arguments, environment, time) and answer
as the test tells them. So the tests check behaviour (which commands run, in which order,
side by side or not, with which environment, what is printed, which exit status comes
out) without recursing into the real suite, and without depending on the recipe's text.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make not installed")

# A stand-in command: appends one line to $STUB_CALLS per call,
# "<name>|<start>|<end>|<JIYUE_TEST_DB>|<DATABASE_URL or unset>|<DJANGO_SETTINGS_MODULE>|<args>",
# prints $STUB_OUT_<KEY> (KEY: the test database for pytest, the management command for
# `python manage.py`, the first argument otherwise, with [^A-Za-z0-9] replaced by "_"),
# sleeps $STUB_SLEEP_<KEY> seconds between two halves of the output and exits with
# $STUB_RC_<KEY> (0 by default).
STUB = r"""#!/usr/bin/env bash
name=$(basename "$0")
key=${1:-none}
if [ "$key" = manage.py ]; then key=${2:-none}; fi
if [ "$name" = pytest ]; then key=${JIYUE_TEST_DB:-none}; fi
key=$(printf '%s' "$key" | tr -c 'A-Za-z0-9\n' '_')
out=STUB_OUT_$key; sleep_for=STUB_SLEEP_$key; rc=STUB_RC_$key
start=$(date +%s.%N)
echo "$name $key: first half"
sleep "${!sleep_for:-0}"
echo "$name $key: second half"
if [ -n "${!out:-}" ]; then printf '%s\n' "${!out}"; fi
end=$(date +%s.%N)
db=${DATABASE_URL-unset}
line="$name|$start|$end|${JIYUE_TEST_DB:-}|$db|${DJANGO_SETTINGS_MODULE:-}|$*"
echo "$line" >> "$STUB_CALLS"
exit "${!rc:-0}"
"""


OUTER_MAKE_VARIABLES = {"MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES"}
OUTER_MAKE_VARIABLES |= {"PYTEST_ARGS", "VENV", "PYTHON", "HOST", "PORT", "BENCH_DIR"}


class Stubs:
    """A scratch virtualenv of stand-in commands, and what they were called with."""

    def __init__(self, tmp_path):
        self.venv = tmp_path / "venv"
        self.bin = self.venv / "bin"
        self.bin.mkdir(parents=True)
        self.calls_file = tmp_path / "calls.txt"
        self.calls_file.touch()
        self.stamp = self.venv / ".jiyue-requirements.stamp"
        self.stamp.touch()
        for name in ("python", "pytest", "ruff", "lint-imports"):
            self.add(name)
        # Tools looked up on PATH (make bench needs nginx and wrk, .ci/run calls make).
        self.path_dir = tmp_path / "path"
        self.path_dir.mkdir()

    def add(self, name, directory=None):
        path = (directory or self.bin) / name
        path.write_text(STUB)
        path.chmod(0o755)
        return path

    def calls(self):
        rows = []
        for line in self.calls_file.read_text().splitlines():
            name, start, end, db, url, settings, args = line.split("|", 6)
            rows.append(
                {
                    "name": name,
                    "start": float(start),
                    "end": float(end),
                    "db": db,
                    "url": url,
                    "settings": settings,
                    "args": args,
                }
            )
        return rows

    def env(self, **extra):
        # Without the caller's make flags and variables (we may run under `make test
        # PYTEST_ARGS=...`, and make exports command-line variables to its recipes).
        env = {k: v for k, v in os.environ.items() if k not in OUTER_MAKE_VARIABLES}
        env.pop("DATABASE_URL", None)
        env["STUB_CALLS"] = str(self.calls_file)
        env["PATH"] = f"{self.path_dir}{os.pathsep}{env.get('PATH', '')}"
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def make(self, target, *args, **env):
        """Run ``make TARGET`` on the real Makefile with this virtualenv."""
        return subprocess.run(
            [
                "make",
                "--no-print-directory",
                "-f",
                str(ROOT / "Makefile"),
                "-o",
                str(self.stamp),
                "-o",
                "postgres-server",
                "-o",
                "test-tools",
                f"VENV={self.venv}",
                *args,
                target,
            ],
            cwd=ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.fixture
def stubs(tmp_path):
    return Stubs(tmp_path)


def summary_of(stdout):
    """The lines after "==> summary", stripped."""
    return [line.strip() for line in stdout.split("==> summary", 1)[1].splitlines() if line]


# --- make test -------------------------------------------------------------------------


def test_make_test_lints_then_runs_both_databases_side_by_side(stubs):
    result = stubs.make(
        "test",
        STUB_SLEEP_sqlite=1.5,
        STUB_SLEEP_postgres=1.5,
        STUB_OUT_sqlite="==== 3 passed, 1 skipped in 1.50s ====",
        STUB_OUT_postgres="==== 4 passed in 1.50s ====",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    calls = stubs.calls()
    ruff = [c for c in calls if c["name"] == "ruff"]
    assert [c["args"] for c in ruff] == ["check .", "format --check ."]
    lint_imports = [c for c in calls if c["name"] == "lint-imports"]
    assert len(lint_imports) == 1
    lint = ruff + lint_imports
    passes = {c["db"]: c for c in calls if c["name"] == "pytest"}
    assert set(passes) == {"sqlite", "postgres"}
    # The SQLite pass must not inherit a PostgreSQL DATABASE_URL; the PostgreSQL pass
    # names the engine before Django starts (tests/db.py fills in host and port).
    assert passes["sqlite"]["url"] == "unset"
    assert passes["postgres"]["url"].startswith("postgres://")
    for run in passes.values():
        assert run["args"].split() == ["--ds=jiyue.settings.test"]
        # Lint first, then the database passes.
        assert run["start"] >= max(c["end"] for c in lint)
    # Side by side: each pass started before the other one ended.
    sqlite, postgres = passes["sqlite"], passes["postgres"]
    assert sqlite["start"] < postgres["end"] and postgres["start"] < sqlite["end"]
    summary = summary_of(result.stdout)
    names = [line.split("  ")[0] for line in summary[:5]]
    assert names == [
        "ruff check",
        "ruff format --check",
        "lint-imports",
        "pytest on SQLite",
        "pytest on PostgreSQL",
    ]
    assert "3 passed, 1 skipped in 1.50s" in summary[3]
    assert "4 passed in 1.50s" in summary[4]
    assert summary[5].startswith("wall time") and summary[4].split()[-1].endswith("s")
    assert summary[-1] == "tests: 7 passed, 0 failed, 1 skipped"


def test_each_pass_output_is_printed_whole_when_it_ends(stubs):
    """The passes run at once, but their logs are not interleaved line by line."""
    result = stubs.make(
        "test",
        STUB_SLEEP_sqlite=1.5,
        STUB_SLEEP_postgres=0.2,
        STUB_OUT_sqlite="==== 1 passed in 1.50s ====",
        STUB_OUT_postgres="==== 1 passed in 0.20s ====",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for key in ("sqlite", "postgres"):
        first = lines.index(f"pytest {key}: first half")
        assert lines[first + 1] == f"pytest {key}: second half"
    # The quicker pass is shown as soon as it ends, under its own heading.
    postgres = lines.index("==> pytest on PostgreSQL (ended)")
    sqlite = lines.index("==> pytest on SQLite (ended)")
    assert postgres < lines.index("pytest postgres: first half") < sqlite


def test_make_test_fails_when_no_tests_ran_and_still_runs_every_step(stubs):
    """pytest's exit status 5 ("no tests ran") fails the run; a failing lint step does
    not stop the database passes, and the summary names every failure."""
    result = stubs.make(
        "test",
        STUB_RC_check=1,
        STUB_RC_sqlite=5,
        STUB_OUT_sqlite="==== no tests ran in 0.01s ====",
        STUB_OUT_postgres="==== 2 passed, 1 failed in 0.10s ====",
        STUB_RC_postgres=1,
    )
    assert result.returncode != 0
    assert {c["db"] for c in stubs.calls() if c["name"] == "pytest"} == {"sqlite", "postgres"}
    summary = summary_of(result.stdout)
    assert "FAILED (exit 1)" in summary[0]
    assert summary[1].split()[3] == "ok"  # ruff format --check
    assert summary[2].split()[1] == "ok"  # lint-imports
    assert "FAILED (exit 5)" in summary[3] and "no tests ran" in summary[3]
    assert "FAILED (exit 1)" in summary[4]
    assert summary[-1] == "tests: 2 passed, 1 failed, 0 skipped"


def test_pytest_args_reach_both_passes(stubs):
    result = stubs.make("test", "PYTEST_ARGS=-n 0 -k registry")
    assert result.returncode == 0, result.stdout + result.stderr
    runs = [c["args"] for c in stubs.calls() if c["name"] == "pytest"]
    assert runs == ["--ds=jiyue.settings.test -n 0 -k registry"] * 2


# --- make run, make bench, CI --------------------------------------------------------


def test_make_run_migrates_loads_the_demo_then_serves_with_a_worker(stubs, tmp_path):
    """The worker runs while the server does and is stopped when the server stops."""
    result = stubs.make(
        "run",
        STUB_SLEEP_runserver=2,
        STUB_SLEEP_db_worker=60,
        JIYUE_VAR_DIR=tmp_path / "var",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    calls = stubs.calls()
    commands = [c["args"].split()[1] for c in calls]
    assert commands[:3] == ["migrate", "load_demo", "frontcache_purge"]
    assert commands[3] == "runserver"
    # No autoreloader polling the disk while idle (issue 8 item 11).
    assert calls[3]["args"] == "manage.py runserver --noreload 127.0.0.1:8000"
    assert calls[1]["args"] == "manage.py load_demo --port 8000"
    assert all(c["settings"] == "jiyue.settings.dev" for c in calls)
    # The worker was stopped with the server (else it would have slept on and logged a
    # call line when done); it had started: its first output line is in its log file.
    assert "db_worker" not in commands
    worker_log = (tmp_path / "var" / "log" / "worker.log").read_text()
    assert "python db_worker: first half" in worker_log
    assert "second half" not in worker_log


def test_make_run_output_is_short_and_nothing_polls_while_idle(stubs, tmp_path):
    """Migrations and the page-cache purge run quietly; the worker neither reloads nor
    polls the database more than every WORKER_INTERVAL seconds (issue 8 items 11, 12)."""
    worker_args = tmp_path / "worker-args"
    stubs.bin.joinpath("python").write_text(
        STUB.replace(
            'echo "$line" >> "$STUB_CALLS"',
            'echo "$line" >> "$STUB_CALLS"\n'
            'if [ "$key" = db_worker ]; then echo "$*" > "$WORKER_ARGS"; fi\n'
            # The server "runs" until the background worker has started (make stops
            # the worker when the server ends), however loaded the machine is.
            'if [ "$key" = runserver ]; then\n'
            '  for _ in $(seq 300); do [ -s "$WORKER_ARGS" ] && break; sleep 0.1; done\n'
            "fi",
        ).replace('sleep "${!sleep_for:-0}"', "")
    )
    result = stubs.make("run", "PORT=8010", JIYUE_VAR_DIR=tmp_path / "var", WORKER_ARGS=worker_args)
    assert result.returncode == 0, result.stdout + result.stderr
    calls = {c["args"].split()[1]: c for c in stubs.calls()}
    assert "--verbosity 0" in calls["migrate"]["args"]
    assert calls["load_demo"]["args"] == "manage.py load_demo --port 8010"
    assert calls["runserver"]["args"] == "manage.py runserver --noreload 127.0.0.1:8010"
    # The purge's own line does not reach the terminal.
    assert "python frontcache_purge" not in result.stdout
    args = worker_args.read_text().split()
    assert "--no-reload" in args
    assert args[args.index("--interval") + 1] == "2"


def make_test_tools(stubs, *variables, root=True):
    """``make test-tools`` with stand-ins for ``id`` and ``apt-get`` on PATH."""
    (stubs.path_dir / "id").write_text(f"#!/bin/sh\necho {0 if root else 1000}\n")
    (stubs.path_dir / "apt-get").write_text('#!/bin/sh\necho "apt-get $*" >> "$STUB_CALLS"\n')
    for name in ("id", "apt-get"):
        (stubs.path_dir / name).chmod(0o755)
    return subprocess.run(
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), *variables, "test-tools"],
        cwd=ROOT,
        env=stubs.env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_make_test_tools_installs_chromium_where_missing(stubs):
    """The browser tests' Chromium comes from Debian, like nginx (tests/browser)."""
    result = make_test_tools(stubs, "CHROMIUM=jiyue-no-such-chromium", "NGINX=sh")
    assert result.returncode == 0, result.stderr
    installs = [line for line in stubs.calls_file.read_text().splitlines() if " install " in line]
    assert len(installs) == 1
    assert installs[0].split()[-1] == "chromium"
    assert "nginx-light" not in installs[0]


def test_make_test_tools_installs_nothing_when_both_are_there(stubs):
    result = make_test_tools(stubs, "CHROMIUM=sh", "NGINX=sh")
    assert result.returncode == 0, result.stderr
    assert stubs.calls_file.read_text() == ""


def test_make_test_tools_only_explains_when_not_root(stubs):
    result = make_test_tools(
        stubs, "CHROMIUM=jiyue-no-such-chromium", "NGINX=jiyue-no-such-nginx", root=False
    )
    assert result.returncode == 0, result.stderr
    assert stubs.calls_file.read_text() == ""
    assert "nginx-light chromium not installed" in result.stdout


@pytest.fixture
def bench_tools(stubs):
    """nginx and wrk found on PATH, so make bench installs nothing."""
    for tool in ("nginx", "wrk"):
        stubs.add(tool, stubs.path_dir)
    return stubs


def test_make_bench_runs_the_benchmarks_in_order_and_builds_the_platform_once(
    bench_tools, tmp_path
):
    bench_dir = tmp_path / "bench"
    result = bench_tools.make("bench", f"BENCH_DIR={bench_dir}")
    assert result.returncode == 0, result.stdout + result.stderr
    scripts = [c["args"].split()[0] for c in bench_tools.calls()]
    assert scripts == [
        "bench/demo_load.py",
        "bench/import_rate.py",
        "bench/build_platform.py",
        "bench/push_latency.py",
        "bench/http_pages.py",
    ]
    assert all(f"--var-dir {bench_dir}" in c["args"] for c in bench_tools.calls()[2:])
    # With the platform's database there, it is not built again.
    bench_dir.mkdir()
    (bench_dir / "jiyue.sqlite3").touch()
    bench_tools.calls_file.write_text("")
    assert bench_tools.make("bench", f"BENCH_DIR={bench_dir}").returncode == 0
    assert "bench/build_platform.py" not in [c["args"].split()[0] for c in bench_tools.calls()]


def test_make_bench_stops_at_the_first_failing_benchmark(bench_tools, tmp_path):
    result = bench_tools.make(
        "bench", f"BENCH_DIR={tmp_path / 'bench'}", STUB_RC_bench_demo_load_py=3
    )
    assert result.returncode != 0
    assert [c["args"] for c in bench_tools.calls()] == ["bench/demo_load.py"]


def test_ci_runs_make_test_from_the_repository_root_and_returns_its_status(stubs, tmp_path):
    fake_make = stubs.add("make", stubs.path_dir)
    fake_make.write_text(
        '#!/usr/bin/env bash\necho "$PWD|$*" >> "$STUB_CALLS"\nexit "${STUB_RC_make:-0}"\n'
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for rc in (0, 2):
        stubs.calls_file.write_text("")
        result = subprocess.run(
            [str(ROOT / ".ci" / "run")],
            cwd=elsewhere,
            env=stubs.env(STUB_RC_make=rc),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == rc, result.stderr
        assert stubs.calls_file.read_text().splitlines() == [f"{ROOT}|test"]

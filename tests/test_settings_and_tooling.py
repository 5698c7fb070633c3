"""The two commands and CI: what `make test`, `make bench` and `.ci/run` really do.

These run GNU make in dry-run mode (``-n``) or on a scratch directory, so they are fast
and never recurse into the real suite.
"""

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STAMP = ".venv/.jiyue-requirements.stamp"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make not installed")


def make(*args, cwd=ROOT, **env):
    """Run make without the caller's make flags (we may be running under `make test`)."""
    clean_env = {
        k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}
    }
    clean_env.update(env)
    return subprocess.run(
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), *args],
        cwd=cwd,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ci_runs_make_test_and_nothing_else():
    script = ROOT / ".ci" / "run"
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    commands = [
        line.strip()
        for line in text.splitlines()[1:]
        if line.strip() and not line.strip().startswith("#")
    ]
    assert commands[-1] in {"make test", "exec make test"}
    assert script.stat().st_mode & stat.S_IXUSR, ".ci/run must be executable"


def test_make_test_lints_and_runs_the_suite_on_both_databases():
    result = make("-n", "-o", STAMP, "-o", "postgres-server", "test")
    assert result.returncode == 0, result.stderr
    plan = result.stdout
    assert "ruff check ." in plan
    assert "ruff format --check ." in plan
    sqlite = plan.index("JIYUE_TEST_DB=sqlite")
    postgres = plan.index("JIYUE_TEST_DB=postgres")
    assert sqlite < postgres
    assert "DATABASE_URL=postgres://" in plan[postgres:]
    assert plan.count("--ds=jiyue.settings.test") == 2
    # Nothing may swallow pytest's exit status (5 = no tests ran).
    assert "exit $status" in plan
    assert "|| true" not in plan.split("step()")[1].split("}")[0]


def test_make_run_migrates_loads_the_demo_and_starts_worker_and_server():
    result = make("-n", "-o", STAMP, "run")
    assert result.returncode == 0, result.stderr
    plan = result.stdout
    steps = ["migrate", "load_demo", "db_worker", 'runserver "127.0.0.1:8000"']
    positions = [plan.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "DJANGO_SETTINGS_MODULE=jiyue.settings.dev" in plan
    assert "trap stop_worker EXIT" in plan


def test_make_bench_runs_the_benchmarks_in_order():
    """Import rate, the 100-site platform (built once), push latency, page rates."""
    result = make("-n", "-o", STAMP, "bench")
    assert result.returncode == 0, result.stderr
    plan = result.stdout
    steps = [
        "bench/import_rate.py",
        'if [ ! -f "var/bench/jiyue.sqlite3" ]',
        'bench/build_platform.py --var-dir "var/bench"',
        'bench/push_latency.py --var-dir "var/bench"',
        'bench/http_pages.py --var-dir "var/bench"',
    ]
    positions = [plan.index(step) for step in steps]
    assert positions == sorted(positions)


@pytest.mark.skipif(
    not all(shutil.which(t) or Path(f"/usr/sbin/{t}").exists() for t in ("nginx", "wrk")),
    reason="nginx and wrk are not installed (make bench would install them)",
)
def test_make_bench_stops_at_the_first_failing_benchmark(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    calls = tmp_path / "calls.txt"
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexit 3\n')
    python.chmod(0o755)
    (venv / ".jiyue-requirements.stamp").touch()
    result = make("-o", str(venv / ".jiyue-requirements.stamp"), f"VENV={venv}", "bench")
    assert result.returncode != 0
    assert calls.read_text().split() == ["bench/import_rate.py"]

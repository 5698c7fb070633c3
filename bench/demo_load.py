"""How long ``manage.py load_demo`` takes to build the demo city (演示城市) on a fresh database.

This was a timing assertion in ``tests/portal/test_demo_load.py`` ("loads in under 30 s"),
which failed whenever the machine was loaded; speed is measured here instead and the test
checks only what was built.

Workload: a fresh database (SQLite in ``--var-dir`` or a new temporary directory;
``--database-url`` for PostgreSQL), migrated; then ``load_demo`` once, with the built-in
sample content (the default: the data directory points nowhere) or with
``--data-dir ../shared/data`` (as ``make run`` does where the shared data exists); then
``load_demo`` a second time, which finds the city and creates nothing. ``--repeat N``
builds the city N times, each on a fresh database in its own directory, and prints every
run and the median.

    .venv/bin/python bench/demo_load.py
    .venv/bin/python bench/demo_load.py --data-dir ../shared/data
    .venv/bin/python bench/demo_load.py --database-url postgres://postgres@127.0.0.1/bench
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir",
        help="shared data directory (default: none, so the built-in sample content is used)",
    )
    parser.add_argument("--var-dir", help="database directory (default: a new temp dir)")
    parser.add_argument("--database-url", help="e.g. postgres://user@127.0.0.1/db")
    parser.add_argument("--repeat", type=int, default=1, help="fresh databases to build on")
    args = parser.parse_args()

    if args.repeat > 1:
        repeat(args)
        return
    var_dir = args.var_dir or _common.default_var_dir("jiyue-bench-demo-")
    # A directory that does not exist selects the built-in sample content.
    data_dir = args.data_dir or str(Path(var_dir) / "no-shared-data")
    _common.setup_django(var_dir, args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from jiyue.demo.management.commands.load_demo import Command as LoadDemo
    from jiyue.library.models import Resource
    from jiyue.registry.models import GovSite

    print(f"database: {connection.vendor} in {var_dir}")
    with _common.Timer("migrate"):
        _common.migrate()
    command = LoadDemo()
    started = time.monotonic()
    call_command(command, data_dir=data_dir, stdout=io.StringIO())
    elapsed = time.monotonic() - started
    result = command.result
    started = time.monotonic()
    call_command(LoadDemo(), data_dir=data_dir, stdout=io.StringIO())
    again = time.monotonic() - started

    source = f"shared data {result.shared_data_dir}" if result.shared_data else "built-in sample"
    print(
        f"workload: load_demo on a fresh, migrated {connection.vendor} database, "
        f"content from the {source}"
    )
    print(
        f"built: {GovSite.objects.count()} sites, {result.pages} column pages, "
        f"{Resource.objects.count()} resources ({Resource.objects.live().count()} live)"
    )
    print(f"load_demo: {elapsed:.2f} s (the loader's own clock: {result.seconds:.2f} s)")
    print(f"load_demo again (finds the city, creates nothing): {again:.2f} s")


def repeat(args):
    """Run this script ``--repeat`` times, each in a fresh process and database."""
    if args.database_url:
        raise SystemExit("--repeat works on SQLite only (each run needs a fresh database)")
    seconds = []
    for run in range(1, args.repeat + 1):
        command = [sys.executable, __file__]
        if args.data_dir:
            command += ["--data-dir", args.data_dir]
        output = subprocess.run(
            command, check=True, capture_output=True, text=True, env=dict(os.environ)
        ).stdout
        print(f"--- run {run}\n{output}", end="", flush=True)
        line = next(x for x in output.splitlines() if x.startswith("load_demo: "))
        seconds.append(float(line.split()[1]))
    print(f"median of {len(seconds)} runs: {statistics.median(seconds):.2f} s")


if __name__ == "__main__":
    main()

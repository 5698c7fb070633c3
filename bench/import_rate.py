"""Import rate of ``manage.py import_resources`` on a fresh database.

Workload: a fresh database (SQLite in a temporary directory unless
``--database-url``), a small city of ``--sites`` online sites, ``--lines`` generated
JSON lines (all resource types; policies, service guides with their elements), one
``import_resources`` run as the supervisor, with ``--publish`` unless ``--drafts``.

Tasks: ``--tasks database`` (default) is production's task backend: the command
queues the search-index task and returns, and the task is then run as the worker
runs it (``db_worker --batch``, in this process) and timed on its own; the
end-to-end rate counts both. ``--tasks immediate`` runs the task inside the command
when the import commits. Printed with each figure: wall time, CPU seconds of this
process (and of the PostgreSQL backend process) per 1,000 resources, load average.

    .venv/bin/python bench/import_rate.py --lines 10000
    .venv/bin/python bench/import_rate.py --lines 1000 --profile   # top of cProfile
"""

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--sites", type=int, default=5)
    parser.add_argument("--columns", type=int, default=2, help="columns per site")
    parser.add_argument("--drafts", action="store_true", help="import as drafts")
    parser.add_argument("--profile", action="store_true", help="print the cProfile top 30")
    parser.add_argument("--var-dir", help="database directory (default: a new temp dir)")
    parser.add_argument("--database-url", help="e.g. postgres://user@127.0.0.1/db")
    parser.add_argument(
        "--tasks",
        choices=["database", "immediate"],
        default="database",
        help="task backend: production's database queue (default) or immediate",
    )
    args = parser.parse_args()

    var_dir = args.var_dir or _common.default_var_dir("jiyue-bench-import-")
    tasks = _common.DATABASE_TASKS if args.tasks == "database" else _common.IMMEDIATE_TASKS
    _common.setup_django(var_dir, args.database_url, tasks=tasks)
    from django.core.management import call_command
    from django.db import connection

    from jiyue.library.models import Resource

    print(f"database: {connection.vendor} in {var_dir}")
    with _common.Timer("migrate"):
        _common.migrate()
    with _common.Timer(f"city of {args.sites} sites"):
        city = _common.build_city(args.sites, columns_per_site=args.columns)
    path = Path(var_dir) / "resources.jsonl"
    _common.write_lines(path, args.lines, city["sites"])
    command = ["import_resources", str(path), "--user", "supervisor"]
    if not args.drafts:
        command.append("--publish")
    profile = cProfile.Profile() if args.profile else None
    print(f"before: {_common.load_average()}")
    db_cpu = _common.database_cpu_seconds()
    cpu = time.process_time()
    started = time.monotonic()
    if profile:
        profile.enable()
    call_command(*command)
    if profile:
        profile.disable()
    elapsed = time.monotonic() - started
    cpu = time.process_time() - cpu
    db_cpu = _common.database_cpu_seconds() - db_cpu
    count = Resource.objects.count()
    live = Resource.objects.live().count()
    index_seconds = index_cpu = 0.0
    if args.tasks == "database":
        index_cpu = time.process_time()
        index_seconds = _common.run_queued_tasks()
        index_cpu = time.process_time() - index_cpu
    print(
        f"workload: {args.lines} lines, {args.sites} sites, "
        f"{'--publish' if not args.drafts else 'drafts'}, {connection.vendor}, "
        f"{args.tasks} task backend"
    )
    print(f"after: {_common.load_average()}")
    print(f"imported: {count} resources ({live} live) in {elapsed:.2f} s")
    print(f"import rate: {count / elapsed:.0f} resources/s")
    per_1000 = 1000 / count if count else 0
    print(
        f"CPU per 1,000 resources: {cpu * per_1000:.2f} s in this process"
        + (f", {db_cpu * per_1000:.2f} s in the PostgreSQL backend" if db_cpu else "")
    )
    if args.tasks == "database":
        print(
            f"search-index task (the worker's job after the commit): {index_seconds:.2f} s, "
            f"{index_cpu * per_1000:.2f} s CPU per 1,000 resources in this process"
        )
        print(
            f"end to end (import + search index): "
            f"{count / (elapsed + index_seconds):.0f} resources/s"
        )
    else:
        print("(the search-index task ran inside the import, at commit)")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()

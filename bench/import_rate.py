"""Import rate of ``manage.py import_resources`` on a fresh database.

Workload: a fresh database (SQLite in a temporary directory unless
``--database-url``), a small city of ``--sites`` online sites, ``--lines`` generated
JSON lines (all resource types; policies, service guides with their elements), one
``import_resources`` run as the supervisor, with ``--publish`` unless ``--drafts``.

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
    args = parser.parse_args()

    var_dir = args.var_dir or _common.default_var_dir("jiyue-bench-import-")
    _common.setup_django(var_dir, args.database_url)
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
    started = time.monotonic()
    if profile:
        profile.enable()
    call_command(*command)
    if profile:
        profile.disable()
    elapsed = time.monotonic() - started
    count = Resource.objects.count()
    live = Resource.objects.live().count()
    print(
        f"workload: {args.lines} lines, {args.sites} sites, "
        f"{'--publish' if not args.drafts else 'drafts'}, {connection.vendor}"
    )
    print(f"imported: {count} resources ({live} live) in {elapsed:.2f} s")
    print(f"import rate: {count / elapsed:.0f} resources/s")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()

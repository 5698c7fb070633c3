"""Build a benchmark platform: 100 sites, ~10 columns each, 100,000 resources.

Workload: a fresh database (SQLite in ``--var-dir`` or a new temporary directory;
``--database-url`` for PostgreSQL); ``--sites`` sites registered, opened by
application and put online through ``jiyue.registry.lifecycle`` (as the demo does);
``--columns`` columns per site; ``--resources`` generated lines imported through
``import_resources``' code path (:func:`jiyue.library.importing.import_lines`,
``--publish`` as the supervisor) in batches of ``--batch``; then placements: every
site's 工作动态 column gets an explicit placement of that site's newest 200
resources (bulk rows, ``via=explicit``), and every site's 上级文件 column a
subscription rule for the city's policy documents.

Tasks: as ``import_rate.py``, production's database task backend by default: each
batch queues its search-index task, which is run after the imports as the worker
would (``db_worker --batch``) and timed separately; ``--tasks immediate`` runs it
inside each batch's commit. The HTTP benchmarks' servers use the immediate backend.

Prints the import rate (resources/s), CPU per 1,000 resources, the load and totals.
The database is kept for ``bench/push_latency.py`` and ``bench/http_pages.py`` (pass
the same ``--var-dir``).

    .venv/bin/python bench/build_platform.py --var-dir /tmp/jiyue-bench
    .venv/bin/python bench/build_platform.py --var-dir /tmp/jb-small --sites 5 --resources 2000
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--columns", type=int, default=10)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=10_000, help="lines per import batch")
    parser.add_argument("--var-dir", help="database directory (default: a new temp dir)")
    parser.add_argument("--database-url", help="e.g. postgres://user@127.0.0.1/db")
    parser.add_argument(
        "--tasks",
        choices=["database", "immediate"],
        default="database",
        help="task backend of the import: production's database queue (default) or immediate",
    )
    args = parser.parse_args()

    var_dir = Path(args.var_dir or _common.default_var_dir("jiyue-bench-"))
    tasks = _common.DATABASE_TASKS if args.tasks == "database" else _common.IMMEDIATE_TASKS
    _common.setup_django(var_dir, args.database_url, tasks=tasks)
    from django.db import connection

    from jiyue.library.importing import import_lines
    from jiyue.library.models import Resource
    from jiyue.portal.models import ColumnSubscription, Placement, PlacementState, PlacementVia

    print(f"database: {connection.vendor}, var dir {var_dir}", flush=True)
    total_started = time.monotonic()
    with _common.Timer("migrate"):
        _common.migrate()
    with _common.Timer(f"{args.sites} sites online by application, {args.columns} columns each"):
        city = _common.build_city(args.sites, columns_per_site=args.columns)
    path = var_dir / "resources.jsonl"
    _common.write_lines(path, args.resources, city["sites"])

    imported, import_seconds = 0, 0.0
    with open(path, encoding="utf-8") as fh:
        lines = fh.readlines()
    print(f"  before the import: {_common.load_average()}", flush=True)
    import_cpu = time.process_time()
    db_cpu = _common.database_cpu_seconds()
    for start in range(0, len(lines), args.batch):
        batch = lines[start : start + args.batch]
        began = time.monotonic()
        result = import_lines(batch, publish=True, user=city["supervisor"], source=str(path))
        import_seconds += time.monotonic() - began
        imported += len(result.resources)
        rate = len(result.resources) / (time.monotonic() - began)
        print(f"  imported {imported}/{len(lines)} ({rate:.0f} resources/s)", flush=True)
    import_cpu = time.process_time() - import_cpu
    db_cpu = _common.database_cpu_seconds() - db_cpu
    print(f"  after the import: {_common.load_average()}", flush=True)
    index_seconds = 0.0
    if args.tasks == "database":
        index_seconds = _common.run_queued_tasks()
        print(f"  search-index tasks (the worker's job): {index_seconds:.1f} s", flush=True)

    with _common.Timer("placements and subscription rules"):
        placements = []
        for site in city["sites"]:
            columns = {c.slug: c for c in city["columns"][site.pk]}
            news = columns.get("gzdt")
            if news is not None:
                newest = (
                    Resource.objects.live()
                    .filter(owner_site=site)
                    .order_by("-pub_date")
                    .values_list("pk", flat=True)[:200]
                )
                placements += [
                    Placement(
                        resource_id=pk,
                        column=news,
                        state=PlacementState.ACTIVE,
                        via=PlacementVia.EXPLICIT,
                        created_by=city["supervisor"],
                    )
                    for pk in newest
                ]
            upper = columns.get("sjwj")
            if upper is not None:
                rule = ColumnSubscription.objects.create(
                    column=upper, name="市级政策文件", resource_types=["policy"]
                )
                rule.source_orgs.add(city["orgs"][0])
        Placement.objects.bulk_create(placements, batch_size=1000)

    total = time.monotonic() - total_started
    print()
    print(
        f"workload: {args.sites} sites x {args.columns} columns, {args.resources} resources "
        f"(--publish, batches of {args.batch}), {connection.vendor}"
    )
    print(
        f"import rate: {imported / import_seconds:.0f} resources/s "
        f"({imported} in {import_seconds:.1f} s, {args.tasks} task backend)"
    )
    print(
        f"CPU per 1,000 resources: {import_cpu * 1000 / imported:.2f} s in this process"
        + (f", {db_cpu * 1000 / imported:.2f} s in the PostgreSQL backend" if db_cpu else "")
    )
    if index_seconds:
        print(
            f"end to end with the search index: "
            f"{imported / (import_seconds + index_seconds):.0f} resources/s"
        )
    print(
        f"totals: {Resource.objects.count()} resources ({Resource.objects.live().count()} live), "
        f"{Placement.objects.count()} placements, {ColumnSubscription.objects.count()} rules, "
        f"{len(city['sites'])} sites; build time {total:.0f} s"
    )
    print(f"var dir: {var_dir}")


if __name__ == "__main__":
    main()

"""Queries and CPU time of one uncached render per page kind, in-process (no HTTP).

Workload: the platform of ``bench/build_platform.py`` in ``--var-dir`` (and
``--database-url``); the same site, column, resource and stock Wagtail page as
``bench/http_pages.py``. Each page is requested through Django's test client with a
query string (so the page cache does not answer), once to warm the process, then
``--n`` times; prints the number of queries of one render and the CPU time per render
(process time, so other load on the machine counts less than in wall-clock rates).
``--queries KIND`` lists that page's queries; ``--profile KIND`` prints pyinstrument's
call tree (``pip install pyinstrument``) or, without it, cProfile's top 40;
``--cprofile KIND`` always uses cProfile timed by process CPU time (on a loaded
machine pyinstrument's wall-clock tree mostly shows waiting).

    .venv/bin/python bench/render_profile.py --var-dir /tmp/jiyue-bench
    .venv/bin/python bench/render_profile.py --var-dir /tmp/jiyue-bench --queries home
"""

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common
import _servers

KINDS = ("column", "detail", "home", "stock")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var-dir", required=True, help="the build_platform.py directory")
    parser.add_argument("--database-url")
    parser.add_argument("--n", type=int, default=30, help="renders per page kind")
    parser.add_argument("--queries", choices=KINDS, help="list this page's queries")
    parser.add_argument("--profile", choices=KINDS, help="profile this page's renders")
    parser.add_argument("--cprofile", choices=KINDS, help="cProfile (CPU time) of the renders")
    args = parser.parse_args()

    _servers.collectstatic(args.var_dir, args.database_url)
    _common.setup_django(args.var_dir, args.database_url)
    import http_pages
    from django.db import connection
    from django.test import Client

    targets = http_pages.pick_targets()
    client = Client(HTTP_HOST=targets["host"])
    print(
        f"workload: {connection.vendor}, var dir {args.var_dir}; Host {targets['host']}; "
        f"{args.n} renders each, in-process (Django test client, no page cache)"
    )
    for kind in KINDS:
        url = targets[kind] + "?bench=1"
        assert client.get(url).status_code == 200, url
        queries = QueryLog()
        # Django resets connection.queries per request; a wrapper sees every query.
        with connection.execute_wrapper(queries):
            client.get(url)
        started = time.process_time()
        for _ in range(args.n):
            client.get(url)
        cpu = (time.process_time() - started) / args.n
        print(f"  {kind:7} {url:28} {len(queries):3d} queries  {cpu * 1000:6.1f} ms CPU/render")
        if args.queries == kind:
            for sql in queries:
                print(f"      {sql[:160]}")
        if args.profile == kind:
            profile(client, url, args.n)
        if args.cprofile == kind:
            cpu_profile(client, url, args.n)


class QueryLog(list):
    """An ``execute_wrapper`` that records the SQL of every query."""

    def __call__(self, execute, sql, params, many, context):
        self.append(sql)
        return execute(sql, params, many, context)


def cpu_profile(client, url, n):
    """cProfile's top functions by own and by cumulative CPU time (process time)."""
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(n):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(35)
    stats.sort_stats("cumulative").print_stats(70)


def profile(client, url, n):
    try:
        from pyinstrument import Profiler
    except ImportError:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            client.get(url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return
    profiler = Profiler()
    profiler.start()
    for _ in range(n):
        client.get(url)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    main()

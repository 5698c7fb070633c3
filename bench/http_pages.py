"""Page requests/s over real HTTP: column and detail pages, cached and uncached.

Workload: the database built by ``bench/build_platform.py`` (same ``--var-dir``);
gunicorn (``jiyue.settings.production``, DEBUG off, ``--workers``) on a free
127.0.0.1 port; nginx in front with a configuration generated from
``deploy/nginx/jiyue.conf`` in a temporary prefix; then ``wrk -t2 -c32 -d10s`` (see
``--threads/--connections/--duration``) with the site's ``Host`` header for each row:

- column page, uncached: ``/<column>/?bench=1`` through nginx (a query string
  bypasses the page cache, so Django renders every request);
- column page, cached: ``/<column>/`` through nginx, after one warm-up request
  (nginx serves the file the page cache wrote, ``X-Jiyue-Cache: HIT-NGINX``);
- the same two rows for the detail page ``/content/<id>/``;
- home page, uncached: the site's home page (latest items of every column),
  straight to gunicorn with a query string (no cache);
- stock Wagtail page: a plain ``wagtailcore.Page`` with Wagtail's own template,
  served by the same gunicorn with a query string (no cache);
- nginx static file: the cached column page copied under ``/static/`` and served
  by nginx as a plain file.

Prints a table of requests/s and latency (avg, p50, p99) with the workload, then
stops both servers.

    .venv/bin/python bench/http_pages.py --var-dir /tmp/jiyue-bench
"""

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common
import _servers


def run_wrk(url, host, args):
    """``{"rps", "avg", "p50", "p99", "errors"}`` of one wrk run."""
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--latency",
        "-H",
        f"Host: {host}",
        url,
    ]
    out = subprocess.run(
        command, capture_output=True, text=True, timeout=args.duration + 60, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    avg = re.search(r"Latency\s+([\d.]+\w+)", out).group(1)
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "avg": avg,
        "p50": p50,
        "p99": p99,
        "errors": (int(errors.group(1)) if errors else 0),
        "socket": socket_errors.group(1) if socket_errors else "",
    }


def pick_targets():
    """A site, a column with resources, one resource shown there, the home page."""
    from jiyue.portal.models import ColumnPage
    from jiyue.portal.services import resources_for_column
    from jiyue.registry.models import GovSite

    for gov_site in GovSite.objects.filter(wagtail_site__isnull=False).order_by("pk")[1:]:
        home = gov_site.wagtail_site.root_page
        column = ColumnPage.objects.child_of(home).filter(slug="gzdt").first()
        if column is None:
            continue
        resource = resources_for_column(column).first()
        if resource is None:
            continue
        return {
            "host": gov_site.wagtail_site.hostname,
            "column": column.relative_url(gov_site.wagtail_site),
            "detail": f"/content/{resource.pk}/",
            "home": "/",
            "stock": stock_wagtail_page(home).relative_url(gov_site.wagtail_site),
        }
    raise SystemExit("no site with a populated 工作动态 column: run build_platform.py first")


def stock_wagtail_page(home):
    """A plain ``wagtailcore.Page`` under ``home``, rendered by Wagtail's own template.

    The comparison the issue asks for: a stock Wagtail page served the same way
    (gunicorn, same middleware), no Jiyue page type, no library query. Created once
    (``add_child`` bypasses the admin's subpage-type rule on purpose).
    """
    from wagtail.models import Page

    page = Page.objects.child_of(home).filter(slug="stock-wagtail-bench").first()
    if page is None:
        page = home.add_child(instance=Page(title="Stock Wagtail page", slug="stock-wagtail-bench"))
        page.save_revision().publish()
    return page


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var-dir", required=True, help="the build_platform.py directory")
    parser.add_argument("--database-url")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=10)
    args = parser.parse_args()

    var_dir = Path(args.var_dir)
    _common.setup_django(var_dir, args.database_url)
    from django.db import connection

    from jiyue.library.models import Resource
    from jiyue.registry.models import GovSite

    targets = pick_targets()
    host = targets["host"]
    print(
        f"workload: {GovSite.objects.count()} sites, {Resource.objects.count()} resources, "
        f"{connection.vendor}; gunicorn --workers {args.workers}, nginx; "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s; Host: {host}",
        flush=True,
    )
    connection.close()
    _servers.collectstatic(var_dir, args.database_url)

    rows = []
    with _servers.Servers(var_dir, args.database_url, workers=args.workers) as srv:
        nginx, django = srv.nginx_url, srv.django_url
        checks = {}
        for name in ("column", "detail"):
            path = targets[name]
            status, _headers, _body = _servers.get(nginx + path + "?bench=1", host)
            checks[name] = status
            # Warm the cache: one anonymous GET without a query string.
            _servers.get(nginx + path, host)
            status, headers, body = _servers.get(nginx + path, host)
            cache = headers.get("X-Jiyue-Cache", "-")
            print(f"  {path}: uncached {checks[name]}, cached {status} ({cache})", flush=True)
            if cache != "HIT-NGINX":
                print(
                    "  WARNING: not served from the page cache (no X-Jiyue-Cache: HIT-NGINX);"
                    " the 'cached' rows below measure Django.",
                    flush=True,
                )
            if name == "column":
                static_dir = var_dir / "static" / "bench"
                static_dir.mkdir(parents=True, exist_ok=True)
                (static_dir / "column.html").write_bytes(body)
        plan = [
            ("column page, uncached (Django)", nginx + targets["column"] + "?bench=1"),
            ("column page, cached (nginx file)", nginx + targets["column"]),
            ("detail page, uncached (Django)", nginx + targets["detail"] + "?bench=1"),
            ("detail page, cached (nginx file)", nginx + targets["detail"]),
            ("home page, uncached (Django)", django + targets["home"] + "?bench=1"),
            ("stock Wagtail page via gunicorn", django + targets["stock"] + "?bench=1"),
            ("nginx static file (same page)", nginx + "/static/bench/column.html"),
        ]
        for label, url in plan:
            result = run_wrk(url, host, args)
            rows.append((label, url.split("127.0.0.1", 1)[1], result))
            print(f"  {label}: {result['rps']:.0f} req/s", flush=True)
    shutil.rmtree(var_dir / "static" / "bench", ignore_errors=True)

    print()
    print(f"{'row':38} {'req/s':>9} {'avg':>9} {'p50':>9} {'p99':>9} {'non-2xx':>8}  url")
    for label, url, r in rows:
        print(
            f"{label:38} {r['rps']:9.0f} {r['avg']:>9} {r['p50']:>9} {r['p99']:>9} "
            f"{r['errors']:8d}  {url} {r['socket']}"
        )
    static = rows[-1][2]["rps"]
    for label, _url, r in rows:
        if "cached (nginx" in label:
            print(f"{label}: {r['rps'] / static:.0%} of nginx's static-file rate")


if __name__ == "__main__":
    main()

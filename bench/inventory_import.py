"""Inventory import rate (``import_sites``) and the merge-plan overview's server time.

Workload: a fresh database (SQLite in a temporary directory unless
``--database-url``); for each size of ``--rows`` a generated inventory in the
project's standard columns (name, domain, organization, division_code, type): per
generated county a government portal and department sites (30 department names),
1 % of the rows on an IP address or a ``.com`` host (kept as findings), organized in
provinces → prefectures → counties by division code. Each size starts from an empty
registry; it is imported once (all created) and once more (all matched). Then the
merge-plan view (整合计划) is fetched as a superuser through Django's test client
at ``--overview-sites`` sites, a third of them in the plan and past their deadline:
server time only, no network.

    .venv/bin/python bench/inventory_import.py                      # 1k, 10k, 100k rows
    .venv/bin/python bench/inventory_import.py --rows 3000 --profile
    .venv/bin/python bench/inventory_import.py --rows 100000 --overview-sites 0

Targets (issue 8 item 18): >= 2,000 rows/s at 100,000 rows, linear; overview <= 300 ms
at 10,000 sites.
"""

import argparse
import cProfile
import datetime
import os
import pstats
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common
import _servers


def division_code(county):
    """A distinct 6-digit code per generated county, with its prefecture and province."""
    province, rest = divmod(county, 20 * 19)
    prefecture, place = divmod(rest, 19)
    return f"{11 + province:02d}{prefecture + 1:02d}{place + 1:02d}"


def write_inventory(path, n_rows):
    per_county = 1 + len(_common.DEPARTMENTS)
    lines = ["name,domain,organization,division_code,type"]
    for i in range(n_rows):
        county, k = divmod(i, per_county)
        code = division_code(county)
        place = f"第{county}县"
        if k == 0:
            org, kind, host = f"{place}人民政府", "portal", f"www.c{code}.gov.cn"
        else:
            org = place + _common.DEPARTMENTS[k - 1]
            kind, host = "department", f"d{k}.c{code}.gov.cn"
        if i % 100 == 7:
            host = f"10.{county // 250 % 250}.{county % 250}.{k}"  # an IP: DOMAIN-6 finding
        elif i % 100 == 57:
            host = f"d{k}-c{code}.example.com"  # not .gov.cn: DOMAIN-1 finding
        lines.append(f"{org}网站,http://{host}/,{org},{code},{kind}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def fresh_database(template, database_file):
    """Start a size from the migrated, empty database (SQLite: a copy of the file)."""
    from django.db import connections

    connections.close_all()
    shutil.copyfile(template, database_file)


def empty_registry():
    """Other databases: delete what the previous size imported."""
    from wagtail.models import ModelLogEntry

    from jiyue.registry.models import GovSite, Organization

    ModelLogEntry.objects.all().delete()
    GovSite.objects.all().delete()
    while Organization.objects.exists():  # leaves first (PROTECT on parent)
        Organization.objects.filter(children__isnull=True).delete()


def run_import(path, profile=None):
    from jiyue.registry import inventory

    started, cpu = time.monotonic(), time.process_time()
    if profile:
        profile.enable()
    rows = inventory.read_inventory(path)
    read = time.monotonic() - started
    result = inventory.import_inventory(rows, skip_invalid=True)
    if profile:
        profile.disable()
    result.cpu_seconds = time.process_time() - cpu  # this process only (not the database server)
    return result, read, time.monotonic() - started


def time_overview(n_sites, repeat):
    """Server time of the merge-plan view at ``n_sites`` sites (the last size's data)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from jiyue.registry import inventory
    from jiyue.registry.models import GovSite, PlanAction

    total = GovSite.objects.count()
    if total < n_sites:
        print(f"merge plan: only {total} sites, import at least {n_sites} rows first")
        return
    past = datetime.date.today() - datetime.timedelta(days=30)
    ids = list(GovSite.objects.order_by("pk").values_list("pk", flat=True)[n_sites:])
    GovSite.objects.filter(pk__in=ids).delete()
    plan_ids = GovSite.objects.order_by("pk").values_list("pk", flat=True)[::3]
    GovSite.objects.filter(pk__in=list(plan_ids)).update(
        plan_action=PlanAction.MERGE, plan_deadline=past
    )
    user = get_user_model().objects.create_superuser("bench-supervisor", "", "x")
    client = Client(HTTP_HOST="localhost")  # one of the bench's allowed hosts
    client.force_login(user)
    url = _merge_plan_url()
    client.get(url)  # warm-up: templates, translations
    times, sizes = [], []
    for _i in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        sizes.append(len(response.content))
        assert response.status_code == 200, response.status_code
    started = time.perf_counter()
    overview = inventory.merge_plan_overview()
    computed = time.perf_counter() - started
    started = time.perf_counter()
    inventory.merge_plan_overview()
    cached = time.perf_counter() - started
    print(
        f"merge plan at {GovSite.objects.count()} sites ({len(overview.overdue)} overdue, "
        f"findings {dict(overview.findings_by_rule)}): view median "
        f"{statistics.median(times) * 1000:.0f} ms (min {min(times) * 1000:.0f}, "
        f"{sizes[-1] / 1024:.0f} KiB), overview computed in {computed * 1000:.0f} ms "
        f"(again {cached * 1000:.0f} ms)"
    )


def _merge_plan_url():
    from django.urls import reverse

    from jiyue.registry.inventory_admin import URL_NAMESPACE

    return reverse(f"{URL_NAMESPACE}:index")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--overview-sites", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="overview requests to time")
    parser.add_argument("--profile", action="store_true", help="cProfile top 30 of the last")
    parser.add_argument("--var-dir", help="database directory (default: a new temp dir)")
    parser.add_argument("--database-url", help="e.g. postgres://user@127.0.0.1/db")
    args = parser.parse_args()

    var_dir = Path(args.var_dir or _common.default_var_dir("jiyue-bench-inventory-"))
    # Server time of the views themselves: the supervisor's second factor (on in
    # production) would answer every admin page with a redirect to its form.
    os.environ["JIYUE_2FA_REQUIRED"] = "0"
    _servers.collectstatic(var_dir, args.database_url)  # production's hashed static names
    _common.setup_django(var_dir, args.database_url)
    from django.conf import settings
    from django.db import connection

    print(f"database: {connection.vendor} in {var_dir}")
    with _common.Timer("migrate"):
        _common.migrate()
    sqlite = connection.vendor == "sqlite"
    database_file = Path(settings.DATABASES["default"]["NAME"])
    template = var_dir / "migrated.sqlite3"
    if sqlite:
        connection.close()
        shutil.copyfile(database_file, template)
    sizes = sorted(args.rows)
    if args.overview_sites and args.overview_sites not in sizes:
        sizes.append(args.overview_sites)  # the overview runs on this size's data
    rates = {}
    profile = None
    for n in sizes:
        if sqlite:
            fresh_database(template, database_file)
        else:
            empty_registry()
        path = var_dir / f"inventory-{n}.csv"
        write_inventory(path, n)
        profile = cProfile.Profile() if args.profile and n == sizes[-1] else None
        result, read, elapsed = run_import(path, profile)
        again, _read, elapsed_again = run_import(path)
        rates[n] = n / elapsed
        print(
            f"{n:>7} rows: read {read:.2f} s, import {elapsed:.2f} s = {n / elapsed:,.0f} rows/s "
            f"(created {result.created}, orgs {result.organizations_created}, rejected "
            f"{len(result.rejected)}, findings {len(result.findings)}); again "
            f"{elapsed_again:.2f} s = {n / elapsed_again:,.0f} rows/s "
            f"(matched {again.unchanged}); CPU per 1,000 rows "
            f"{result.cpu_seconds * 1000 / n:.2f} s "
            f"(again {again.cpu_seconds * 1000 / n:.2f} s)"
        )
        if n == args.overview_sites:
            time_overview(n, args.repeat)
    if len(rates) > 1:
        small, large = min(rates), max(rates)
        print(
            f"linearity: {rates[large] / rates[small]:.2f} x the rate of {small} rows "
            f"at {large} rows (1.00 = linear)"
        )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"workload: sizes {sizes}, standard columns, {connection.vendor}, one transaction")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()

"""Import rate of ``manage.py import_sites`` on the whole real division list.

Workload: a fresh database (SQLite in a temporary directory unless ``--database-url``),
then ``import_sites --skip-invalid`` of ``../shared/data/cn-gov-site-lists/
laosheng_county_gov_sites.csv`` (中国千县政府网, 3,208 rows: provinces, prefectures,
counties). Prints rows/s, the importer's own counts, and how many organizations got a
parent other than the one their division code names (expected: 0). The test suite
imports a representative slice of this list
(``tests/registry/test_import_sites.py::test_real_division_list_imports_with_its_hierarchy``);
this script covers the whole of it.

    .venv/bin/python bench/division_list_import.py
    .venv/bin/python bench/division_list_import.py --profile    # top of cProfile
"""

import argparse
import cProfile
import csv
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common

DEFAULT_LIST = (
    _common.ROOT.parent / "shared" / "data" / "cn-gov-site-lists" / "laosheng_county_gov_sites.csv"
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_LIST)
    parser.add_argument("--profile", action="store_true", help="print the cProfile top 30")
    parser.add_argument("--var-dir", help="database directory (default: a new temp dir)")
    parser.add_argument("--database-url", help="e.g. postgres://user@127.0.0.1/db")
    args = parser.parse_args()
    if not args.file.is_file():
        sys.exit(f"error: {args.file} is absent (the shared data directory)")

    var_dir = args.var_dir or _common.default_var_dir("jiyue-bench-inventory-")
    _common.setup_django(var_dir, args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from jiyue.registry.services import GovSite, Organization
    from tests.registry.test_import_sites import expected_parent_code

    print(f"database: {connection.vendor} in {var_dir}")
    with _common.Timer("migrate"):
        _common.migrate()
    with open(args.file, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    codes = {r["division_code"] for r in rows}
    level = {r["division_code"]: r["level"] for r in rows}

    out, err = io.StringIO(), io.StringIO()
    profile = cProfile.Profile() if args.profile else None
    started = time.monotonic()
    if profile:
        profile.enable()
    call_command("import_sites", str(args.file), "--skip-invalid", stdout=out, stderr=err)
    if profile:
        profile.disable()
    elapsed = time.monotonic() - started

    wrong = sum(
        1
        for org in Organization.objects.select_related("parent")
        if (org.parent.division_code if org.parent else None)
        != expected_parent_code(org.division_code, level[org.division_code], codes)
    )
    print(f"workload: {args.file.name}, {len(rows)} rows, --skip-invalid, {connection.vendor}")
    print(out.getvalue().strip())
    print(
        f"imported: {GovSite.objects.count()} sites, {Organization.objects.count()} "
        f"organizations ({wrong} with a parent other than their division code names) "
        f"in {elapsed:.2f} s"
    )
    print(f"import rate: {len(rows) / elapsed:.0f} rows/s")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()

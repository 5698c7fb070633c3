"""Server time and weight of the supervisor's push screen (分发) at N sites (issue 8 item 4).

Workload: a fresh database (SQLite in a new temporary directory, or ``--var-dir``;
``--database-url`` for PostgreSQL) with ``--sites`` online sites of ``--columns`` columns
each, built as ``bench/build_platform.py`` does, and one published 通知公告 of the city.
The platform superuser (the supervisor's screen, without the second factor) requests
``/admin/distribution/resource/<id>/distribution/``
``--repeat`` times in-process with Django's test client (server time only, no network).
Prints the median and the slowest time, the page size, the number of column
checkboxes and whether every element id is unique.

    .venv/bin/python bench/push_screen.py --sites 1000
"""

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common

TITLE = "关于做好全市重点工作的通知"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--columns", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--var-dir", help="database directory (default: a new temp dir)")
    parser.add_argument("--database-url", help="e.g. postgres://user@127.0.0.1/db")
    parser.add_argument("--reuse", action="store_true", help="the --var-dir is built already")
    args = parser.parse_args()

    var_dir = Path(args.var_dir or _common.default_var_dir("jiyue-push-"))
    _common.setup_django(var_dir, args.database_url)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import reverse

    from jiyue.library import services as library

    print(f"database: {connection.vendor}, var dir {var_dir}", flush=True)
    if args.reuse:
        admin = get_user_model().objects.get(username="admin")
        notice = library.live_resources().get(title=TITLE)
    else:
        with _common.Timer("migrate"):
            _common.migrate()
        with _common.Timer(f"{args.sites} sites online, {args.columns} columns each"):
            city = _common.build_city(args.sites, columns_per_site=args.columns)
        admin = city["superuser"]
        notice = library.create_draft(
            user=city["supervisor"],
            resource_type="notice",
            title=TITLE,
            summary="摘要",
            body="<p>正文</p>",
            source_org=city["orgs"][0],
            owner_site=city["sites"][0],
        )
        library.publish_now(notice, user=admin)

    # The platform's superuser sees the supervisor's screen (every site, the push
    # tree); the second factor (TOTP) is off here: a bench cannot type it.
    # No collectstatic here: plain static storage instead of the production manifest
    # (override_settings resets the cached storages).
    override_settings(
        JIYUE_2FA_REQUIRED=False,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    url = reverse("portal_admin:distribution", args=[notice.pk])
    timings, response = [], None
    for _ in range(args.repeat + 1):  # the first request warms the caches
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    html = response.content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    boxes = html.count('name="push-columns"')
    measured = timings[1:]
    print(f"workload: {args.sites} sites x {args.columns} columns, {args.repeat} requests")
    print(
        f"  push screen: median {statistics.median(measured) * 1000:.0f} ms, "
        f"slowest {max(measured) * 1000:.0f} ms (first {timings[0] * 1000:.0f} ms)"
    )
    print(
        f"  page size {len(html.encode()) / 1024:.0f} KiB, {boxes} column checkboxes, "
        f"duplicate ids: {sum(1 for n in ids.values() if n > 1)}"
    )


if __name__ == "__main__":
    main()

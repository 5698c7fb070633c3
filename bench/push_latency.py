"""Time from the final approval of one pushed resource until all sites show it.

Workload: the database built by ``bench/build_platform.py`` (same ``--var-dir``),
served by gunicorn behind nginx exactly as in ``bench/http_pages.py`` (page cache
on, so the time includes invalidation). The supervisor drafts one 通知公告 of the
city, pushes it to the 工作动态 column of every site (the bench columns do not
require acceptance), and it goes through the review workflow (初审 → 复审 → 保密审查
→ 签发). Before the last step every site's column page is requested once, so the
cache holds the page without the resource. The clock starts at the final approval
call; each site is then polled over HTTP (``--poll-threads`` in parallel) until its
column page lists the resource and ``/content/<id>/`` answers 200. Prints the
approval call's own duration and the time until the last site showed it.

    .venv/bin/python bench/push_latency.py --var-dir /tmp/jiyue-bench
"""

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common
import _servers


def approve_current(resource, user):
    state = resource.current_workflow_task_state
    state.task.specific.on_action(state, user, "approve", comment="同意。")
    resource.refresh_from_db()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var-dir", required=True, help="the build_platform.py directory")
    parser.add_argument("--database-url")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--poll-threads", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()

    var_dir = Path(args.var_dir)
    _common.setup_django(var_dir, args.database_url)
    from django.contrib.auth import get_user_model

    from jiyue.library import services
    from jiyue.portal import services as portal_services
    from jiyue.portal.models import ColumnPage
    from jiyue.registry.models import GovSite

    user_model = get_user_model()
    supervisor = user_model.objects.get(username="supervisor")
    superuser = user_model.objects.get(username="admin")
    sites = list(GovSite.objects.filter(wagtail_site__isnull=False).order_by("pk"))
    targets = []
    for gov_site in sites:
        column = (
            ColumnPage.objects.child_of(gov_site.wagtail_site.root_page).filter(slug="gzdt").first()
        )
        if column is not None:
            targets.append((gov_site, column))
    portal = sites[0]
    title = f"关于做好基准测试推送工作的通知（{time.strftime('%Y%m%d%H%M%S')}）"
    resource = services.create_draft(
        user=supervisor,
        resource_type="notice",
        title=title,
        summary="推送到所有网站的通知。",
        body="<p>各单位：请做好相关工作。</p>",
        source_org=portal.organization,
        owner_site=portal,
    )
    portal_services.push(resource, [column for _site, column in targets], supervisor)
    workflow = resource.get_workflow()
    workflow.start(resource, superuser)
    for _step in range(len(workflow.tasks) - 1):
        approve_current(resource, superuser)
    print(
        f"workload: {len(targets)} sites' 工作动态 columns, resource {resource.pk} pushed by "
        f"the supervisor, workflow of {len(workflow.tasks)} steps; "
        f"gunicorn --workers {args.workers} + nginx, page cache on",
        flush=True,
    )

    with _servers.Servers(var_dir, args.database_url, workers=args.workers) as srv:
        base = srv.nginx_url
        paths = {
            gov_site.pk: (
                gov_site.wagtail_site.hostname,
                column.relative_url(gov_site.wagtail_site),
            )
            for gov_site, column in targets
        }
        with ThreadPoolExecutor(args.poll_threads) as pool:
            list(pool.map(lambda hp: _servers.get(base + hp[1], hp[0]), paths.values()))
            detail = f"/content/{resource.pk}/"

            def visible(host_path):
                host, path = host_path
                status, _h, body = _servers.get(base + path, host)
                if status != 200 or title.encode() not in body:
                    return None
                status, _h, _b = _servers.get(base + detail, host)
                return time.monotonic() if status == 200 else None

            started = time.monotonic()
            approve_current(resource, superuser)
            approval = time.monotonic() - started
            assert resource.live, "final approval did not publish"
            pending = dict(paths)
            seen = {}
            while pending and time.monotonic() - started < args.timeout:
                results = dict(zip(pending, pool.map(visible, pending.values()), strict=True))
                for key, when in results.items():
                    if when is not None:
                        seen[key] = when - started
                        del pending[key]
    print(f"final approval call (publish + invalidation): {approval * 1000:.0f} ms")
    if pending:
        print(f"NOT visible on {len(pending)} of {len(paths)} sites after {args.timeout:.0f} s")
    else:
        times = sorted(seen.values())
        print(
            f"visible on all {len(paths)} sites (column page and {detail}) "
            f"{times[-1] * 1000:.0f} ms after the final approval call "
            f"(first site {times[0] * 1000:.0f} ms, median {times[len(times) // 2] * 1000:.0f} ms;"
            f" one polling round = {2 * len(paths)} requests)"
        )


if __name__ == "__main__":
    main()

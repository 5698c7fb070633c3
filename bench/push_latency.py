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

Task backend (``--tasks``): ``db`` (default) is production's arrangement — the
approval commits, purges and enqueues the re-render (:mod:`jiyue.frontcache.rerender`),
and ``--task-workers`` ``db_worker`` processes started here (default: one per core)
render the pages; ``immediate`` runs the re-render inside the approving call, as the
earlier measurements did. CPU seconds are reported per process group (approving
process; task workers; gunicorn, which also answers the pollers) with the number of
pages re-rendered, so the CPU per page can be compared across machine loads.

    .venv/bin/python bench/push_latency.py --var-dir /tmp/jiyue-bench
    .venv/bin/python bench/push_latency.py --var-dir /tmp/jiyue-bench --tasks immediate
"""

import argparse
import os
import subprocess
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
    parser.add_argument("--tasks", choices=["db", "immediate"], default="db")
    parser.add_argument("--task-workers", type=int, default=os.cpu_count())
    args = parser.parse_args()

    var_dir = Path(args.var_dir)
    tasks = _common.DATABASE_TASKS if args.tasks == "db" else _common.IMMEDIATE_TASKS
    _common.setup_django(var_dir, args.database_url, tasks=tasks)
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from jiyue.frontcache import rerender
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
        f"gunicorn --workers {args.workers} + nginx, page cache on; task backend {args.tasks}"
        + (f" with {args.task_workers} db_worker processes" if args.tasks == "db" else ""),
        flush=True,
    )
    # Pages re-rendered in this process (immediate backend).
    rendered_here = []
    original_rerender = rerender.rerender

    def counting_rerender(host, path):
        rendered_here.append(path)
        return original_rerender(host, path)

    rerender.rerender = counting_rerender
    if args.tasks == "db":
        _common.run_queued_tasks()  # what the workflow steps queued so far

    with (
        _servers.Servers(var_dir, args.database_url, workers=args.workers) as srv,
        TaskWorkers(
            var_dir, args.database_url, args.task_workers if args.tasks == "db" else 0
        ) as workers,
    ):
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

            cpu_before = (_cpu_seconds(workers.pids), _cpu_seconds(srv_pids(srv)))
            load_before = os.getloadavg()[0]
            started_at = timezone.now()
            started = time.monotonic()
            started_cpu = time.process_time()
            approve_current(resource, superuser)
            approval = time.monotonic() - started
            approval_cpu = time.process_time() - started_cpu
            assert resource.live, "final approval did not publish"
            pending = dict(paths)
            seen = {}
            while pending and time.monotonic() - started < args.timeout:
                results = dict(zip(pending, pool.map(visible, pending.values()), strict=True))
                for key, when in results.items():
                    if when is not None:
                        seen[key] = when - started
                        del pending[key]
            finished = time.monotonic()
            workers_cpu = _cpu_seconds(workers.pids) - cpu_before[0]
            gunicorn_cpu = _cpu_seconds(srv_pids(srv)) - cpu_before[1]
            load_after = os.getloadavg()[0]
    pages = len(rendered_here) + _worker_pages(started_at)
    print(
        f"final approval call (publish + invalidation): {approval * 1000:.0f} ms "
        f"({approval_cpu:.2f} s CPU in the approving process)"
    )
    render_cpu = approval_cpu + workers_cpu
    per_page = f", {render_cpu / pages * 1000:.1f} ms CPU per page (approval + workers)"
    print(
        f"CPU until the last site showed it ({finished - started:.1f} s): approving process "
        f"{approval_cpu:.2f} s, task workers {workers_cpu:.2f} s, gunicorn (pollers' requests) "
        f"{gunicorn_cpu:.2f} s; {pages} pages re-rendered" + (per_page if pages else "")
    )
    print(f"load average {load_before:.1f} before, {load_after:.1f} after, {os.cpu_count()} CPUs")
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


def _cpu_seconds(pids):
    """User + system CPU seconds of the live processes ``pids`` (from ``/proc``)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _children(pid):
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def srv_pids(srv):
    """gunicorn's master and its workers."""
    master = srv.procs[0].pid
    return [master, *_children(master)]


def _worker_pages(since):
    """Pages the task workers re-rendered for tasks enqueued at or after ``since``."""
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks_db.models import DBTaskResult

    results = DBTaskResult.objects.filter(
        task_path__endswith="rerender_pages", status="SUCCESSFUL", enqueued_at__gte=since
    ).values_list("return_value", flat=True)
    return sum((value or {}).get("pages", 0) for value in results)


class TaskWorkers:
    """``count`` ``manage.py db_worker`` processes on the bench database (0: none)."""

    def __init__(self, var_dir, database_url, count):
        self.var_dir, self.database_url, self.count = var_dir, database_url, count
        self.procs = []

    @property
    def pids(self):
        return [proc.pid for proc in self.procs]

    def __enter__(self):
        env = dict(os.environ)
        env.update(_common.bench_env(self.var_dir, self.database_url, tasks=_common.DATABASE_TASKS))
        for n in range(self.count):
            self.procs.append(
                subprocess.Popen(
                    [
                        str(_common.ROOT / ".venv" / "bin" / "python"),
                        "manage.py",
                        "db_worker",
                        "--interval",
                        "0.05",
                        "--no-startup-delay",
                        "--no-reload",
                        "--worker-id",
                        f"bench-{n}",
                    ],
                    cwd=_common.ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=open(Path(self.var_dir) / f"db_worker-{n}.log", "w"),
                )
            )
        time.sleep(3 if self.count else 0)  # Django set-up of each worker
        return self

    def __exit__(self, *exc):
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()

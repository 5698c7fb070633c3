"""Server time of the admin screens an editor uses every day, on a large platform.

Workload: the database ``bench/build_platform.py`` built in ``--var-dir`` (100 sites
and 100,000 resources by default; ``--sites 20 --resources 20000`` builds a smaller
one in a fraction of the time). Each screen is fetched through Django's test client
in this process (server time only: no network, no browser), once to warm up and
then ``--repeat`` times; the median is reported with the response size and the
number of SQL queries. Beside the wall time, the process's CPU time (SQLite runs in
the process, so it includes the queries): on a shared machine under load it is the
steadier of the two. Four users: the supervisor the platform was built with, an
editor of the first site's organization, a first-review (初审) reviewer of the same
organization and a superuser who sees all resources (the last three created here if
missing). The supervisor (主管单位) holds no resource permissions: no lists for them.

Screens: the dashboard, the resource lists (policies, news), the add forms of a
policy and of an interpretation (whose ``policy`` field was a select of every
policy), the edit form and the inspect page of a policy, the review queue
(待接收, pending placements) and the distribution screen of a policy, and the
choosers that replaced the selects (policy, source organization, owner site).

    .venv/bin/python bench/admin_screens.py --var-dir /tmp/jiyue-bench
    .venv/bin/python bench/admin_screens.py --var-dir /tmp/jb-small --repeat 3

Target (issue 8 item 19): <= 300 ms each at 100,000 resources.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common
import _servers

TARGET_MS = 300


def editor_of_first_site():
    from django.contrib.auth import get_user_model

    from jiyue.registry.models import GovSite, StaffMembership

    user_model = get_user_model()
    editor = user_model.objects.filter(username="bench-editor").first()
    if editor is None:
        site = GovSite.objects.exclude(wagtail_site=None).order_by("pk").first()
        editor = user_model.objects.create_user("bench-editor", "", "bench")
        StaffMembership.objects.create(user=editor, organization=site.organization)
    return editor


def reviewer_of_first_site(editor):
    """A first-review (初审) reviewer of the editor's organization (created if missing)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from jiyue.library.workflow import WORKFLOW_STEPS
    from jiyue.registry.models import StaffMembership

    user_model = get_user_model()
    reviewer = user_model.objects.filter(username="bench-reviewer").first()
    if reviewer is None:
        reviewer = user_model.objects.create_user("bench-reviewer", "", "bench")
        StaffMembership.objects.create(
            user=reviewer, organization=editor.staff_membership.organization
        )
        group = Group.objects.filter(name=WORKFLOW_STEPS[0]).first()
        if group is not None:
            reviewer.groups.add(group)
    return reviewer


def platform_admin():
    """A superuser (平台管理员): the lists of all 100,000 resources, the worst case."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    admin = user_model.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = user_model.objects.create_superuser("bench-admin", "", "bench")
    return admin


def screens(editor, supervisor, reviewer, admin):
    from django.urls import reverse

    from jiyue.library.models import PolicyResource
    from jiyue.library.scope import resources_in_scope

    policy = resources_in_scope(editor, PolicyResource.objects.all()).order_by("-pk").first()
    snippets = "wagtailsnippets_library_{}:{}"
    policy_list = reverse(snippets.format("policyresource", "list"))
    policy_chooser = PolicyResource.snippet_viewset.chooser_viewset.get_url_name("choose")
    rows = [
        ("dashboard", editor, reverse("wagtailadmin_home")),
        ("dashboard (supervisor)", supervisor, reverse("wagtailadmin_home")),
        ("policy list", editor, policy_list),
        ("news list", editor, reverse(snippets.format("newsresource", "list"))),
        ("policy add form", editor, reverse(snippets.format("policyresource", "add"))),
        (
            "interpretation add form",
            editor,
            reverse(snippets.format("interpretationresource", "add")),
        ),
        ("policy list (superuser)", admin, policy_list),
        ("policy list search (superuser)", admin, policy_list + "?q=通知"),
        ("policy list page 50 (superuser)", admin, policy_list + "?p=50"),
        ("policy add form (superuser)", admin, reverse(snippets.format("policyresource", "add"))),
        ("dashboard (reviewer)", reviewer, reverse("wagtailadmin_home")),
        ("policy list (reviewer)", reviewer, policy_list),
        ("workflow tasks (reviewer)", reviewer, reverse("wagtailadmin_reports:workflow_tasks")),
        ("pending placements (待接收)", editor, reverse("portal_admin:pending")),
        ("pending placements (supervisor)", supervisor, reverse("portal_admin:pending")),
        ("policy chooser", editor, reverse(policy_chooser)),
        ("source organization chooser", supervisor, reverse("library_source_org_chooser:choose")),
        ("owner site chooser", supervisor, reverse("library_owner_site_chooser:choose")),
    ]
    if policy is not None:
        rows += [
            (
                "policy edit form",
                editor,
                reverse(snippets.format("policyresource", "edit"), args=[policy.pk]),
            ),
            (
                "policy inspect",
                editor,
                reverse(snippets.format("policyresource", "inspect"), args=[policy.pk]),
            ),
            ("distribution (分发)", editor, reverse("portal_admin:distribution", args=[policy.pk])),
        ]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var-dir", required=True, help="the directory build_platform used")
    parser.add_argument("--database-url", help="e.g. postgres://user@127.0.0.1/db")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    # Server time of the views themselves: the supervisor's second factor (on in
    # production) would answer every admin page with a redirect to its form.
    os.environ["JIYUE_2FA_REQUIRED"] = "0"
    _servers.collectstatic(args.var_dir, args.database_url)  # production's hashed static names
    _common.setup_django(args.var_dir, args.database_url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jiyue.library.models import Resource
    from jiyue.registry.models import GovSite

    supervisor = get_user_model().objects.get(username="supervisor")
    editor = editor_of_first_site()
    reviewer = reviewer_of_first_site(editor)
    admin = platform_admin()
    clients = {}
    for user in (editor, supervisor, reviewer, admin):
        clients[user.pk] = Client(HTTP_HOST="localhost")  # one of the bench's allowed hosts
        clients[user.pk].force_login(user)
    print(
        f"workload: {GovSite.objects.count()} sites, {Resource.objects.count()} resources, "
        f"{connection.vendor}; median of {args.repeat} after one warm-up, test client; "
        f"{_common.load_average()}"
    )
    over = []
    for label, user, url in screens(editor, supervisor, reviewer, admin):
        client = clients[user.pk]
        response = client.get(url)
        times, cpu = [], []
        with CaptureQueriesContext(connection) as queries:
            for _i in range(args.repeat):
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
        ms = statistics.median(times) * 1000
        cpu_ms = statistics.median(cpu) * 1000
        flag = "" if ms <= TARGET_MS else "  OVER"
        if flag:
            over.append(label)
        size = len(response.content) / 1024
        print(
            f"{label:<40} {response.status_code} {ms:7.0f} ms {cpu_ms:5.0f} cpu {size:5.0f} KiB"
            f" {len(queries) // args.repeat:4d} queries{flag}"
        )
    print(f"over {TARGET_MS} ms: {', '.join(over) if over else 'none'}")


if __name__ == "__main__":
    main()

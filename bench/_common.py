"""Shared helpers of the benchmarks: Django set-up, a generated city, generated lines.

Benchmarks are not tests: they build their own database in a directory given by
``--var-dir`` (default: a fresh temporary directory), print their figures and the
workload, and leave the database behind so the HTTP benchmarks can reuse it.
"""

import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_SECRET_KEY = "jiyue-bench-secret-key-not-for-production-0123456789abcdef"
SETTINGS = os.environ.get("JIYUE_BENCH_SETTINGS", "jiyue.settings.production")

# Real-looking department names (委办局); beyond the list, names get a number.
DEPARTMENTS = [
    "发展和改革委员会",
    "教育委员会",
    "科学技术委员会",
    "经济和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "规划和自然资源委员会",
    "生态环境局",
    "住房和城乡建设委员会",
    "城市管理委员会",
    "交通委员会",
    "水务局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "园林绿化局",
    "体育局",
    "地方金融管理局",
    "人民防空办公室",
    "信访办公室",
]
CITY = "集约市"
# Column tree of each bench site: (slug, title, ColumnType value).
COLUMNS = [
    ("zcwj", "政策文件", "POLICY"),
    ("gzdt", "工作动态", "NEWS"),
    ("tzgg", "通知公告", "NEWS"),
    ("zcjd", "政策解读", "INTERPRETATION"),
    ("hygq", "回应关切", "RESPONSE"),
    ("sjfb", "数据发布", "DATA_RELEASE"),
    ("bszn", "办事指南", "OTHER"),
    ("sjwj", "上级文件", "POLICY"),
    ("ztzl", "专题专栏", "OTHER"),
    ("xxgk", "信息公开目录", "OGI_CATALOG"),
]
TYPES = ["news", "notice", "policy", "response", "data_release", "service_guide", "topic"]
WORDS = (
    "优化营商环境 推进 高质量发展 实施方案 若干措施 乡村振兴 数字政府 城市更新 "
    "公共服务 民生保障 生态环境保护 安全生产 科技创新 就业创业 养老服务 教育发展 "
    "医疗卫生 交通运输 住房保障 文化旅游 农业农村 市场监管 应急管理 政务公开"
).split()


IMMEDIATE_TASKS = "django_tasks.backends.immediate.ImmediateBackend"
DATABASE_TASKS = "django_tasks_db.DatabaseBackend"  # production's backend (the worker)


def setup_django(var_dir, database_url=None, settings=SETTINGS, tasks=IMMEDIATE_TASKS):
    """Point Jiyue at ``var_dir`` (and ``database_url``) and start Django.

    The environment set here is the same one the HTTP benchmarks give gunicorn, so
    host names and the database agree between building and serving.
    """
    var_dir = Path(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(bench_env(var_dir, database_url, settings, tasks))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import logging

    # Per-object INFO lines of Wagtail and the task backend would swamp the figures.
    for name in ("wagtail", "django_tasks", "django.tasks", "modelsearch"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from django.conf import settings

    # No mail server here: review notifications would try SMTP and add its timeout.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def bench_env(var_dir, database_url=None, settings=SETTINGS, tasks=IMMEDIATE_TASKS):
    """Environment variables of every process that uses the bench database."""
    env = {
        "DJANGO_SETTINGS_MODULE": settings,
        "JIYUE_VAR_DIR": str(var_dir),
        "JIYUE_SECRET_KEY": BENCH_SECRET_KEY,
        "JIYUE_HOST_MAP": "",
        "JIYUE_TASKS_BACKEND": tasks,
        "JIYUE_ALLOWED_HOSTS": ".jiyue.gov.cn,127.0.0.1,localhost",
        # The bench talks plain HTTP to nginx (deploy/nginx/jiyue.conf): production's
        # redirect to HTTPS would turn every measured page into a 301.
        "JIYUE_SSL_REDIRECT": "0",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def default_var_dir(prefix):
    return tempfile.mkdtemp(prefix=prefix)


def migrate():
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)


def database_cpu_seconds():
    """CPU seconds used so far by this connection's PostgreSQL backend process.

    Read from ``/proc`` (the server runs on this machine); 0 on SQLite, whose work
    is done in this process and so already counted in its own CPU time.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average():
    """The 1-minute load average, for the record beside every figure (shared machine)."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


def run_queued_tasks():
    """Run what the import queued (the search index) as the worker would; seconds.

    With the database task backend (production's) the task waits in the queue; this
    runs ``db_worker --batch`` in this process until the queue is empty.
    """
    from django.core.management import call_command

    started = time.monotonic()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    return time.monotonic() - started


class Timer:
    def __init__(self, label):
        self.label = label

    def __enter__(self):
        self.start = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.seconds = time.monotonic() - self.start
        print(f"  {self.label}: {self.seconds:.1f} s", flush=True)


def site_domain(i):
    return "www.jiyue.gov.cn" if i == 0 else f"s{i:03d}.jiyue.gov.cn"


def build_city(n_sites, columns_per_site=10):
    """Organizations, users, ``n_sites`` online sites with their column trees.

    Sites are registered (validated by the registry's rules), opened by application
    and put online through :mod:`jiyue.registry.lifecycle`, exactly as the demo city
    does: the supervisor applies, approves (the only review level of a department
    directly below the city) and puts the site online; approval provisions hosting.
    Returns a dict with ``supervisor``, ``orgs``, ``sites``, ``columns`` (site pk →
    list of columns).
    """
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from jiyue.demo.loader import open_site_by_application
    from jiyue.portal.models import ColumnPage, ColumnType
    from jiyue.registry.models import (
        GovSite,
        Organization,
        OrgType,
        SiteType,
        StaffMembership,
    )

    city = Organization.objects.create(
        name=f"{CITY}人民政府", org_type=OrgType.CITY_GOVERNMENT, division_code="379900"
    )
    office = Organization.objects.create(
        name=f"{CITY}人民政府办公厅",
        org_type=OrgType.GENERAL_OFFICE,
        parent=city,
        is_supervisor=True,
    )
    user_model = get_user_model()
    supervisor = user_model.objects.create_user("supervisor", "supervisor@example.org", "bench")
    StaffMembership.objects.create(user=supervisor, organization=office)
    superuser = user_model.objects.create_superuser("admin", "admin@example.org", "bench")

    orgs, sites, columns = [city], [], {}
    for i in range(1, n_sites):
        base = DEPARTMENTS[(i - 1) % len(DEPARTMENTS)]
        round_no = (i - 1) // len(DEPARTMENTS)
        name = f"{CITY}{base}" if round_no == 0 else f"{CITY}第{round_no + 1}{base}"
        orgs.append(
            Organization.objects.create(name=name, org_type=OrgType.DEPARTMENT, parent=city)
        )
    published = timezone.now()
    for i, org in enumerate(orgs):
        gov_site = GovSite(
            name=f"{org.name}{'门户网站' if i == 0 else '网站'}",
            site_type=SiteType.PORTAL if i == 0 else SiteType.DEPARTMENT,
            organization=org,
            primary_domain=site_domain(i),
            site_id_code=f"{3799000000 + i}",
            icp_no=f"鲁ICP备{10000000 + i}号",
            psb_record_code=f"{37990002000000 + i}",
            domain_registered=True,
        )
        if hasattr(gov_site, "dzjg_mark"):
            gov_site.dzjg_mark = f"BENCH{i:06d}"
        if not gov_site.psb_no:
            gov_site.psb_no = f"鲁公网安备 {37990002000000 + i}号"
        gov_site.full_clean()
        gov_site.save()
        # The same path as the demo city: apply, approve every level, go live.
        gov_site = open_site_by_application(gov_site, supervisor, supervisor, superuser)
        sites.append(gov_site)
        home = gov_site.wagtail_site.root_page
        site_columns = []
        for slug, title, column_type in COLUMNS[:columns_per_site]:
            column = ColumnPage(
                title=title,
                slug=slug,
                column_type=getattr(ColumnType, column_type, column_type),
                description=f"{gov_site.name}{title}栏目",
                keywords=title,
                show_in_menus=True,
                live=True,
                first_published_at=published,
                last_published_at=published,
            )
            home.add_child(instance=column)
            site_columns.append(column)
        columns[gov_site.pk] = site_columns
    return {
        "supervisor": supervisor,
        "superuser": superuser,
        "orgs": orgs,
        "sites": sites,
        "columns": columns,
    }


def write_lines(path, n, sites, seed=7, needs_interpretation_every=0):
    """Write ``n`` JSON lines of resources owned by ``sites`` (their own organizations).

    Types cycle through every type the importer accepts; policies carry a document
    number and writing date, service guides the GUIDE-1 elements. Publish times
    spread over the last three years, so column pages sort realistically.
    """
    rng = random.Random(seed)
    themes = ["01", "02", "03", "05", "08", "12", "15", "19"]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            site = sites[i % len(sites)]
            kind = TYPES[i % len(TYPES)]
            topic = "".join(rng.sample(WORDS, 3))
            day = 1 + (i * 7919) % 1095
            year = 2023 + day // 365
            month = 1 + (day % 365) // 31
            dom = 1 + (day % 365) % 28
            row = {
                "resource_type": kind,
                "title": f"{site.organization.name}关于{topic}的通知（{i}）",
                "summary": f"{topic}相关工作安排。",
                "body": f"<p>为{topic}，现就有关事项通知如下。</p>" * 3,
                "source_org": site.organization.name,
                "owner_site": site.primary_domain,
                "theme": themes[i % len(themes)],
                "pub_date": f"{year}-{month:02d}-{dom:02d} {9 + i % 9:02d}:{i % 60:02d}",
                "keywords": topic,
            }
            if kind == "policy":
                row["doc_no"] = f"集政发〔{year}〕{i % 1000 + 1}号"
                row["issuing_organ"] = site.organization.name
                row["written_date"] = f"{year}-{month:02d}-{dom:02d}"
            if kind == "service_guide":
                row.update(
                    guide_item_name=f"{topic}事项办理",
                    guide_legal_basis="《中华人民共和国行政许可法》",
                    guide_conditions="符合条件的申请人",
                    guide_materials="申请表、身份证明",
                    guide_location=f"{CITY}政务服务中心",
                    guide_agency=site.organization.name,
                    guide_is_free=True,
                    guide_hours="工作日 9:00-17:00",
                    guide_phone="0531-12345678",
                    guide_process="申请、受理、审查、决定",
                )
            json.dump(row, fh, ensure_ascii=False)
            fh.write("\n")

"""``manage.py import_resources FILE.jsonl`` — bulk import into the library.

One JSON object per line. Every line is validated first and errors are reported
with their line numbers; only if all lines are valid is the batch written, in one
transaction: all or nothing. Imported resources are drafts that go through review,
unless ``--publish --user <supervisor>`` is given (see docs/resource-library.md).
"""

import datetime
import json
import time

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from wagtail.log_actions import log

from jiyue.library.models import PROXY_MODELS, Resource, ResourceType, Theme
from jiyue.library.services import validation_messages
from jiyue.registry.models import GovSite, Organization

TEXT_FIELDS = [
    "title",
    "summary",
    "body",
    "author",
    "keywords",
    "doc_no",
    "issuing_organ",
    "validity",
    "share_scope",
    "resource_class",
    "interpretation_form",
    "video_url",
    *[f.name for f in Resource._meta.fields if f.name.startswith("guide_")],
]


def parse_pub_date(value):
    """Accept ISO 8601 or ``YYYY-MM-DD HH:MM`` (Beijing time, rule: META-7)."""
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        try:
            parsed = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M")
        except ValueError:
            raise ValidationError(
                {"pub_date": "META-7：发布时间格式应为 YYYY-MM-DD HH:MM。"}
            ) from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


class Lookup:
    """Caches organizations, sites and themes by name/code/id for the batch."""

    def __init__(self):
        self.orgs = {}
        for org in Organization.objects.all():
            self.orgs[org.name] = org
            self.orgs[str(org.pk)] = org
        self.sites = {}
        for site in GovSite.objects.select_related("organization"):
            self.sites[site.primary_domain] = site
            self.sites[site.name] = site
            self.sites[str(site.pk)] = site
        self.themes = {t.code: t for t in Theme.objects.all()}
        self.themes.update({t.name: t for t in Theme.objects.all()})


def build(data, lookup):
    """A validated, unsaved resource from one line's object, or ValidationError."""
    if not isinstance(data, dict):
        raise ValidationError("每行应为一个 JSON 对象。")
    errors = {}
    resource_type = data.get("resource_type") or data.get("type")
    if resource_type not in ResourceType.values:
        errors["resource_type"] = ["未知的资源类型，可选：" + "、".join(ResourceType.values)]
    org = lookup.orgs.get(str(data.get("source_org", "")))
    if org is None:
        errors["source_org"] = [f"来源机构“{data.get('source_org', '')}”不存在。"]
    site = lookup.sites.get(str(data.get("owner_site", "")))
    if site is None:
        errors["owner_site"] = [f"所属网站“{data.get('owner_site', '')}”不存在。"]
    theme = None
    if data.get("theme"):
        theme = lookup.themes.get(str(data["theme"]))
        if theme is None:
            errors["theme"] = [f"主题分类“{data['theme']}”不存在。"]
    if errors:
        raise ValidationError(errors)
    fields = {k: data[k] for k in TEXT_FIELDS if data.get(k) not in (None, "")}
    fields["pub_date"] = parse_pub_date(data.get("pub_date"))
    if data.get("written_date"):
        fields["written_date"] = parse_date(data["written_date"])
        if fields["written_date"] is None:
            raise ValidationError({"written_date": "成文日期格式应为 YYYY-MM-DD。"})
    fields["needs_interpretation"] = bool(data.get("needs_interpretation"))
    resource = PROXY_MODELS[resource_type](
        resource_type=resource_type, source_org=org, owner_site=site, theme=theme, **fields
    )
    resource.live = False
    resource.has_unpublished_changes = True
    resource.full_clean(exclude=["policy"])
    return resource


class Command(BaseCommand):
    help = "从 JSON Lines 文件批量导入信息资源：逐行校验，全部有效才导入（全有或全无）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON Lines 文件，每行一个资源")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="直接发布（不经审核流程），须以 --user 指定主管单位人员。",
        )
        parser.add_argument("--user", help="操作人用户名（记录在修订和日志中）")

    def handle(self, *args, file, publish=False, user=None, **options):
        from jiyue.registry.services import is_supervisor

        operator = None
        if user:
            operator = get_user_model().objects.filter(username=user).first()
            if operator is None:
                raise CommandError(f"用户“{user}”不存在。")
        if publish and not (operator and is_supervisor(operator)):
            raise CommandError("--publish 跳过审核流程，只能由主管单位人员（--user）执行。")

        started = time.monotonic()
        lookup = Lookup()
        resources, errors = [], []
        with open(file, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    resources.append(build(json.loads(line), lookup))
                except json.JSONDecodeError as exc:
                    errors.append(f"第{lineno}行：JSON 格式错误（{exc.msg}）。")
                except ValidationError as exc:
                    for message in validation_messages(exc):
                        errors.append(f"第{lineno}行：{message}")
        if errors:
            for message in errors:
                self.stderr.write(message)
            raise CommandError(f"共 {len(errors)} 处错误，未导入任何资源。")

        with transaction.atomic():
            for resource in resources:
                resource.save()
                revision = resource.save_revision(user=operator, clean=False)
                if publish:
                    revision.publish(user=operator, skip_permission_checks=True)
            if operator is not None:
                log(
                    instance=operator,
                    action="library.import",
                    user=operator,
                    data={"file": str(file), "count": len(resources), "published": publish},
                )
        elapsed = time.monotonic() - started
        rate = len(resources) / elapsed if elapsed else 0
        self.stdout.write(
            f"已导入 {len(resources)} 条资源（{'已发布' if publish else '草稿'}），"
            f"用时 {elapsed:.1f} 秒，{rate:.0f} 条/秒。"
        )

"""Delete audit log entries older than the retention period (审计记录保存期限).

``manage.py prune_audit_log`` keeps ``JIYUE_AUDIT_RETENTION_DAYS`` days (365 by default);
``--days N`` overrides it, ``--dry-run`` only counts. The Cybersecurity Law (网络安全法
第二十一条) asks for at least six months, so fewer than 180 days is refused. Run it daily
from cron or a systemd timer (docs/security.md). rule: PLATFORM-7
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import registry as log_action_registry

MINIMUM_DAYS = 180


class Command(BaseCommand):
    help = "删除超过保存期限的审计记录（Wagtail 日志）。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="保存天数（至少 180）")
        parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def handle(self, *args, days=None, dry_run=False, **options):
        days = settings.JIYUE_AUDIT_RETENTION_DAYS if days is None else days
        if days < MINIMUM_DAYS:
            raise CommandError(
                f"保存期限 {days} 天过短：网络日志须至少保存六个月（{MINIMUM_DAYS} 天）。"
            )
        cutoff = timezone.now() - timedelta(days=days)
        total = 0
        with transaction.atomic():
            for model in sorted(
                log_action_registry.get_log_entry_models(), key=lambda m: m._meta.label
            ):
                old = model.objects.filter(timestamp__lt=cutoff)
                count = old.count()
                if count and not dry_run:
                    old.delete()
                total += count
                self.stdout.write(f"{model._meta.label}: {count}")
        verb = "将删除" if dry_run else "已删除"
        self.stdout.write(
            f"{verb} {total} 条早于 {timezone.localtime(cutoff):%Y-%m-%d %H:%M}（北京时间）"
            f"的审计记录（保存 {days} 天）。"
        )

"""``manage.py import_sites FILE.csv``: load an existing site inventory (网站清单).

A thin wrapper around :mod:`jiyue.registry.inventory`, which the admin's upload
form uses too. See docs/inventory-and-merge-plan.md.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jiyue.registry import inventory


class Command(BaseCommand):
    help = _(
        "导入现有网站清单（CSV）：列为网站名称、域名、主办单位、行政区划代码、网站类型，"
        "多余的列忽略。有不合格行时不导入任何数据（除非使用 --skip-invalid）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("CSV 文件路径"))
        parser.add_argument("--dry-run", action="store_true", help=_("只检查并报告，不写入数据库"))
        parser.add_argument(
            "--skip-invalid", action="store_true", help=_("导入合格的行，报告并跳过不合格的行")
        )
        parser.add_argument(
            "--encoding", help=_("文件编码，如 utf-8、gbk、gb18030（默认自动识别）")
        )

    def handle(self, *args, file, dry_run, skip_invalid, encoding, **options):
        self.verbosity = options.get("verbosity", 1)
        try:
            rows = inventory.read_inventory(file, encoding=encoding)
        except OSError as exc:
            raise CommandError(_("无法打开文件“%(f)s”：%(e)s") % {"f": file, "e": exc}) from exc
        except inventory.InventoryFormatError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("读取 %(f)s：%(fmt)s，编码 %(enc)s，数据 %(n)s 行。")
            % {"f": file, "fmt": rows.format_label, "enc": rows.encoding, "n": len(rows)}
        )
        result = inventory.import_inventory(rows, dry_run=dry_run, skip_invalid=skip_invalid)
        self.report(result)
        if result.rejected and not skip_invalid:
            raise CommandError(
                _(
                    "有 %(n)s 行不合格，未导入任何数据。请修正后重新导入，"
                    "或使用 --skip-invalid 只导入合格的行。"
                )
                % {"n": len(result.rejected)}
            )

    def report(self, result):
        """Per row what was (or, in a dry run, would be) done; then the totals.

        Changed rows and rows with a remark are always listed, every row with ``-v 2``.
        """
        every_row = self.verbosity >= 2
        for row in result.rows:
            if row.outcome == inventory.SKIPPED and not row.site:
                continue  # a refused row: on stderr below, with its rule
            if not (every_row or row.details or row.outcome == inventory.CHANGED):
                continue
            self.stdout.write(
                _("第 %(line)s 行 [%(outcome)s] %(site)s（%(domain)s）%(details)s")
                % {
                    "line": row.line,
                    "outcome": row.outcome_label,
                    "site": row.site or "—",
                    "domain": row.domain or "—",
                    "details": "：" + "；".join(str(d) for d in row.details) if row.details else "",
                }
            )
        for row in result.rejected:
            for _rule_id, message in row.problems:
                self.stderr.write(_("第 %(line)s 行：%(msg)s") % {"line": row.line, "msg": message})
        self.stdout.write(
            _(
                "新建 %(created)s 条，更新 %(updated)s 条，未变化 %(unchanged)s 条，"
                "已在平台上未改动 %(platform)s 条，拒绝 %(rejected)s 行；新建机构 %(orgs)s 个。"
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "platform": result.on_platform,
                "rejected": len(result.rejected),
                "orgs": result.organizations_created,
            }
        )
        if result.findings:
            by_rule = "，".join(f"{rule or '—'} {n} 项" for rule, n in result.findings_by_rule)
            self.stdout.write(
                _("不合规问题 %(n)s 项（列入整合计划，不阻止登记）：%(rules)s。")
                % {"n": len(result.findings), "rules": by_rule}
            )
        else:
            self.stdout.write(_("未发现不合规问题。"))
        if result.dry_run:
            self.stdout.write(_("试运行：未写入数据库。"))
        elif result.committed:
            self.stdout.write(
                self.style.SUCCESS(_("导入完成，用时 %(s).1f 秒。") % {"s": result.seconds})
            )

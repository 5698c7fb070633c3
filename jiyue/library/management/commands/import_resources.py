"""``manage.py import_resources FILE.jsonl`` — bulk import into the library.

One JSON object per line, in UTF-8 (with or without BOM) or GBK/GB18030, or the
codec named by ``--encoding``. Every line is validated first and errors are reported
with their line numbers; only if all lines are valid is the batch written, in one
transaction: all or nothing. Imported resources are drafts that go through review,
unless ``--publish --user <supervisor>`` is given (see docs/resource-library.md).
The work is done by :mod:`jiyue.library.importing`, which writes in bulk.
"""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

# Kept importable from here for code that used the command module's helpers.
from jiyue.library.importing import (  # noqa: F401
    TEXT_FIELDS,
    ImportFailed,
    UnreadableFile,
    decode_file,
    import_lines,
    parse_pub_date,
)
from jiyue.registry.services import is_supervisor


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
        parser.add_argument(
            "--encoding", help="文件编码，如 utf-8、gbk、gb18030（默认自动识别 UTF-8 与 GBK）"
        )

    def handle(self, *args, file, publish=False, user=None, encoding=None, **options):
        operator = None
        if user:
            operator = get_user_model().objects.filter(username=user).first()
            if operator is None:
                raise CommandError(f"用户“{user}”不存在。")
        if publish and not (operator and is_supervisor(operator)):
            raise CommandError("--publish 跳过审核流程，只能由主管单位人员（--user）执行。")

        started = time.monotonic()
        try:
            with open(file, "rb") as fh:
                text = decode_file(fh.read(), encoding)
        except OSError as exc:
            raise CommandError(f"无法打开文件“{file}”：{exc.strerror}") from None
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from None
        # Split on newlines only: JSON strings may hold U+2028 and other characters
        # that str.splitlines() would also break a line at.
        try:
            result = import_lines(text.split("\n"), publish=publish, user=operator, source=file)
        except ImportFailed as exc:
            for message in exc.errors:
                self.stderr.write(message)
            raise CommandError(str(exc)) from None
        count = len(result.resources)
        elapsed = time.monotonic() - started
        rate = count / elapsed if elapsed else 0
        self.stdout.write(
            f"已导入 {count} 条资源（{'已发布' if publish else '草稿'}），"
            f"用时 {elapsed:.1f} 秒，{rate:.0f} 条/秒。"
        )

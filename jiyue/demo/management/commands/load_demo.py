"""``manage.py load_demo``: load the demo city once; always print its URLs and logins.

The output stays short (issue 8 item 12): a progress bar on the terminal while the
city loads, instead of Wagtail's INFO line for every page and revision it creates
("Page created:", "Page edited:", "Published:"), then the URLs and logins.
"""

import logging
import sys
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiyue.demo import loader
from jiyue.portal import services as portal


@contextmanager
def quiet_logger(name, level=logging.WARNING):
    """Drop the ``name`` logger's records below ``level`` for the ``with`` block."""
    logger = logging.getLogger(name)
    previous = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(previous)


class ProgressLine:
    """A progress bar on one terminal line, redrawn in place; silent when not a terminal.

    ``载入演示城市 [########              ] 5/13 北京市教育委员会网站``; cleared when done.
    """

    width = 30

    def __init__(self, stream, total, label):
        self.stream, self.total, self.label = stream, total, label
        self.done = 0
        self.enabled = hasattr(stream, "isatty") and stream.isatty()

    def step(self, name):
        self.done += 1
        if self.enabled:
            filled = self.width * self.done // self.total
            bar = "#" * filled + " " * (self.width - filled)
            # \r: back to the line's start; ESC[K: erase what a longer name left.
            self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total} {name}\x1b[K")
            self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.enabled and self.done:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


class Command(BaseCommand):
    help = gettext_lazy(
        "载入演示城市（北京市）：机构、网站、栏目、内容和演示账号。重复运行不会重复载入。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            default=None,
            help=gettext_lazy(
                "共享数据目录（默认为项目上级目录的 shared/data；不存在时使用内置示例内容）。"
            ),
        )
        parser.add_argument(
            "--history-scale",
            type=float,
            default=1.0,
            help=gettext_lazy(
                "载入的往年信息的比例（默认 1，即数年、每个网站数百条；测试用较小的值）。"
            ),
        )
        parser.add_argument(
            "--port",
            type=int,
            default=None,
            help=gettext_lazy(
                "网站的服务端口：各网站的“查看实时”等绝对网址使用该端口，打印网址时也使用"
                "（不指定时打印 8000，不修改网站）。"
            ),
        )

    def handle(self, *args, data_dir=None, port=None, history_scale=1.0, **options):
        if not 0 <= history_scale <= 1:
            raise CommandError(_("--history-scale 应在 0 到 1 之间。"))
        bar = ProgressLine(sys.stderr, loader.load_steps(), _("载入演示城市"))
        if options.get("verbosity", 1) == 0:
            bar.enabled = False

        # Wagtail logs every page and revision it creates, the page cache every purge,
        # django_tasks every task it runs in-process: none of that reaches the terminal.
        try:
            with (
                bar,
                quiet_logger("wagtail"),
                quiet_logger("jiyue.frontcache"),
                quiet_logger("django_tasks"),
            ):
                result = self.result = loader.load_demo(
                    data_dir=data_dir, progress=bar.step, history_scale=history_scale
                )
                # Wagtail's sites carry the port the server listens on, so absolute URLs
                # ("View live" in the admin) name it (issue 8 item 9).
                if port is not None:
                    port = int(port)
                    portal.set_site_port(port)
        except loader.DemoConflict as exc:
            raise CommandError(str(exc)) from exc
        if port is None:
            port = 8000
        if result.created:
            if result.shared_data:
                source = _("共享数据 %(path)s") % {"path": result.shared_data_dir}
            else:
                source = _("内置示例内容（未找到共享数据目录）")
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "已载入演示城市：%(pages)d 个栏目页面，%(resources)d 条信息资源，"
                        "内容来自%(source)s，用时 %(seconds).1f 秒。"
                    )
                    % {
                        "pages": result.pages,
                        "resources": result.resources,
                        "source": source,
                        "seconds": result.seconds,
                    }
                )
            )
        else:
            self.stdout.write(_("演示城市已存在，未重复载入。"))
        self.stdout.write("")
        for name, url in loader.site_urls(port):
            self.stdout.write(f"{name}  {url}")
        suffix = "" if str(port) == "80" else f":{port}"
        self.stdout.write("")
        self.stdout.write(_("管理后台  %(url)s") % {"url": f"http://localhost{suffix}/admin/"})
        for role, username, password, what in loader.logins():
            self.stdout.write(f"  {role}  {username} / {password}  （{what}）")

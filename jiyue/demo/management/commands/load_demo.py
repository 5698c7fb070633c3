"""``manage.py load_demo``: load the demo city once; always print its URLs and logins."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiyue.demo import loader


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
            "--port", default="8000", help=gettext_lazy("打印网址时使用的端口（默认 8000）。")
        )

    def handle(self, *args, data_dir=None, port="8000", history_scale=1.0, **options):
        if not 0 <= history_scale <= 1:
            raise CommandError(_("--history-scale 应在 0 到 1 之间。"))
        try:
            result = self.result = loader.load_demo(data_dir=data_dir, history_scale=history_scale)
        except loader.DemoConflict as exc:
            raise CommandError(str(exc)) from exc
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

"""``manage.py frontcache_purge --host H [--host H2 …] | --all``: empty the page cache.

For operators: after a deploy that changes templates or static file names, purge
everything; after fixing one site by hand, purge its host.
"""

from django.core.management.base import BaseCommand, CommandError

from jiyue.frontcache import services


class Command(BaseCommand):
    help = "清除页面缓存：--host 指定网站主机名（可重复），--all 清除全部。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            action="append",
            default=[],
            help="要清除缓存的主机名，例如 www.beijing.gov.cn（可重复）。",
        )
        parser.add_argument("--all", action="store_true", help="清除所有网站的页面缓存。")

    def handle(self, *args, **options):
        hosts, purge_all = options["host"], options["all"]
        if not hosts and not purge_all:
            raise CommandError("请指定 --host 主机名 或 --all。")
        if hosts and purge_all:
            raise CommandError("--host 与 --all 不能同时使用。")
        if purge_all:
            purged = services.purge_all()
            self.stdout.write(f"已清除 {len(purged)} 个主机的页面缓存。")
            return
        for host in hosts:
            if services.normalize_host(host) is None:
                raise CommandError(f"无效的主机名：{host}")
        for host in hosts:
            found = services.purge_host(host)
            state = "已清除" if found else "无缓存"
            self.stdout.write(f"{host}: {state}")

"""Create the default review workflow, its groups and start the scheduling sweep."""

from django.core.management.base import BaseCommand

from jiyue.library.scheduling import ensure_sweep
from jiyue.library.workflow import setup_library_workflow


class Command(BaseCommand):
    help = "创建默认信息发布审核流程（初审→复审→保密审查→签发）及用户组；可重复执行。"

    def handle(self, *args, **options):
        workflow = setup_library_workflow()
        ensure_sweep()
        self.stdout.write(
            f"审核流程：{workflow.name}（{'、'.join(t.name for t in workflow.tasks)}）"
        )

"""Jiyue's user guide (使用指南) inside the admin, rendered from ``docs/user-guide.md``.

The guide is part of the repository, so the admin can show it without internet.
"""

from functools import cache

from django.conf import settings
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView
from markdown_it import MarkdownIt

GUIDE_PATH = settings.BASE_DIR / "docs" / "user-guide.md"


@cache
def guide_html():
    # html=False: raw HTML in the Markdown is shown as text, never passed through.
    renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    return mark_safe(renderer.render(GUIDE_PATH.read_text(encoding="utf-8")))


class GuideView(TemplateView):
    template_name = "adminui/guide.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(guide=guide_html(), **kwargs)

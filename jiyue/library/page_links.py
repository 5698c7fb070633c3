"""Internal page links (``<a linktype="page" id="…">``) in rich text point only to live pages.

Rich text stores a link to a page by id and resolves it to the page's URL when it
is rendered. Stock Wagtail resolves any id, so a body forged to hold another
site's unpublished page id (the admin editor's contentstate, the API and the
importer all accept the id) revealed that page's URL, i.e. its slug path, in the
revision view and the preview (rule: PLATFORM-F4 权限管理, PLATFORM-7). A draft page is
not public, so a link to it would only lead a citizen to a 404 anyway: it renders
as a link without a target until the page is published.
"""

from django.utils.html import escape
from wagtail.rich_text.pages import PageLinkHandler


class LivePageLinkHandler(PageLinkHandler):
    """Wagtail's page link handler, resolving only live pages."""

    @classmethod
    def expand_db_attributes_many(cls, attrs_list):
        links = []
        for page in cls.get_many(attrs_list):
            if page is not None and page.live:
                links.append(f'<a href="{escape(page.localized.url)}">')
            else:
                links.append("<a>")
        return links

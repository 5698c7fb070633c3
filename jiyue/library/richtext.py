"""Rich text (富文本) that enters the library from outside the admin editor.

The admin's Draftail editor can only produce what the body field's features allow
(paragraphs, headings, lists, bold/italic, links to pages, documents and http(s)
addresses, library images, embeds). Text from the API and the importer arrives as
HTML that anyone wrote, so every such way in calls :func:`clean_body` and stores the
result (rule: PLATFORM-7; issue 6 item 5): ``<script>``, event attributes such as
``onerror=``, ``javascript:`` links, ``<svg>``, ``<iframe>``, ``<style>``, forms and
anything else the editor could not have produced never reach the public page, its
cached copy or the admin's revision view.

The cleaning is Wagtail's own: :class:`~wagtail.admin.rich_text.converters.db_html.
DbHTMLConverter` (what ``APIRichText.sanitize_db_html`` uses for Wagtail's write API)
applies the same feature rules as the editor to database-format HTML. One gap is
closed here: Wagtail's whitelister keeps "preformatted" strings such as CDATA
sections, doctypes and processing instructions verbatim, and a browser reads
``<![CDATA[ a > <img src=x onerror=…> ]]>`` in an HTML page as a bogus comment that
ends at the first ``>`` followed by a live ``<img>``. The editor never produces them,
so they are dropped like comments.

The admin editor's own widget has one hole too: Draftail's ``value_from_datadict``
reads the posted value as JSON, so a form posted with an empty or non-JSON rich text
value (a script, a browser without JavaScript) ends in a 500. :class:`DraftailRichTextArea`
reads such a value as HTML and cleans it like any other outside HTML; it is made the
default rich text editor in the settings (``WAGTAILADMIN_RICH_TEXT_EDITORS``).
"""

from functools import lru_cache

from .models import Resource

__all__ = ["clean_body", "clean_rich_text"]


@lru_cache(maxsize=16)
def _converter(features):
    """Wagtail's database-HTML converter for ``features``, with the CDATA hole closed.

    Building the rules walks the feature registry: once per feature list, not per
    body (a bulk import cleans thousands). The whitelister's only per-call state is
    its list of removals, which is not used here.
    """
    # Imported here, not at the top: importing ``wagtail.admin.rich_text`` loads models
    # (swapper), and this module is imported through ``library.services`` while other
    # apps' models are still loading (portal.models imports library.services).
    from bs4.element import PreformattedString
    from django.utils.functional import cached_property
    from wagtail.admin.rich_text.converters.db_html import (
        DbHTMLConverter,
        DbHtmlInputWhitelister,
    )

    class LibraryWhitelister(DbHtmlInputWhitelister):
        """Wagtail's database-HTML whitelister, also dropping CDATA, doctypes and PIs."""

        def clean_string_node(self, doc, node):
            # Comment, CData, Declaration, Doctype and ProcessingInstruction are all
            # PreformattedString: bs4 writes them out unescaped.
            if isinstance(node, PreformattedString):
                node.extract()
                return
            super().clean_string_node(doc, node)

    class LibraryConverter(DbHTMLConverter):
        @cached_property
        def whitelister(self):
            return LibraryWhitelister(self.converter_rules)

    return LibraryConverter(list(features) if features is not None else None)


def clean_rich_text(html, features=None):
    """``html`` reduced to what a rich text editor with ``features`` can produce.

    ``features`` is a field's feature list; ``None`` means Wagtail's default
    features, as for a ``RichTextField`` without ``features=``.
    """
    if not html:
        return ""
    key = tuple(features) if features is not None else None
    cleaned, _removals = _converter(key).clean(html)
    return cleaned


def clean_body(html):
    """Clean a resource's ``body`` to the allow-list of its admin editor."""
    return clean_rich_text(html, Resource._meta.get_field("body").features)

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

import json
from functools import lru_cache

from bs4.element import PreformattedString
from django.utils.functional import cached_property
from draftjs_exporter.error import ExporterException
from wagtail.admin.rich_text import DraftailRichTextArea as WagtailDraftailRichTextArea
from wagtail.admin.rich_text.converters.db_html import DbHTMLConverter, DbHtmlInputWhitelister

from .models import Resource

__all__ = ["DraftailRichTextArea", "clean_body", "clean_rich_text"]


class _LibraryWhitelister(DbHtmlInputWhitelister):
    """Wagtail's database-HTML whitelister, also dropping CDATA, doctypes and PIs."""

    def clean_string_node(self, doc, node):
        # Comment, CData, Declaration, Doctype and ProcessingInstruction are all
        # PreformattedString: bs4 writes them out unescaped.
        if isinstance(node, PreformattedString):
            node.extract()
            return
        super().clean_string_node(doc, node)


class _LibraryConverter(DbHTMLConverter):
    @cached_property
    def whitelister(self):
        return _LibraryWhitelister(self.converter_rules)


@lru_cache(maxsize=16)
def _converter(features):
    # Building the rules walks the feature registry: once per feature list, not per
    # body (a bulk import cleans thousands). The whitelister's only per-call state is
    # its list of removals, which is not used here.
    return _LibraryConverter(list(features) if features is not None else None)


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


class DraftailRichTextArea(WagtailDraftailRichTextArea):
    """Wagtail's Draftail widget that reads a value that is not Draftail JSON as HTML.

    Malformed Draftail JSON (which the exporter meets with assorted exceptions) is
    kept as text, cleaned, rather than lost: the editor sees it and can fix it.
    """

    def value_from_datadict(self, data, files, name):
        raw = data.get(name)
        if raw is None:
            return None
        if not raw.strip():
            return ""
        try:
            contentstate = json.loads(raw)
        except ValueError:
            contentstate = None
        if isinstance(contentstate, dict):
            try:
                return super().value_from_datadict(data, files, name)
            except (ExporterException, ValueError, TypeError, KeyError, AttributeError, IndexError):
                pass
        return clean_rich_text(raw, self.features)

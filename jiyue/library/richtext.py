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

import re
from functools import lru_cache

from wagtail.whitelist import allow_without_attributes

from .models import Resource

__all__ = ["clean_body", "clean_rich_text", "is_already_clean"]


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


# Markup that Wagtail's cleaning returns unchanged when its tags are allowed without
# attributes and balanced: text without markup characters (``"`` and ``'`` too, which
# the cleaning escapes) and without control characters other than newline (tabs
# become spaces, ``\r\n`` becomes ``\n``), the five escapes the cleaning writes
# itself, and bare tags.
# Possessive quantifiers: a failed match fails in linear time.
_PLAIN_MARKUP = re.compile(
    r"""(?:[^<>&"'\x00-\x09\x0b-\x1f\x7f]++"""
    r"""|&(?:amp|lt|gt|quot|#x27);|</?[a-z][a-z0-9]*+/?>)*+"""
)
_BARE_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)(/?)>")
_VOID = {"br", "hr"}
_RENAMED = {"div"}  # the database whitelister writes <div> as <p>


@lru_cache(maxsize=16)
def _bare_tags(features):
    """Tags the cleaning for ``features`` keeps as they are when they have no attributes."""
    rules = _converter(features).whitelister.element_rules
    return frozenset(
        name
        for name, rule in rules.items()
        if rule is allow_without_attributes and not name.startswith("[") and name not in _RENAMED
    )


def is_already_clean(html, features=None):
    """Whether cleaning ``html`` would return it unchanged, proven without parsing it.

    True only for text plus balanced bare tags (no attribute at all) that the feature
    list allows and keeps (``<div>`` becomes ``<p>``), void tags written ``<br/>`` as
    the cleaning writes them, no run of several spaces or newlines alone between
    two tags (the parser shortens it). Anything
    else (an attribute, an entity such as ``&nbsp;``, a comment, unbalanced or
    upper-case tags) answers False and goes through Wagtail's cleaning. It saves the
    parse for the plain bodies that make up most of a bulk import; the result is
    pinned against the full cleaning by ``tests/library/test_richtext_fast_path.py``.
    """
    if _PLAIN_MARKUP.fullmatch(html) is None:
        return False
    allowed = _bare_tags(tuple(features) if features is not None else None)
    open_tags = []
    text_start = 0
    for tag in _BARE_TAG.finditer(html):
        if _collapsible(html[text_start : tag.start()]):
            return False
        text_start = tag.end()
        closing, name, self_closing = tag.groups()
        if name not in allowed:
            return False
        if name in _VOID:
            if closing or not self_closing:
                return False
        elif self_closing:
            return False
        elif closing:
            if not open_tags or open_tags.pop() != name:
                return False
        else:
            open_tags.append(name)
    return not open_tags and not _collapsible(html[text_start:])


def _collapsible(text):
    """Text the parser shortens: only spaces and newlines, more than one character
    (BeautifulSoup keeps such a string as one space or one newline)."""
    return len(text) > 1 and not text.strip(" \n")


def clean_rich_text(html, features=None):
    """``html`` reduced to what a rich text editor with ``features`` can produce.

    ``features`` is a field's feature list; ``None`` means Wagtail's default
    features, as for a ``RichTextField`` without ``features=``.
    """
    if not html:
        return ""
    if is_already_clean(html, features):
        return html
    key = tuple(features) if features is not None else None
    cleaned, _removals = _converter(key).clean(html)
    return cleaned


def clean_body(html):
    """Clean a resource's ``body`` to the allow-list of its admin editor."""
    return clean_rich_text(html, Resource._meta.get_field("body").features)

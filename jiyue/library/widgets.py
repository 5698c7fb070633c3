"""The library's admin widgets.

:class:`DraftailRichTextArea` is Wagtail's Draftail editor that reads a posted value
that is not Draftail JSON as HTML (an empty value, a script, a browser without
JavaScript) and cleans it like any other outside HTML (:mod:`.richtext`), instead of
ending in a 500 (issue 6 item 9). It is made the default rich text editor in the
settings (``WAGTAILADMIN_RICH_TEXT_EDITORS``), which Wagtail loads once the apps are
ready.
"""

import json

from draftjs_exporter.error import ExporterException
from wagtail.admin.rich_text import DraftailRichTextArea as WagtailDraftailRichTextArea

from .richtext import clean_rich_text

__all__ = ["DraftailRichTextArea"]


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
            return clean_rich_text(raw, self.features)
        if contentstate is None:
            # Draftail posts JSON ``null`` for an editor left empty: an empty body,
            # as stock Wagtail reads it (never the text "null").
            return ""
        if isinstance(contentstate, dict):
            try:
                return super().value_from_datadict(data, files, name)
            except (ExporterException, ValueError, TypeError, KeyError, AttributeError, IndexError):
                pass
        return clean_rich_text(raw, self.features)

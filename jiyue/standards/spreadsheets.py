"""Spreadsheet exports that cannot run formulas (CSV/formula injection, rule: PLATFORM-7).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a line break is read by
Excel, WPS and LibreOffice as a formula; ``=cmd|' /C calc'!A0`` in a site's field
would run a program on the supervisor's computer when the export is opened. Every
CSV export prefixes such values with an apostrophe (OWASP's advice), which the
spreadsheet shows as text. XLSX cells are written with the string type, which is
never evaluated. The full-width forms (＝ ＋ － ＠), which Chinese input methods
produce and some spreadsheets also accept, are treated the same way.

Use :func:`neutralize_formula` (or :func:`neutralize_row`) for every value written to a
CSV file; the admin's exports (Wagtail's ``SpreadsheetExportMixin``) are covered once
by :func:`guard_spreadsheet_exports`.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralize_formula(value):
    """``value`` made safe for a spreadsheet cell: text that could start a formula
    gets a leading apostrophe; anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralize_row(values):
    """A CSV row (list or dict) with every value passed through :func:`neutralize_formula`."""
    if isinstance(values, dict):
        return {key: neutralize_formula(value) for key, value in values.items()}
    return [neutralize_formula(value) for value in values]


def guard_spreadsheet_exports(mixin):
    """Neutralize every CSV value of Wagtail's ``SpreadsheetExportMixin`` (``mixin``).

    Every CSV/XLSX export of the admin goes through that class: the ``list_export``
    of Jiyue's viewsets (the site list) and Wagtail's own reports (locked pages, aging
    pages, workflows, site history, redirects), whose page titles and names editors
    write. Wagtail leaves formula escaping to the application (its security docs), so
    the one method every export value passes, ``preprocess_field_value``, is wrapped
    once at start-up (``StandardsConfig.ready``); views that customize it still call it
    through ``super()``. XLSX cells are already typed as strings by Wagtail.
    """
    original = mixin.preprocess_field_value
    if getattr(original, "neutralizes_formulas", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        value = original(self, field, value, export_format)
        return neutralize_formula(value) if export_format == mixin.FORMAT_CSV else value

    preprocess_field_value.neutralizes_formulas = True
    mixin.preprocess_field_value = preprocess_field_value

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
by ``jiyue.security.compat.guard_spreadsheet_exports``.
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

"""Every Wagtail internal the security app (安全防护) relies on, in one place (issue 7).

Imported from this module only and pinned by ``tests/test_upgrade_contracts.py``:
the site-history report's view and filter set (``LogEntriesView``,
``SiteHistoryReportFilterSet``), subclassed by the audit trail, the URL names of
Wagtail's admin views the second-factor middleware lets through, and the spreadsheet
export guard below.

Wagtail leaves CSV formula escaping to the application (its security docs) and has
no hook for it, so :func:`guard_spreadsheet_exports` wraps the one method every
admin export value passes, ``SpreadsheetExportMixin.preprocess_field_value``. It is
installed once in ``SecurityConfig.ready``; the contract test pins
the method's name and signature, so a Wagtail upgrade that renames it fails there
first instead of exports silently carrying formulas again (rule: PLATFORM-7).
"""

from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet

from jiyue.standards.spreadsheets import neutralize_formula

__all__ = [
    "ADMIN_HOME_VIEW",
    "SECOND_FACTOR_EXEMPT_VIEWS",
    "LogEntriesView",
    "SiteHistoryReportFilterSet",
    "guard_spreadsheet_exports",
]

# URL names of Wagtail's admin views: the home page (where a login lands) and the
# views a user reaches before the second factor (sign in and out, the JS catalog, and
# the icon sprite: the admin's script fetches it on every page and inserts it, so a
# redirect inserted the enrol page into itself, found in Chromium).
ADMIN_HOME_VIEW = "wagtailadmin_home"
SECOND_FACTOR_EXEMPT_VIEWS = (
    "wagtailadmin_logout",
    "wagtailadmin_login",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
)


def guard_spreadsheet_exports(mixin):
    """Neutralize every CSV value of Wagtail's ``SpreadsheetExportMixin`` (``mixin``).

    Every CSV/XLSX export of the admin goes through that class: the ``list_export``
    of Jiyue's viewsets (the site list) and Wagtail's own reports (locked pages, aging
    pages, workflows, site history, redirects), whose page titles and names editors
    write. Views that customize ``preprocess_field_value`` still call it through
    ``super()``. XLSX cells are already typed as strings by Wagtail. Idempotent.
    """
    original = mixin.preprocess_field_value
    if getattr(original, "neutralizes_formulas", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        value = original(self, field, value, export_format)
        return neutralize_formula(value) if export_format == mixin.FORMAT_CSV else value

    preprocess_field_value.neutralizes_formulas = True
    mixin.preprocess_field_value = preprocess_field_value

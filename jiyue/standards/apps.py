from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "jiyue.standards"
    label = "standards"
    verbose_name = "国家标准规则"

    def ready(self):
        """Every admin spreadsheet export neutralizes formulas (rule: PLATFORM-7)."""
        # Imported here: Wagtail's admin views need the app registry to be ready.
        from wagtail.admin.views.mixins import SpreadsheetExportMixin

        from .spreadsheets import guard_spreadsheet_exports

        guard_spreadsheet_exports(SpreadsheetExportMixin)

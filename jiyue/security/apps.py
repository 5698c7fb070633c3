from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "jiyue.security"
    label = "jiyue_security"
    verbose_name = "安全防护"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here (app-loading reason): signal receivers connect on import, and
        # Wagtail's admin views need the app registry to be ready.
        from wagtail.admin.views.mixins import SpreadsheetExportMixin

        from . import audit  # noqa: F401
        from .compat import guard_spreadsheet_exports

        # Every admin spreadsheet export neutralizes formulas (rule: PLATFORM-7).
        guard_spreadsheet_exports(SpreadsheetExportMixin)

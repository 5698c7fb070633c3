from django.apps import AppConfig


class AdminUiConfig(AppConfig):
    """The admin's face (管理后台界面): Jiyue's name and mark, its user guide, and values
    shown the way a Chinese reader expects (是/否, Beijing time, "—" for nothing)."""

    name = "jiyue.adminui"
    label = "jiyue_adminui"
    verbose_name = "管理后台界面"

    def ready(self):
        # Imported here (app-loading reason): the display classes name Wagtail's
        # Revision model and the export mixin imports admin views, which need the
        # app registry.
        from .compat import export_times_in_local_time
        from .display import register_display_classes

        register_display_classes()
        # Spreadsheet exports in Beijing time, not UTC.
        export_times_in_local_time()

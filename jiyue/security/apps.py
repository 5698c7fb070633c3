from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "jiyue.security"
    label = "jiyue_security"
    verbose_name = "安全防护"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Signal receivers connect on import (app-loading reason for the late import).
        from . import audit  # noqa: F401

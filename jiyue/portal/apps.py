from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "jiyue.portal"
    label = "portal"
    verbose_name = "网站页面"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Connect the receivers that keep the cached site chrome fresh."""
        # Imported here: the receivers import models, which are loaded only now.
        from . import signals

        signals.connect()

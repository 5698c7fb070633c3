from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "jiyue.portal"
    label = "portal"
    verbose_name = "网站页面"
    default_auto_field = "django.db.models.BigAutoField"

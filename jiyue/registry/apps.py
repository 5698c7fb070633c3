from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "jiyue.registry"
    label = "registry"
    verbose_name = "网站注册与开设整合"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "jiyue.registry"
    label = "registry"
    verbose_name = "网站注册与开设整合"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Permission policies and receivers, registered here, not on import."""
        from . import permissions, receivers

        permissions.register_policies()
        receivers.connect()

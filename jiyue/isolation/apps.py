from django.apps import AppConfig


class IsolationConfig(AppConfig):
    """Admin isolation spans registry, library and portal, so it sits above them all."""

    name = "jiyue.isolation"
    label = "isolation"
    verbose_name = "网站间隔离"

    def ready(self):
        # Permission policies and receivers must be in place before the first request,
        # not only once Wagtail discovers the admin hooks.
        from . import wagtail_hooks  # noqa: F401

"""The unified information resource library (统一信息资源库, requirement R2–R5).

Every piece of content enters the library once, goes through review, and is shown by
reference in columns of one or more sites (rule: LIB-1, LIB-3). Public functions live
in :mod:`jiyue.library.services`.
"""

from django.apps import AppConfig
from django.apps import apps as django_apps
from django.db.models.signals import post_migrate, post_save


def _setup_after_migrate(sender, app_config=None, **kwargs):
    """Create the default review workflow and its groups once the tables exist.

    Runs after the last app's ``post_migrate``: the groups need other apps'
    permissions (``wagtailadmin.access_admin``), which a ``flush`` (transactional
    tests) deletes and only their own ``post_migrate`` creates again.
    """
    # post_migrate is sent only for apps with a models module, in INSTALLED_APPS order.
    last = [c for c in django_apps.get_app_configs() if c.models_module is not None][-1]
    if getattr(app_config, "label", None) != last.label:
        return
    from .scheduling import ensure_sweep
    from .workflow import setup_library_workflow

    setup_library_workflow()
    ensure_sweep()


def _on_resource_saved(sender, instance, **kwargs):
    from wagtail.models import Page

    from .models import Resource
    from .scheduling import on_resource_saved

    if isinstance(instance, Resource | Page):
        on_resource_saved(sender, instance, **kwargs)


class LibraryConfig(AppConfig):
    name = "jiyue.library"
    label = "library"
    verbose_name = "信息资源库"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.models import Revision

        from . import signals
        from .scheduling import on_revision_saved
        from .services import resource_classes

        signals.connect_relays(resource_classes())
        post_migrate.connect(_setup_after_migrate, dispatch_uid="library-setup-workflow")
        post_save.connect(on_revision_saved, sender=Revision, dispatch_uid="library-revision")
        post_save.connect(_on_resource_saved, dispatch_uid="library-resource-expiry")
        post_save.connect(
            _on_site_saved, sender="registry.GovSite", dispatch_uid="library-site-editors"
        )


def _on_site_saved(sender, instance, raw=False, **kwargs):
    """A provisioned site's editors' group may draft library resources (LIB-1)."""
    if raw or instance.editors_group_id is None:
        return
    from .workflow import grant_site_editors

    grant_site_editors(instance.editors_group)

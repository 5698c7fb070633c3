from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "jiyue.portal"
    label = "portal"
    verbose_name = "网站页面"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Receivers connect here, not as an import side effect; the modules need the
        # models, which exist only from now on.
        from jiyue.registry import signals as registry_signals

        from . import provisioning

        registry_signals.site_opened.connect(
            provisioning.build_site_tree,
            sender=registry_signals.GovSite,
            dispatch_uid="portal:build-site-tree",
        )

        # The resources API's column and site filters (distribution is the portal's).
        from jiyue.library import services as library

        from .services import api_column_filter, api_site_filter

        library.register_placement_filters(column=api_column_filter, site=api_site_filter)

        # The receivers that keep the cached site chrome fresh, and the relays that
        # announce the portal's domain signals.
        from . import signals

        signals.connect()
        signals.connect_relays()

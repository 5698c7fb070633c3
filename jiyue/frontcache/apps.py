"""Rendered-page cache: render once per change, serve the file until the next change."""

from django.apps import AppConfig


class FrontCacheConfig(AppConfig):
    name = "jiyue.frontcache"
    label = "frontcache"
    verbose_name = "页面缓存"

    def ready(self):
        """Connect the purge receivers (the table in :func:`receivers.connections`).

        Only documented domain signals (``registry.signals``, ``library.signals``,
        ``portal.signals``) and Wagtail's page signals, never a model's save or delete
        signal, and every connection names its sender, so no receiver runs on unrelated
        changes (``tests/frontcache/test_signal_wiring.py``).
        """
        # The receivers need the models, which can be imported only once the app
        # registry is ready (rule in pyproject: PLC0415 in apps.py).
        from . import receivers

        for signal, receiver, senders in receivers.connections():
            for sender in senders:
                signal.connect(
                    receiver,
                    sender=sender,
                    weak=False,
                    dispatch_uid=f"frontcache:{receiver.__name__}:{sender._meta.label}",
                )

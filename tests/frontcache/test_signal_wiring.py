"""The page cache listens only to documented domain signals, each with its sender.

Issue 7 item 5: ``frontcache`` subscribes to what the apps below announce
(``registry.signals``, ``library.signals``, ``portal.signals``) and to Wagtail's own page
signals, never to another app's model saves; and every connection names its sender, so
no receiver runs on every save in the project. These tests read the live signal
registry, so they fail when a receiver is connected any other way (see also the
checker's own test at the end).
"""

import gc

import pytest
from django.db.models import signals as model_signals
from django.dispatch import Signal
from django.dispatch.dispatcher import _make_id
from wagtail import signals as wagtail_signals

from jiyue.frontcache import receivers
from jiyue.library import signals as library_signals
from jiyue.portal import signals as portal_signals
from jiyue.registry import signals as registry_signals

# Where the signals the page cache may listen to are defined.
DOMAIN_SIGNAL_MODULES = (registry_signals, library_signals, portal_signals)
WAGTAIL_PAGE_SIGNALS = (
    wagtail_signals.page_published,
    wagtail_signals.page_unpublished,
    wagtail_signals.post_page_move,
)
MODEL_SIGNALS = tuple(value for value in vars(model_signals).values() if isinstance(value, Signal))
NO_SENDER = _make_id(None)


def allowed_signals():
    found = [
        value
        for module in DOMAIN_SIGNAL_MODULES
        for name, value in vars(module).items()
        if isinstance(value, Signal) and name in module.__all__
    ]
    return (*found, *WAGTAIL_PAGE_SIGNALS)


def frontcache_connections():
    """``(signal, receiver, sender id)`` for every frontcache receiver connected anywhere."""
    found = []
    # type(), not isinstance(): a lazy object (the CSP nonce) would evaluate itself.
    for signal in (obj for obj in gc.get_objects() if issubclass(type(obj), Signal)):
        for (_receiver_key, sender_key), receiver, *_rest in list(signal.receivers):
            target = (
                receiver() if callable(receiver) and hasattr(receiver, "__callback__") else receiver
            )
            module = getattr(target, "__module__", "") or ""
            if module.startswith("jiyue.frontcache"):
                found.append((signal, target, sender_key))
    return found


def problems(connections):
    allowed = allowed_signals()
    out = []
    for signal, receiver, sender_key in connections:
        name = receiver.__qualname__
        if sender_key == NO_SENDER:
            out.append(f"{name} is connected without a sender")
        if any(signal is s for s in MODEL_SIGNALS):
            out.append(f"{name} listens to a model signal")
        elif not any(signal is s for s in allowed):
            out.append(f"{name} listens to an undocumented signal")
    return out


def test_frontcache_listens_only_to_domain_signals_each_with_a_sender():
    connections = frontcache_connections()

    assert problems(connections) == []
    # The wiring table is what is connected: every row, every sender.
    expected = {
        (id(signal), receiver, _make_id(sender))
        for signal, receiver, senders in receivers.connections()
        for sender in senders
    }
    assert {(id(s), r, key) for s, r, key in connections} == expected


def test_frontcache_hears_every_domain_signal_that_changes_public_pages():
    heard = {id(signal) for signal, _receiver, _senders in receivers.connections()}

    for signal in (
        library_signals.resource_visibility_changed,
        library_signals.resource_public_version_ending,
        portal_signals.placement_changing,
        portal_signals.placement_changed,
        portal_signals.subscription_changed,
        portal_signals.site_chrome_changed,
        registry_signals.site_record_changed,
        registry_signals.site_renamed,
        registry_signals.site_status_changed,
        *WAGTAIL_PAGE_SIGNALS,
    ):
        assert id(signal) in heard


@pytest.mark.parametrize(
    ("signal", "sender", "message"),
    [
        (model_signals.post_save, "a model", "listens to a model signal"),
        (registry_signals.site_renamed, None, "is connected without a sender"),
        (Signal(), "a model", "listens to an undocumented signal"),
    ],
)
def test_the_checker_finds_a_wrong_connection(signal, sender, message):
    """The check above is not vacuous: a wrong connection is reported."""
    sender_object = registry_signals.GovSite if sender else None
    signal.connect(receivers.site_record_changed, sender=sender_object, dispatch_uid="wrong")
    try:
        found = problems(frontcache_connections())
    finally:
        signal.disconnect(sender=sender_object, dispatch_uid="wrong")

    assert f"site_record_changed {message}" in found

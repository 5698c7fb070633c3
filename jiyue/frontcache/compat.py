"""The one Django internal the page cache (页面缓存) relies on, in one place (issue 7).

Django has no public way to ask whether a callback is still queued with
``transaction.on_commit``; :mod:`.invalidation` needs it to reuse the purge batch
of the open transaction. The answer reads ``connection.run_on_commit``, a list of
``(savepoint_ids, callable, robust)`` tuples; ``tests/test_upgrade_contracts.py``
pins that layout so a Django upgrade that changes it fails there first.
"""


def is_queued_on_commit(connection, callback):
    """Whether ``callback`` waits in ``connection``'s on-commit queue."""
    return any(entry[1] is callback for entry in connection.run_on_commit)

"""The demo city as a fixture for the portal tests.

Loading the demo takes seconds, so a module loads it once: inside one transaction
that is rolled back when the module ends, so no other test module ever sees it. Each
test still runs in its own savepoint (pytest-django's ``db``), so what a test adds
is gone before the next one.
"""

import contextlib
import io
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from jiyue.demo.management.commands.load_demo import Command as LoadDemo
from jiyue.registry.models import GovSite
from jiyue.registry.services import serving_host

from .walk import DEMO_DOMAINS


@contextlib.contextmanager
def demo_loaded(django_db_blocker, data_dir):
    """Run ``load_demo`` inside a transaction that is rolled back afterwards.

    Yields ``.result`` (the loader's :class:`~jiyue.demo.loader.LoadResult`) and
    ``.output`` (what the command printed). The command is called as an instance so
    the tests do not depend on ``jiyue.demo`` being in INSTALLED_APPS.
    """
    with django_db_blocker.unblock():
        cache.clear()
        with transaction.atomic():
            command, output = LoadDemo(), io.StringIO()
            call_command(command, data_dir=str(data_dir), stdout=output)
            try:
                yield SimpleNamespace(result=command.result, output=output.getvalue())
            finally:
                transaction.set_rollback(True)
        # Host and site-root caches may point at the rolled-back sites.
        cache.clear()


@pytest.fixture(scope="module")
def demo_with_data(django_db_setup, django_db_blocker, shared_data_dir):
    """The demo city built from ``../shared/data`` (as ``make run`` does)."""
    with demo_loaded(django_db_blocker, shared_data_dir) as loaded:
        yield loaded.result


@pytest.fixture
def demo_sites(db):
    """The demo's registry records, in the order of ``jiyue.demo.city.SITES``."""
    by_domain = {
        s.primary_domain: s
        for s in GovSite.objects.filter(primary_domain__in=DEMO_DOMAINS).select_related(
            "organization", "wagtail_site"
        )
    }
    return [by_domain[d] for d in DEMO_DOMAINS]


@pytest.fixture
def site_client():
    """``site_client(gov_site)``: a test client that talks to the site's host name."""

    def make(gov_site):
        return Client(HTTP_HOST=serving_host(gov_site.primary_domain))

    return make


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests marked ``flushes_database`` run after every other test of the session.

    A transactional test ends with a flush, which also deletes what the migrations
    wrote (Wagtail's root page, the seeded themes); tests with module-scoped data,
    which pytest-django orders after the transactional ones, would then find none.
    """
    last = [item for item in items if item.get_closest_marker("flushes_database")]
    if last:
        items[:] = [item for item in items if item not in last] + last

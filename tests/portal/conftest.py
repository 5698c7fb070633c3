"""The demo city as a fixture for the portal tests.

Loading the demo takes seconds. The city built from ``../shared/data``
(``demo_with_data``) is therefore built once per test session (per xdist worker) and kept
while the tests that use it run, one after the other (``KeptData`` in
``tests/conftest.py``); the built-in variant is built once for its module. Either is
built inside a transaction that is rolled back afterwards, so no other test ever sees it,
and each test still runs in its own savepoint (pytest-django's ``db``), so what a test
adds is gone before the next one.
"""

import contextlib
import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import Client

from jiyue.demo.management.commands.load_demo import Command as LoadDemo
from jiyue.registry.models import GovSite
from jiyue.registry.services import serving_host
from tests.db import rolled_back

from .walk import DEMO_DOMAINS

TEST_SCALE = 0.04


@contextlib.contextmanager
def demo_loaded(django_db_blocker, data_dir):
    """Run ``load_demo`` inside a transaction that is rolled back afterwards.

    Yields ``.result`` (the loader's :class:`~jiyue.demo.loader.LoadResult`) and
    ``.output`` (what the command printed). The command is called as an instance so
    the tests do not depend on ``jiyue.demo`` being in INSTALLED_APPS.
    """
    with rolled_back(django_db_blocker):
        command, output = LoadDemo(), io.StringIO()
        # A small share of the generated history and reposts (make run loads all of
        # it): every kind of item and column is there, the page walks stay short.
        call_command(command, data_dir=str(data_dir), history_scale=TEST_SCALE, stdout=output)
        yield SimpleNamespace(result=command.result, output=output.getvalue())


@pytest.fixture
def demo_with_data(kept_data, django_db_blocker, shared_data_dir):
    """The demo city built from ``../shared/data`` (as ``make run`` does), once per session.

    Request it before ``db`` (``pytestmark = pytest.mark.usefixtures("demo_with_data")``).
    """

    def build():
        return demo_loaded(django_db_blocker, shared_data_dir)

    return kept_data.get("demo_with_data", build).result


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

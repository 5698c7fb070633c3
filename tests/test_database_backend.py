"""The suite really runs on the engine it was asked for (SQLite, or PostgreSQL 15+).

``make test`` runs everything twice; these tests prove the second run is not SQLite in
disguise, and that the throw-away server is private to this machine.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests import db as test_db


@pytest.mark.django_db
def test_connection_vendor_is_the_requested_backend(database_backend):
    expected = {"sqlite": "sqlite", "postgres": "postgresql"}[database_backend]
    assert connection.vendor == expected


@pytest.mark.django_db
def test_tests_use_a_test_database_not_the_configured_one(database_backend):
    name = str(connection.settings_dict["NAME"])
    if database_backend == "postgres":
        assert name.startswith("test_")
    else:
        # An in-memory test database or, under xdist, this worker's copy of the run's
        # migrated template (tests.db.SqliteTemplate): never the embedded var/jiyue.sqlite3.
        template_dir = os.environ.get(test_db.ENV_SQLITE_TEMPLATE_DIR)
        assert "mode=memory" in name or (
            template_dir and Path(name).parent == Path(template_dir)
        ), name


@pytest.mark.django_db
def test_postgres_is_a_local_throw_away_server(database_backend):
    if database_backend != "postgres":
        pytest.skip("SQLite run")
    if os.environ.get(test_db.ENV_URL):
        pytest.skip(f"{test_db.ENV_URL} points at an external server")
    assert settings.DATABASES["default"]["HOST"] == "127.0.0.1"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        (version,) = cursor.fetchone()
        cursor.execute("SELECT current_setting('listen_addresses')")
        (listen,) = cursor.fetchone()
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        (superuser,) = cursor.fetchone()
    assert version >= 150000
    assert listen == "127.0.0.1"
    assert superuser, "the harness connects as the cluster's superuser to create test_* DBs"


@pytest.mark.django_db
def test_postgres_stores_chinese_text_unchanged(database_backend):
    """UTF-8 end to end: a site name round-trips through the database as written."""
    from jiyue.registry.models import Organization

    org = Organization.objects.create(name="北京市发展和改革委员会", org_type="department")
    org.refresh_from_db()
    assert org.name == "北京市发展和改革委员会"
    assert Organization.objects.filter(name__contains="发展和改革").count() == 1


def test_wanted_backend_reads_the_environment(monkeypatch):
    monkeypatch.setenv(test_db.ENV_BACKEND, "postgresql")
    assert test_db.wanted_backend() == "postgres"
    monkeypatch.setenv(test_db.ENV_BACKEND, "sqlite")
    assert test_db.wanted_backend() == "sqlite"
    monkeypatch.delenv(test_db.ENV_BACKEND)
    assert test_db.wanted_backend() == "sqlite"
    monkeypatch.setenv(test_db.ENV_BACKEND, "oracle")
    with pytest.raises(ValueError, match="JIYUE_TEST_DB"):
        test_db.wanted_backend()


def test_a_backend_django_did_not_start_on_is_refused_with_the_fix(database_backend):
    """The engine is fixed when Django starts; asking for the other one names the remedy."""
    other = {"sqlite": "postgres", "postgres": "sqlite"}[database_backend]
    assert test_db.startup_problem(database_backend) is None
    problem = test_db.startup_problem(other)
    assert problem and ("DATABASE_URL" in problem)


def test_free_port_is_bindable_on_loopback():
    import socket

    port = test_db.free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))
    assert 1024 <= port <= 65535


@pytest.mark.django_db
def test_search_index_takes_pages_on_this_backend():
    """Wagtail's search index works on the engine in use (PostgreSQL needs its weights)."""
    from wagtail.models import Page
    from wagtail.search.backends import get_search_backend

    root = Page.get_first_root_node()
    page = root.add_child(instance=Page(title="数据库后端测试页", slug="db-backend-probe"))
    get_search_backend().add(page)
    found = Page.objects.filter(pk=page.pk).search("数据库后端测试页")
    assert [p.pk for p in found] == [page.pk]

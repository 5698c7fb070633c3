"""Test settings: fast hashing, immediate tasks, in-memory cache."""

import os
import tempfile
from pathlib import Path

import dj_database_url

from .base import *  # noqa: F403
from .base import MIDDLEWARE, host_map

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Not throttled in tests (one client address for every test); the throttle's own test
# sets a rate.
JIYUE_API_THROTTLE_RATES = {}
JIYUE_HOST_MAP = host_map("beijing.gov.cn=localhost,gov.cn=localhost")
ALLOWED_HOSTS = ["*"]

# `JIYUE_TEST_DB=postgres pytest` runs the suite on PostgreSQL: only the engine has to
# be known when Django starts; tests/db.py starts a throw-away cluster and fills in
# host and port before the test database is created.
if os.environ.get("JIYUE_TEST_DB", "").strip().lower() in {"postgres", "postgresql", "pg"}:
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("JIYUE_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1/jiyue"),
            conn_max_age=0,
        )
    }

# tests/frontcache switch the page cache on per test; elsewhere data changes inside
# test transactions that never commit, so no purge would run and pages would go stale.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "jiyue.frontcache.middleware.FrontCacheMiddleware"]
JIYUE_FRONTCACHE_ROOT = Path(tempfile.mkdtemp(prefix="jiyue-frontcache-test-"))

# Security (docs/security.md): login lockout, CSP and the audit trail stay on as in
# production (client.force_login does not pass through django-axes); the supervisors'
# second factor is off unless a test turns JIYUE_2FA_REQUIRED on (tests/security).
JIYUE_2FA_REQUIRED = False

# Purge tests look at what a purge removed; tests of the re-render switch it on.
JIYUE_FRONTCACHE_RERENDER = False

"""Automated scans: no input makes the platform answer with a server error (5xx).

Issue 6, quality bar; rule: PLATFORM-7 (periodic security checks). Two scans, each
bounded so that it runs in well under a minute per database, each printing what it
tried (run with ``-s`` to see the counts):

1. **API**: schemathesis generates requests from ``/api/v1/openapi.json`` (valid ones,
   and ones that break the schema) for every operation, authenticated with an
   organization API token, and checks ``not_a_server_error`` on every answer.
2. **Public URLs**: every public URL of every site of a small city (home, columns,
   pages of lists, feeds, sitemaps, robots.txt, resource pages, the platform
   directory and the read API) is requested with hostile path segments and query
   strings: huge and negative integers, leading zeros, lone surrogates, NUL, path
   traversal, very long values, SQL and full-text-search syntax, markup.

Select them with ``pytest -m scan``, skip them with ``-m "not scan"``.
"""

import random
from collections import Counter
from urllib.parse import quote, urlsplit

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup

from jiyue.registry.hosting import serving_host
from jiyue.registry.models import GovSite
from tests.portal.walk import site_urls

pytestmark = [pytest.mark.scan, pytest.mark.django_db]

# --- 1. the API, from its OpenAPI schema ---------------------------------------------

EXAMPLES_PER_OPERATION = 20  # per generation mode
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


def _scan_operation(operation, mode, headers, tried, failures):
    """Run bounded, reproducible schemathesis examples of one operation in one mode."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        with transaction.atomic():  # a savepoint: one failed request spoils no other
            response = case.call(headers=headers)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        tried[(operation.label, str(mode), response.status_code)] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except (Failure, FailureGroup) as exc:  # collected, reported by the caller
            failures.append(f"{operation.label} {mode}: {exc}")

    run()


@pytest.fixture
def keep_test_connection():
    """Requests sent straight to the WSGI application keep the test's connection.

    Django's handler closes "old" connections at each request's start and end; on
    PostgreSQL that would close the connection holding the test transaction. Django's
    test client disconnects the same receivers around its requests.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_scan_finds_no_server_error_PLATFORM_7(scan_city, keep_test_connection):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    headers = {"Authorization": f"Bearer {scan_city.api_key}"}
    tried, failures = Counter(), []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {
        "GET /api/v1/resources/",
        "POST /api/v1/resources/",
        "GET /api/v1/sites/",
    }
    for operation in operations:
        for mode in MODES:
            _scan_operation(operation, mode, headers, tried, failures)
    print(f"\nAPI scan: {sum(tried.values())} requests over {len(operations)} operations")
    for (label, mode, status), count in sorted(tried.items()):
        print(f"  {label:32} {mode:8} {status}: {count}")
    assert not failures, "\n".join(failures[:10])


# --- 2. every public URL, with hostile paths and query strings ------------------------

HOSTILE = [
    "9" * 30,  # larger than any 64-bit integer
    "-1",
    "0",
    "00000000000000000001",  # leading zeros
    "%ED%A0%80",  # a lone surrogate, UTF-8 encoded
    "%FF%FE",  # not UTF-8 at all
    "%00",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "../../../etc/passwd",
    "a" * 3000,
    quote("' OR '1'='1' --"),
    quote('"unterminated'),
    quote("NEAR(a b) AND OR * ^"),
    quote("<script>alert(1)</script>"),
    "1e999",
    "%",
    quote("中文"),
]
QUERY_KEYS = ["page", "q", "type", "site", "column", "organization", "theme", "date_from"]
MAX_REQUESTS = 600  # a deterministic sample when there are more candidates


def _public_urls(city):
    """``(host, path_and_query)`` of every public URL of every site, plus the platform."""
    urls = []
    for gov_site in GovSite.objects.filter(wagtail_site__isnull=False):
        host = serving_host(gov_site.primary_domain)
        paths = [url for url, _kind in site_urls(gov_site)]
        paths += ["/feed/", "/feed/atom/", "/sitemap.xml", "/robots.txt"]
        for column in (city.fgw_policies, city.portal_policies, city.district_news):
            base = column.get_url_parts()[2]
            paths += [f"{base}feed/", f"{base}feed/atom/"]
        urls += [(host, path) for path in paths]
    platform = "localhost"
    urls += [(platform, path) for path in ("/", "/api/v1/resources/", "/api/v1/sites/")]
    urls += [(platform, f"/api/v1/resources/{city.policy.pk}")]
    return sorted(set(urls))


def _mutants(host, url):
    """Hostile variants of one URL: each path segment replaced, one appended, and
    each query key (the URL's own and the usual ones) set to each hostile value."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    trailing = "/" if parts.path.endswith("/") else ""
    variants = []
    for index in range(len(segments)):
        for value in HOSTILE:
            changed = segments[:index] + [value] + segments[index + 1 :]
            variants.append("/" + "/".join(changed) + trailing)
    for value in HOSTILE:
        variants.append(parts.path.rstrip("/") + "/" + value + "/")
    own_keys = [pair.split("=", 1)[0] for pair in parts.query.split("&") if pair]
    for key in dict.fromkeys(own_keys + QUERY_KEYS):
        for value in HOSTILE:
            variants.append(f"{parts.path}?{key}={value}")
    return [(host, variant) for variant in variants]


def test_public_url_fuzz_finds_no_server_error_PLATFORM_7(scan_city):
    urls = _public_urls(scan_city)
    candidates = sorted({m for host, url in urls for m in _mutants(host, url)} | set(urls))
    sample = candidates
    if len(candidates) > MAX_REQUESTS:
        sample = sorted(random.Random(6).sample(candidates, MAX_REQUESTS) + urls)
    statuses, failures = Counter(), []
    clients = {}
    for host, path in sample:
        client = clients.setdefault(host, Client(HTTP_HOST=host, raise_request_exception=False))
        with transaction.atomic():  # a savepoint: one failed request spoils no other
            response = client.get(path)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        statuses[response.status_code] += 1
        if response.status_code >= 500 and response.status_code != 503:
            failures.append(f"{response.status_code} http://{host}{path[:200]}")
    print(
        f"\nURL fuzz: {len(urls)} public URLs on {len({h for h, _ in urls})} hosts, "
        f"{len(candidates)} hostile variants, {len(sample)} requested; "
        f"statuses: {dict(sorted(statuses.items()))}"
    )
    # The walk must really have reached content, not just error pages.
    assert statuses[200] >= len(urls) // 2
    assert not failures, "\n".join(failures[:20])

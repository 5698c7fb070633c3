"""Re-render purged pages in the task worker (重新生成), so readers find them cached.

A publish, push or unpublish purges the cached pages that show the resource; without
this the next visitor of each page waits for Django to render it, and a resource
pushed to 100 sites becomes visible only as each site's pages are requested again.
:func:`schedule` (called by :func:`jiyue.frontcache.invalidation.flush` after a purge)
enqueues :func:`rerender_pages` with the pages that were cached before the purge —
only those: a page nobody had requested is not worth rendering now. The task requests
each page through Django's own request handler, as an anonymous reader would, so the
page-cache middleware renders and stores it exactly as for a visitor (including the
generation check that refuses to store a page rendered from data changed meanwhile).

Settings: ``JIYUE_FRONTCACHE_RERENDER`` (default True; the test settings switch it off
so purge tests see the purge) and ``JIYUE_FRONTCACHE_RERENDER_SCHEME`` (``https``:
the scheme readers use, for the few absolute URLs a page carries such as a detail
page's canonical link).
"""

import io
import logging
import sys

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.urls import get_urlconf, set_urlconf
from django.utils import translation
from django_tasks import task

from . import services

logger = logging.getLogger(__name__)
MIDDLEWARE = "jiyue.frontcache.middleware.FrontCacheMiddleware"
# A bulk change purges whole hosts instead; more pages than this are left to readers.
MAX_PAGES = 1000
# Pages per task: workers running side by side share a large change.
CHUNK = 25


def enabled():
    return getattr(settings, "JIYUE_FRONTCACHE_RERENDER", True) and MIDDLEWARE in (
        settings.MIDDLEWARE
    )


def cached_now(urls):
    """The ``(host, path)`` of ``urls`` that have a cached file (call before purging)."""
    return sorted(
        (host, path)
        for host, path in urls
        if host and any(c.is_file() for c in services.candidate_files(host, path))
    )


def schedule(urls):
    """Enqueue the re-render of ``urls`` (pages that were cached) if enabled.

    In tasks of :data:`CHUNK` pages, so that several worker processes share a change
    that touched many sites. Returns the enqueued task results.
    """
    urls = [[host, path] for host, path in urls][:MAX_PAGES]
    if not urls or not enabled():
        return []
    return [
        rerender_pages.enqueue(urls[start : start + CHUNK]) for start in range(0, len(urls), CHUNK)
    ]


class _Handler:
    """One WSGI handler per process (loading the middleware chain once)."""

    handler = None

    @classmethod
    def get(cls):
        if cls.handler is None:
            cls.handler = WSGIHandler()
        return cls.handler


def _request(host, path):
    """A reader's GET of ``path`` on ``host``, with the scheme and port readers use.

    Over https the port is 443; over plain http it is ``JIYUE_SITE_PORT`` (8000 under
    ``make run``), so the few absolute URLs a page carries name the port it is served
    on, as they do when a reader's request renders the page.
    """
    scheme = getattr(settings, "JIYUE_FRONTCACHE_RERENDER_SCHEME", "https")
    port = "443" if scheme == "https" else str(getattr(settings, "JIYUE_SITE_PORT", 80))
    if port not in ("80", "443"):
        host = f"{host}:{port}"
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": host.split(":")[0],
        "SERVER_PORT": port,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if header:  # behind the front server, the scheme comes from its header
        environ[header[0]] = scheme
    return WSGIRequest(environ)


def rerender(host, path):
    """Render ``host`` + ``path`` as an anonymous reader; True if it is cached now."""
    # The task may run inside another request (the immediate backend runs it when
    # the change commits): keep that request's language and URLconf.
    urlconf = get_urlconf()
    try:
        with translation.override(translation.get_language()):
            # Not response.close(): it sends request_finished, which closes the database
            # connection of the request or task this runs in.
            response = _Handler.get().get_response(_request(host, path))
    finally:
        set_urlconf(urlconf)
    return response.status_code == 200 and any(
        c.is_file() for c in services.candidate_files(host, path)
    )


@task()
def rerender_pages(urls):
    """Render and store each ``[host, path]`` of ``urls`` (the pages a purge removed)."""
    stored = failed = 0
    for host, path in urls:
        try:
            stored += bool(rerender(host, path))
        except Exception:  # one broken page must not keep the others from the cache
            failed += 1
            logger.exception("frontcache: re-render of %s%s failed", host, path)
    logger.info("frontcache: re-rendered %d of %d pages", stored, len(urls))
    return {"stored": stored, "failed": failed, "pages": len(urls)}

"""Serve anonymous readers the cached page; render and store it only on a miss.

Placed right after ``SiteStatusMiddleware``: only requests that reached an online
site (``request.gov_site_id`` set) are considered, so a site taken offline is never
served from here (its files are also purged when its record is saved). The same files
are served by nginx in production (deploy/nginx/jiyue.conf); this middleware makes
``make run`` without nginx behave the same way.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import cc_delim_re

from jiyue.portal import services as portal
from jiyue.registry import services as registry

from . import services

HEADER = "X-Jiyue-Cache"
# Platform paths are never pages of a site (the registry's list, as SiteStatusMiddleware's).
EXCLUDED_PREFIXES = registry.PLATFORM_PREFIXES
UNCACHEABLE_CACHE_CONTROL = {"private", "no-store", "no-cache"}


def cache_key(request):
    """``(host, path)`` when the request may be answered from the cache, else None.

    Only anonymous GET/HEAD without a query string, on a registered site's host, in
    the platform language (nginx does not negotiate languages; public pages are in
    Chinese). "Anonymous" means no session cookie: the same test nginx makes, and it
    needs no database query. The Host header must already be spelled as the cache
    key spells it (lower case, no trailing dot; nginx passes ``$host``, which is):
    another spelling goes to Django, which redirects it to the canonical host.
    """
    if request.method not in ("GET", "HEAD"):
        return None
    if getattr(request, "gov_site_id", None) is None:
        return None
    if request.META.get("QUERY_STRING"):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    path = request.path
    if path.startswith(EXCLUDED_PREFIXES):
        return None
    if translation.get_language() != settings.LANGUAGE_CODE:
        return None
    raw_host = request.get_host()
    host = services.normalize_host(raw_host)
    if host is None or raw_host.rsplit(":", 1)[0] != host:
        return None
    if not services.candidate_files(host, path):
        return None
    return host, path


def storable_content_type(response):
    """The response's bare content type if it may be stored, else None."""
    if response.status_code != 200 or response.streaming:
        return None
    if response.cookies or response.has_header("Set-Cookie"):
        return None
    cache_control = {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if cache_control & UNCACHEABLE_CACHE_CONTROL:
        return None
    if "*" in response.get("Vary", ""):
        return None
    content_type, _sep, params = response.get("Content-Type", "").partition(";")
    content_type = content_type.strip().lower()
    if content_type not in services.TYPE_EXTENSIONS:
        return None
    charset = params.replace(" ", "").lower()
    if charset and charset not in ("charset=utf-8", "charset=utf8"):
        return None
    return content_type


class FrontCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = cache_key(request)
        if key is None:
            return self.get_response(request)
        host, path = key
        hit = services.read(host, path)
        if hit is not None:
            content, file_path = hit
            response = HttpResponse(
                b"" if request.method == "HEAD" else content,
                content_type=services.content_type_of(file_path),
            )
            response["Content-Length"] = str(len(content))
            response[HEADER] = "HIT"
            return response
        taken = services.generation(host)
        response = self.get_response(request)
        # Only what the portal rendered as the page at exactly this path: a response
        # reached through another spelling (``/content/0228/``) would be stored under
        # a file no purge removes (issue 6). Fails closed for any undeclared view.
        if request.method == "GET" and portal.canonical_path_of(request) == path:
            content_type = storable_content_type(response)
            if content_type is not None:
                services.store(host, path, content_type, response.content, taken)
        response[HEADER] = "MISS"
        return response

"""Answer each host name according to its registered site's status.

A hosted government site answers only while it is online. Otherwise the visitor
gets a proper notice page with the right HTTP status instead of an error:
offline → 503 with Retry-After, closed → 410, merged → 301 to the site it merged
into, alias domain → 301 to the primary domain (rule: DOMAIN-5), unknown host → 404.
"""

from django.conf import settings

from . import services, views
from .hosting import PLATFORM_PREFIXES


class SiteStatusMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(PLATFORM_PREFIXES) or getattr(request, "is_dummy", False):
            # Admin previews render through a dummy request: editors preview pages of
            # sites that are not online yet.
            return self.get_response(request)
        host = request.get_host().rsplit(":", 1)[0].lower().rstrip(".")
        platform_hosts = getattr(
            settings, "JIYUE_PLATFORM_HOSTS", ("localhost", "127.0.0.1", "testserver")
        )
        if host in platform_hosts:
            return views.platform_directory_response(request)
        entry = services.host_entry(host)
        if entry is None:
            return views.notice_response(request, "unknown", None)
        request.gov_site_id = entry["site_id"]
        if entry["alias_of"]:
            return views.redirect_to_host(request, entry["alias_of"], keep_path=True)
        status = entry["status"]
        if status == "online":
            return self.get_response(request)
        if status == "merged" and entry["merged_into_host"]:
            return views.redirect_to_host(request, entry["merged_into_host"], keep_path=False)
        return views.notice_response(request, status, entry)

"""The registry's own responses on the public hosts (rule: DOMAIN-5, SITE-6).

Notice pages for a site that is not online (404 unknown host, 410 closed or merged,
503 with Retry-After while offline or not yet open), the redirects of alias and
merged domains, and the platform's directory of its online sites. Called by
:class:`jiyue.registry.middleware.SiteStatusMiddleware`.
"""

import datetime

from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import http_date

from .hosting import serving_host
from .models import GovSite, SiteStatus


def redirect_to_host(request, host, keep_path=True):
    port = request.get_port()
    netloc = host if port in ("80", "443") else f"{host}:{port}"
    path = request.get_full_path() if keep_path else "/"
    return HttpResponsePermanentRedirect(f"{request.scheme}://{netloc}{path}")


NOTICE_STATUS = {
    "offline": 503,
    "closed": 410,
    "unknown": 404,
    "planned": 503,
    "preparing": 503,
    "merged": 410,
}


def notice_response(request, status, entry):
    """A Chinese notice page for a site that is not online, with the right status."""
    response = render(
        request,
        "registry/site_notice.html",
        {"state": status, "entry": entry or {}},
        status=NOTICE_STATUS.get(status, 404),
    )
    if status == "offline":
        # The planned return date when the application gave one (an HTTP date, start
        # of that day in Beijing), else an hour.
        planned = (entry or {}).get("planned_return")
        if planned and planned > timezone.localdate():
            start = datetime.datetime.combine(
                planned, datetime.time(), timezone.get_current_timezone()
            )
            response["Retry-After"] = http_date(start.timestamp())
        else:
            response["Retry-After"] = "3600"
    return response


def platform_directory_response(request):
    """The platform's own landing page: a directory of the sites it hosts."""
    if request.path != "/":
        return notice_response(request, "unknown", None)
    sites = (
        GovSite.objects.filter(status=SiteStatus.ONLINE, wagtail_site__isnull=False)
        .select_related("organization")
        .order_by("site_type", "name")
    )
    port = request.get_port()
    rows = [
        {
            "site": s,
            "url": f"{request.scheme}://{serving_host(s.primary_domain)}"
            + ("" if port in ("80", "443") else f":{port}")
            + "/",
        }
        for s in sites
    ]
    return render(request, "registry/platform_directory.html", {"rows": rows})

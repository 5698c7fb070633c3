"""The client address (客户端地址) of a request, for login lockout and the audit trail.

``REMOTE_ADDR`` unless the request came through one of ``JIYUE_TRUSTED_PROXIES`` (the
nginx in front, deploy/nginx/), whose ``X-Real-IP`` then names the client. Headers from
anyone else are ignored: a client must not choose its own address, or it could dodge
the per-address lockout by sending a new ``X-Forwarded-For`` with every guess.
"""

import ipaddress

from django.conf import settings


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The address to count failures against and to write into log entries."""
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    if remote and remote in getattr(settings, "JIYUE_TRUSTED_PROXIES", ()):
        forwarded = _valid(request.META.get("HTTP_X_REAL_IP", "") or "")
        if forwarded:
            return forwarded
        # The rightmost entry was appended by our proxy: it is the address it saw.
        chain = (request.META.get("HTTP_X_FORWARDED_FOR", "") or "").split(",")
        forwarded = _valid(chain[-1]) if chain else None
        if forwarded:
            return forwarded
    return remote

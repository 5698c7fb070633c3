"""A site's header identity (页头标识) and the links of its header's top bar.

Built once per site chrome (see :mod:`jiyue.portal.site_context`): the header settings
(colour, logo or text mark) and, for a portal (政府门户网站), the sites of the
organizations directly under it, grouped as 部门网站 and 下级政府网站; every other site
links up to its portal.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from jiyue.registry import services as registry
from jiyue.registry.services import SiteStatus, SiteType, serving_host

from .models import HeaderSettings


@dataclass
class SiteLinks:
    """``parent``: (name, url) of the portal above, or None; ``groups``: [(label, [(name,
    url)])] of the sites below a portal."""

    parent: tuple | None = None
    groups: list = field(default_factory=list)


def _url(request, domain):
    host = serving_host(domain)
    if request is None:
        return f"//{host}/"
    port = request.get_port()
    netloc = host if port in ("80", "443") else f"{host}:{port}"
    return f"{request.scheme}://{netloc}/"


def header_settings(wagtail_site):
    return HeaderSettings.for_site(wagtail_site)


def site_links(gov_site, request=None):
    """The top bar's links of ``gov_site`` (online sites only)."""
    links = SiteLinks()
    if gov_site is None:
        return links
    parent = gov_site.parent_portal()
    if parent is not None and parent.status == SiteStatus.ONLINE:
        links.parent = (parent.name, _url(request, parent.primary_domain))
    if gov_site.site_type != SiteType.PORTAL:
        return links
    below = (
        registry.gov_sites(organization__parent=gov_site.organization, status=SiteStatus.ONLINE)
        .exclude(pk=gov_site.pk)
        .order_by("organization__pk", "pk")
    )
    departments, governments = [], []
    for site in below:
        entry = (site.name, _url(request, site.primary_domain))
        (governments if site.site_type == SiteType.PORTAL else departments).append(entry)
    if departments:
        links.groups.append((_("部门网站"), departments))
    if governments:
        links.groups.append((_("下级政府网站"), governments))
    return links

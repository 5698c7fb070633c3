"""The one Wagtail internal the registry relies on, in one place (issue 7 item 7).

``Site.find_for_request`` keeps its answer in ``request._wagtail_site`` and asks the
database (a query with a ``CASE`` ordering, ~20 % of the CPU of rendering a cached
page again) only when that attribute is missing. The site-status middleware already
knows the request's site, so it fills the attribute in; ``tests/test_upgrade_contracts.py``
pins the attribute so that a Wagtail upgrade that renames it fails there first.
"""


def remember_wagtail_site(request, site):
    """Make ``Site.find_for_request(request)`` answer ``site`` without a query."""
    request._wagtail_site = site

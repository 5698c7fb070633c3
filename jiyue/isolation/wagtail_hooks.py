"""Isolation between sites in the admin (网站间隔离), designed in from the start.

Stock Wagtail lets any editor see every site's pages, images and documents in its
choosers, listings, search and reports. Jiyue closes that: a site's editors see and
change only their own site's pages, media, settings and registry record; the
supervisor (主管单位) sees everything (rule: PLATFORM-F4 权限管理, PLATFORM-7).

Four layers, each in its own module, all asking :mod:`.isolation_scope` which
sites a user works on:

1. :mod:`.isolation_sync` keeps every staff member's Wagtail groups equal to the
   sites the registry gives them (the editors' groups made by ``provision``);
2. :mod:`.isolation_policies` registers permission policies that count a user's
   page, collection and site-setting permissions only inside their own sites, so
   every Wagtail view that asks a policy is scoped, whatever groups they are in;
3. :mod:`.isolation_pages`, :mod:`.isolation_media` (with :mod:`.isolation_bulk`)
   and :mod:`.isolation_reports` are Wagtail hooks and viewsets for the places
   where stock Wagtail shows objects without asking a policy (choosers, filters,
   bulk actions, the admin API, reports);
4. :mod:`.isolation_middleware` refuses the few admin URLs no hook reaches; it
   must be listed in ``MIDDLEWARE``.

See docs/site-isolation.md.
"""

from . import (  # noqa: F401
    media,
    pages,
    policies,
    reports,
    scope,
    sync,
)

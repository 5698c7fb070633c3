"""Wagtail's reports and dashboard, as a site's editor sees them.

Checked against Wagtail 8's source and the tests in ``tests/isolation``:

* locked pages, aging pages, workflows and workflow tasks list rows through the
  page permission policy, so with the scoped policy (:mod:`.isolation_policies`)
  they show only the editor's own site's pages;
* the dashboard panels (pages awaiting review, locked pages, recent edits) do the
  same;
* "page types usage" counts all pages of every site and names the most recently
  edited page of each type, whichever site it is on. It is hidden from the
  reports menu here, and its URL is refused by
  :class:`~.isolation_middleware.AdminIsolationMiddleware`;
* "site history" scopes page log entries, but shows every log entry of any model
  on which the user holds a model permission (``ModelLogEntry.viewable_by_user``),
  e.g. every site's registry record history. Hidden and refused the same way
  until the registry's log entries are scoped per site; each page's own history
  stays available.

Rule: PLATFORM-F4 权限管理.
"""

from wagtail import hooks

from .scope import scope_for

SUPERVISOR_ONLY_REPORTS = {"page-types-usage", "site-history"}


@hooks.register("construct_reports_menu")
def hide_platform_wide_reports(request, menu_items):
    if scope_for(request.user) is not None:
        menu_items[:] = [item for item in menu_items if item.name not in SUPERVISOR_ONLY_REPORTS]

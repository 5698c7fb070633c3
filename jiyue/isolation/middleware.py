"""The last line of isolation: admin URLs that no Wagtail hook or policy reaches.

Install it in ``MIDDLEWARE`` after ``AuthenticationMiddleware``::

    "jiyue.isolation.middleware.AdminIsolationMiddleware",

It refuses (403), for a user who is not a supervisor (主管单位) or superuser:

* ``/django-admin/``: Django's own admin shows raw tables of every site (images,
  documents, users, groups); only superusers may use it;
* the page chooser's "chosen" step (``/admin/choose-page/chosen-multiple/?id=…``),
  which answers the title, URL and parent of any page id it is given;
* moving a page from or to another site (``/admin/pages/<id>/move/<id>/confirm/``):
  Wagtail checks whether the slug is free under the destination before it checks
  permissions, which told an editor which slugs another site's page holds;
* the "confirm workflow cancellation" step of another site's page, which tells
  whether it is in review and names its workflow's tasks;
* Wagtail's "page types usage" report, which counts every site's pages and names
  each type's most recently edited page, whichever site it is on;
* Wagtail's "site history" report: it shows every log entry of a model on which
  the user holds any model permission, so site staff (who hold the registry's
  ``change_govsite`` to edit their own record) saw every other site's registry
  record history. Page history stays available per page.

It also sends a scoped editor's page chooser, when Wagtail would open it on another
site's page (all pages of the wanted type lie there), to their own home page instead
of the 404 the chooser hook (:mod:`.isolation_pages`) would otherwise answer.

Everything else is scoped by the permission policies and hooks of the other
``isolation_*`` modules (rule: PLATFORM-F4 权限管理, PLATFORM-7).
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .compat import (
    CHOOSER_CHILD_VIEW,
    CHOOSER_START_VIEW,
    CHOSEN_PAGES_VIEW,
    CONFIRM_CANCELLATION_VIEW,
    MOVE_CONFIRM_VIEW,
    SUPERVISOR_ONLY_VIEWS,
)
from .pages import chooser_parent_id
from .scope import scope_for

DJANGO_ADMIN_PREFIX = "/django-admin/"


class AdminIsolationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # the views send anonymous users to their login pages
        if request.path_info.startswith(DJANGO_ADMIN_PREFIX):
            if not (user.is_active and user.is_superuser):
                raise PermissionDenied(_("数据管理后台（/django-admin/）仅限超级管理员使用。"))
            return None
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if view_name == CHOSEN_PAGES_VIEW:
            self._check_pages(user, request.GET.getlist("id"))
        elif view_name == MOVE_CONFIRM_VIEW:
            self._check_pages(
                user, [str(view_kwargs["page_to_move_id"]), str(view_kwargs["destination_id"])]
            )
        elif view_name == CONFIRM_CANCELLATION_VIEW:
            self._check_pages(user, [str(view_kwargs["page_id"])])
        elif view_name in SUPERVISOR_ONLY_VIEWS and scope_for(user) is not None:
            raise PermissionDenied(_("该报表涵盖全部网站，仅限主管单位查看。"))
        elif view_name == CHOOSER_START_VIEW:
            return self._chooser_start(request, user)
        return None

    @staticmethod
    def _chooser_start(request, user):
        scope = scope_for(user)
        if scope is None or not scope.root_pages:
            return None
        parent_id = chooser_parent_id(request)
        if parent_id is None or scope.navigable_pages().filter(pk=parent_id).exists():
            return None
        url = reverse(CHOOSER_CHILD_VIEW, args=[scope.root_pages[0].pk])
        return HttpResponseRedirect(f"{url}?{request.GET.urlencode()}")

    @staticmethod
    def _check_pages(user, ids):
        """Refuse unless every page id in ``ids`` lies inside the user's own sites."""
        scope = scope_for(user)
        if scope is None:
            return
        if not all(pk.isdigit() for pk in ids):
            raise PermissionDenied(_("页面编号无效。"))
        if scope.pages().filter(pk__in=ids).count() != len(set(ids)):
            raise PermissionDenied(_("只能操作本网站的页面。"))

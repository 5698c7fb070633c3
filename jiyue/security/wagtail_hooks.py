"""The 安全 (security) menu in the admin and its URLs under /admin/security/."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from jiyue.registry import services as registry

from . import views

URL_NAMESPACE = "jiyue_security"

urlpatterns = [
    path("audit/", views.AuditTrailView.as_view(), name="audit"),
    path("audit/results/", views.AuditTrailView.as_view(results_only=True), name="audit_results"),
    path("lockouts/", views.LockoutsView.as_view(), name="lockouts"),
    path("lockouts/unlock/", views.UnlockView.as_view(), name="unlock"),
    path("2fa/enrol/", views.EnrolView.as_view(), name="enrol"),
    path("2fa/verify/", views.VerifyView.as_view(), name="verify"),
]


@hooks.register("register_admin_urls")
def register_security_urls():
    return [path("security/", include((urlpatterns, URL_NAMESPACE), namespace=URL_NAMESPACE))]


class SupervisorMenuItem(MenuItem):
    def is_shown(self, request):
        return registry.is_supervisor(request.user)


class SecurityMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return registry.is_supervisor(request.user)


@hooks.register("register_admin_menu_item")
def register_security_menu():
    menu = Menu(
        items=[
            SupervisorMenuItem(
                _("安全审计"), reverse(f"{URL_NAMESPACE}:audit"), icon_name="history", order=100
            ),
            SupervisorMenuItem(
                _("登录锁定"), reverse(f"{URL_NAMESPACE}:lockouts"), icon_name="lock", order=200
            ),
            SupervisorMenuItem(
                _("动态口令"), reverse(f"{URL_NAMESPACE}:enrol"), icon_name="key", order=300
            ),
        ]
    )
    return SecurityMenuItem(_("安全"), menu, icon_name="lock", name="security", order=9000)

"""The admin's login form (``WAGTAILADMIN_USER_LOGIN_FORM``).

Wagtail's ``LoginForm`` redeclares ``password`` without a label, so Django names it
after the field: "Password", in English whatever the language.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("密码")

"""Admin form of the interpretation waiver (免于解读); the rule is in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _


class WaiverForm(forms.Form):
    """An approver records why a policy may be published without interpretation."""

    reason = forms.CharField(
        label=_("免于解读理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("INTERP-1：需要解读的政策文件，经审批人填写理由后可单独发布。"),
    )

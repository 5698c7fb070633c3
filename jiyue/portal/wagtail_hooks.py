"""Wagtail hooks of the public sites."""

from wagtail import hooks

from .views import redirect_to_canonical

# One spelling per page: other spellings answer 301 and are never cached (issue 6).
hooks.register("before_serve_page", redirect_to_canonical)

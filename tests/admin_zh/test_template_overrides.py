"""Contracts of the Wagtail templates Jiyue overrides (upgrade guard, like
tests/test_upgrade_contracts.py for Python internals).

Branding blocks (``admin_base.html``, ``base.html``, ``login.html``) are Wagtail's
documented extension points. The other overrides copy an internal template to change
one English string Wagtail does not translate; each pin below is that string in
Wagtail's original. When an upgrade changes the original, this fails: compare the
override with the new original and update or delete it.
"""

from pathlib import Path

import pytest
import wagtail.admin
from django.conf import settings

WAGTAIL_TEMPLATES = Path(wagtail.admin.__file__).parent / "templates"
JIYUE_TEMPLATES = Path(settings.BASE_DIR) / "jiyue" / "templates"

# override → text in Wagtail's original that the override replaces
INTERNAL_OVERRIDES = {
    "wagtailadmin/shared/headers/_actions.html": 'aria-label="Actions"',
    "wagtailadmin/tables/boolean_cell.html": "title=value|stringformat:'s'",
    "wagtailadmin/shared/user_avatar.html": "{% if not username %}{{ user }}",
    "wagtailadmin/home/account_summary.html": "wagtail_feature_release_editor_guide_link",
}
BRANDING_BLOCKS = {
    "wagtailadmin/admin_base.html": ["branding_favicon"],
    "wagtailadmin/skeleton.html": ["branding_title"],
    "wagtailadmin/base.html": ["branding_logo"],
    "wagtailadmin/login.html": ["branding_login", "branding_logo"],
}


@pytest.mark.parametrize("template, pinned", sorted(INTERNAL_OVERRIDES.items()))
def test_overridden_internal_template_is_unchanged_upstream(template, pinned):
    assert (JIYUE_TEMPLATES / template).exists()
    original = (WAGTAIL_TEMPLATES / template).read_text(encoding="utf-8")
    assert pinned in original


@pytest.mark.parametrize("template, blocks", sorted(BRANDING_BLOCKS.items()))
def test_branding_blocks_still_exist(template, blocks):
    original = (WAGTAIL_TEMPLATES / template).read_text(encoding="utf-8")
    for block in blocks:
        assert f"block {block}" in original

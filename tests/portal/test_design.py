"""Design rules checked on the stylesheet and the static error page (no database)."""

import re
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

CSS = Path(settings.BASE_DIR) / "jiyue" / "static" / "jiyue" / "portal.css"
COLOUR = re.compile(
    r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|rgba?\(|hsla?\(|\b(?:red|blue|white|black)\b(?!-)"
)


def luminance(hex_colour):
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_stylesheet_uses_at_most_three_colours():
    """rule: DESIGN-1 — one primary colour, three colours in total, all as variables."""
    css = CSS.read_text(encoding="utf-8")
    colours = {c.lower() for c in COLOUR.findall(css)}
    assert colours == {"#a4161a", "#1f1f1f", "#ffffff"}
    declared = dict(re.findall(r"--(primary|ink|paper):\s*(#[0-9a-fA-F]{6})", css))
    assert set(declared) == {"primary", "ink", "paper"}
    # Colours are used only through the three variables.
    outside_root = css.split("}", 1)[1]
    assert not COLOUR.search(outside_root)


def test_every_colour_pair_meets_wcag_aa_contrast():
    """rule: A11Y-5 — contrast ≥ 4.5:1 for every pair the stylesheet combines."""
    primary, ink, paper = "#a4161a", "#1f1f1f", "#ffffff"
    for foreground, background in ((ink, paper), (paper, primary), (primary, paper), (paper, ink)):
        assert contrast(foreground, background) >= 4.5


def test_stylesheet_has_visible_focus_skip_link_and_mobile_layout():
    """rule: A11Y-5 (focus, skip link), DESIGN-8 (narrow screens)."""
    css = CSS.read_text(encoding="utf-8")
    assert re.search(r":focus-visible\s*\{\s*outline: 3px solid", css)
    assert ".skip-link:focus" in css
    assert "@media (max-width: 40rem)" in css
    assert "@import" not in css and "url(" not in css  # no web fonts, nothing external


def test_server_error_page_needs_no_context():
    html = render_to_string("500.html")
    assert '<html lang="zh-Hans">' in html
    assert "服务暂时不可用" in html

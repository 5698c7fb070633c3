"""Each site's primary colour (HeaderSettings.colour) on the real stylesheet.

rule: DESIGN-1 — one primary colour per site: a theme class only redefines --primary;
rule: A11Y-5 — every choice keeps the contrast the stylesheet promises for the default
(paper on primary and primary on paper, 7:1 or more; test_design checks every pair the
templates combine, with the default).
"""

import tinycss2
import tinycss2.color3

from jiyue.portal.models import HEADER_COLOURS, HeaderColour, HeaderSettings

from .test_design import STATIC, contrast, declarations, parse_stylesheet

PORTAL_CSS = STATIC / "jiyue" / "portal.css"
PAPER = tinycss2.color3.parse_color("#ffffff")


def theme_rules():
    """``{"theme-red": {"--primary": "#a4161a"}, …}`` as written in portal.css."""
    found = {}
    for rule in parse_stylesheet(PORTAL_CSS):
        if rule.type != "qualified-rule":
            continue
        selector = tinycss2.serialize(rule.prelude).strip()
        if selector.startswith(".theme-"):
            found[selector[1:]] = {
                d.name: tinycss2.serialize(d.value).strip() for d in declarations(rule)
            }
    return found


def test_every_colour_choice_has_its_theme_class_redefining_only_the_primary():
    rules = theme_rules()
    assert set(rules) == {f"theme-{value}" for value in HeaderColour.values}
    for value in HeaderColour.values:
        assert rules[f"theme-{value}"] == {"--primary": HEADER_COLOURS[value]}


def test_every_colour_choice_contrasts_with_paper_as_the_default_does():
    for value in HeaderColour.values:
        primary = tinycss2.color3.parse_color(HEADER_COLOURS[value])
        assert contrast(primary, PAPER) >= 7, value


def test_theme_class_comes_from_the_setting():
    assert HeaderSettings(colour=HeaderColour.BLUE).theme_class == "theme-blue"
    assert HeaderSettings().theme_class == "theme-red"

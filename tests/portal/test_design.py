"""Design rules checked on the real stylesheets, the public templates and the error page.

No colour is copied into this file: the stylesheets in ``jiyue/static`` are parsed
(tinycss2), custom properties (``var(--primary)``) resolved, and the pairs of text colour
and background that really occur are found by matching every rule's selectors (cssselect2,
with specificity and source order, as a browser cascades) against the elements of the
public page templates (``jiyue/portal/templates``). Text colour is inherited; an element
without a background of its own shows its nearest ancestor's, and an include template's
top elements sit on the page's ``body``. Each element is checked at rest and in the
hover/focus state (rules with ``:hover``/``:focus``/``:focus-visible`` then apply), on
wide and narrow screens and in print (each ``@media`` block on top of the base rules).
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import cssselect2
import pytest
import tinycss2
import tinycss2.color3
from bs4 import BeautifulSoup, NavigableString
from django.conf import settings
from django.template.loader import render_to_string

STATIC = Path(settings.BASE_DIR) / "jiyue" / "static"
STYLESHEETS = sorted(STATIC.rglob("*.css"))
TEMPLATES = sorted((Path(settings.BASE_DIR) / "jiyue" / "portal" / "templates").rglob("*.html"))
# WCAG 2.0 AA (rule: A11Y-5): text 4.5:1; a focus outline must stand out from what it
# surrounds (WCAG 2.1 non-text contrast, 3:1).
TEXT_CONTRAST = 4.5
FOCUS_CONTRAST = 3.0
# User-action pseudo-classes: cssselect2 never matches them; the "hover/focus" state
# makes them match.
USER_ACTION = re.compile(r":(?:hover|focus-visible|focus-within|focus|active)\b")
FOCUSABLE = {"a", "button", "input", "select", "summary", "textarea"}
COLOUR_PROPERTIES = {"color": "color", "background": "background"}
COLOUR_PROPERTIES |= {"background-color": "background", "outline": "outline"}
COLOUR_PROPERTIES |= {"outline-color": "outline"}


def parse_stylesheet(path):
    return tinycss2.parse_stylesheet(
        path.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True
    )


def declarations(rule):
    return [
        d
        for d in tinycss2.parse_blocks_contents(rule.content, True, True)
        if d.type == "declaration"
    ]


def custom_properties(rules):
    """``{"--primary": [tokens]}`` declared anywhere (the stylesheet keeps them in :root)."""
    found = {}
    for rule in rules:
        if rule.type == "qualified-rule":
            for d in declarations(rule):
                if d.name.startswith("--"):
                    found[d.name] = d.value
        elif rule.type == "at-rule" and rule.content:
            found |= custom_properties(tinycss2.parse_rule_list(rule.content, True, True))
    return found


def substitute(tokens, properties):
    """``tokens`` with every ``var(--name)`` replaced by the property's tokens."""
    out = []
    for token in tokens:
        if token.type == "function" and token.lower_name == "var":
            name = tinycss2.serialize(token.arguments).split(",")[0].strip()
            out += substitute(properties[name], properties)
        else:
            out.append(token)
    return out


def colours_in(tokens, properties):
    """Colours (tinycss2 RGBA) written in a value, ``var()`` resolved (``properties``
    None: only colours written literally); ``currentColor`` and transparent left out."""
    found = []
    if properties is not None:
        tokens = substitute(tokens, properties)
    for token in tokens:
        if token.type in ("whitespace", "comment"):
            continue
        colour = tinycss2.color3.parse_color(token)
        if colour is not None and colour != "currentColor" and colour.alpha > 0:
            found.append(colour)
    return found


def hex_of(colour):
    return "#" + "".join(f"{round(c * 255):02x}" for c in colour[:3])


def luminance(colour):
    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@dataclass
class StyleRule:
    selectors: str
    colours: dict  # "color" / "background" / "outline" -> RGBA


def style_rules(rules, properties):
    """The rules that set a colour, and the ``@media`` blocks holding more of them."""
    base, media = [], {}
    for rule in rules:
        if rule.type == "qualified-rule":
            colours = {}
            for d in declarations(rule):
                kind = COLOUR_PROPERTIES.get(d.lower_name)
                found = colours_in(d.value, properties) if kind else []
                if found:
                    colours[kind] = found[-1]
            if colours:
                base.append(StyleRule(tinycss2.serialize(rule.prelude).strip(), colours))
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media":
            inner, _ = style_rules(tinycss2.parse_rule_list(rule.content, True, True), properties)
            media["@media " + tinycss2.serialize(rule.prelude).strip()] = inner
    return base, media


def matcher(rules, active):
    """A cssselect2 matcher over ``rules``; ``active``: user-action pseudo-classes match."""
    match = cssselect2.Matcher()
    for rule in rules:
        selectors = rule.selectors
        if active:
            # Same place in the selector and same specificity (0,1,0), but matching.
            selectors = USER_ACTION.sub(":not([data-never-set])", selectors)
        for selector in cssselect2.compile_selector_list(selectors):
            if selector.pseudo_element is None:
                match.add_selector(selector, rule.colours)
    return match


def element_tree(tag):
    """An ElementTree copy of a BeautifulSoup tag; ``text`` holds all its direct text."""
    attributes = {
        k: " ".join(v) if isinstance(v, list) else v
        for k, v in tag.attrs.items()
        if re.fullmatch(r"[a-zA-Z_:][-\w:.]*", k)
    }
    element = ET.Element(tag.name, attributes)
    element.text = "".join(str(c) for c in tag.children if type(c) is NavigableString)
    for child in tag.find_all(recursive=False):
        element.append(element_tree(child))
    return element


def template_root(path):
    """The template's elements; an include's top elements are put inside a ``body``."""
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", path.read_text(), flags=re.S)
    soup = BeautifulSoup(text, "html.parser")
    if soup.find("body") is None:
        wrapper = BeautifulSoup("<html><body></body></html>", "html.parser")
        for child in list(soup.contents):
            wrapper.body.append(child.extract())
        soup = wrapper
    return element_tree(soup.find("html") or soup.find("body"))


def visible_text(element):
    """Text a reader sees: literal text or a template variable/translation, not only tags."""
    text = re.sub(r"{%\s*(?!translate|trans\b|blocktranslate)[^%]*%}", "", element.text or "")
    return text.strip()


def focusable(wrapper):
    element = wrapper.etree_element
    return wrapper.local_name in FOCUSABLE or element.get("tabindex") is not None


def checked_pairs():
    """Every (template, element, situation, kind, foreground, background) found.

    ``kind`` is "text" (the element's own text on its background) or "focus" (its focus
    outline; the background is then a pair: the element's own and the one around it).
    """
    rules = [r for path in STYLESHEETS for r in parse_stylesheet(path)]
    properties = custom_properties(rules)
    base, media = style_rules(rules, properties)
    situations = {"screen": base} | {name: base + inner for name, inner in media.items()}
    pairs = []
    for template in TEMPLATES:
        root = cssselect2.ElementWrapper.from_html_root(template_root(template))
        for situation, situation_rules in situations.items():
            states = [("at rest", False), ("hover/focus", True)]
            if "print" in situation:  # nothing is hovered or focused on paper
                states = states[:1]
            for state, active in states:
                match = matcher(situation_rules, active)
                computed = {}
                for wrapper in root.iter_subtree():
                    parent = (
                        computed.get(id(wrapper.parent.etree_element)) if wrapper.parent else None
                    )
                    style = {
                        "color": parent["color"] if parent else None,
                        "background": parent["background"] if parent else None,
                        "shown": (parent and parent["shown"]) or wrapper.local_name == "body",
                    }
                    own = {}
                    for _specificity, _order, _pseudo, colours in match.match(wrapper):
                        own |= colours
                    style |= own
                    computed[id(wrapper.etree_element)] = style
                    if not style["shown"]:  # <head> and what is outside <body>
                        continue
                    where = (template.name, wrapper.etree_element, f"{situation}, {state}")
                    if visible_text(wrapper.etree_element) and style["color"]:
                        pairs.append((*where, "text", style["color"], style["background"]))
                    # The outline is drawn around the element (outline-offset): it is
                    # seen against the element's background and what surrounds it
                    # (the parent's, or another box when the element is positioned,
                    # like the skip link); it must stand out from one of them.
                    if active and "outline" in own and focusable(wrapper):
                        around = (parent and parent["background"]) or style["background"]
                        backgrounds = (style["background"], around)
                        pairs.append((*where, "focus", own["outline"], backgrounds))
    return pairs, properties


@pytest.fixture(scope="module")
def pairs():
    return checked_pairs()


def describe(element):
    classes = element.get("class")
    return element.tag + (f".{'.'.join(classes.split())}" if classes else "")


def test_stylesheet_uses_at_most_three_colours():
    """rule: DESIGN-1 — one primary colour, three colours in total, all as variables."""
    assert STYLESHEETS, "no stylesheet in jiyue/static"
    for path in STYLESHEETS:
        rules = parse_stylesheet(path)
        properties = custom_properties(rules)
        declared = {
            hex_of(c) for name, tokens in properties.items() for c in colours_in(tokens, {})
        }
        assert 1 <= len(declared) <= 3, (path.name, declared)
        # Outside the custom properties colours are only used through them.
        literal = []
        for rule in rules:
            blocks = [rule]
            if rule.type == "at-rule" and rule.content:
                blocks = tinycss2.parse_rule_list(rule.content, True, True)
            for block in blocks:
                if block.type != "qualified-rule":
                    continue
                for d in declarations(block):
                    if not d.name.startswith("--") and colours_in(d.value, None):
                        literal.append(f"{tinycss2.serialize(block.prelude).strip()} {d.name}")
        assert literal == [], f"{path.name}: colours not written as var(--…): {literal}"


def test_every_colour_pair_meets_wcag_aa_contrast(pairs):
    """rule: A11Y-5 — contrast ≥ 4.5:1 for every text/background pair the pages combine,
    and a focus outline that stands out (3:1) from the background around it."""
    found, properties = pairs
    failures = []
    for template, element, situation, kind, foreground, background in found:
        assert background is not None, f"{template}: {describe(element)} has no background"
        if kind == "text":
            ratio, needed, shown_on = contrast(foreground, background), TEXT_CONTRAST, background
        else:
            ratio = max(contrast(foreground, b) for b in background)
            needed, shown_on = FOCUS_CONTRAST, background[0]
        if ratio < needed:
            failures.append(
                f"{template} {describe(element)} ({situation}): {kind} {hex_of(foreground)} "
                f"on {hex_of(shown_on)} is {ratio:.1f}:1, needs {needed}:1"
            )
    assert failures == []
    # The check saw the stylesheet's palette at work: every declared colour was tested,
    # as text or as background, on every template that has visible text.
    palette = {hex_of(c) for tokens in properties.values() for c in colours_in(tokens, {})}
    used = {hex_of(f[4]) for f in found} | {hex_of(f[5]) for f in found if f[3] == "text"}
    assert palette <= used
    assert {f[0] for f in found} >= {"base.html", "header.html", "footer.html"}


def test_stylesheet_has_visible_focus_skip_link_and_mobile_layout():
    """rule: A11Y-5 (focus, skip link), DESIGN-8 (narrow screens)."""
    css = "\n".join(p.read_text(encoding="utf-8") for p in STYLESHEETS)
    assert re.search(r":focus-visible\s*\{\s*outline: 3px solid", css)
    assert ".skip-link:focus" in css
    assert "@media (max-width: 40rem)" in css
    assert "@import" not in css and "url(" not in css  # no web fonts, nothing external


def test_server_error_page_needs_no_context():
    html = render_to_string("500.html")
    assert '<html lang="zh-Hans">' in html
    assert "服务暂时不可用" in html

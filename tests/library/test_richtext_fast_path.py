"""The shortcut of :func:`jiyue.library.richtext.clean_rich_text` (rule: PLATFORM-7).

Bodies that are text plus bare, balanced, allowed tags skip the HTML parser. These
tests hold the shortcut to the full cleaning: whatever it accepts, Wagtail's cleaning
returns unchanged, and everything dangerous or unusual still goes through the parser.
"""

import random

import pytest

from jiyue.library import richtext
from jiyue.library.models import Resource

FEATURES = Resource._meta.get_field("body").features


def full_clean(html):
    key = tuple(FEATURES) if FEATURES is not None else None
    cleaned, _removals = richtext._converter(key).clean(html)
    return cleaned


PIECES = [
    "<p>",
    "</p>",
    "<h2>",
    "</h2>",
    "<ul>",
    "</ul>",
    "<li>",
    "</li>",
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<strong>",
    "</strong>",
    "<br/>",
    "<br>",
    "</br>",
    "<hr/>",
    "<P>",
    "<div>",
    "</div>",
    "  ",
    " \n",
    "\n\n",
    "<span>",
    "</span>",
    "<p/>",
    "通知如下",
    "text",
    " ",
    "\n",
    "\r\n",
    "\t",
    "\u2028",
    "\xa0",
    "\r",
    "\x00",
    "\x0b",
    "\x0c",
    "\x1f",
    "\x7f",
    "\x85",
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&#x27;",
    "&nbsp;",
    "&",
    "<",
    ">",
    '"',
    "'",
    "<!-- c -->",
    "<![CDATA[ x ]]>",
    "<script>",
    "</script>",
    '<a href="javascript:x">',
    "</a>",
    "<img src=x onerror=alert(1)>",
    "<p onclick=x>",
]


def test_what_the_shortcut_accepts_the_full_cleaning_leaves_unchanged():
    """rule: PLATFORM-7 — random mixes of tags, text, escapes and hostile markup."""
    rng = random.Random(20261128)
    accepted = 0
    for _ in range(4000):
        html = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
        if richtext.is_already_clean(html, FEATURES):
            accepted += 1
            assert full_clean(html) == html, html
        assert richtext.clean_rich_text(html, FEATURES) == full_clean(html), html
    assert accepted > 100  # the mix exercises the shortcut, not only the parser


@pytest.mark.parametrize(
    "html",
    [
        "<p>为推进工作，现就有关事项通知如下。</p>" * 3,
        "<h2>一、总体要求</h2><ul><li>甲</li><li>乙</li></ul><p>a<br/>b &amp; c</p>",
        "plain text",
    ],
)
def test_plain_bodies_take_the_shortcut(html):
    assert richtext.is_already_clean(html, FEATURES)
    assert richtext.clean_body(html) == html == full_clean(html)


@pytest.mark.parametrize(
    "html",
    [
        "<p>a<script>alert(1)</script></p>",
        '<p onclick="x">a</p>',
        "<p>a<img src=x onerror=alert(1)></p>",
        "<p><![CDATA[ a > <img src=x onerror=alert(1)> ]]></p>",
        "<p>a&nbsp;b</p>",
        "<p>unclosed",
        "<p>a</b>",
        "<br>",
        "<P>x</P>",
        "<svg><p>x</p></svg>",
        "<div>x</div>",
        "<p>a</p>\n\n<p>b</p>",
        'a "quoted" word',
    ],
)
def test_anything_else_goes_through_the_parser(html):
    assert not richtext.is_already_clean(html, FEATURES)
    assert richtext.clean_body(html) == full_clean(html)

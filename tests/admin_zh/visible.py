"""The text a person sees or hears on an admin page, for the language walk.

Scripts, styles, templates and SVG are left out; of the attributes only those a person
reads (title, placeholder, aria-label, alt, the value of a button) are kept. Uses the
standard library's html.parser, as the other HTML readers of the tests do.
"""

import re
from html.parser import HTMLParser

HIDDEN = {"script", "style", "template", "noscript", "svg"}
# Code samples (a command line, a file name) are data, not interface language.
HIDDEN |= {"code", "kbd", "samp"}
READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
BUTTON_TYPES = {"submit", "button", "reset"}


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = []
        self.chunks = []

    def handle_starttag(self, tag, attrs):
        if self.hidden:
            if tag == self.hidden[-1]:
                self.hidden.append(tag)
            return
        attrs = dict(attrs)
        if tag in HIDDEN or "hidden" in attrs:
            # An element with the hidden attribute is shown only once a script has
            # filled it (e.g. a side panel's counter).
            self.hidden.append(tag)
            return
        for name in READ_ATTRIBUTES:
            if attrs.get(name):
                self.chunks.append(attrs[name])
        if tag == "input" and attrs.get("type") in BUTTON_TYPES and attrs.get("value"):
            self.chunks.append(attrs["value"])

    def handle_startendtag(self, tag, attrs):
        if tag not in HIDDEN and "hidden" not in dict(attrs):
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if self.hidden and tag == self.hidden[-1]:
            self.hidden.pop()

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.chunks.append(data.strip())


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.chunks


# Things that are data, not interface language: e-mail addresses, host names and URLs,
# file names, rule IDs (META-2, DOMAIN-6 …; they begin error messages on purpose),
# identifiers with digits (index numbers ORG0003/2026-00001, UUIDs), a TOTP secret key
# in groups of four.
DATA = re.compile(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+"
    r"|(?:https?://)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:[/:?#][!-~]*)?"
    r"|(?:[A-Z2-7]{4} ){3,}[A-Z2-7]{1,4}"
    r"|[A-Za-z0-9-]*\d[A-Za-z0-9-]*"
)
WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]{2,}(?![A-Za-z])")


def english_words(chunk, allowed):
    """The English words of ``chunk`` outside ``allowed``."""
    return [w for w in WORD.findall(DATA.sub(" ", chunk)) if w not in allowed]

"""Small HTML readers for the portal tests (stdlib html.parser, as the validator uses)."""

from html.parser import HTMLParser


class ListItems(HTMLParser):
    """``(title, href, time text)`` of every ``<li>`` in ``<ul class="article-list">``."""

    def __init__(self):
        super().__init__()
        self.items = []
        self._in_list = 0
        self._current = None
        self._field = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul" and "article-list" in (attrs.get("class") or "").split():
            self._in_list += 1
        elif self._in_list and tag == "li":
            self._current = {"title": "", "href": None, "time": None}
        elif self._current is not None and tag == "a" and self._current["href"] is None:
            self._current["href"] = attrs.get("href")
            self._field = "title"
        elif self._current is not None and tag == "time":
            self._current["time"] = ""
            self._field = "time"

    def handle_endtag(self, tag):
        if tag in ("a", "time"):
            self._field = None
        elif tag == "li" and self._current is not None:
            self.items.append(self._current)
            self._current = None
        elif tag == "ul" and self._in_list:
            self._in_list -= 1

    def handle_data(self, data):
        if self._current is not None and self._field:
            self._current[self._field] += data


def list_items(html):
    parser = ListItems()
    parser.feed(html)
    return parser.items


class Region(HTMLParser):
    """The text inside the first element with a given tag (e.g. ``footer``)."""

    def __init__(self, tag):
        super().__init__()
        self.tag = tag
        self.depth = 0
        self.done = False
        self.text = []
        self.links = []

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if tag == self.tag:
            self.depth += 1
        if self.depth and tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag):
        if tag == self.tag and self.depth:
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data):
        if self.depth and not self.done:
            self.text.append(data)


def region(html, tag):
    """``(text, [hrefs])`` of the first ``<tag>`` element."""
    parser = Region(tag)
    parser.feed(html)
    return "".join(parser.text), parser.links

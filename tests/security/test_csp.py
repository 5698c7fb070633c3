"""Content-Security-Policy (内容安全策略): strict on public pages, workable in the admin.

rule: PLATFORM-7. django-csp sends the header; jiyue.security.middleware picks the
admin's policy below /admin/ (and Django's admin, the API's Swagger page).
"""

import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR) / "jiyue"
PUBLIC_TEMPLATES = [
    # The portal's admin screens (distribution, pending) are served under /admin/.
    *sorted(
        path
        for path in (ROOT / "portal" / "templates").rglob("*.html")
        if "admin" not in path.relative_to(ROOT / "portal" / "templates").parts[1:-1]
    ),
    *sorted((ROOT / "templates").rglob("*.html")),
    ROOT / "registry" / "templates" / "registry" / "platform_directory.html",
    ROOT / "registry" / "templates" / "registry" / "site_notice.html",
    ROOT / "security" / "templates" / "security" / "lockout.html",
]


def policy(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = set(words[1:])
    return directives


class Resources(HTMLParser):
    """Scripts, styles and inline code of a page."""

    def __init__(self):
        super().__init__()
        self.script_srcs, self.inline_scripts, self.stylesheets, self.images = [], [], [], []
        self.style_blocks = self.style_attributes = self.handlers = 0
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attributes += 1
        self.handlers += sum(1 for name in attrs if name.startswith("on"))
        if tag == "script":
            if attrs.get("src"):
                self.script_srcs.append(attrs["src"])
            elif attrs.get("type", "text/javascript") in {"text/javascript", "module", ""}:
                self._in_script = []
        elif tag == "style":
            self.style_blocks += 1
        elif tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])
        elif tag == "link" and "stylesheet" in (attrs.get("rel") or ""):
            self.stylesheets.append(attrs.get("href", ""))

    def handle_data(self, data):
        if self._in_script is not None:
            self._in_script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            if "".join(self._in_script).strip():
                self.inline_scripts.append("".join(self._in_script))
            self._in_script = None


def resources(response):
    parser = Resources()
    parser.feed(response.content.decode())
    return parser


def same_origin(url):
    return url.startswith("/") and not url.startswith("//")


def assert_strict(response):
    directives = policy(response)
    assert directives["default-src"] == {"'self'"}
    assert directives["script-src"] == {"'self'"}
    assert directives["style-src"] == {"'self'"}
    assert directives["object-src"] == {"'none'"}
    assert directives["frame-ancestors"] == {"'none'"}
    assert directives["base-uri"] == {"'self'"}
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    page = resources(response)
    # Everything the page loads is allowed by that policy.
    assert page.inline_scripts == []
    assert page.style_blocks == 0
    assert page.style_attributes == 0
    assert page.handlers == 0
    assert all(same_origin(src) for src in page.script_srcs + page.stylesheets)


def test_a_sites_public_page_gets_the_strict_policy_PLATFORM_7(client, online_site):
    response = client.get("/", HTTP_HOST="fgw.localhost")
    assert response.status_code == 200
    assert_strict(response)


def test_the_platform_directory_and_site_notices_keep_to_the_strict_policy(client, db):
    directory = client.get("/", HTTP_HOST="localhost")
    assert directory.status_code == 200
    assert_strict(directory)
    unknown = client.get("/", HTTP_HOST="nowhere.localhost")
    assert unknown.status_code == 404
    assert_strict(unknown)


def test_the_lockout_page_keeps_to_the_strict_styles(client, people):
    for _n in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/admin/login/", {"username": "editor-fgw", "password": "x"})
    assert response.status_code == 429
    page = resources(response)
    assert page.inline_scripts == [] and page.style_blocks == 0 and page.style_attributes == 0


def test_public_templates_hold_no_inline_script_or_style_PLATFORM_7():
    """The header alone would only make the browser drop them: keep them out of the files."""
    found = []
    for path in PUBLIC_TEMPLATES:
        text = path.read_text()
        for pattern in (r"<style", r"\sstyle=", r"<script(?![^>]*\ssrc=)", r"\son[a-z]+="):
            if re.search(pattern, text):
                found.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert found == []


def test_the_admin_works_under_its_policy_PLATFORM_7(client, people, online_site):
    """Every script and style an admin page uses is allowed by the admin's policy."""
    people.supervisor.email = "supervisor@beijing.gov.cn"  # would fetch a Gravatar
    people.supervisor.save()
    client.force_login(people.supervisor)
    home = online_site.wagtail_site.root_page
    for url in ["/admin/", f"/admin/pages/{home.pk}/edit/", "/admin/images/multiple/add/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        directives = policy(response)
        page = resources(response)
        assert page.script_srcs, url
        assert all(same_origin(src) for src in page.script_srcs + page.stylesheets), url
        assert all(same_origin(src) or src.startswith("data:") for src in page.images), url
        if page.inline_scripts:
            assert "'unsafe-inline'" in directives["script-src"], url
        if page.style_blocks or page.style_attributes:
            assert "'unsafe-inline'" in directives["style-src"], url
        # Live preview frames the admin's own preview view; nobody else may frame it.
        assert directives["frame-ancestors"] == {"'self'"}
        assert directives["frame-src"] == {"'self'"}
        assert "blob:" in directives["img-src"]  # previews of images being uploaded
        assert directives["object-src"] == {"'none'"}
        assert "'unsafe-eval'" not in directives["script-src"]


def test_the_page_edit_view_uses_inline_script_which_the_admin_policy_allows(
    client, people, online_site
):
    """Why the admin needs 'unsafe-inline': Wagtail 8's own edit view has inline script."""
    client.force_login(people.supervisor)
    home = online_site.wagtail_site.root_page
    response = client.get(f"/admin/pages/{home.pk}/edit/")
    page = resources(response)
    assert page.inline_scripts or page.style_attributes


def test_the_api_page_gets_the_admin_policy(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "'unsafe-inline'" in policy(response)["style-src"]

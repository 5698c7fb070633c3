"""Everything an editor, a reviewer and the supervisor see in the admin is Chinese (issue 8).

The walk signs in as each of them, starts from the admin's own menu (read from the
sidebar, so a new menu entry is walked without a change here) plus the screens a menu
does not reach (add and edit forms, the review screens of an item in review), follows
the admin links of every page it reaches, and reads the visible text of each (see
``visible.py``). A test fails on any English word outside ``ALLOWED``.
"""

import datetime
import re
from collections import deque

import pytest
from django.contrib.auth import get_user_model
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone, translation
from django.utils.translation import gettext

from .visible import english_words, visible_text

# Words that may appear, each with its reason.
ALLOWED = {
    # Names and standard abbreviations an official reads as they are.
    "Jiyue": "the product's name beside 集约",
    "API": "the 数据接口 is called API in Chinese government documents too",
    "RSS": "the name of the feed format",
    "URL": "as in 网址（URL）",
    "ICP": "ICP 备案, the filing's official name",
    "ID": "as in 网站标识码 ID",
    "CSV": "file format names in export buttons",
    "XLSX": "file format names in export buttons",
    "TOTP": "the second factor's standard name",
    "GB": "national standard numbers (GB/T 2260, GB18030)",
    "GBK": "the name of an encoding, offered beside UTF-8 for the inventory import",
    # Image and file formats and sizes, as Wagtail's upload forms name them.
    "AVIF": "image format",
    "GIF": "image format",
    "JPG": "image format",
    "JPEG": "image format",
    "PNG": "image format",
    "WEBP": "image format",
    "MB": "file size unit",
    # Wagtail 8 writes this word into its templates without gettext (a screen-reader-only
    # submit button of the search boxes in shared/header.html and home.html).
    "Search": "hard-coded, untranslatable, screen-reader only, in Wagtail's header search",
}

# Never fetched: they end the session, answer JSON or act on GET.
SKIP = re.compile(
    r"^/admin/(logout|jsi18n|api|login|password_reset)/"
    r"|/(choose|chooser|chosen|usage/results|autocomplete|preview|workflow/preview)/?"
    r"|/(export|download|serve|csv|xlsx)\b"
)
MAX_PAGES = 120


def sidebar_urls(html):
    match = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, "the admin's sidebar is missing"
    return [url for url in re.findall(r'"url": "([^"]+)"', match.group(1))]


def admin_links(html):
    for href in re.findall(r'href="(/admin/[^"#]*)', html):
        yield href.replace("&amp;", "&").split("?")[0]


def shape(path):
    """One page of each kind is enough: ids do not change the language."""
    return re.sub(r"/\d+/", "/N/", path)


def walk(client, start, data_words):
    """Visit admin pages from ``start`` breadth-first; return {path: [english chunks]}."""
    queue = deque(start)
    seen, found, shapes = set(), {}, set()
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or SKIP.search(path) or shape(path) in shapes:
            continue
        seen.add(path)
        shapes.add(shape(path))
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        allowed = set(ALLOWED) | data_words
        leaks = [chunk for chunk in visible_text(html) if english_words(chunk, allowed)]
        if leaks:
            found[path] = leaks
        queue.extend(admin_links(html))
    return found, seen


def report(found):
    return "\n".join(
        f"{path}:\n" + "\n".join(f"    {chunk[:160]!r}" for chunk in chunks)
        for path, chunks in sorted(found.items())
    )


def data_words_of(city):
    """The fixture's user names (fgw_editor, admin …): data, not interface language."""
    return {
        word
        for username in get_user_model().objects.values_list("username", flat=True)
        for word in re.findall(r"[A-Za-z]{2,}", username)
    }


def library_start(city):
    start = []
    for resource in (city.live_policy, city.in_review, city.interpretation):
        opts = resource._meta
        base = f"/admin/snippets/{opts.app_label}/{opts.model_name}/"
        start += [base, f"{base}add/", f"{base}edit/{resource.pk}/"]
        start += [f"{base}history/{resource.pk}/", f"{base}inspect/{resource.pk}/"]
    return start


def test_department_editor_sees_only_chinese(admin_city, client):
    """The fgw editor walks the dashboard, explorer, library, review, distribution, 待接收,
    reports and account, with a browser asking for English (Accept-Language: en-US)."""
    client.force_login(admin_city.fgw_editor)
    dashboard = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    start = ["/admin/", *sidebar_urls(dashboard), *library_start(admin_city)]
    start += [
        f"/admin/pages/{admin_city.fgw_home.pk}/",
        f"/admin/pages/{admin_city.fgw_policies.pk}/edit/",
    ]
    found, seen = walk(
        client, [u for u in start if u.startswith("/admin/")], data_words_of(admin_city)
    )
    assert len(seen) > 30, sorted(seen)
    assert not found, "English in the editor's admin:\n" + report(found)


def test_reviewer_sees_only_chinese(admin_city, client):
    """A reviewer (初审) opens the item in review and the workflow reports."""
    reviewer = next(iter(admin_city.reviewers.values()))
    client.force_login(reviewer)
    dashboard = client.get("/admin/").content.decode()
    start = ["/admin/", *sidebar_urls(dashboard), *library_start(admin_city)]
    found, _seen = walk(
        client, [u for u in start if u.startswith("/admin/")], data_words_of(admin_city)
    )
    assert not found, "English in the reviewer's admin:\n" + report(found)


def test_supervisor_sees_only_chinese(admin_city, client):
    """The supervisor walks the registry, inventory, merge plan, audit and reports."""
    client.force_login(admin_city.supervisor)
    dashboard = client.get("/admin/").content.decode()
    start = ["/admin/", *sidebar_urls(dashboard)]
    found, seen = walk(
        client, [u for u in start if u.startswith("/admin/")], data_words_of(admin_city)
    )
    assert any(path.startswith("/admin/registry/") for path in seen), sorted(seen)
    assert not found, "English in the supervisor's admin:\n" + report(found)


@pytest.mark.parametrize(
    "msgid",
    [
        "%(model_name)s '%(object)s' has been submitted for moderation.",
        "%(model_name)s '%(object)s' updated and published.",
        "New: %(model_name)s",
        "%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s",
    ],
)
def test_wagtail_strings_missing_from_its_catalogue_are_chinese(msgid):
    """Messages seen only after an action: Jiyue's catalogue fills Wagtail's gaps."""
    with translation.override("zh-hans"):
        text = re.sub(r"%\(\w+\)s", "", gettext(msgid))
    assert text and not english_words(text, set())


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/password_reset/"])
def test_login_and_password_reset_are_chinese(db, client, path):
    """Before signing in, with a browser asking for English."""
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    leaks = [
        chunk
        for chunk in visible_text(response.content.decode())
        if english_words(chunk, set(ALLOWED))
    ]
    assert not leaks


def test_relative_times_are_chinese():
    """Wagtail shows workflow steps as "41 seconds ago" through Django's humanize, whose
    catalogue is loaded only when django.contrib.humanize is installed."""
    with translation.override("zh-hans"):
        shown = naturaltime(timezone.now() - datetime.timedelta(seconds=41))
    assert "41" in shown
    assert not english_words(shown, set())

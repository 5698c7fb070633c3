#!/usr/bin/env python3
"""Screenshots of a running ``make run`` for the README (docs/img/).

Takes the portal (门户网站), a department site (部门网站), a detail page (详情页) and an
editor's dashboard (编辑工作台), each at desktop (1366×900) and mobile (390×844) size,
with Debian's Chromium driven by Playwright:

    make run                                   # in one terminal
    .venv/bin/python scripts/screenshots.py     # in another; --port, --out, --full-page

Chromium resolves ``*.localhost`` to the loopback address by itself, so the demo's
sites need no DNS entries. The detail page is the first item linked from the
department site's home page. Nothing is written to the database except the editor's
login session.
"""

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SIZES = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "mobile": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}
PORTAL_HOST = "www.localhost"
DEPARTMENT_HOST = "fgw.localhost"
EDITOR = ("editor-fgw", "jiyue-demo")
DETAIL_PATH = re.compile(r"^/content/\d+/$")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000, help="make run's port (8000)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="docs/img")
    parser.add_argument("--full-page", action="store_true", help="the whole page, not one screen")
    parser.add_argument("--chromium", default=CHROMIUM, help=CHROMIUM)
    return parser.parse_args(argv)


def detail_url(page, base):
    """The first detail page (/content/<id>/) linked from the page open in ``page``."""
    for href in page.locator("a[href]").evaluate_all("links => links.map(a => a.href)"):
        if DETAIL_PATH.match(urlsplit(href).path):
            return href
    raise SystemExit(f"no detail page is linked from {base}")


def sign_in(page, base, username, password):
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def main(argv=None):
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    base = {host: f"http://{host}:{args.port}" for host in (PORTAL_HOST, DEPARTMENT_HOST)}
    admin = f"http://localhost:{args.port}"
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        try:
            for size, options in SIZES.items():
                context = browser.new_context(locale="zh-CN", **options)
                page = context.new_page()

                def shot(name, url, page=page, size=size):
                    page.goto(url, wait_until="networkidle")
                    path = args.out / f"{name}-{size}.png"
                    page.screenshot(path=str(path), full_page=args.full_page)
                    written.append(path)

                shot("portal", base[PORTAL_HOST] + "/")
                shot("department-site", base[DEPARTMENT_HOST] + "/")
                shot("detail-page", detail_url(page, base[DEPARTMENT_HOST]))
                sign_in(page, admin, *EDITOR)
                shot("editor-dashboard", admin + "/admin/")
                context.close()
        except PlaywrightError as exc:
            print(f"error: {exc}\nIs `make run` serving on port {args.port}?", file=sys.stderr)
            return 1
        finally:
            browser.close()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

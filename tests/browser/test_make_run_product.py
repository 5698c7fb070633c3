"""`make run` is the product on its embedded defaults (issue 8 items 9, 11, 12), seen
through the real server and a real browser."""

from urllib.parse import urlsplit

import pytest

from .test_publish_through_review import sign_in, status_of

pytestmark = pytest.mark.browser


def test_unknown_path_gets_the_sites_chinese_404_page_not_a_debug_page(demo_server, new_context):
    page = new_context().new_page()
    response = page.goto(demo_server.url("fgw.localhost", "/no-such-page/"))
    assert response.status == 404
    assert page.locator("h1").inner_text().strip() == "页面未找到"
    body = page.content()
    assert "URLconf" not in body and "DEBUG = True" not in body
    # The site's own header and navigation stay, so the reader can go on.
    assert page.get_by_role("link", name="首页").count() >= 1


@pytest.mark.parametrize(
    "host", ["localhost", "www.localhost", "fgw.localhost", "nowhere.localhost"]
)
def test_favicon_answers_on_every_host(demo_server, host):
    assert status_of(demo_server.url(host, "/favicon.ico")) == 200


def test_api_docs_work_offline_under_the_csp(demo_server, new_context):
    """Swagger UI comes from the server itself: no request leaves it, no CSP report."""
    page = new_context().new_page()
    foreign, refused = [], []
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if not (urlsplit(request.url).hostname or "").endswith("localhost")
            and not request.url.startswith(("data:", "blob:"))
            else None
        ),
    )
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(demo_server.url(path="/api/v1/docs"))
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Jiyue API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock").first.wait_for()
    assert foreign == []
    assert refused == []


def test_view_live_names_the_servers_port(demo_server, new_context):
    """The admin's live links (查看已发布页面, "View live") open the pages on this server."""
    editor = sign_in(new_context, demo_server, "editor-fgw")
    # The dashboard's site summary links to the site's pages in the explorer.
    explorer = editor.locator("main a[href^='/admin/pages/']").first.get_attribute("href")
    editor.goto(demo_server.url(path=explorer))
    hrefs = editor.locator("a[href]").evaluate_all("links => links.map(a => a.href)")
    live = [h for h in hrefs if (urlsplit(h).hostname or "").endswith(".localhost")]
    assert live, f"no live link on {editor.url}"
    for href in live:
        assert urlsplit(href).port == demo_server.port, href
        assert status_of(href) == 200, href


def test_load_demo_output_is_short(demo_server):
    """No line per page and revision created (issue 8 item 12): the URLs and logins."""
    output = demo_server.load_output
    assert "Published:" not in output and "Page created:" not in output
    assert f"http://fgw.localhost:{demo_server.port}/" in output
    assert "editor-fgw" in output
    assert len(output.splitlines()) < 40

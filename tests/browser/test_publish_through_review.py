"""A department's policy and its interpretation, from the editor through review to the
sites, in a real browser (issue 8, quality bar; rule: INTERP-1, LIB-1, LIB-3).

The department editor (editor-fgw) creates a policy (政策文件) that needs interpretation
and its interpretation (政策解读) in the admin, typing the bodies into Draftail, and
submits both to the review workflow. Each of the four reviewers (初审, 复审, 保密审查,
签发) approves both from their dashboard's review list. Then a reader finds both on the
department's own site (its 政策文件 column and the policy's 相关解读 link) and on a
district's 上级文件 column, and every link on those pages answers 200.
"""

import http.client
import re
import secrets
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEPARTMENT_EDITOR = "editor-fgw"
DEPARTMENT_HOST = "fgw.localhost"
DISTRICT_HOST = "www.bjhd.localhost"


def sign_in(new_context, server, username, password="jiyue-demo"):
    page = new_context().new_page()
    page.goto(server.url(path="/admin/login/"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def type_into_draftail(page, field_name, text):
    """Draftail ignores keyboard.type for Chinese; press_sequentially types into it."""
    editor = page.locator(
        f"[data-field-input]:has(input[name={field_name}]) [contenteditable=true]"
    )
    if editor.count() == 0:
        editor = page.locator("[contenteditable=true]")
    editor.first.click()
    editor.first.press_sequentially(text)


def submit_for_review(page):
    """The footer's 更多动作 menu → 提交给信息发布审核; returns the success message."""
    page.get_by_role("button", name="更多动作").click()
    page.locator("button[name=action-submit]").click()
    page.wait_for_load_state()
    return page.locator(".messages").inner_text()


def choose_policy(page, title):
    """The interpretation's policy: a select today, a chooser with search (issue 8 item 19)."""
    select = page.locator("select[name=policy]")
    if select.count():
        select.select_option(label=title)
        return
    page.locator("#id_policy-chooser .unchosen [data-chooser-action-choose]").click()
    modal = page.locator(".modal")
    # The stock chooser search does not segment Chinese; the title's ASCII tag is a token.
    modal.locator("input[name=q]").fill(title.rsplit("（", 1)[-1].rstrip("）"))
    modal.get_by_role("link", name=title).click()
    expect(page.locator("#id_policy-chooser [data-chooser-title]")).to_have_text(title)


def approve(page, title):
    """Approve ``title`` from the dashboard's 等待你的审查 list (its edit view's 批准)."""
    page.goto(page.url.split("/admin/")[0] + "/admin/")
    listed = page.get_by_role("link", name=title, exact=True)
    assert listed.count(), (
        f"{title} is not awaiting review on the dashboard: " + page.locator("main").inner_text()
    )
    listed.first.click()
    page.get_by_role("button", name="更多动作").click()
    page.locator(
        "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
    ).click()
    page.wait_for_load_state()
    return page.locator(".messages").inner_text()


def internal_links(page, port):
    """Absolute URLs of the page's links to this installation (other hosts are not ours)."""
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.href)")
    urls = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme in ("http", "https") and (parts.hostname or "").endswith("localhost"):
            assert parts.port == port, f"{href}: link without the server's port"
            urls.append(href.split("#", 1)[0])
    return sorted(set(urls))


def status_of(url):
    """The status ``url`` answers with, asked of 127.0.0.1 with the URL's Host header.

    Not through Playwright's request API: it resolves names with the system resolver,
    which (unlike Chromium) does not know that ``*.localhost`` is the loopback address.
    Redirects are not followed: a link must answer 200 itself.
    """
    parts = urlsplit(url)
    connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=30)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path or "/", headers={"Host": parts.netloc})
        return connection.getresponse().status
    finally:
        connection.close()


def assert_every_link_answers_200(page, port):
    for url in internal_links(page, port):
        status = status_of(url)
        assert status == 200, f"{page.url} links to {url}: {status}"


def test_department_policy_and_interpretation_reach_the_sites_through_review(
    demo_server, new_context
):
    tag = secrets.token_hex(3)
    policy_title = f"关于推进算力基础设施建设的若干措施（{tag}）"
    interpretation_title = f"《关于推进算力基础设施建设的若干措施》政策解读（{tag}）"

    # --- The department editor writes both and submits them to review.
    editor = sign_in(new_context, demo_server, DEPARTMENT_EDITOR)
    editor.goto(demo_server.url(path="/admin/snippets/library/policyresource/add/"))
    editor.fill("#id_title", policy_title)
    editor.fill("#id_summary", "推进本市算力基础设施建设的十项措施。")
    type_into_draftail(editor, "body", "为推进本市算力基础设施建设，现提出以下措施。")
    editor.fill("#id_doc_no", f"京发改〔2026〕{int(tag, 16) % 1000}号")
    editor.fill("#id_issuing_organ", "北京市发展和改革委员会")
    editor.fill("#id_written_date", "2026-11-20")
    # A click on the box can land while Draftail still moves the layout: tick it in place.
    needs_interpretation = editor.locator("#id_needs_interpretation")
    needs_interpretation.evaluate("box => { if (!box.checked) box.click(); }")
    assert needs_interpretation.is_checked()
    assert policy_title in submit_for_review(editor)

    editor.goto(demo_server.url(path="/admin/snippets/library/interpretationresource/add/"))
    editor.fill("#id_title", interpretation_title)
    editor.fill("#id_summary", "解读算力基础设施建设十项措施的背景和要点。")
    type_into_draftail(editor, "body", "一、制定背景。二、主要内容。三、适用范围。")
    choose_policy(editor, policy_title)
    editor.locator("select[name=interpretation_form]").select_option(label="文字")
    assert interpretation_title in submit_for_review(editor)

    # --- Each reviewer approves both: the interpretation first (it waits for its policy
    # at the last step), then the policy, whose sign-off publishes both (INTERP-1).
    assert [step for step, _user in demo_server.reviewers] == ["初审", "复审", "保密审查", "签发"]
    for _step, username in demo_server.reviewers:
        reviewer = sign_in(new_context, demo_server, username)
        for title in (interpretation_title, policy_title):
            message = approve(reviewer, title)
            assert title in message

    # Wagtail's workflow notifications went into var/mail/ (make run's mail), not to an
    # SMTP server that is not there (issue 8 item 11).
    mails = list((demo_server.var_dir / "mail").glob("*.log"))
    assert mails, "no workflow notification was written to var/mail/"
    server_log = (demo_server.var_dir / "server.log").read_text()
    assert "ConnectionRefusedError" not in server_log and "SMTP" not in server_log

    # --- A reader finds both on the department's own site, then on a district's
    # 上级文件 column.
    reader = new_context().new_page()
    find_on_department_site(reader, demo_server, policy_title, interpretation_title)
    find_on_district_column(reader, demo_server, policy_title, interpretation_title)


def open_policy_and_its_interpretation(reader, server, policy_title, interpretation_title):
    """From a column list: the policy's page, then its 相关解读 link; all links answer."""
    assert_every_link_answers_200(reader, server.port)
    reader.get_by_role("link", name=policy_title).first.click()
    assert reader.locator("h1").inner_text().strip() == policy_title
    assert_every_link_answers_200(reader, server.port)
    reader.get_by_role("link", name=interpretation_title).first.click()
    assert reader.locator("h1").inner_text().strip() == interpretation_title
    assert_every_link_answers_200(reader, server.port)


def find_on_department_site(reader, server, policy_title, interpretation_title):
    reader.goto(server.url(DEPARTMENT_HOST, "/"))
    reader.get_by_role("navigation").get_by_role("link", name="政策文件").first.click()
    # Waits for issue 8 item 1: a published item lands in its owner site's column.
    listed = reader.get_by_role("link", name=policy_title)
    assert listed.count() >= 1, f"{policy_title} is not listed on {reader.url}"
    open_policy_and_its_interpretation(reader, server, policy_title, interpretation_title)
    assert urlsplit(reader.url).hostname == DEPARTMENT_HOST


def find_on_district_column(reader, server, policy_title, interpretation_title):
    reader.goto(server.url(DISTRICT_HOST, "/"))
    reader.get_by_role("navigation").get_by_role("link", name="政策文件").first.click()
    reader.get_by_role("link", name="上级文件").first.click()
    listed = reader.get_by_role("link", name=policy_title)
    assert listed.count() >= 1, f"{policy_title} is not listed on {reader.url}"
    open_policy_and_its_interpretation(reader, server, policy_title, interpretation_title)

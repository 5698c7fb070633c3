"""The admin carries Jiyue's name and mark and its own user guide (issue 8 item 7)."""

import re

import pytest
from django.contrib.staticfiles import finders

from .visible import visible_text

pytestmark = pytest.mark.django_db

WAGTAIL_GUIDE = "guide.wagtail.org"


def test_admin_pages_are_titled_jiyue_not_wagtail(admin_city, client):
    client.force_login(admin_city.fgw_editor)
    html = client.get("/admin/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.strip().endswith("集约"), title
    assert "Wagtail" not in title


def test_sidebar_shows_jiyues_mark(admin_city, client):
    client.force_login(admin_city.fgw_editor)
    html = client.get("/admin/").content.decode()
    branding = re.search(
        r"<template data-wagtail-sidebar-branding-logo>(.*?)</template>", html, re.S
    )
    assert branding and "jiyue/mark.svg" in branding.group(1)
    assert finders.find("jiyue/mark.svg"), "the mark is not a static file"


def test_login_page_says_jiyue_and_shows_its_mark(client):
    html = client.get("/admin/login/").content.decode()
    text = " ".join(visible_text(html))
    assert "登录集约" in text
    assert "Wagtail" not in text
    assert "jiyue/mark.svg" in html


def test_help_menu_and_dashboard_point_to_jiyues_guide_not_wagtails(admin_city, client):
    client.force_login(admin_city.fgw_editor)
    html = client.get("/admin/").content.decode()
    assert "/admin/guide/" in html
    assert WAGTAIL_GUIDE not in html


@pytest.mark.parametrize("role", ["fgw_editor", "reviewer", "supervisor"])
def test_user_guide_answers_offline_in_chinese_for_every_role(admin_city, client, role):
    user = {
        "fgw_editor": admin_city.fgw_editor,
        "reviewer": next(iter(admin_city.reviewers.values())),
        "supervisor": admin_city.supervisor,
    }[role]
    client.force_login(user)
    response = client.get("/admin/guide/")
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("一、编辑", "二、审核人员", "三、主管单位"):
        assert f"<h2>{heading}</h2>" in html
    # Nothing is loaded from the internet: no absolute http(s) source or stylesheet.
    assert not re.search(r'(src|href)="https?://', html)


def test_user_guide_needs_a_login(client):
    response = client.get("/admin/guide/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]

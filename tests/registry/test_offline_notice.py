"""Taking a site offline for a planned period (临时下线, rule: SITE-6; issue 8 item 14).

The offline application asks for the planned period; the notice page readers get
while the site is offline shows the planned return date and links to the portal above
the site, and Retry-After names that date.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_http_date

from jiyue.registry import lifecycle
from jiyue.registry.models import ApplicationKind, SiteApplication, SiteStatus

from .factories import complete_checklist


def reload(obj):
    obj.refresh_from_db()
    return obj


@pytest.fixture
def online_fgw(tree, fgw_site):
    application = lifecycle.submit_application(
        tree.fgw_staff, fgw_site, ApplicationKind.OPEN, "开设部门网站"
    )
    lifecycle.decide(tree.supervisor, application, True, "同意")
    complete_checklist(reload(fgw_site))
    lifecycle.go_live(tree.fgw_staff, fgw_site)
    return reload(fgw_site)


def take_offline(tree, site, until):
    application = lifecycle.submit_application(
        tree.fgw_staff,
        site,
        ApplicationKind.OFFLINE,
        "网站改版",
        offline_from=timezone.localdate(),
        offline_until=until,
    )
    lifecycle.decide(tree.supervisor, application, True, "同意")
    assert reload(site).status == SiteStatus.OFFLINE
    return application


def test_offline_notice_shows_the_planned_return_date_and_links_to_the_portal_SITE_6(
    tree, online_fgw, client
):
    until = timezone.localdate() + datetime.timedelta(days=10)
    take_offline(tree, online_fgw, until)
    response = client.get("/any/page/", HTTP_HOST="fgw.localhost")
    assert response.status_code == 503
    body = response.content.decode()
    assert f"{until.year}年{until.month}月{until.day}日" in body
    assert "恢复访问" in body
    # The portal above a city department's site is the city portal.
    assert (
        f'href="//{tree.city_portal.primary_domain.replace("beijing.gov.cn", "localhost")}/"'
        in body
    )
    assert tree.city_portal.name in body
    retry = parse_http_date(response["Retry-After"])
    assert datetime.datetime.fromtimestamp(retry, timezone.get_current_timezone()).date() == until


def test_offline_application_form_asks_for_the_planned_period(tree, online_fgw):
    client = Client()
    client.force_login(tree.fgw_staff)
    add_url = reverse("registry_applications:add")
    form = client.get(add_url).content.decode()
    assert 'name="offline_from"' in form and 'name="offline_until"' in form
    response = client.post(
        add_url, {"kind": "offline", "site": online_fgw.pk, "reason": "网站改版"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "请填写计划下线日期" in body and "请填写计划恢复日期" in body
    assert not SiteApplication.objects.filter(kind="offline").exists()

    today = timezone.localdate()
    response = client.post(
        add_url,
        {
            "kind": "offline",
            "site": online_fgw.pk,
            "reason": "网站改版",
            "offline_from": (today + datetime.timedelta(days=5)).isoformat(),
            "offline_until": (today + datetime.timedelta(days=2)).isoformat(),
        },
    )
    assert "计划恢复日期不能早于计划下线日期" in response.content.decode()
    assert not SiteApplication.objects.filter(kind="offline").exists()

    until = today + datetime.timedelta(days=7)
    response = client.post(
        add_url,
        {
            "kind": "offline",
            "site": online_fgw.pk,
            "reason": "网站改版",
            "offline_from": today.isoformat(),
            "offline_until": until.isoformat(),
        },
    )
    assert response.status_code == 302
    application = SiteApplication.objects.get(kind="offline")
    assert (application.offline_from, application.offline_until) == (today, until)


def test_a_return_date_in_the_past_is_refused(tree, online_fgw):
    with pytest.raises(ValidationError) as raised:
        lifecycle.submit_application(
            tree.fgw_staff,
            online_fgw,
            ApplicationKind.OFFLINE,
            "维护",
            offline_until=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert "计划恢复日期不能早于今天" in str(raised.value)

"""The library API: anonymous read of published only, write only with a valid token."""

import pytest

from jiyue.library.models import ApiToken, Resource, ResourceType
from jiyue.portal import services as portal

URL = "/api/v1/resources/"


@pytest.fixture(autouse=True)
def api_urls(settings):
    settings.ROOT_URLCONF = "tests.library.urls"
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "SiteStatusMiddleware" not in m]


def test_anonymous_list_shows_published_only(city, client):
    city.published(title="已发布政策", resource_type=ResourceType.POLICY)
    city.draft(title="草稿政策")
    data = client.get(URL).json()
    assert [i["title"] for i in data["items"]] == ["已发布政策"]
    assert data["count"] == 1
    item = data["items"][0]
    assert item["source_org"] == city.fgw.name
    import re

    assert re.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", item["pub_date"])  # META-7


def test_draft_never_leaks_by_id_even_with_token(city, client):
    draft = city.draft(title="草稿")
    _token, key = ApiToken.issue(city.fgw, "OA系统")
    assert client.get(f"{URL}{draft.pk}").status_code == 404
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get(f"{URL}{draft.pk}", headers=headers).status_code == 404
    live = city.published(title="已发布")
    detail = client.get(f"{URL}{live.pk}").json()
    assert detail["title"] == "已发布" and "body" in detail


def test_live_resource_with_unpublished_edit_shows_live_content(city, client):
    live = city.published(title="线上标题")
    draft = live.get_latest_revision_as_object()
    draft.title = "尚未审核的标题"
    draft.save_revision()
    assert client.get(f"{URL}{live.pk}").json()["title"] == "线上标题"


def test_filters_column_type_org_theme_and_date(city, client):
    import datetime

    from django.utils import timezone

    a = city.published(title="甲", resource_type=ResourceType.POLICY, theme=city.sub_theme)
    b = city.published(title="乙", resource_type=ResourceType.NEWS)
    city.published(title="旧", pub_date=timezone.now() - datetime.timedelta(days=400))
    portal.place(a, city.fgw_policies, city.fgw_editor)
    assert [
        i["title"] for i in client.get(URL, {"column": city.fgw_policies.pk}).json()["items"]
    ] == ["甲"]
    news = [i["title"] for i in client.get(URL, {"type": "news"}).json()["items"]]
    assert news == ["乙", "旧"]  # newest first
    assert client.get(URL, {"organization": city.district.pk}).json()["count"] == 0
    assert [i["title"] for i in client.get(URL, {"theme": city.theme.pk}).json()["items"]] == ["甲"]
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    titles = [i["title"] for i in client.get(URL, {"date_from": since}).json()["items"]]
    assert "旧" not in titles and "甲" in titles
    site = [i["title"] for i in client.get(URL, {"site": city.district_site.pk}).json()["items"]]
    assert site == []
    assert client.get(URL, {"site": city.fgw_site.pk}).json()["count"] == 3
    assert b


def test_pagination(city, client):
    for i in range(5):
        city.published(title=f"第{i}条")
    data = client.get(URL, {"page": 2, "page_size": 2}).json()
    assert data["count"] == 5 and len(data["items"]) == 2
    assert client.get(URL, {"page_size": 1000}).status_code == 422


def payload(city, **extra):
    data = {
        "resource_type": "notice",
        "title": "关于开展安全检查的通知",
        "source_org_id": city.fgw.pk,
        "owner_site_id": city.fgw_site.pk,
        "summary": "摘要",
        "body": "<p>正文</p>",
        "theme_code": "02",
    }
    data.update(extra)
    return data


def test_write_requires_valid_token(city, client):
    assert client.post(URL, payload(city), content_type="application/json").status_code == 401
    bad = {"Authorization": "Bearer not-a-token"}
    assert (
        client.post(URL, payload(city), content_type="application/json", headers=bad).status_code
        == 401
    )
    token, key = ApiToken.issue(city.fgw, "OA系统")
    token.revoked = True
    token.save()
    headers = {"Authorization": f"Bearer {key}"}
    assert (
        client.post(
            URL, payload(city), content_type="application/json", headers=headers
        ).status_code
        == 401
    )
    assert not Resource.objects.exists()


def test_write_creates_a_draft_that_goes_to_review(city, client):
    _token, key = ApiToken.issue(city.fgw, "OA系统")
    headers = {"Authorization": f"Bearer {key}"}
    response = client.post(URL, payload(city), content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    resource = Resource.objects.get(pk=response.json()["id"])
    assert not resource.live
    assert resource.get_latest_revision() is not None
    assert resource.theme.code == "02"
    assert client.get(f"{URL}{resource.pk}").status_code == 404  # still a draft
    assert resource.get_workflow() is not None


def test_write_is_limited_to_the_tokens_organization(city, client):
    _token, key = ApiToken.issue(city.fgw, "OA系统")
    headers = {"Authorization": f"Bearer {key}"}
    response = client.post(
        URL,
        payload(city, source_org_id=city.district.pk, owner_site_id=city.district_site.pk),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"source_org_id", "owner_site_id"}
    assert "来源机构" in response.json()["errors"][0]["message"]
    assert not Resource.objects.exists()


def test_write_bad_input_gets_chinese_messages(city, client):
    _token, key = ApiToken.issue(city.fgw, "OA系统")
    headers = {"Authorization": f"Bearer {key}"}
    response = client.post(
        URL,
        payload(city, resource_type="interpretation", theme_code="99"),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert any("主题分类" in e["message"] for e in response.json()["errors"])
    response = client.post(
        URL,
        payload(city, resource_type="interpretation"),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert any("INTERP-2" in e["message"] for e in response.json()["errors"])

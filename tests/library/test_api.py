"""The library API: anonymous read of published only, write only with a valid token.

Requests go through the real URLconf, so the API's own error handling (jiyue/api.py)
is what answers.
"""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from wagtail.models import Revision

from jiyue.library import services
from jiyue.library.models import ApiToken, Resource, ResourceType
from jiyue.portal import services as portal

URL = "/api/v1/resources/"
HUGE = str(10**20)


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
    assert (data["page"], data["page_size"]) == (2, 2)
    assert [i["title"] for i in data["items"]] == ["第2条", "第1条"]
    assert client.get(URL).json()["page_size"] == 20
    assert client.get(URL, {"page_size": 1000}).status_code == 422
    assert client.get(URL, {"page_size": 0}).status_code == 422
    assert client.get(URL, {"page": 0}).status_code == 422
    assert client.get(URL, {"page": 9}).json()["items"] == []


def test_reads_and_writes_are_throttled_per_client_and_per_token(city, client, settings):
    """Over the configured rate the API answers 429 with a Chinese message."""
    cache.clear()
    settings.JIYUE_API_THROTTLE_RATES = {"anon": "2/min", "auth": "1/min"}
    assert [client.get(URL).status_code for _ in range(2)] == [200, 200]
    # A client cannot reset its count with a made-up X-Forwarded-For.
    refused = client.get(URL, headers={"X-Forwarded-For": "203.0.113.9"})
    assert refused.status_code == 429
    assert refused.json()["message"] == "请求过于频繁，请稍后再试。"
    assert client.get(f"{URL}1").status_code == 429
    headers = _token_headers(city)
    first = client.post(URL, payload(city), content_type="application/json", headers=headers)
    assert first.status_code == 201
    again = client.post(URL, payload(city), content_type="application/json", headers=headers)
    assert again.status_code == 429
    settings.JIYUE_API_THROTTLE_RATES = {}
    assert client.get(URL).status_code == 200


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


def test_a_parent_organizations_token_does_not_write_as_its_departments_platform_7(city, client):
    """A token acts for its own organization only (issue 6 item 11), as editors do:
    the city government's token cannot file a draft under a department's name."""
    _token, key = ApiToken.issue(city.city, "门户网站系统")
    headers = {"Authorization": f"Bearer {key}"}
    response = client.post(URL, payload(city), content_type="application/json", headers=headers)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == "source_org_id"
    assert not Resource.objects.exists()


# --- bad input: 4xx, a clear message, nothing saved (issue 6 item 9) ---------------


def _token_headers(city, org=None):
    _token, key = ApiToken.issue(org or city.fgw, "OA系统")
    return {"Authorization": f"Bearer {key}"}


def _nothing_saved():
    resource_revisions = Revision.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Resource)
    )
    return not Resource.objects.exists() and not resource_revisions.exists()


def test_pub_date_without_time_zone_is_refused_before_saving_META_7(city, client):
    response = client.post(
        URL,
        payload(city, pub_date="2024-05-06T09:30:00"),
        content_type="application/json",
        headers=_token_headers(city),
    )
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert errors[0]["field"] == "pub_date" and "时区" in errors[0]["message"]
    assert _nothing_saved()  # a retry cannot create a duplicate
    response = client.post(
        URL,
        payload(city, pub_date="2024-05-06T09:30:00+08:00"),
        content_type="application/json",
        headers=_token_headers(city),
    )
    assert response.status_code == 201
    assert response.json()["pub_date"] == "2024-05-06 09:30"


def test_failure_after_the_draft_is_made_leaves_nothing(city, client, monkeypatch):
    """The draft and the answer are built in one transaction."""
    from jiyue.library import api

    def broken(resource):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "_out", broken)
    client.raise_request_exception = False
    response = client.post(
        URL, payload(city), content_type="application/json", headers=_token_headers(city)
    )
    assert response.status_code == 500
    assert _nothing_saved()


@pytest.mark.parametrize("field", ["title", "body", "summary", "keywords"])
@pytest.mark.parametrize("bad", ["\ud800", "\x00"])
def test_lone_surrogate_or_nul_is_refused_with_400(city, client, field, bad):
    """A lone surrogate fails on every database, NUL on PostgreSQL."""
    body = json.dumps(payload(city, **{field: f"前{bad}后"}))  # ensure_ascii keeps the escape
    response = client.post(URL, body, content_type="application/json", headers=_token_headers(city))
    assert response.status_code == 400, response.content
    assert "无效字符" in response.json()["message"]
    assert _nothing_saved()


def test_deeply_nested_json_is_refused_with_400(city, client):
    body = '{"title": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post(URL, body, content_type="application/json", headers=_token_headers(city))
    assert response.status_code == 400
    assert _nothing_saved()


def test_body_over_the_upload_limit_is_413_json(city, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, stated
    big = payload(city, body="<p>" + "正" * (5 * 1024 * 1024 // 3) + "</p>")
    response = client.post(
        URL, json.dumps(big), content_type="application/json", headers=_token_headers(city)
    )
    assert response.status_code == 413
    assert response.json()["message"] == "请求内容过大：上限为 2.5 MB。"
    assert _nothing_saved()


@pytest.mark.parametrize("param", ["site", "column", "organization", "theme", "page"])
@pytest.mark.parametrize("value", [HUGE, "-" + HUGE])
def test_huge_integers_in_filters_are_422(db, client, param, value):
    response = client.get(URL, {param: value})
    assert response.status_code == 422, response.content
    assert response.json()["message"]


def test_nul_in_a_query_string_is_400(db, client):
    response = client.get(URL, {"type": "news\x00"})
    assert response.status_code == 400
    assert response.json()["message"]


def test_huge_resource_id_in_path_is_4xx(db, client):
    assert client.get(f"{URL}{HUGE}").status_code in (404, 422)


def test_huge_ids_in_the_body_are_422(city, client):
    for field in ("source_org_id", "owner_site_id", "policy_id"):
        response = client.post(
            URL,
            payload(city, **{field: 10**20}),
            content_type="application/json",
            headers=_token_headers(city),
        )
        assert response.status_code == 422, (field, response.content)
    assert _nothing_saved()


# --- no probing of what is not public (issue 6 item 10) ------------------------------


def test_another_organizations_draft_policy_answers_like_a_missing_one(city, client):
    other_draft = services.create_draft(
        title="区政府草稿政策",
        resource_type=ResourceType.POLICY,
        source_org=city.district,
        owner_site=city.district_site,
    )
    missing = Resource.objects.order_by("-pk").first().pk + 1000
    answers = []
    for policy_id in (other_draft.pk, missing):
        response = client.post(
            URL,
            payload(city, resource_type="interpretation", policy_id=policy_id),
            content_type="application/json",
            headers=_token_headers(city),
        )
        assert response.status_code == 422
        answers.append(response.json())
    assert answers[0] == answers[1]
    assert Resource.objects.count() == 1  # only the district's draft


def test_interpretation_of_own_draft_or_any_live_policy_is_accepted(city, client):
    own_draft = city.draft(title="本机构草稿政策")
    other_live = services.publish_now(
        services.create_draft(
            title="区政府已发布政策",
            resource_type=ResourceType.POLICY,
            source_org=city.district,
            owner_site=city.district_site,
        )
    )
    for policy in (own_draft, other_live):
        response = client.post(
            URL,
            payload(city, resource_type="interpretation", policy_id=policy.pk),
            content_type="application/json",
            headers=_token_headers(city),
        )
        assert response.status_code == 201, response.content


def test_unpublished_column_answers_like_a_missing_one(city, client):
    live = city.published(title="已发布")
    portal.place(live, city.fgw_policies, city.fgw_editor)
    assert client.get(URL, {"column": city.fgw_policies.pk}).json()["count"] == 1
    city.fgw_policies.unpublish()
    missing = city.fgw_policies.pk + 1000
    unpublished = client.get(URL, {"column": city.fgw_policies.pk})
    absent = client.get(URL, {"column": missing})
    assert unpublished.status_code == absent.status_code == 404
    assert unpublished.json() == absent.json()

"""``source_url`` (原文链接) of reposted and migrated resources (issue 10 item 7).

It goes in through the API and ``import_resources``, comes out of the API, is
validated as a URL everywhere, and names the original issuer as the page's source
(rule: PUB-4, META-2 ContentSource).
"""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from jiyue.library.models import ApiToken, Resource, ResourceType

URL = "/api/v1/resources/"
ORIGINAL = "https://www.sc.gov.cn/10462/zfwjts/2023/1/16/084818340d5a45fc969555807ce7dabe.shtml"


def payload(city, **extra):
    data = {
        "resource_type": "policy",
        "title": "四川省水资源调度管理办法",
        "source_org_id": city.fgw.pk,
        "owner_site_id": city.fgw_site.pk,
        "body": "<p>转载文件目录信息。</p>",
        "issuing_organ": "四川省人民政府",
        "source_url": ORIGINAL,
    }
    data.update(extra)
    return data


def test_source_url_round_trips_through_the_api(city, client):
    _token, key = ApiToken.issue(city.fgw, "OA系统")
    headers = {"Authorization": f"Bearer {key}"}
    response = client.post(URL, payload(city), content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    assert response.json()["source_url"] == ORIGINAL
    resource = Resource.objects.get(pk=response.json()["id"])
    assert resource.source_url == ORIGINAL
    live = city.published(title="转载件", resource_type=ResourceType.POLICY, source_url=ORIGINAL)
    assert client.get(f"{URL}{live.pk}").json()["source_url"] == ORIGINAL
    listed = {i["id"]: i for i in client.get(URL).json()["items"]}
    assert listed[live.pk]["source_url"] == ORIGINAL


def test_api_refuses_a_source_url_that_is_not_a_url(city, client):
    _token, key = ApiToken.issue(city.fgw, "OA系统")
    headers = {"Authorization": f"Bearer {key}"}
    response = client.post(
        URL,
        payload(city, source_url="javascript:alert(1)"),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"source_url"}
    assert not Resource.objects.exists()


def _import(tmp_path, city, **extra):
    data = {
        "resource_type": "policy",
        "title": "四川省水资源调度管理办法",
        "source_org": city.fgw.name,
        "owner_site": "fgw.beijing.gov.cn",
        "pub_date": "2023-01-16 09:00",
        "issuing_organ": "四川省人民政府",
        "source_url": ORIGINAL,
    }
    data.update(extra)
    path = tmp_path / "resources.jsonl"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("import_resources", str(path))


def test_source_url_round_trips_through_import(city, tmp_path):
    _import(tmp_path, city)
    resource = Resource.objects.get()
    assert resource.source_url == ORIGINAL
    # rule: PUB-4 — a repost's source is its original issuer, not the reposting unit.
    assert resource.is_repost
    assert resource.content_source == "四川省人民政府"


def test_import_refuses_a_source_url_that_is_not_a_url(city, tmp_path, capsys):
    with pytest.raises(CommandError):
        _import(tmp_path, city, source_url="not a url")
    assert "source_url" in capsys.readouterr().err
    assert not Resource.objects.exists()


def test_own_item_keeps_its_organization_as_source(city):
    own = city.published(title="本单位文件", resource_type=ResourceType.POLICY)
    assert not own.is_repost
    assert own.content_source == city.fgw.name


def test_admin_form_has_the_source_url_field(city, client):
    client.force_login(city.fgw_editor)
    for model in ("policyresource", "newsresource"):
        add = client.get(reverse(f"wagtailsnippets_library_{model}:add"))
        assert add.status_code == 200
        assert 'name="source_url"' in add.content.decode()
        assert "原文链接" in add.content.decode()

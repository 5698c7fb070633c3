"""Stored script through the API and the importer (issue 6 item 5, rule: PLATFORM-7).

Each hostile body goes in through a real way into the library (``POST
/api/v1/resources/`` with an organization token, ``manage.py import_resources``), is
published and placed in a column, and must then be absent from the stored body, the
public page, the page cache's stored copy and the admin's revision view. What stays
is what the admin's rich text editor could have produced.
"""

import json

import pytest
from django.core.management import call_command

from jiyue.frontcache import services as frontcache
from jiyue.library import services
from jiyue.library.models import PROXY_MODELS, ApiToken, Resource
from jiyue.portal import services as portal

pytestmark = pytest.mark.django_db

# (hostile body, substrings none of which may survive anywhere)
VECTORS = {
    "script": ("<p>前<script>alert('x1')</script>后</p>", ["<script"]),
    "onerror": ('<p><img src="x" onerror="alert(\'x2\')">图</p>', ["onerror", "<img src"]),
    "javascript_link": (
        "<p><a href=\"javascript:alert('x3')\">点我</a>"
        '<a href=" JaVa&#09;ScRiPt:alert(1)">再点</a></p>',
        ["javascript:", "JaVa"],
    ),
    "svg_onload": (
        '<svg onload="alert(\'x4\')"><circle r="1"/></svg><p>图</p>',
        ["<svg", "onload"],
    ),
    "iframe": (
        '<iframe src="https://evil.example/"></iframe><p>文</p>',
        ["<iframe", "evil.example"],
    ),
    "style_and_form": (
        '<style>body{display:none}</style><form action="https://evil.example/"><input></form>',
        ["<style", "<form", "<input"],
    ),
    # Wagtail's whitelister keeps CDATA verbatim; a browser ends the bogus comment at
    # the first ">" and then runs the <img> (closed in jiyue/library/richtext.py).
    "cdata_breakout": ('<![CDATA[ a > <img src=x onerror=alert("x5")> ]]>', ["onerror", "CDATA"]),
    "event_on_allowed_tag": (
        '<p onclick="alert(\'x6\')" style="x">段落</p>',
        ["onclick", "style="],
    ),
}
SAFE = '<h2>标题</h2><p>正文<b>加粗</b><a href="https://www.beijing.gov.cn/">链接</a></p>'


def _via_api(city, body):
    _token, key = ApiToken.issue(city.fgw, "OA系统")
    response = city.client(city.fgw_site).post(
        "/api/v1/resources/",
        {
            "resource_type": "news",
            "title": "接口推送",
            "source_org_id": city.fgw.pk,
            "owner_site_id": city.fgw_site.pk,
            "body": body,
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201, response.content
    return Resource.objects.get(pk=response.json()["id"])


def _via_importer(city, body, tmp_path):
    line = {
        "resource_type": "news",
        "title": "批量导入",
        "source_org": city.fgw.name,
        "owner_site": city.fgw_site.primary_domain,
        "body": body,
    }
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False), encoding="utf-8")
    call_command("import_resources", str(path))
    return Resource.objects.get(title="批量导入")


def _surfaces(city, resource, django_capture_on_commit_callbacks):
    """Stored body, public page, its cached copy and the admin revision view."""
    with django_capture_on_commit_callbacks(execute=True):
        resource = services.publish_now(resource, user=city.superuser)
        portal.place(resource, city.fgw_policies, city.superuser)
    host = city.host(city.fgw_site)
    path = f"/content/{resource.pk}/"
    page = city.client(city.fgw_site).get(path)
    assert page.status_code == 200
    cached = frontcache.read(host, path)
    assert cached is not None, "the public page was not stored in the page cache"
    admin = city.client(city.fgw_site)
    admin.force_login(city.superuser)
    model = PROXY_MODELS[resource.resource_type]._meta.model_name
    revision = resource.get_latest_revision()
    view = admin.get(
        f"/admin/snippets/library/{model}/history/{resource.pk}/revisions/{revision.pk}/view/"
    )
    assert view.status_code == 200
    return {
        "stored body": resource.body,
        "revision": json.dumps(revision.content, ensure_ascii=False),
        "public page": page.content.decode(),
        "cached copy": cached[0].decode(),
        "admin revision view": view.content.decode(),
    }


def _assert_clean(surfaces, forbidden):
    for name, text in surfaces.items():
        for bad in forbidden:
            assert bad not in text, f"{bad!r} reached the {name}"


@pytest.mark.parametrize("vector", sorted(VECTORS))
def test_api_body_is_cleaned_to_the_editor_allow_list_PLATFORM_7(
    city, vector, django_capture_on_commit_callbacks
):
    body, forbidden = VECTORS[vector]
    resource = _via_api(city, body)
    _assert_clean(_surfaces(city, resource, django_capture_on_commit_callbacks), forbidden)


@pytest.mark.parametrize("vector", sorted(VECTORS))
def test_imported_body_is_cleaned_to_the_editor_allow_list_PLATFORM_7(
    city, vector, tmp_path, django_capture_on_commit_callbacks
):
    body, forbidden = VECTORS[vector]
    resource = _via_importer(city, body, tmp_path)
    _assert_clean(_surfaces(city, resource, django_capture_on_commit_callbacks), forbidden)


def test_what_the_editor_allows_is_kept(city, tmp_path):
    assert _via_api(city, SAFE).body == SAFE
    assert _via_importer(city, SAFE, tmp_path).body == SAFE

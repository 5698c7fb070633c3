"""The registry read API: GET /api/v1/sites/ and /api/v1/sites/{id} (issue #2 item 5).

Records are made with the ORM in the states the lifecycle would leave them in; the
lifecycle itself is tested in tests/registry.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from jiyue.registry.models import GovSite, Organization, OrgType, SiteAlias, SiteStatus, SiteType

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/sites/"


def detail_url(pk):
    return f"/api/v1/sites/{pk}"


@pytest.fixture
def city():
    return Organization.objects.create(
        name="北京市人民政府", org_type=OrgType.CITY_GOVERNMENT, division_code="110000"
    )


@pytest.fixture
def portal(city):
    site = GovSite.objects.create(
        name="北京市人民政府门户网站",
        site_type=SiteType.PORTAL,
        organization=city,
        operator_name="北京市人民政府办公厅",
        primary_domain="www.beijing.gov.cn",
        chinese_domain="北京市人民政府.政务",
        site_id_code="1100000088",
        icp_no="京ICP备05060933号",
        psb_no="京公网安备11010502039197号",
        status=SiteStatus.ONLINE,
    )
    SiteAlias.objects.create(site=site, domain="beijing.gov.cn")
    SiteAlias.objects.create(site=site, domain="shoudu.beijing.gov.cn")
    return site


def make_department(city, code, name, *, status=SiteStatus.ONLINE, site_type=SiteType.DEPARTMENT):
    org = Organization.objects.create(name=name, org_type=OrgType.DEPARTMENT, parent=city)
    return GovSite.objects.create(
        name=f"{name}网站",
        site_type=site_type,
        organization=org,
        primary_domain=f"{code}.beijing.gov.cn",
        status=status,
    )


def get_json(client, url, **extra):
    response = client.get(url, **extra)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response, json.loads(response.content.decode("utf-8"))


def test_list_gives_name_domains_code_type_status_and_organization(client, portal):
    response, body = get_json(client, LIST_URL)
    assert response.status_code == 200
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["id"] == portal.pk
    assert item["name"] == "北京市人民政府门户网站"
    assert item["primary_domain"] == "www.beijing.gov.cn"
    assert item["aliases"] == ["beijing.gov.cn", "shoudu.beijing.gov.cn"]
    assert item["chinese_domain"] == "北京市人民政府.政务"
    assert item["site_id_code"] == "1100000088"  # rule: IDCODE-1
    assert item["site_type"] == "portal"  # rule: SITE-1
    assert item["site_type_label"] == "政府门户网站"
    assert item["status"] == "online"
    assert item["status_label"] == "运行中"
    assert item["icp_no"] == "京ICP备05060933号"
    assert item["psb_no"] == "京公网安备11010502039197号"
    assert item["operator_name"] == "北京市人民政府办公厅"
    assert item["on_platform"] is False
    assert item["organization"] == {
        "id": portal.organization_id,
        "name": "北京市人民政府",
        "org_type": "city_government",
        "org_type_label": "市人民政府",
        "division_code": "110000",
    }


def test_json_is_utf8_with_chinese_written_as_chinese(client, portal):
    response = client.get(LIST_URL)
    raw = response.content
    assert "北京市人民政府门户网站".encode() in raw
    assert b"\\u" not in raw  # not ASCII-escaped


def test_site_without_identifier_code_gives_null(client, city):
    site = make_department(city, "fgw", "北京市发展和改革委员会", status=SiteStatus.PLANNED)
    _response, body = get_json(client, detail_url(site.pk))
    assert body["site_id_code"] is None
    assert body["aliases"] == []
    assert body["opened_at"] is None


def test_list_is_paginated_in_id_order(client, city):
    sites = [make_department(city, f"d{i}", f"北京市测试局{i}") for i in range(5)]
    _response, page1 = get_json(client, LIST_URL, data={"page_size": 2})
    assert page1["count"] == 5
    assert [item["id"] for item in page1["items"]] == [s.pk for s in sites[:2]]
    _response, page3 = get_json(client, LIST_URL, data={"page_size": 2, "page": 3})
    assert [item["id"] for item in page3["items"]] == [sites[4].pk]
    _response, beyond = get_json(client, LIST_URL, data={"page_size": 2, "page": 9})
    assert beyond == {"items": [], "count": 5}


def test_default_page_size_is_50_and_page_size_is_capped_at_200(client, city):
    orgs = Organization.objects.bulk_create(
        Organization(name=f"测试单位{i:03d}", org_type=OrgType.DEPARTMENT, parent=city)
        for i in range(205)
    )
    GovSite.objects.bulk_create(
        GovSite(
            name=f"{org.name}网站",
            site_type=SiteType.DEPARTMENT,
            organization=org,
            primary_domain=f"t{i:03d}.beijing.gov.cn",
        )
        for i, org in enumerate(orgs)
    )
    _response, body = get_json(client, LIST_URL)
    assert (body["count"], len(body["items"])) == (205, 50)
    _response, body = get_json(client, LIST_URL, data={"page_size": 1000})
    assert len(body["items"]) == 200


@pytest.mark.parametrize("bad", [{"page": 0}, {"page": "x"}, {"page_size": 0}])
def test_bad_pagination_is_refused_with_a_chinese_message(client, portal, bad):
    response, body = get_json(client, LIST_URL, data=bad)
    assert response.status_code == 422
    assert body["message"].startswith("请求参数不正确")
    assert body["detail"]


def test_filter_by_status_and_site_type(client, city, portal):
    offline = make_department(city, "jw", "北京市教育委员会", status=SiteStatus.OFFLINE)
    special = make_department(city, "zt", "北京市专题办", site_type=SiteType.SPECIAL)

    def ids(**params):
        _response, body = get_json(client, LIST_URL, data=params)
        return {item["id"] for item in body["items"]}

    assert ids(status="offline") == {offline.pk}
    assert ids(status="online") == {portal.pk, special.pk}
    assert ids(site_type="special") == {special.pk}
    assert ids(site_type="department", status="online") == set()
    assert ids(site_type="portal", status="online") == {portal.pk}


def test_unknown_status_or_type_is_refused_not_ignored(client, portal):
    for params in ({"status": "deleted"}, {"site_type": "blog"}):
        response, body = get_json(client, LIST_URL, data=params)
        assert response.status_code == 422
        assert "请求参数不正确" in body["message"]


def test_filter_by_organization(client, city, portal):
    dept = make_department(city, "wjw", "北京市卫生健康委员会")
    _response, body = get_json(client, LIST_URL, data={"organization": dept.organization_id})
    assert [item["id"] for item in body["items"]] == [dept.pk]
    _response, body = get_json(client, LIST_URL, data={"organization": 999999})
    assert body == {"items": [], "count": 0}


def test_search_q_matches_name_domain_or_identifier_code(client, city, portal):
    dept = make_department(city, "fgw", "北京市发展和改革委员会")

    def ids(q):
        _response, body = get_json(client, LIST_URL, data={"q": q})
        return {item["id"] for item in body["items"]}

    assert ids("发展和改革") == {dept.pk}
    assert ids("FGW.beijing") == {dept.pk}  # domains match case-insensitively
    assert ids("1100000088") == {portal.pk}
    assert ids("beijing.gov.cn") == {portal.pk, dept.pk}
    assert ids("不存在的网站") == set()


def test_filter_on_platform_separates_hosted_sites_from_the_inventory(client, city, portal):
    hosted = make_department(city, "fgw", "北京市发展和改革委员会")
    hosted.wagtail_site = Site.objects.create(
        hostname="fgw.localhost", root_page=Page.get_first_root_node(), port=80
    )
    hosted.save()
    _response, body = get_json(client, LIST_URL, data={"on_platform": "true"})
    assert [item["id"] for item in body["items"]] == [hosted.pk]
    assert body["items"][0]["on_platform"] is True
    _response, body = get_json(client, LIST_URL, data={"on_platform": "false"})
    assert [item["id"] for item in body["items"]] == [portal.pk]


def test_legacy_inventory_records_are_listed_and_marked(client, city):
    org = Organization.objects.create(name="北京市某街道办事处", org_type=OrgType.TOWN_STREET)
    legacy = GovSite.objects.create(
        name="某街道网站",
        site_type=SiteType.DEPARTMENT,
        organization=org,
        primary_domain="jd.example.gov.cn",
        is_legacy=True,
    )
    _response, body = get_json(client, detail_url(legacy.pk))
    assert body["is_legacy"] is True
    assert body["status"] == "planned"
    assert body["status_label"] == "拟开设"


def test_detail_gives_one_site(client, portal):
    response, body = get_json(client, detail_url(portal.pk))
    assert response.status_code == 200
    assert body["id"] == portal.pk
    assert body["name"] == "北京市人民政府门户网站"
    assert body["aliases"] == ["beijing.gov.cn", "shoudu.beijing.gov.cn"]


def test_unknown_site_is_a_json_404_with_a_chinese_message(client, portal):
    response, body = get_json(client, detail_url(portal.pk + 1000))
    assert response.status_code == 404
    assert body == {"detail": "Not Found", "message": "未找到请求的资源。"}


def test_non_numeric_site_id_is_refused(client):
    response = client.get("/api/v1/sites/abc")
    assert response.status_code in (404, 422)
    assert response["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, portal, method):
    """Lifecycle changes go through applications, never the API (rule: SITE-6)."""
    for url in (LIST_URL, detail_url(portal.pk)):
        response = getattr(client, method)(url, data="{}", content_type="application/json")
        assert response.status_code == 405, (method, url)
        assert "GET" in response["Allow"]
    portal.refresh_from_db()
    assert portal.status == SiteStatus.ONLINE
    assert GovSite.objects.count() == 1


@pytest.mark.parametrize("host", ["localhost", "www.localhost", "fgw.localhost", "nobody.example"])
def test_api_answers_on_every_host_name(client, portal, host):
    """The host middleware lets /api/ through; it never answers with a site notice."""
    response, body = get_json(client, LIST_URL, HTTP_HOST=host)
    assert response.status_code == 200
    assert body["count"] == 1


def count_list_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, data=params)
    assert response.status_code == 200
    return len(queries)


def test_list_does_a_constant_number_of_queries(
    client, city, portal, django_assert_max_num_queries
):
    few = count_list_queries(client)
    for i in range(20):
        site = make_department(city, f"q{i}", f"北京市查询测试局{i}")
        SiteAlias.objects.create(site=site, domain=f"alias{i}.beijing.gov.cn")
    many = count_list_queries(client)
    assert many == few
    with django_assert_max_num_queries(3):  # count, the page (organizations joined), aliases
        client.get(LIST_URL)


def test_openapi_schema_lists_both_paths_and_the_schemas(client):
    response, schema = get_json(client, "/api/v1/openapi.json")
    assert response.status_code == 200
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/sites/", "/api/v1/sites/{site_id}"} <= set(schema["paths"])
    assert set(schema["paths"]["/api/v1/sites/"]) == {"get"}
    assert set(schema["paths"]["/api/v1/sites/{site_id}"]) == {"get"}
    components = schema["components"]["schemas"]
    assert {"SiteOut", "OrganizationOut", "PagedSiteOut", "SiteStatus", "SiteType"} <= set(
        components
    )
    fields = set(components["SiteOut"]["properties"])
    assert {
        "name",
        "primary_domain",
        "aliases",
        "site_id_code",
        "site_type",
        "status",
        "organization",
    } <= fields
    assert set(components["SiteStatus"]["enum"]) == {s.value for s in SiteStatus}
    params = {p["name"] for p in schema["paths"]["/api/v1/sites/"]["get"]["parameters"]}
    assert {"status", "site_type", "organization", "q", "page", "page_size"} <= params
    assert "网站标识码" in response.content.decode("utf-8")  # descriptions stay readable

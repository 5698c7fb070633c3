"""The library's admin views render for editors and scope resources to their organization."""

from django.urls import reverse

from jiyue.library.models import ResourceType


def test_policy_admin_index_add_and_edit_render(city, client):
    policy = city.draft()
    client.force_login(city.fgw_editor)
    index = client.get(reverse("wagtailsnippets_library_policyresource:list"))
    assert index.status_code == 200
    assert policy.title in index.content.decode()
    add = client.get(reverse("wagtailsnippets_library_policyresource:add"))
    assert add.status_code == 200
    assert "文号" in add.content.decode()
    edit = client.get(reverse("wagtailsnippets_library_policyresource:edit", args=[policy.pk]))
    assert edit.status_code == 200


def test_news_list_shows_only_news(city, client):
    city.draft(title="一条政策")
    city.draft(title="一条动态", resource_type=ResourceType.NEWS)
    client.force_login(city.superuser)
    body = client.get(reverse("wagtailsnippets_library_newsresource:list")).content.decode()
    assert "一条动态" in body
    assert "一条政策" not in body


def test_editor_of_other_org_cannot_open_resource(city, client):
    """Isolation: the district editor may not edit the development commission's draft."""
    policy = city.draft()
    client.force_login(city.district_editor)
    edit = client.get(reverse("wagtailsnippets_library_policyresource:edit", args=[policy.pk]))
    assert edit.status_code in (302, 403, 404)
    index = client.get(reverse("wagtailsnippets_library_policyresource:list"))
    assert policy.title not in index.content.decode()


def test_preview_renders_metadata(city):
    policy = city.published(resource_type=ResourceType.POLICY, doc_no="京发改〔2025〕1号")
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    response = policy.serve_preview(request, "")
    html = (
        response.render().content.decode()
        if hasattr(response, "render")
        else response.content.decode()
    )
    assert "京发改〔2025〕1号" in html
    assert 'name="PubDate"' in html

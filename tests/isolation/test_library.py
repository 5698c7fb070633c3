"""The resource library in the admin isolates organizations (issue 6, items 1–4 and 10).

Editor A (发改委, site 甲站) probes organization B's (教委, site 乙站) library records
by id, through the choosers and through forged form posts. Everything of B carries
"乙站" in its text (rule: PLATFORM-F4 权限管理, PLATFORM-7).
"""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from jiyue.library.models import PolicyResource, Resource, ResourceAttachment, ResourceType

from .conftest import MARK_B, body_text, check_urls, make_site


def proxy_name(resource):
    return f"{resource.resource_type.replace('_', '')}resource"


def compare_url(resource):
    return reverse(
        f"wagtailsnippets_library_{proxy_name(resource)}:revisions_compare",
        kwargs={"pk": resource.pk, "revision_id_a": "earliest", "revision_id_b": "latest"},
    )


def item_urls(resource):
    resource = Resource.objects.get(pk=resource.pk)
    name = f"wagtailsnippets_library_{proxy_name(resource)}"
    pk = resource.pk
    urls = [
        (view, reverse(f"{name}:{view}", args=[pk]))
        for view in (
            "inspect",
            "history",
            "history_results",
            "usage",
            "workflow_history",
            "edit",
            "copy",
            "preview_on_edit",
        )
    ]
    revision = resource.latest_revision_id
    urls.append(("revisions_view", reverse(f"{name}:revisions_view", args=[pk, revision])))
    urls.append(("revisions_compare", compare_url(resource)))
    state = resource.current_workflow_state
    if state is not None:
        detail = reverse(f"{name}:workflow_history_detail", args=[pk, state.pk])
        urls.append(("workflow_history_detail", detail))
    return urls


def test_other_organizations_drafts_are_not_readable_platform_7(library_world, as_user):
    """Item 1: every view of every resource type answers 404 for another org's draft."""
    lib = library_world
    client = as_user(lib.world.a.editor)
    failures = []
    for resource in lib.drafts.values():
        label = resource.resource_type
        cases = [(f"{label} {view}", url, 404) for view, url in item_urls(resource)]
        failures += check_urls(client, cases)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("who", ["owner", "supervisor"])
def test_owner_and_supervisor_still_read_the_drafts(library_world, as_user, who):
    lib = library_world
    user = lib.world.b.editor if who == "owner" else lib.world.superuser
    client = as_user(user)
    policy = lib.drafts[ResourceType.POLICY]
    cases = [(view, url, "") for view, url in item_urls(policy)]
    failures = check_urls(client, cases)
    assert not failures, "\n".join(failures)
    url = reverse("wagtailsnippets_library_policyresource:inspect", args=[policy.pk])
    assert MARK_B in body_text(client.get(url))


def test_snippet_chooser_lists_and_returns_only_choosable_items_platform_7(library_world, as_user):
    """Item 1: chooser search and "chosen" of another org's draft or unshared item."""
    lib = library_world
    client = as_user(lib.world.a.editor)
    failures = []
    for resource in [*lib.drafts.values(), lib.live_policy]:
        name = f"wagtailsnippetchoosers_library_{proxy_name(resource)}"
        cases = [
            ("choose", reverse(f"{name}:choose"), ""),
            ("results", reverse(f"{name}:choose_results") + f"?q={MARK_B}", ""),
            ("chosen", reverse(f"{name}:chosen", args=[resource.pk]), 404),
        ]
        for label, url, expected in cases:
            response = client.get(url)
            if expected == 404:
                if response.status_code != 404:
                    failures.append(f"{label} {url}: {response.status_code}")
            elif response.status_code != 200 or resource.title in body_text(response):
                failures.append(f"{label} {url}: {response.status_code}, shows B")
        multiple = client.get(reverse(f"{name}:chosen_multiple") + f"?id={resource.pk}")
        if resource.title in body_text(multiple):
            failures.append(f"chosen multiple {resource.pk} shows B")
    assert not failures, "\n".join(failures)
    # B's own editor finds the draft (the chooser is scoped, not broken).
    owner = as_user(lib.world.b.editor)
    url = reverse("wagtailsnippetchoosers_library_policyresource:choose_results")
    assert lib.drafts[ResourceType.POLICY].title in body_text(owner.get(f"{url}?q={MARK_B}"))


def test_interpretation_form_offers_no_other_organizations_policy_platform_7(
    library_world, as_user
):
    """Item 1: the interpretation form's ``policy`` field lists only choosable policies.

    The field is a chooser (issue 8 item 19): the form names no policy, its chooser
    lists A's and none of B's."""
    lib = library_world
    client = as_user(lib.world.a.editor)
    body = body_text(client.get(reverse("wagtailsnippets_library_interpretationresource:add")))
    assert MARK_B not in body
    chooser = PolicyResource.snippet_viewset.chooser_viewset.get_url_name("choose")
    listing = body_text(client.get(reverse(chooser)))
    assert lib.a_draft.title in listing
    assert MARK_B not in listing


def test_lock_and_unlock_of_another_organizations_item_refused_platform_7(library_world, as_user):
    """Item 2: POST lock/unlock of another organization's draft: 404, nothing changes."""
    lib = library_world
    policy = lib.drafts[ResourceType.POLICY]
    client = as_user(lib.world.a.editor)
    lock = client.post(reverse("wagtailsnippets_library_policyresource:lock", args=[policy.pk]))
    assert lock.status_code == 404
    policy.refresh_from_db()
    assert not policy.locked
    Resource.objects.filter(pk=policy.pk).update(locked=True, locked_by=lib.world.b.editor)
    unlock = client.post(reverse("wagtailsnippets_library_policyresource:unlock", args=[policy.pk]))
    assert unlock.status_code == 404
    policy.refresh_from_db()
    assert policy.locked and policy.locked_by == lib.world.b.editor
    # The view itself works (a superuser may lock it).
    Resource.objects.filter(pk=policy.pk).update(locked=False, locked_by=None)
    own = as_user(lib.world.superuser)
    response = own.post(reverse("wagtailsnippets_library_policyresource:lock", args=[policy.pk]))
    assert response.status_code == 302, response.status_code
    policy.refresh_from_db()
    assert policy.locked


# --- Forms: only what the user may act for (items 3 and 4) ------------------------------


def news_form_data(world, **overrides):
    data = {
        "title": "甲站新闻",
        "summary": "摘要",
        "body": rich_text("<p>正文</p>"),
        "source_org": world.orgs["a"].pk,
        "owner_site": world.a.gov_site.pk,
        "author": "",
        "pub_date": "",
        "keywords": "",
        "theme": "",
        "resource_class": "",
        "share_scope": "unconditional",
        "image": "",
        "attachments": inline_formset([]),
        "go_live_at": "",
        "expire_at": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def add_url():
    return reverse("wagtailsnippets_library_newsresource:add")


def test_add_form_offers_only_the_users_organization_and_site_platform_7(world, as_user):
    """Item 3 (and issue 8 item 3): choices are the editor's own organization and site."""
    client = as_user(world.a.editor)
    response = client.get(add_url())
    form = response.context["form"]
    assert list(form.fields["source_org"].queryset) == [world.orgs["a"]]
    assert list(form.fields["owner_site"].queryset) == [world.a.gov_site]
    assert form.initial["source_org"] == world.orgs["a"].pk
    supervisor_form = as_user(world.superuser).get(add_url()).context["form"]
    assert world.orgs["office"] in supervisor_form.fields["source_org"].queryset
    assert world.b.gov_site in supervisor_form.fields["owner_site"].queryset


@pytest.mark.parametrize(
    "field,forged",
    [
        ("source_org", "office"),
        ("source_org", "b"),
        ("owner_site", "portal"),
    ],
)
def test_add_form_refuses_another_organization_or_site_platform_7(world, as_user, field, forged):
    """Item 3: a forged ``source_org`` / ``owner_site`` is a form error; nothing is saved.

    The city portal is the parent organization's site, which LIB-7 alone would allow.
    """
    client = as_user(world.a.editor)
    if forged == "portal":
        value = make_site(
            world.orgs["city"], "北京市人民政府门户网站", "www.beijing.gov.cn", "门户"
        ).pk
    else:
        value = world.orgs[forged].pk
    overrides = {field: value}
    if forged == "office":
        overrides["action-submit"] = "submit"
    response = client.post(add_url(), news_form_data(world, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Resource.objects.filter(title="甲站新闻").exists()


def test_add_form_accepts_own_organization(world, as_user):
    client = as_user(world.a.editor)
    response = client.post(add_url(), news_form_data(world))
    assert response.status_code == 302, response.context["form"].errors
    resource = Resource.objects.get(title="甲站新闻")
    assert resource.source_org == world.orgs["a"] and resource.owner_site == world.a.gov_site


def test_resource_media_fields_accept_only_own_sites_media_platform_7(world, as_user):
    """Item 4: another site's image or document id is refused in the add form."""
    client = as_user(world.a.editor)
    response = client.post(add_url(), news_form_data(world, image=world.b.image.pk))
    assert "image" in response.context["form"].errors
    attachments = inline_formset([{"document": world.b.document.pk, "title": "附件"}])
    response = client.post(add_url(), news_form_data(world, attachments=attachments))
    assert response.status_code == 200
    formset = response.context["form"].formsets["attachments"]
    assert any("document" in f.errors for f in formset.forms)
    assert not Resource.objects.filter(title="甲站新闻").exists()
    # Own media are accepted.
    attachments = inline_formset([{"document": world.a.document.pk, "title": "附件"}])
    response = client.post(
        add_url(), news_form_data(world, image=world.a.image.pk, attachments=attachments)
    )
    assert response.status_code == 302
    resource = Resource.objects.get(title="甲站新闻")
    assert resource.image == world.a.image
    assert ResourceAttachment.objects.get(resource=resource).document == world.a.document


def test_edit_page_does_not_show_another_sites_media_platform_7(library_world, as_user):
    """Item 4: media of another site stored on an item (before the fix) is not rendered."""
    lib = library_world
    draft = lib.a_draft
    Resource.objects.filter(pk=draft.pk).update(image=lib.world.b.image)
    ResourceAttachment.objects.create(resource_id=draft.pk, document=lib.world.b.document)
    draft = Resource.objects.get(pk=draft.pk)
    draft.save_revision(user=lib.world.a.editor)
    client = as_user(lib.world.a.editor)
    body = body_text(
        client.get(reverse("wagtailsnippets_library_policyresource:edit", args=[draft.pk]))
    )
    assert "乙站机密图片" not in body
    assert "乙站机密文件" not in body


# --- Item 10: forged page links and the distribution page -------------------------------


def test_forged_page_link_does_not_reveal_another_sites_draft_url_platform_7(
    library_world, as_user
):
    """Item 10: a body linking another site's unpublished page by id shows no URL of it."""
    lib = library_world
    world = lib.world
    draft_page = world.b.draft
    draft_url = draft_page.get_url_parts()[2]
    live_url = world.a.article.get_url_parts()[2]
    resource = Resource.objects.get(pk=lib.a_draft.pk)
    resource.body = (
        f'<p><a linktype="page" id="{draft_page.pk}">链接一</a>'
        f'<a linktype="page" id="{world.a.article.pk}">链接二</a></p>'
    )
    revision = resource.save_revision(user=world.a.editor)
    client = as_user(world.a.editor)
    url = reverse(
        "wagtailsnippets_library_policyresource:revisions_view", args=[resource.pk, revision.pk]
    )
    body = body_text(client.get(url))
    assert "链接一" in body
    assert draft_url not in body
    assert live_url in body  # live pages still link


# --- Review: dashboard and workflow reports ---------------------------------------------


def test_review_dashboard_shows_no_other_organizations_drafts_platform_7(library_world, as_user):
    """Item 1: the library's review groups are shared by every organization's reviewers,
    so the dashboard's "awaiting your review" listed every organization's drafts."""
    from django.contrib.auth.models import Group

    from jiyue.library.workflow import WORKFLOW_STEPS

    lib = library_world
    reviewer = lib.world.a.editor
    reviewer.groups.add(Group.objects.get(name=WORKFLOW_STEPS[0]))
    client = as_user(reviewer)
    b_titles = [resource.title for resource in lib.drafts.values()]
    body = body_text(client.get(reverse("wagtailadmin_home")))
    assert not [title for title in b_titles if title in body]
    assert lib.a_draft.title in body  # own drafts in review are listed
    # B's reviewer in the same (shared) group sees B's.
    lib.world.b.editor.groups.add(Group.objects.get(name=WORKFLOW_STEPS[0]))
    body = body_text(as_user(lib.world.b.editor).get(reverse("wagtailadmin_home")))
    assert b_titles[0] in body and lib.a_draft.title not in body

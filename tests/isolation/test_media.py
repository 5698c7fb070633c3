"""Images and documents: an editor sees, chooses, edits and uploads only into their own site.

Each site's media live in the site's own collection (rule: PLATFORM-F4 权限管理).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from .conftest import MARK_B, body_text, check_urls, png_bytes, refusal_problems

pytestmark = pytest.mark.django_db

Image = get_image_model()
Document = get_document_model()


def media_urls(s):
    """(name, url, text a permitted user sees) for the media views of site ``s``."""
    image, document = s.image, s.document
    return [
        ("image edit", reverse("wagtailimages:edit", args=[image.pk]), image.title),
        ("image delete", reverse("wagtailimages:delete", args=[image.pk]), image.title),
        ("image usage", reverse("wagtailimages:image_usage", args=[image.pk]), image.title),
        ("image preview", reverse("wagtailimages:preview", args=[image.pk, "original"]), ""),
        ("image chosen", reverse("wagtailimages_chooser:chosen", args=[image.pk]), image.title),
        (
            "image format",
            reverse("wagtailimages_chooser:select_format", args=[image.pk]),
            image.title,
        ),
        ("document edit", reverse("wagtaildocs:edit", args=[document.pk]), document.title),
        ("document delete", reverse("wagtaildocs:delete", args=[document.pk]), document.title),
        (
            "document usage",
            reverse("wagtaildocs:document_usage", args=[document.pk]),
            document.title,
        ),
        (
            "document chosen",
            reverse("wagtaildocs_chooser:chosen", args=[document.pk]),
            document.title,
        ),
    ]


def test_editor_is_refused_on_another_sites_images_and_documents(world, as_user):
    cases = [(name, url, 302) for name, url, _text in media_urls(world.b)]
    assert check_urls(as_user(world.a.editor), cases) == []


@pytest.mark.parametrize("who", ["site editor", "supervisor"])
def test_owner_and_supervisor_open_the_same_media_views(world, as_user, who):
    user = world.b.editor if who == "site editor" else world.supervisor
    assert check_urls(as_user(user), media_urls(world.b)) == []


def listing_urls(collection_id):
    return [
        reverse("wagtailimages:index"),
        reverse("wagtailimages:index") + "?q=机密",
        reverse("wagtailimages:index") + f"?collection_id={collection_id}",
        reverse("wagtailimages:index_results") + "?layout=list",
        reverse("wagtailimages_chooser:choose"),
        reverse("wagtailimages_chooser:choose_results") + "?q=机密",
        reverse("wagtailimages_chooser:choose") + f"?collection_id={collection_id}",
        reverse("wagtaildocs:index"),
        reverse("wagtaildocs:index") + "?q=机密",
        reverse("wagtaildocs:index_results"),
        reverse("wagtaildocs_chooser:choose"),
        reverse("wagtaildocs_chooser:choose_results") + "?q=机密",
        reverse("wagtaildocs_chooser:choose") + f"?collection_id={collection_id}",
    ]


def test_listings_and_choosers_show_only_the_editors_own_media(world, as_user):
    client = as_user(world.a.editor)
    for url in listing_urls(world.b.collection.pk):
        response = client.get(url)
        assert response.status_code == 200, url
        text = body_text(response)
        assert world.b.image.title not in text, url
        assert world.b.document.title not in text, url
    index = body_text(client.get(reverse("wagtailimages:index")))
    assert world.a.image.title in index
    documents = body_text(client.get(reverse("wagtaildocs_chooser:choose")))
    assert world.a.document.title in documents


def test_supervisor_lists_every_sites_media(world, as_user):
    client = as_user(world.supervisor)
    images = body_text(client.get(reverse("wagtailimages:index")))
    assert world.a.image.title in images
    assert world.b.image.title in images
    documents = body_text(client.get(reverse("wagtaildocs_chooser:choose")))
    assert world.a.document.title in documents
    assert world.b.document.title in documents


def test_admin_api_lists_only_the_editors_own_media(world, as_user):
    """Stock Wagtail's admin API listed every image and document to any admin user."""
    client = as_user(world.a.editor)
    for endpoint, own, other in (
        ("images", world.a.image, world.b.image),
        ("documents", world.a.document, world.b.document),
    ):
        listing = client.get(reverse(f"wagtailadmin_api:{endpoint}:listing"))
        assert listing.status_code == 200
        assert own.title in body_text(listing)
        assert MARK_B not in body_text(listing)
        detail = client.get(reverse(f"wagtailadmin_api:{endpoint}:detail", args=[other.pk]))
        assert refusal_problems(detail, 404) == []
    supervisor = as_user(world.supervisor)
    listing = supervisor.get(reverse("wagtailadmin_api:images:listing"))
    assert world.b.image.title in body_text(listing)


def bulk_url(app, model, action, *objects):
    ids = "&".join(f"id={obj.pk}" for obj in objects)
    return reverse("wagtail_bulk_action", args=[app, model, action]) + "?" + ids


BULK_ACTIONS = [
    ("wagtailimages", "image", "delete", "image"),
    ("wagtailimages", "image", "add_tags", "image"),
    ("wagtailimages", "image", "add_to_collection", "image"),
    ("wagtaildocs", "document", "delete", "document"),
    ("wagtaildocs", "document", "add_tags", "document"),
    ("wagtaildocs", "document", "add_to_collection", "document"),
    ("wagtailcore", "page", "delete", "draft"),
    ("wagtailcore", "page", "publish", "draft"),
    ("wagtailcore", "page", "unpublish", "article"),
    ("wagtailcore", "page", "move", "article"),
]


def test_bulk_actions_refuse_and_do_not_name_another_sites_objects(world, as_user):
    """Stock bulk actions listed the titles of the objects they refused."""
    client = as_user(world.a.editor)
    failures = []
    for app, model, action, attr in BULK_ACTIONS:
        own, other = getattr(world.a, attr), getattr(world.b, attr)
        url = bulk_url(app, model, action, own, other)
        for method in ("get", "post"):
            problems = refusal_problems(getattr(client, method)(url), 302)
            failures += [f"{method} {app}.{action}: {p}" for p in problems]
        if not type(other).objects.filter(pk=other.pk).exists():
            failures.append(f"{app}.{action} deleted site B's object")
        own_only = client.get(bulk_url(app, model, action, own))
        if own_only.status_code != 200 or MARK_B in body_text(own_only):
            failures.append(f"{app}.{action} on the editor's own object: {own_only.status_code}")
    assert failures == []


def test_bulk_delete_by_owner_still_works(world, as_user):
    url = bulk_url("wagtaildocs", "document", "delete", world.b.document)
    response = as_user(world.b.editor).post(url, {})
    assert response.status_code == 302
    assert not Document.objects.filter(pk=world.b.document.pk).exists()


def test_bulk_move_refuses_a_destination_in_another_site(world, as_user):
    url = bulk_url("wagtailcore", "page", "move", world.a.draft)
    response = as_user(world.a.editor).post(url, {"chooser": world.b.column.pk})
    assert refusal_problems(response, 302) == []
    world.a.draft.refresh_from_db()
    assert world.a.draft.get_parent().pk == world.a.column.pk


def test_bulk_add_to_another_sites_collection_is_refused(world, as_user):
    url = bulk_url("wagtailimages", "image", "add_to_collection", world.a.image)
    response = as_user(world.a.editor).post(url, {"collection": world.b.collection.pk})
    assert MARK_B not in body_text(response)
    world.a.image.refresh_from_db()
    assert world.a.image.collection_id == world.a.collection.pk


def uploads_into(client, collection):
    """Upload through every upload form, naming ``collection``."""
    client.post(
        reverse("wagtailimages:add"),
        {
            "title": "上传图片一",
            "file": SimpleUploadedFile("one.png", png_bytes(), "image/png"),
            "collection": collection.pk,
        },
    )
    client.post(
        reverse("wagtailimages:add_multiple"),
        {
            "files[]": SimpleUploadedFile("two.png", png_bytes(), "image/png"),
            "collection": collection.pk,
        },
    )
    client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "上传图片三",
            "image-chooser-upload-file": SimpleUploadedFile("three.png", png_bytes(), "image/png"),
            "image-chooser-upload-collection": collection.pk,
        },
    )
    client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "上传文件一",
            "file": SimpleUploadedFile("one.txt", b"1", "text/plain"),
            "collection": collection.pk,
        },
    )
    client.post(
        reverse("wagtaildocs:add_multiple"),
        {
            "files[]": SimpleUploadedFile("two.txt", b"2", "text/plain"),
            "collection": collection.pk,
        },
    )
    client.post(
        reverse("wagtaildocs_chooser:create"),
        {
            "document-chooser-upload-title": "上传文件三",
            "document-chooser-upload-file": SimpleUploadedFile("three.txt", b"3", "text/plain"),
            "document-chooser-upload-collection": collection.pk,
        },
    )


def test_editor_cannot_upload_into_another_sites_collection(world, as_user):
    """A POST naming site B's collection lands in the editor's own one, never in B's."""
    existing_images = set(Image.objects.values_list("pk", flat=True))
    existing_documents = set(Document.objects.values_list("pk", flat=True))
    uploads_into(as_user(world.a.editor), world.b.collection)
    new_images = Image.objects.exclude(pk__in=existing_images)
    new_documents = Document.objects.exclude(pk__in=existing_documents)
    # The uploads did happen (so the check below is not vacuous) …
    assert new_images.count() == 3
    assert new_documents.count() == 3
    # … and none of them went into site B's collection.
    assert set(new_images.values_list("collection_id", flat=True)) == {world.a.collection.pk}
    assert set(new_documents.values_list("collection_id", flat=True)) == {world.a.collection.pk}


def test_editor_cannot_move_their_image_into_another_sites_collection(world, as_user):
    response = as_user(world.a.editor).post(
        reverse("wagtailimages:edit", args=[world.a.image.pk]),
        {"title": "改名", "collection": world.b.collection.pk},
    )
    assert MARK_B not in body_text(response)
    world.a.image.refresh_from_db()
    assert world.a.image.collection_id == world.a.collection.pk


def test_upload_forms_offer_only_the_editors_own_collections(world, as_user):
    client = as_user(world.a.editor)
    for url in (
        reverse("wagtailimages:add"),
        reverse("wagtailimages:add_multiple"),
        reverse("wagtaildocs:add"),
        reverse("wagtaildocs:add_multiple"),
    ):
        text = body_text(client.get(url))
        assert world.b.gov_site.name not in text, url
    supervisor = body_text(as_user(world.supervisor).get(reverse("wagtaildocs:add_multiple")))
    assert world.b.gov_site.name in supervisor

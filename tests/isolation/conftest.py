"""Two provisioned sites, an editor for each, a supervisor and a superuser.

Site A (甲站) is the Development and Reform Commission's site, site B (乙站) the
Education Commission's. Every object of site B carries "乙站" in its title, so a
response that contains "乙站" shows editor A something of site B's.
"""

import copy
import json
from dataclasses import dataclass, field
from io import BytesIO

import PIL.Image
import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import override_settings
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from jiyue.portal.models import ColumnPage, FooterSettings
from jiyue.registry import services
from jiyue.registry.models import (
    GovSite,
    Organization,
    OrgType,
    SiteStatus,
    SiteType,
    StaffMembership,
)
from tests.db import rolled_back

MARK_A = "甲站"
MARK_B = "乙站"


@dataclass
class SiteWorld:
    """One provisioned site and its content."""

    gov_site: GovSite
    home: object
    column: ColumnPage
    # Sub-columns stand for "a page of the site's tree" (sites have no content pages
    # since the library holds all content, rule: LIB-1).
    article: ColumnPage
    draft: ColumnPage
    locked: ColumnPage
    in_review: ColumnPage
    image: object
    document: object
    collection: object
    footer: FooterSettings
    editor: object
    extra: dict = field(default_factory=dict)

    @property
    def site(self):
        return self.gov_site.wagtail_site


@dataclass
class World:
    a: SiteWorld
    b: SiteWorld
    supervisor: object
    superuser: object
    orgs: dict


@pytest.fixture(scope="module", autouse=True)
def _media_in_tmp(tmp_path_factory):
    """Uploads (the world's images and documents, and the tests') go to a temporary
    directory, one per module since the world is built once per module."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


ISOLATION_MIDDLEWARE = "jiyue.isolation.middleware.AdminIsolationMiddleware"


def png_bytes():
    buffer = BytesIO()
    PIL.Image.new("RGB", (64, 48), "white").save(buffer, "PNG")
    return buffer.getvalue()


def png_file(name):
    return ImageFile(BytesIO(png_bytes()), name=name)


def make_user(username, **extra):
    user = get_user_model().objects.create_user(
        username=username, password="pw-不重要-123", is_staff=True, **extra
    )
    return user


def make_org(name, org_type, parent=None, **extra):
    return Organization.objects.create(name=name, org_type=org_type, parent=parent, **extra)


def make_site(org, name, domain, mark):
    gov_site = GovSite.objects.create(
        name=name,
        site_type=SiteType.DEPARTMENT,
        organization=org,
        primary_domain=domain,
        status=SiteStatus.ONLINE,
    )
    services.provision(gov_site, home_title=f"{mark}首页")
    gov_site.refresh_from_db()
    return gov_site


def add_page(parent, page, user, publish=True):
    parent.add_child(instance=page)
    revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    page.refresh_from_db()
    return page


def build_site(gov_site, mark, editor):
    home = gov_site.wagtail_site.root_page.specific
    column = add_page(
        home,
        ColumnPage(
            title=f"{mark}栏目", slug="news", description=f"{mark}栏目描述", keywords="动态"
        ),
        editor,
    )

    def article(title, slug, publish=True):
        return add_page(
            column,
            ColumnPage(
                title=title,
                slug=slug,
                live=publish,
                description=f"{mark}摘要",
                keywords="通知",
            ),
            editor,
            publish=publish,
        )

    # Titles start with a word both sites share, so that one search finds both.
    published = article(f"通知：{mark}公开文章", "public")
    draft = article(f"通知：{mark}机密草稿", "draft", publish=False)
    locked = article(f"通知：{mark}锁定文章", "locked")
    locked.locked, locked.locked_by, locked.locked_at = True, editor, timezone.now()
    locked.save(update_fields=["locked", "locked_by", "locked_at"])
    in_review = article(f"通知：{mark}待审稿件", "review", publish=False)
    in_review.get_workflow().start(in_review, editor)

    collection = services.site_collection(gov_site)
    image = get_image_model().objects.create(
        title=f"{mark}机密图片",
        file=png_file(f"{gov_site.pk}.png"),
        collection=collection,
        uploaded_by_user=editor,
    )
    image.tags.add(f"{mark}图片标签")
    document = get_document_model().objects.create(
        title=f"{mark}机密文件",
        file=ContentFile(f"{mark}文件内容".encode(), name=f"{gov_site.pk}.txt"),
        collection=collection,
        uploaded_by_user=editor,
    )
    document.tags.add(f"{mark}文件标签")
    footer = FooterSettings.for_site(gov_site.wagtail_site)
    footer.address = f"{mark}机密地址"
    footer.save()
    return SiteWorld(
        gov_site=gov_site,
        home=home,
        column=column,
        article=published,
        draft=draft,
        locked=locked,
        in_review=in_review,
        image=image,
        document=document,
        collection=collection,
        footer=footer,
        editor=editor,
    )


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker, _media_in_tmp):
    """The world, built once per test module and rolled back when the module ends."""
    with rolled_back(django_db_blocker):
        yield build_world()


@pytest.fixture
def world(module_world, db):
    """A fresh copy of the module's world: the test's changes to the database are undone
    by its savepoint, and changes to these Python objects stay with the test."""
    return copy.deepcopy(module_world)


def build_world():
    city = make_org("北京市人民政府", OrgType.CITY_GOVERNMENT, division_code="110000")
    office = make_org(
        "北京市人民政府办公厅", OrgType.GENERAL_OFFICE, parent=city, is_supervisor=True
    )
    org_a = make_org("北京市发展和改革委员会", OrgType.DEPARTMENT, parent=city)
    org_b = make_org("北京市教育委员会", OrgType.DEPARTMENT, parent=city)
    site_a = make_site(org_a, "北京市发展和改革委员会网站", "fgw.beijing.gov.cn", MARK_A)
    site_b = make_site(org_b, "北京市教育委员会网站", "jw.beijing.gov.cn", MARK_B)

    editor_a = make_user("editor_fgw")
    editor_b = make_user("editor_jw")
    supervisor = make_user("supervisor_office")
    superuser = get_user_model().objects.create_superuser(username="root", password="pw")
    StaffMembership.objects.create(user=editor_a, organization=org_a)
    StaffMembership.objects.create(user=editor_b, organization=org_b)
    StaffMembership.objects.create(user=supervisor, organization=office)

    return World(
        a=build_site(site_a, MARK_A, editor_a),
        b=build_site(site_b, MARK_B, editor_b),
        supervisor=supervisor,
        superuser=superuser,
        orgs={"city": city, "office": office, "a": org_a, "b": org_b},
    )


@pytest.fixture
def as_user(client):
    """``as_user(user)`` returns the test client logged in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login


# --- Assertions -------------------------------------------------------------------


def body_text(response):
    """The response body as text, with JSON (modal choosers, the admin API) decoded."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    text = raw.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        text += json.dumps(json.loads(text), ensure_ascii=False)
    return text


def refusal_problems(response, status):
    """Why ``response`` is not the refusal we expect (empty list if it is).

    Wagtail refuses an admin page with a redirect to the dashboard and a
    permission message (302 → /admin/), Django with 403, and lookups outside the
    user's scope with 404. In every case nothing of site B may be in the body.
    """
    problems = []
    if response.status_code != status:
        problems.append(f"status {response.status_code}, expected {status}")
    if status == 302 and response.get("Location") != "/admin/":
        problems.append(f"redirects to {response.get('Location')}")
    if MARK_B in body_text(response):
        problems.append(f"shows {MARK_B}'s content")
    return problems


def check_urls(client, cases, method="get"):
    """Request every ``(name, url, expectation)`` and return a list of failures.

    ``expectation`` is an int (the refusal status) or a string that a 200
    response must contain.
    """
    failures = []
    for name, url, expectation in cases:
        response = getattr(client, method)(url)
        if isinstance(expectation, int):
            problems = refusal_problems(response, expectation)
        else:
            problems = []
            if response.status_code != 200:
                problems.append(f"status {response.status_code}, expected 200")
            elif expectation and expectation not in body_text(response):
                problems.append(f"does not show {expectation!r}")
        failures += [f"{name} ({url}): {p}" for p in problems]
    return failures


# --- The resource library (信息资源库) --------------------------------------------------


@dataclass
class LibraryWorld:
    """Library records of site B's organization, each with "乙站" in its text."""

    world: World
    drafts: dict  # resource type -> a draft of org B (two revisions, in review)
    live_policy: object  # live, but shared with nobody (share_scope "none")
    placement: object  # a pending push to site B's column
    subscription: object
    distribution_settings: object
    org_workflow: object
    api_token: object
    a_draft: object  # org A's own draft policy, for the positive checks


def library_draft(world_site, org, mark, resource_type, **extra):
    """A draft of ``resource_type`` by ``org`` with two revisions, submitted for review."""
    from jiyue.library import services as library

    fields = {
        "title": f"{mark}机密{resource_type}草稿",
        "summary": f"{mark}机密摘要",
        "body": f"<p>{mark}机密正文</p>",
        "resource_type": resource_type,
        "source_org": org,
        "owner_site": world_site.gov_site,
    }
    fields.update(extra)
    resource = library.create_draft(user=world_site.editor, **fields)
    resource.summary = f"{mark}机密摘要（第二稿）"
    resource.save_revision(user=world_site.editor)
    workflow = resource.get_workflow()
    if workflow is not None:
        workflow.start(resource, world_site.editor)
    resource.refresh_from_db()
    return resource


@pytest.fixture
def library_world(world):
    from wagtail.models import Workflow

    from jiyue.library import services as library
    from jiyue.library.models import ApiToken, OrganizationWorkflow, ResourceType, ShareScope
    from jiyue.portal.models import (
        ColumnDistributionSettings,
        ColumnSubscription,
        Placement,
        PlacementState,
        PlacementVia,
    )

    org_b = world.orgs["b"]
    drafts = {}
    for resource_type in ResourceType.values:
        extra = {}
        if resource_type == ResourceType.INTERPRETATION:
            extra["policy"] = drafts[ResourceType.POLICY]
        drafts[resource_type] = library_draft(world.b, org_b, MARK_B, resource_type, **extra)
    live_policy = library.create_draft(
        user=world.b.editor,
        title=f"{MARK_B}不共享的政策",
        body=f"<p>{MARK_B}不共享正文</p>",
        resource_type=ResourceType.POLICY,
        source_org=org_b,
        owner_site=world.b.gov_site,
        share_scope=ShareScope.NONE,
    )
    library.publish_now(live_policy, user=world.superuser)
    placement = Placement.objects.create(
        resource=live_policy,
        column=world.b.column,
        state=PlacementState.PENDING,
        via=PlacementVia.PUSH,
        created_by=world.supervisor,
    )
    subscription = ColumnSubscription.objects.create(column=world.b.column, name=f"{MARK_B}订阅")
    settings_b = ColumnDistributionSettings.objects.create(column=world.b.column)
    org_workflow = OrganizationWorkflow.objects.create(
        organization=org_b, workflow=Workflow.objects.get(name="信息发布审核")
    )
    api_token, _key = ApiToken.issue(org_b, f"{MARK_B}接口令牌")
    a_draft = library_draft(world.a, world.orgs["a"], MARK_A, ResourceType.POLICY)
    return LibraryWorld(
        world=world,
        drafts=drafts,
        live_policy=live_policy,
        placement=placement,
        subscription=subscription,
        distribution_settings=settings_b,
        org_workflow=org_workflow,
        api_token=api_token,
        a_draft=a_draft,
    )

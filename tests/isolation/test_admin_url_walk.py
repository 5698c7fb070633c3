"""Isolation by construction, not by list (issue 6): walk EVERY admin URL that takes an id.

The walker asks Django's URL resolver for every pattern under ``/admin/`` that has
a parameter (pages, snippets of every library model, images, documents, the
registry, distribution, workflows, history, usage, inspect, lock, choosers, bulk
actions, the admin API…), fills each id with an object of organization B (site
乙站) and checks, as the editor of organization A:

* GET and POST are refused: 403, 404, 405, 400, or Wagtail's "no permission"
  redirect to the dashboard; never a 2xx, never a 500;
* nothing of B ("乙站") is in the response;

and, as a control that the filled URL really names B's object, that the
superuser's GET does not answer 404.

A new admin view is covered automatically: the walker infers the object from the
view's model (every Wagtail viewset passes it) or from the parameter's name
(``page_id``, ``image_id``…). A parameter it cannot fill fails the test until it
gets a rule here or a place in ``NO_OBJECT`` with a reason. Rule: PLATFORM-F4
权限管理, PLATFORM-7.
"""

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.admin.models import EditingSession
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    Page,
    Site,
    Task,
    UploadedFile,
    Workflow,
)

from jiyue.library.models import ApiToken, OrganizationWorkflow, Resource, Theme
from jiyue.portal.models import ColumnDistributionSettings, ColumnSubscription
from jiyue.registry.models import ApplicationKind, GovSite, Organization, SiteApplication

from .conftest import MARK_B, body_text

# Patterns with parameters that name no object of an organization, or are public.
# Keyed by the route (as the resolver spells it). Each needs a reason.
NO_OBJECT = {
    "admin/tag-autocomplete/<slug:app_name>/<slug:model_name>/": (
        "a model, not an object: tag names are a shared vocabulary (docs: known limits)"
    ),
    "admin/pages/usage/<slug:content_type_app_name>/<slug:content_type_model_name>/": (
        "a page type, not a page; its rows are scoped (tests/isolation/test_pages.py)"
    ),
    "admin/pages/usage/<slug:content_type_app_name>/<slug:content_type_model_name>/results/": (
        "a page type, not a page; its rows are scoped (tests/isolation/test_pages.py)"
    ),
    "admin/pages/create/<slug:app_label>/<slug:model_name>": (
        "a page type: lists only parents the user may add under (scoped page policy)"
    ),
    "admin/workflows/tasks/add/<str:app_label>/<str:model_name>/": (
        "a task type; the workflows admin is the supervisor's (editors hold no permission)"
    ),
    "admin/settings/<slug:app_name>/<slug:model_name>/": (
        "a setting model: opens the user's own site (tests/isolation/test_settings_reports.py)"
    ),
    "admin/password_reset/confirm/<uidb64>/<token>/": (
        "public: a signed one-time token, not an object id"
    ),
}

# Views that may answer 200 to editor A with an id of B's, each with a reason.
ALLOWED_FOR_ANY_EDITOR = {
    "wagtailsnippetchoosers_library_theme:chosen": (
        "themes (主题分类) are one platform-wide classification that every editor picks from"
    ),
    "registry_merge_target_chooser:chosen": (
        "merge targets (整合目标) are every active site, public facts the platform "
        "directory lists (jiyue/registry/choosers.py: merge_targets), the same for every user"
    ),
    "wagtailadmin_workflows:task_chosen": (
        "answers a review task's name: tasks are platform-wide configuration (审核步骤), "
        "not an organization's object"
    ),
    "wagtailadmin_editing_sessions:release": (
        "deletes only the requesting user's own session (filtered by user): a no-op for "
        "B's session id, checked below"
    ),
}

# Views whose control GET by the superuser may be 404 (the id is right, the view
# needs a state the fixture does not have), each with a reason.
CONTROL_MAY_404 = {
    "revisions_unschedule": "only a scheduled revision can be unscheduled",
    "workflow_preview": "a task without preview",
    "wagtailadmin_pages:convert_alias": "the page is not an alias",
    "wagtailsettings:preview_on_edit": "the footer settings are not previewable",
    "wagtailimages:url_generator": "the dynamic image serve view is not installed",
    "wagtailimages:url_generator_output": "the dynamic image serve view is not installed",
    "registry_sites:delete": "only a planned, never-provisioned record may be deleted (SITE-6)",
}

REFUSED = {400, 403, 404, 405}


@dataclass
class Route:
    route: str
    name: str
    params: list
    callback: object

    @property
    def view_model(self):
        initkwargs = getattr(self.callback, "view_initkwargs", {}) or {}
        model = initkwargs.get("model")
        if model is None:
            model = getattr(getattr(self.callback, "view_class", None), "model", None)
        if isinstance(model, str):
            model = apps.get_model(model)
        return model if isinstance(model, type) else None


def _params(pattern):
    converters = getattr(pattern, "converters", None)
    if converters is not None:
        return list(converters)
    regex = getattr(pattern, "regex", None)
    return list(regex.groupindex) if regex is not None else []


def admin_routes(resolver=None, prefix="", namespace=None, params=()):
    """Every URL pattern under admin/ with its full name and parameter names."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        found = [*params, *_params(entry.pattern)]
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from admin_routes(entry, route, ns, found)
        elif isinstance(entry, URLPattern) and route.startswith("admin/") and found:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(route, name, found, entry.callback)


# --- Objects of organization B -------------------------------------------------------


class Objects:
    """B's object for each model or parameter, built from the fixtures."""

    def __init__(self, lib):
        world = lib.world
        self.lib, self.world, self.b = lib, world, world.b
        self.application = SiteApplication.objects.create(
            kind=ApplicationKind.OFFLINE,
            site=world.b.gov_site,
            applicant=world.b.editor,
            applicant_org=world.orgs["b"],
            reason=f"{MARK_B}机密申请理由",
        )
        self.redirect = Redirect.objects.create(
            old_path="/乙站旧地址", site=world.b.site, redirect_link="/乙站新地址"
        )
        self.upload = UploadedFile.objects.create(
            file=ContentFile(b"x", name="b.txt"),
            uploaded_by_user=world.b.editor,
            for_content_type=ContentType.objects.get_for_model(get_image_model()),
        )
        self.session = EditingSession.objects.create(
            user=world.b.editor,
            content_type=ContentType.objects.get_for_model(Page),
            object_id=str(world.b.draft.pk),
            last_seen_at=timezone.now(),
        )
        self.workflow = world.b.in_review.get_workflow()
        self.group = Group.objects.get(pk=world.b.gov_site.editors_group_id)
        policy = lib.drafts["policy"]
        self.by_model = [
            (Resource, None),  # per proxy type, see for_model
            (ColumnSubscription, lib.subscription),
            (ColumnDistributionSettings, lib.distribution_settings),
            (OrganizationWorkflow, lib.org_workflow),
            (ApiToken, lib.api_token),
            (Theme, Theme.objects.first()),
            (GovSite, world.b.gov_site),
            (Organization, world.orgs["b"]),
            (SiteApplication, self.application),
            (get_image_model(), world.b.image),
            (get_document_model(), world.b.document),
            (Collection, world.b.collection),
            (Site, world.b.site),
            (Redirect, self.redirect),
            (Group, self.group),
            (type(world.b.editor), world.b.editor),
            (Workflow, self.workflow),
            (Task, self.workflow.tasks.first()),
            (Page, world.b.draft),
        ]
        self.by_name = {
            "portal_admin:distribution": policy,
            "library_admin:waiver": policy,
            "portal_admin:decide": lib.placement,
            "wagtailadmin_api:pages:detail": world.b.draft,
            "wagtailadmin_api:pages:action": world.b.draft,
            "wagtailadmin_api:images:detail": world.b.image,
            "wagtailadmin_api:documents:detail": world.b.document,
            "wagtailadmin_workflows:enable": self.workflow,
            "wagtailadmin_workflows:usage": self.workflow,
            "wagtailadmin_workflows:usage_results": self.workflow,
            "wagtailadmin_workflows:edit_task": self.workflow.tasks.first(),
            "wagtailadmin_workflows:enable_task": self.workflow.tasks.first(),
            "wagtailadmin_workflows:disable_task": self.workflow.tasks.first(),
            "wagtailadmin_workflows:task_chosen": self.workflow.tasks.first(),
            "registry_sites:go_live": world.b.gov_site,
            "registry_applications:decide": self.application,
            "registry_applications:withdraw": self.application,
        }

    def for_model(self, model):
        if issubclass(model, Resource):
            return self.lib.drafts.get(model.RESOURCE_TYPE) or self.lib.drafts["policy"]
        for base, obj in self.by_model:
            if issubclass(model, base):
                return obj
        return None

    def primary(self, route):
        """The object the URL is about."""
        if route.name in self.by_name:
            return self.by_name[route.name]
        in_review = {"task_state_id", "workflow_state_id", "task_id"} & set(route.params)
        names = set(route.params)
        if names & {"page_id", "parent_page_id", "page_to_move_id", "page_pk"}:
            if "parent_page_id" in names:
                return self.b.column
            return self.b.in_review if in_review else self.b.draft
        if names & {"image_id"}:
            return self.b.image
        if names & {"document_id", "doc_id"}:
            return self.b.document
        if "collection_id" in names:
            return self.b.collection
        if "redirect_id" in names:
            return self.redirect
        if "uploaded_file_id" in names:
            return self.upload
        if "session_id" in names:
            return self.session
        if route.name.startswith("wagtailsettings:"):
            return self.b.site
        model = route.view_model
        if model is not None:
            return self.for_model(model)
        return None

    def kwargs(self, route):
        """Keyword arguments naming B's object, or None if the walker cannot fill them."""
        obj = self.primary(route)
        if obj is None:
            return None
        values = {}
        for param in route.params:
            value = self.value(route, param, obj)
            if value is None:
                return None
            values[param] = value
        return values

    def value(self, route, param, obj):
        revision_owner = obj if hasattr(obj, "revisions") else None
        if param in ("pk", "page_id", "parent_page_id", "page_to_move_id", "page_pk"):
            return obj.pk
        if param in ("image_id", "document_id", "doc_id", "collection_id", "redirect_id"):
            return obj.pk
        if param in ("uploaded_file_id", "session_id"):
            return obj.pk
        if param == "destination_id":
            return self.b.home.pk
        if param == "revision_id" and revision_owner is not None:
            return revision_owner.latest_revision_id
        if param == "revision_id_a":
            return "earliest"
        if param == "revision_id_b":
            return "latest"
        state = getattr(obj, "current_workflow_state", None)
        if param == "workflow_state_id" and state is not None:
            return state.pk
        if param == "task_state_id" and state is not None:
            return state.current_task_state_id
        if param == "task_id" and state is not None:
            return state.current_task_state.task_id
        if param == "task_id":  # the task chooser's "chosen" step
            return obj.pk
        if param == "workflow_pk":
            return self.workflow.pk
        if param == "action_name":
            return "approve"
        if param == "decision":
            return "accept"
        if param == "filter_spec":
            return "original"
        if param in ("content_type_app_name", "content_type_model_name"):
            return {"content_type_app_name": "portal", "content_type_model_name": "columnpage"}[
                param
            ]
        if route.name.startswith("wagtailsettings:") and param in ("app_name", "model_name"):
            return {"app_name": "portal", "model_name": "footersettings"}[param]
        if param in ("app_label", "model_name") and route.name.startswith(
            "wagtailadmin_editing_sessions"
        ):
            return {"app_label": "wagtailcore", "model_name": "page"}[param]
        if param == "object_id":
            return str(self.b.draft.pk)
        return None

    def bulk_urls(self):
        """Every registered bulk action of every model that has an object of B."""
        urls = []
        bulk_action_registry.get_bulk_actions_for_model("wagtailcore", "page")  # scans hooks
        for app_label, models in bulk_action_registry.actions.items():
            for model_name, actions in models.items():
                if app_label == "wagtailcore" and model_name == "page":
                    obj = self.b.draft
                else:
                    model = ContentType.objects.get_by_natural_key(
                        app_label, model_name
                    ).model_class()
                    obj = self.for_model(model) if model else None
                if obj is None:
                    continue
                for action in actions:
                    url = reverse("wagtail_bulk_action", args=[app_label, model_name, action])
                    urls.append((f"bulk {app_label}.{model_name}.{action}", f"{url}?id={obj.pk}"))
        return urls


def refusal_problem(response, client, own_explorer):
    """Why ``response`` is not a refusal (None if it is)."""
    body = body_text(response)
    if MARK_B in body:
        return f"shows {MARK_B}'s content (status {response.status_code})"
    status = response.status_code
    if status in REFUSED:
        return None
    location = response.get("Location", "")
    if status == 302 and location == "/admin/":
        return None  # Wagtail's permission-denied redirect to the dashboard
    if status == 302 and location == own_explorer:
        return None  # the explorer sends a scoped editor to their own site
    if status == 302 and location.startswith("/admin/"):
        # A redirect to another view of the same object (e.g. revisions → history):
        # that view must refuse in turn.
        followed = client.get(location)
        problem = refusal_problem(followed, client, own_explorer)
        return f"redirects to {location}, which is {problem}" if problem else None
    return f"not refused: status {status} {location}"


def short(view_name):
    return view_name.rsplit(":", 1)[-1]


@pytest.fixture
def walk(library_world):
    objects = Objects(library_world)
    cases, unfilled = [], []
    for route in admin_routes():
        if route.route in NO_OBJECT:
            continue
        if route.name == "wagtail_bulk_action":
            cases += [(name, url, route.name) for name, url in objects.bulk_urls()]
            continue
        kwargs = objects.kwargs(route)
        if kwargs is None:
            unfilled.append(f"{route.route} ({route.name}) params {route.params}")
            continue
        cases.append((route.name, reverse(route.name, kwargs=kwargs), route.name))
    return library_world, cases, unfilled


def test_every_admin_url_with_an_id_is_covered_platform_7(walk):
    """No admin pattern with a parameter escapes the walk (new views included)."""
    _lib, cases, unfilled = walk
    assert not unfilled, (
        "The walker cannot fill these admin URL parameters: give it a rule in "
        "tests/isolation/test_admin_url_walk.py or put the route in NO_OBJECT with a reason:\n"
        + "\n".join(unfilled)
    )
    names = {name for _label, _url, name in cases}
    # The walk reaches every kind of object the issue names.
    for expected in (
        "wagtailadmin_pages:edit",
        "wagtailimages:edit",
        "wagtaildocs:edit",
        "registry_sites:edit",
        "portal_admin:distribution",
        "wagtailsnippets_library_policyresource:inspect",
        "wagtailsnippets_library_apitoken:edit",
        "wagtailsnippetchoosers_library_policyresource:chosen",
        "wagtailadmin_workflows:edit",
        "wagtail_bulk_action",
    ):
        assert expected in names, expected


def test_editor_of_another_organization_is_refused_everywhere_platform_7(walk, client):
    """GET and POST of every admin URL naming B's object, as A's editor: refused."""
    lib, cases, _unfilled = walk
    world = lib.world
    failures = []
    # Control first (GET only): the URL really names an existing object of B's.
    client.force_login(world.superuser)
    for label, url, name in cases:
        response = client.get(url)
        if response.status_code == 404 and not (
            name in CONTROL_MAY_404 or short(name) in CONTROL_MAY_404
        ):
            failures.append(f"control: superuser GET {label} {url}: 404 (wrong filling?)")
    client.force_login(world.a.editor)
    own_explorer = reverse("wagtailadmin_explore", args=[world.a.home.pk])
    for method in ("get", "post"):
        for label, url, name in cases:
            if name in ALLOWED_FOR_ANY_EDITOR:
                continue
            response = getattr(client, method)(url)
            problem = refusal_problem(response, client, own_explorer)
            if problem:
                failures.append(f"{method.upper()} {label} {url}: {problem}")
    assert not failures, f"{len(failures)} of {2 * len(cases)} requests:\n" + "\n".join(failures)
    # The allowed "release" really released nothing of B's.
    assert EditingSession.objects.filter(user=world.b.editor).exists()

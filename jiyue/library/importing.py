"""Bulk import into the library (批量导入): validate in memory, write in bulk.

``manage.py import_resources`` and the benchmarks call :func:`import_lines`. The
guarantees are those of one-by-one creation through :func:`services.create_draft`
and ``Revision.publish``, at a rate of thousands of resources a second:

- every line is validated first (the model's ``full_clean``, with the LIB-7 scope
  check cached per site/organization pair); errors are reported per line number and
  nothing is written if any line is bad;
- the whole batch is written in one transaction: all or nothing;
- resources are drafts with a first revision, unless ``publish``: then each is
  published with that revision under the same rules as every other publish path
  (:func:`jiyue.library.workflow.publish_resource_revision`): the interpretation rule
  (rule: INTERP-1) is checked per line before anything is written, index numbers
  (索引号) are issued from the same per-organization counters, publish time is set
  when missing. Lines the batched path cannot prove equivalent for (an
  interpretation, a scheduled go-live) are published one by one through
  ``Revision.publish`` instead, inside the same transaction;
- text from outside is made safe before validation: the file is decoded as UTF-8
  (with or without BOM) or else GB18030/GBK (:func:`decode_file`), like the site
  inventory import; a line with text that is not Unicode (a lone surrogate) or JSON
  nested too deeply is reported like any other bad line; ``body`` is cleaned to the
  admin editor's allow-list (:mod:`jiyue.library.richtext`, rule: PLATFORM-7);
- what Wagtail does per saved object is done once per batch: revisions, audit-log
  entries (one ``library.import`` entry for the batch, plus ``wagtail.create`` and
  ``wagtail.publish`` per resource), search index (``add_bulk`` in a task after the
  commit, :func:`index_resources`), reference index,
  and the ``published`` signal per resource (page-cache invalidation listens to it).

Speed (issue 7 item 7, issue 9 item 7; figures in docs/benchmarks.md): rows are not
written through ``bulk_create`` but as value tuples, one ``COPY`` (PostgreSQL) or
``executemany`` (SQLite) per table, with the keys of resources and revisions reserved
first so that each row is written once, already linked (:mod:`jiyue.standards.bulk_sql`); revision
content is built from the fields directly (:func:`revision_content`); a new resource
is a copy of one constructed instance (:meth:`Lookup.new_resource`); bodies that are
already clean skip the HTML parser (:func:`jiyue.library.richtext.is_already_clean`).
"""

import codecs
import copy
import datetime
import functools
import json
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import post_init, pre_init
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.encoding import is_protected_type
from django.utils.translation import gettext as _
from django_tasks import task
from modelcluster.models import get_all_child_m2m_relations, get_all_child_relations
from modelsearch.backends import get_search_backends
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry
from wagtail.models import ReferenceIndex, Revision
from wagtail.signals import published

from jiyue.registry.services import gov_sites, organizations
from jiyue.standards.bulk_sql import column_adapters, insert_rows, reserve_ids

from .compat import content_path_hash, references_of
from .models import PROXY_MODELS, IndexNumberCounter, Resource, ResourceType, Theme
from .richtext import clean_body
from .workflow import INDEXED_TYPES, index_no_org_code

BATCH_SIZE = 500  # reference-index rows per INSERT (SQLite's variable limit)
SEARCH_CHUNK = 1000  # resources per search-index statement (task index_resources)

TEXT_FIELDS = [
    "title",
    "summary",
    "body",
    "author",
    "keywords",
    "doc_no",
    "issuing_organ",
    "validity",
    "share_scope",
    "resource_class",
    "interpretation_form",
    "video_url",
    "source_url",
    *[f.name for f in Resource._meta.fields if f.name.startswith("guide_")],
]


_RESOURCE_TYPES = frozenset(ResourceType.values)


class ImportFailed(Exception):
    """The batch was refused; ``errors`` are ``"第N行：…"`` messages (Chinese)."""

    def __init__(self, errors):
        super().__init__(_("共 %(count)d 处错误，未导入任何资源。") % {"count": len(errors)})
        self.errors = errors


class UnreadableFile(Exception):
    """The file as a whole cannot be decoded; the message (Chinese) says how to fix it."""


def decode_file(data, encoding=None):
    """The text of an import file's ``data`` (bytes).

    With ``encoding`` exactly that codec (a UTF-8 BOM is skipped). Without it, UTF-8
    with or without BOM, else GB18030 (the superset of GBK that Chinese office
    software writes), as the site inventory import reads its files.
    """
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise UnreadableFile(_("不支持的文件编码“%(enc)s”。") % {"enc": encoding}) from None
        if codec == "utf-8":
            codec = "utf-8-sig"
        candidates = [codec]
    else:
        candidates = ["utf-8-sig", "gb18030"]
    for codec in candidates:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        _(
            "无法读取文件：请保存为 UTF-8 或 GBK 编码的 JSON Lines 文件"
            "（或用 --encoding 指定编码）。"
        )
    )


@dataclass
class ImportResult:
    resources: list = field(default_factory=list)
    published: bool = False


def parse_pub_date(value):
    """Accept ISO 8601 or ``YYYY-MM-DD HH:MM`` (Beijing time, rule: META-7)."""
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        try:
            parsed = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M")
        except ValueError:
            raise ValidationError(
                {"pub_date": _("META-7：发布时间格式应为 YYYY-MM-DD HH:MM。")}
            ) from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


class Lookup:
    """Organizations, sites and themes of the batch, by name/code/id, read once.

    Also caches the LIB-7 scope check per (owner site, source organization) pair so
    that validating 10,000 lines costs a handful of queries, not tens of thousands.
    """

    def __init__(self):
        self.orgs = {}
        for org in organizations():
            self.orgs[org.name] = org
            self.orgs[str(org.pk)] = org
        self.sites = {}
        for site in gov_sites().select_related("organization"):
            self.sites[site.primary_domain] = site
            self.sites[site.name] = site
            self.sites[str(site.pk)] = site
        themes = list(Theme.objects.all())
        self.themes = {t.code: t for t in themes}
        self.themes.update({t.name: t for t in themes})
        self.scope_cache = {}
        self.templates = {}

    def new_resource(self, cls, values):
        """A new, unsaved ``cls`` instance with ``values`` (plain fields, by name).

        What ``cls(**values)`` builds, at a fifth of the cost: a copy of one instance
        made by the constructor per class and import, with the defaults that are
        computed per object (``uid``) computed again. Model construction was a
        tenth of an import's CPU time. Valid only while nothing listens to the
        model's ``pre_init``/``post_init`` signals (the constructor sends them, a
        copy does not): if anything does, the constructor is used.
        """
        if pre_init.has_listeners(cls) or post_init.has_listeners(cls):
            return cls(**values)
        if cls not in self.templates:
            self.templates[cls] = (
                cls(),
                [f for f in cls._meta.concrete_fields if callable(f.default)],
            )
        template, per_object = self.templates[cls]
        resource = copy.copy(template)
        for model_field in per_object:
            setattr(resource, model_field.attname, model_field.get_default())
        # Plain (non-relational) fields only: their class attributes are not data
        # descriptors, so the instance dictionary is what the constructor would set.
        resource.__dict__.update(values)
        return resource


def build(data, lookup):
    """A validated, unsaved resource from one line's object, or ValidationError."""
    if not isinstance(data, dict):
        raise ValidationError(_("每行应为一个 JSON 对象。"))
    errors = {}
    resource_type = data.get("resource_type") or data.get("type")
    if resource_type not in _RESOURCE_TYPES:
        errors["resource_type"] = [_("未知的资源类型，可选：") + "、".join(ResourceType.values)]
    org = lookup.orgs.get(str(data.get("source_org", "")))
    if org is None:
        errors["source_org"] = [_("来源机构“%s”不存在。") % data.get("source_org", "")]
    site = lookup.sites.get(str(data.get("owner_site", "")))
    if site is None:
        errors["owner_site"] = [_("所属网站“%s”不存在。") % data.get("owner_site", "")]
    theme = None
    if data.get("theme"):
        theme = lookup.themes.get(str(data["theme"]))
        if theme is None:
            errors["theme"] = [_("主题分类“%s”不存在。") % data["theme"]]
    if errors:
        raise ValidationError(errors)
    fields = {k: data[k] for k in TEXT_FIELDS if data.get(k) not in (None, "")}
    if fields.get("body"):
        fields["body"] = clean_body(str(fields["body"]))
    fields["pub_date"] = parse_pub_date(data.get("pub_date"))
    if data.get("written_date"):
        fields["written_date"] = parse_date(data["written_date"])
        if fields["written_date"] is None:
            raise ValidationError({"written_date": _("成文日期格式应为 YYYY-MM-DD。")})
    fields["needs_interpretation"] = bool(data.get("needs_interpretation"))
    fields["resource_type"] = resource_type
    resource = lookup.new_resource(PROXY_MODELS[resource_type], fields)
    resource.source_org = org
    resource.owner_site = site
    resource.theme = theme
    resource.live = False
    resource.has_unpublished_changes = True
    resource._scope_cache = lookup.scope_cache
    # Uniqueness (uid: a fresh UUID; index_no: not issued yet) is left to the
    # database, which refuses a duplicate and so rolls back the whole batch.
    # The foreign keys were resolved from the lookup above, so their per-row
    # existence queries are skipped; every other field and ``clean()`` run as usual.
    resource.full_clean(
        exclude=["policy", "source_org", "owner_site", "theme"],
        validate_unique=False,
        validate_constraints=False,
    )
    return resource


class UnstorableText(ValueError):
    """Text no database stores: a lone surrogate or a NUL character."""


def check_storable_text(data):
    """Raise :class:`UnstorableText` if any key or string in parsed JSON ``data`` holds
    a lone surrogate (``"\\ud800"``: SQLite and PostgreSQL cannot encode it) or NUL
    (``"\\u0000"``: PostgreSQL refuses it in text). The API's parser uses it too."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            if "\x00" in value:
                raise UnstorableText("NUL")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise UnstorableText("surrogate") from None


def _load_line(line):
    """One line's JSON; :class:`UnstorableText` if it holds text no database stores."""
    data = json.loads(line)
    check_storable_text(data)
    return data


def validation_messages(exc):
    """Flatten a ValidationError into ``["field: message", …]`` (Chinese messages)."""
    if not isinstance(exc, ValidationError):
        return [str(exc)]
    if hasattr(exc, "error_dict"):
        return [f"{field}: {msg}" for field, msgs in exc.message_dict.items() for msg in msgs]
    return list(exc.messages)


def parse(lines):
    """``(resources, errors)`` for an iterable of lines; errors carry line numbers."""
    lookup = Lookup()
    resources, errors = [], []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            resource = build(_load_line(line), lookup)
        except json.JSONDecodeError as exc:
            errors.append(
                _("第%(line)d行：JSON 格式错误（%(msg)s）。") % {"line": lineno, "msg": exc.msg}
            )
        except RecursionError:
            errors.append(_("第%(line)d行：JSON 嵌套层次过深。") % {"line": lineno})
        except UnstorableText:
            errors.append(
                _("第%(line)d行：含有无效字符（单独的代理字符如 \\ud800，或空字符 \\u0000）。")
                % {"line": lineno}
            )
        except ValidationError as exc:
            for message in validation_messages(exc):
                errors.append(_("第%(line)d行：%(msg)s") % {"line": lineno, "msg": message})
        else:
            resource._import_line = lineno
            resources.append(resource)
    return resources, errors


# --- publish rules, batched ----------------------------------------------------------


def _needs_single_path(resource):
    """Lines whose publish the batched path does not handle: one by one instead."""
    return resource.resource_type == ResourceType.INTERPRETATION or bool(resource.go_live_at)


def publish_rule_errors(resources):
    """Per-line INTERP-1 errors for publishing ``resources`` as new resources.

    Same rule as :func:`jiyue.library.workflow.publish_resource_revision`: a policy
    that needs interpretation goes live only with a live or held interpretation or an
    approver's waiver. A new resource has neither (a waiver is recorded on an existing
    resource by an approver; an interpretation links to an existing policy), so such a
    line is refused before anything is written.
    """
    errors = []
    for resource in resources:
        if resource.resource_type == ResourceType.POLICY and resource.needs_interpretation:
            errors.append(
                _("第%(line)d行：%(msg)s")
                % {
                    "line": resource._import_line,
                    "msg": _(
                        "INTERP-1：该政策文件需要解读，须与已审核的解读同步发布，"
                        "或由审批人填写免于解读理由。"
                    ),
                }
            )
    return errors


def allocate_index_numbers(organization_id, count, when=None):
    """Issue ``count`` consecutive index numbers (索引号) of an organization.

    The same counters and format as :func:`jiyue.library.workflow.allocate_index_no`
    (``<机构代码>/<年份>-<5位序号>``), reserved with one locked update, so numbers
    stay unique and are never reused whichever path issued them.
    """
    year = timezone.localtime(when or timezone.now()).year
    counter, _created = IndexNumberCounter.objects.select_for_update().get_or_create(
        organization_id=organization_id, year=year
    )
    IndexNumberCounter.objects.filter(pk=counter.pk).update(last_value=F("last_value") + count)
    counter.refresh_from_db()
    org = organizations().get(pk=organization_id)
    code = index_no_org_code(org)
    first = counter.last_value - count + 1
    return [f"{code}/{year}-{value:05d}" for value in range(first, counter.last_value + 1)]


# --- writing --------------------------------------------------------------------------


def _set_published_state(resources, now):
    """What ``Revision.publish`` and ``_after_first_publish`` set on a first publish."""
    by_org = {}
    for resource in resources:
        resource.live = True
        resource.has_unpublished_changes = False
        resource.expired = False
        resource.first_published_at = now
        resource.last_published_at = now
        if resource.pub_date is None:
            resource.pub_date = now
        if resource.resource_type in INDEXED_TYPES:
            by_org.setdefault(resource.source_org_id, []).append(resource)
    for org_id, group in by_org.items():
        for resource, number in zip(
            group, allocate_index_numbers(org_id, len(group), now), strict=True
        ):
            resource.index_no = number


def _log_rows(resources, action, *, user, now, batch_uuid, revision_ids=None):
    """Per-resource audit entries, as ``wagtail.log_actions.log`` would write them.

    Grouped by log model (``ModelLogEntry`` for the library); the columns shared by
    the batch are prepared once, then one row tuple per resource is inserted.
    """
    by_model = {}
    for resource in resources:
        model = log_registry.get_log_model_for_instance(resource)
        by_model.setdefault(model, []).append(resource)
    for model, group in by_model.items():
        meta = model._meta
        prepared = {
            name: meta.get_field(name).get_db_prep_save(value, connection)
            for name, value in (("data", {}), ("timestamp", now), ("uuid", batch_uuid))
        }
        user_id = user.pk if user is not None else None
        columns = [
            "content_type_id",
            "object_id",
            "label",
            "action",
            "timestamp",
            "data",
            "user_id",
            "uuid",
            "revision_id",
            "content_changed",
            "deleted",
        ]
        content_types = {}
        rows = []
        for resource in group:
            cls = type(resource)
            if cls not in content_types:
                content_types[cls] = ContentType.objects.get_for_model(
                    resource, for_concrete_model=False
                ).pk
            rows.append(
                (
                    content_types[cls],
                    str(resource.pk),
                    model.objects.get_instance_title(resource),
                    action,
                    prepared["timestamp"],
                    prepared["data"],
                    user_id,
                    prepared["uuid"],
                    revision_ids[resource.pk] if revision_ids else None,
                    True,
                    False,
                )
            )
        insert_rows(model, [meta.get_field(c).column for c in columns], rows)


def _bulk_reference_index(resources):
    """Reference index rows of new resources (what Wagtail's post-save task writes)."""
    rows = []
    for resource in resources:
        if not ReferenceIndex.is_indexed(type(resource)):
            continue
        content_types = [
            ContentType.objects.get_for_model(model_or_object, for_concrete_model=False)
            for model_or_object in ([resource] + resource._meta.get_parent_list())
        ]
        for to_ct, to_id, model_path, content_path in references_of(resource):
            rows.append(
                ReferenceIndex(
                    content_type=content_types[0],
                    base_content_type=content_types[-1],
                    object_id=resource.pk,
                    to_content_type_id=to_ct,
                    to_object_id=to_id,
                    model_path=model_path,
                    content_path=content_path,
                    content_path_hash=content_path_hash(content_path),
                )
            )
    ReferenceIndex.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)


def _bulk_search_index(resources):
    """Index the batch for search in a task once the import commits.

    Search indexing was half of an import's time on PostgreSQL (``to_tsvector`` over
    every row while the import holds its transaction); a task (the worker in
    production) does it after the commit, ``add_bulk`` per model and chunk, and the
    resources are searchable as soon as it ran. Nothing is queued if the import rolls
    back.
    """
    by_model = {}
    for resource in resources:
        by_model.setdefault(type(resource)._meta.label, []).append(resource.pk)
    batches = [[label, pks] for label, pks in by_model.items()]
    if batches:
        transaction.on_commit(lambda: index_resources.enqueue(batches))


@task()
def index_resources(batches):
    """Search index entries of imported resources: ``[[model label, [pk, …]], …]``."""
    backends = list(get_search_backends(with_auto_update=True))
    indexed = 0
    for label, pks in batches:
        model = apps.get_model(label)
        for start in range(0, len(pks), SEARCH_CHUNK):
            objs = list(model.objects.filter(pk__in=pks[start : start + SEARCH_CHUNK]))
            for backend in backends:
                backend.add_bulk(model, objs)
            indexed += len(objs)
    return indexed


@functools.cache
def _serialized_fields():
    """Fields, child relations and child m2m names ``serializable_data`` stores.

    Read on first use: this module is imported while the models are still loading.
    """
    return (
        [f for f in Resource._meta.fields if f.serialize],
        [rel.get_accessor_name() for rel in get_all_child_relations(Resource)],
        [f.name for f in get_all_child_m2m_relations(Resource) if f.serialize],
    )


def revision_content(resource):
    """``resource.serializable_data()`` of a new resource, without the per-field detour.

    The same dictionary modelcluster builds (``get_serializable_data_for_fields``):
    relations by id, datetimes in UTC, other unprotected values as
    ``value_to_string``; a new resource has no child objects. Pinned against
    ``serializable_data`` by ``tests/library/test_import.py``.
    """
    serialized, child_relations, child_m2m = _serialized_fields()
    content = {"pk": resource.pk}
    for model_field in serialized:
        value = getattr(resource, model_field.attname)
        if model_field.remote_field is None and value is not None and type(value) is not str:
            if isinstance(value, datetime.datetime):
                if timezone.is_naive(value):
                    value = timezone.make_aware(value, timezone.get_default_timezone())
                value = timezone.localtime(value, datetime.UTC)
            elif not is_protected_type(value):
                value = model_field.value_to_string(resource)
        content[model_field.name] = value
    for name in (*child_relations, *child_m2m):
        content[name] = []
    return content


_RESOURCE_FIELDS = list(Resource._meta.concrete_fields)
_REVISION_COLUMNS = [
    "id",
    "content_type_id",
    "base_content_type_id",
    "object_id",
    "created_at",
    "user_id",
    "object_str",
    "content",
    "approved_go_live_at",
]


def _resource_rows(resources):
    adapters = column_adapters(_RESOURCE_FIELDS)
    plan = [(f.attname, adapt) for f, adapt in zip(_RESOURCE_FIELDS, adapters, strict=True)]
    rows = []
    for resource in resources:
        values = resource.__dict__
        rows.append(
            tuple(
                values[name] if adapt is None or values[name] is None else adapt(values[name])
                for name, adapt in plan
            )
        )
    return rows


def write(resources, *, publish=False, user=None):
    """Write validated ``resources`` in bulk; call inside ``transaction.atomic``.

    Keys of the resources and of their first revisions are reserved first, so each
    row is written once, already pointing at its revision (the foreign keys are
    checked at commit), with :func:`jiyue.standards.bulk_sql.insert_rows`.
    """
    now = timezone.now()
    batch_uuid = uuid.uuid4()
    single = [r for r in resources if publish and _needs_single_path(r)]
    batched = [r for r in resources if not (publish and _needs_single_path(r))]
    base_ct = Resource.get_base_content_type()
    resource_ids = reserve_ids(Resource, len(batched))
    revision_ids = reserve_ids(Revision, len(batched))

    # Revision content is the draft as saved, as ``save()`` then ``save_revision``
    # store it: before the publish state is set.
    content_json = Revision._meta.get_field("content")
    created = Revision._meta.get_field("created_at").get_db_prep_save(now, connection)
    user_id = user.pk if user is not None else None
    content_types, contents, revision_rows = {}, [], []
    for resource, pk, revision_id in zip(batched, resource_ids, revision_ids, strict=True):
        resource.pk = pk
        resource.created_at = resource.updated_at = now
        cls = type(resource)
        if cls not in content_types:
            content_types[cls] = ContentType.objects.get_for_model(
                resource, for_concrete_model=False
            ).pk
        content = revision_content(resource)
        resource.latest_revision_id = revision_id  # after: save_revision stores None
        contents.append(content)
        revision_rows.append(
            (
                revision_id,
                content_types[cls],
                base_ct.pk,
                str(pk),
                created,
                user_id,
                str(resource)[:255],
                content_json.get_db_prep_save(content, connection),
                None,
            )
        )
    if publish:
        _set_published_state(batched, now)
        for resource in batched:
            resource.live_revision_id = resource.latest_revision_id
    insert_rows(Resource, [f.column for f in _RESOURCE_FIELDS], _resource_rows(batched))
    insert_rows(Revision, _REVISION_COLUMNS, revision_rows)
    for resource in batched:
        resource._state.adding = False
        resource._state.db = connection.alias

    by_resource = {r.pk: r.latest_revision_id for r in batched}
    _log_rows(batched, "wagtail.create", user=user, now=now, batch_uuid=batch_uuid)
    if publish:
        _log_rows(
            batched,
            "wagtail.publish",
            user=user,
            now=now,
            batch_uuid=batch_uuid,
            revision_ids=by_resource,
        )
    _bulk_reference_index(batched)
    _bulk_search_index(batched)
    if publish:
        for resource, content, row in zip(batched, contents, revision_rows, strict=True):
            revision = Revision(
                pk=row[0],
                content_type_id=row[1],
                base_content_type_id=row[2],
                object_id=row[3],
                created_at=now,
                user=user,
                object_str=row[6],
                content=content,
            )
            revision._state.adding = False
            revision._state.db = connection.alias
            resource.latest_revision = resource.live_revision = revision
            published.send(sender=type(resource), instance=resource, revision=revision)

    # The few lines the batched path does not cover take the one-by-one path.
    for resource in single:
        resource.save()
        revision = resource.save_revision(user=user, clean=False, log_action="wagtail.create")
        revision.publish(user=user, skip_permission_checks=True)
    return batched + single


def import_lines(lines, *, publish=False, user=None, source=""):
    """Validate and import ``lines`` (JSON Lines); all or nothing.

    Raises :class:`ImportFailed` with every per-line error, or an exception from the
    database (the transaction is then rolled back). ``publish`` bypasses review: the
    caller must have checked the user may do that (the command requires a
    supervisor).
    """
    resources, errors = parse(lines)
    if publish:
        errors += publish_rule_errors(resources)
        errors.sort(key=_line_of)
    if errors:
        raise ImportFailed(errors)
    with transaction.atomic():
        written = write(resources, publish=publish, user=user)
        if user is not None:
            log(
                instance=user,
                action="library.import",
                user=user,
                data={"file": str(source), "count": len(written), "published": publish},
            )
    return ImportResult(resources=written, published=publish)


def _line_of(message):
    digits = "".join(ch for ch in message.split("行", 1)[0] if ch.isdigit())
    return int(digits or 0)

"""``import_resources``: per-line errors, all or nothing, drafts unless --publish.

The command writes in bulk (:mod:`jiyue.library.importing`); these tests hold it to
the guarantees of the one-by-one path (rule: INTERP-1, LIB-7, META-7).
"""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import timezone
from modelsearch.backends import get_search_backend
from wagtail.models import ModelLogEntry, ReferenceIndex, Revision
from wagtail.signals import published

from jiyue.library import importing, services
from jiyue.library.models import PROXY_MODELS, IndexNumberCounter, Resource, ResourceType


def write(tmp_path, rows):
    path = tmp_path / "resources.jsonl"
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows),
        encoding="utf-8",
    )
    return str(path)


def row(city, **extra):
    data = {
        "resource_type": "policy",
        "title": "关于印发《实施方案》的通知",
        "source_org": city.fgw.name,
        "owner_site": "fgw.beijing.gov.cn",
        "theme": "03",
        "pub_date": "2024-05-06 09:30",
        "doc_no": "京发改〔2024〕12号",
        "written_date": "2024-05-01",
    }
    data.update(extra)
    return data


def test_valid_file_imports_drafts(city, tmp_path, capsys):
    path = write(tmp_path, [row(city), row(city, title="第二件", resource_type="news")])
    call_command("import_resources", path)
    assert Resource.objects.count() == 2
    assert not Resource.objects.live().exists()
    policy = Resource.objects.get(resource_type="policy")
    assert policy.get_latest_revision() is not None
    assert policy.pub_date_display == "2024-05-06 09:30"  # META-7, Beijing time
    assert "已导入 2 条" in capsys.readouterr().out


def test_bad_lines_are_reported_and_nothing_lands(city, tmp_path, capsys):
    path = write(
        tmp_path,
        [
            row(city),
            "{not json",
            row(city, source_org="不存在的机构"),
            row(city, pub_date="2024/05/06"),
            row(city, resource_type="interpretation"),
        ],
    )
    with pytest.raises(CommandError):
        call_command("import_resources", path)
    err = capsys.readouterr().err
    assert "第2行" in err and "JSON" in err
    assert "第3行" in err and "不存在的机构" in err
    assert "第4行" in err and "META-7" in err
    assert "第5行" in err and "INTERP-2" in err
    assert "第1行" not in err
    assert Resource.objects.count() == 0


def test_publish_requires_a_supervisor_and_publishes(city, tmp_path):
    path = write(tmp_path, [row(city)])
    with pytest.raises(CommandError):
        call_command("import_resources", path, "--publish")
    with pytest.raises(CommandError):
        call_command("import_resources", path, "--publish", "--user", city.fgw_editor.username)
    assert Resource.objects.count() == 0
    call_command("import_resources", path, "--publish", "--user", city.supervisor.username)
    policy = Resource.objects.get()
    assert policy.live and policy.index_no


def test_policy_needing_interpretation_is_refused_per_line_with_publish(city, tmp_path, capsys):
    """rule: INTERP-1 — checked per line before writing; the whole batch is refused."""
    path = write(tmp_path, [row(city), row(city, title="需解读", needs_interpretation=True)])
    with pytest.raises(CommandError):
        call_command("import_resources", path, "--publish", "--user", city.supervisor.username)
    err = capsys.readouterr().err
    assert "第2行" in err and "INTERP-1" in err
    assert "第1行" not in err
    assert Resource.objects.count() == 0
    # As drafts the same lines are fine: the rule applies when publishing.
    call_command("import_resources", path)
    assert Resource.objects.count() == 2


def test_failure_while_writing_rolls_back_everything(city, tmp_path, monkeypatch):
    """A database error after the rows are written rolls back rows and revisions."""
    path = write(tmp_path, [row(city), row(city, title="第二件", resource_type="news")])

    def broken(resources):
        raise RuntimeError("search index unavailable")

    monkeypatch.setattr(importing, "_bulk_search_index", broken)
    with pytest.raises(RuntimeError):
        call_command("import_resources", path, "--publish", "--user", city.supervisor.username)
    assert Resource.objects.count() == 0
    assert not Revision.objects.filter(base_content_type=_resource_ct()).exists()
    assert not IndexNumberCounter.objects.filter(last_value__gt=0).exists()


def test_owner_site_out_of_scope_is_reported_per_line(city, tmp_path, capsys):
    """rule: LIB-7 — the cached scope check still reports every bad line."""
    path = write(
        tmp_path,
        [
            row(city),
            row(city, owner_site="www.bjhd.gov.cn"),  # district site, fgw is not below it
            row(city, owner_site="www.bjhd.gov.cn", title="again"),
            row(city, owner_site="www.beijing.gov.cn"),  # the city portal: fgw is below it
        ],
    )
    with pytest.raises(CommandError):
        call_command("import_resources", path)
    err = capsys.readouterr().err
    assert "第2行" in err and "第3行" in err and "LIB-7" in err
    assert "第1行" not in err and "第4行" not in err
    assert Resource.objects.count() == 0


def _resource_ct():
    return ContentType.objects.get_for_model(Resource)


def test_drafts_get_revision_and_create_log_entries(city, tmp_path):
    path = write(tmp_path, [row(city), row(city, title="第二件", resource_type="news")])
    call_command("import_resources", path, "--user", city.fgw_editor.username)
    for resource in Resource.objects.all():
        revision = resource.latest_revision
        assert revision is not None and resource.live_revision is None
        assert revision.user == city.fgw_editor
        assert revision.as_object().title == resource.title
        assert revision.content["pk"] == resource.pk
        # As save() then save_revision() store a new object: no revision yet, a draft.
        assert revision.content["latest_revision"] is None
        assert revision.content["live"] is False
        assert revision.as_object().created_at == resource.created_at
        assert resource.has_unpublished_changes and resource.index_no is None
        assert ModelLogEntry.objects.filter(
            object_id=str(resource.pk), action="wagtail.create"
        ).exists()
        assert not ModelLogEntry.objects.filter(
            object_id=str(resource.pk), action="wagtail.publish"
        ).exists()


def test_batched_publish_matches_the_single_publish_path(
    city, tmp_path, django_capture_on_commit_callbacks
):
    """--publish sets what Revision.publish does: live revision, times, index number."""
    received = []

    def on_published(sender, instance, revision, **kwargs):
        received.append((instance.pk, revision.pk))

    published.connect(on_published)
    try:
        path = write(
            tmp_path,
            [
                row(city),
                row(city, title="第二件"),
                row(city, title="无发布时间", resource_type="news", pub_date=""),
            ],
        )
        # The search index is written by a task once the import commits.
        with django_capture_on_commit_callbacks(execute=True):
            call_command("import_resources", path, "--publish", "--user", city.supervisor.username)
    finally:
        published.disconnect(on_published)

    resources = list(Resource.objects.order_by("pk"))
    assert len(resources) == 3 and all(r.live for r in resources)
    for resource in resources:
        assert resource.live_revision_id == resource.latest_revision_id
        assert not resource.has_unpublished_changes
        assert resource.first_published_at and resource.last_published_at
        assert (resource.pk, resource.live_revision_id) in received
        entry = ModelLogEntry.objects.get(object_id=str(resource.pk), action="wagtail.publish")
        assert entry.user == city.supervisor and entry.revision_id == resource.live_revision_id
    news = resources[2]
    assert news.pub_date == news.first_published_at  # META-7: missing time = first publish
    assert news.index_no is None  # only policies and interpretations get one
    # rule: LIB-7 — consecutive numbers from the same counter as the single path.
    first, second = resources[0].index_no, resources[1].index_no
    assert first.endswith("-00001") and second.endswith("-00002")
    later = city.published("逐条发布", resource_type=ResourceType.POLICY)
    assert later.index_no.endswith("-00003")
    assert later.index_no.split("/")[0] == first.split("/")[0]
    # One audit entry for the batch.
    assert ModelLogEntry.objects.filter(action="library.import").count() == 1
    # Search (after the commit, by the task) and reference indexes for the batch.
    hits = get_search_backend().search("实施方案", Resource)
    assert resources[0].pk in {hit.pk for hit in hits}
    # Reference index rows exactly when Wagtail tracks the model (it does not today).
    has_refs = ReferenceIndex.objects.filter(
        object_id=str(resources[0].pk), base_content_type__app_label="library"
    ).exists()
    assert has_refs == ReferenceIndex.is_indexed(PROXY_MODELS[ResourceType.POLICY])
    # Visible through the library's public queryset only once published.
    assert set(services.live_resources().values_list("pk", flat=True)) >= {r.pk for r in resources}


def test_published_import_can_be_unpublished_and_republished(city, tmp_path):
    """The batched rows are ordinary Wagtail rows: the normal actions work on them."""
    path = write(tmp_path, [row(city)])
    call_command("import_resources", path, "--publish", "--user", city.supervisor.username)
    policy = Resource.objects.get()
    index_no = policy.index_no
    services.unpublish(policy, user=city.superuser)
    policy.refresh_from_db()
    assert not policy.live
    services.publish_now(policy, user=city.superuser)
    policy.refresh_from_db()
    assert policy.live and policy.index_no == index_no  # never re-issued


# --- files as they come from other offices (issue 6 item 9) --------------------------


def write_bytes(tmp_path, data):
    path = tmp_path / "resources.jsonl"
    path.write_bytes(data)
    return str(path)


def _lines(city, **extra):
    return "\n".join(
        json.dumps(r, ensure_ascii=False)
        for r in (row(city, **extra), row(city, title="第二件", resource_type="news"))
    )


def test_gbk_file_is_read_like_the_site_inventory(city, tmp_path):
    path = write_bytes(tmp_path, _lines(city).encode("gbk"))
    call_command("import_resources", path)
    assert sorted(Resource.objects.values_list("title", flat=True)) == [
        "关于印发《实施方案》的通知",
        "第二件",
    ]


def test_utf8_bom_is_accepted(city, tmp_path):
    path = write_bytes(tmp_path, b"\xef\xbb\xbf" + _lines(city).encode("utf-8"))
    call_command("import_resources", path)
    assert Resource.objects.count() == 2


def test_explicit_encoding_that_does_not_fit_is_refused_clearly(city, tmp_path):
    path = write_bytes(tmp_path, _lines(city).encode("gbk"))
    with pytest.raises(CommandError, match="UTF-8 或 GBK"):
        call_command("import_resources", path, "--encoding", "utf-8")
    with pytest.raises(CommandError, match="不支持的文件编码"):
        call_command("import_resources", path, "--encoding", "no-such-codec")
    assert Resource.objects.count() == 0


@pytest.mark.parametrize("bad", ["\ud800", "\x00"])
def test_lone_surrogate_or_nul_is_reported_per_line(city, tmp_path, capsys, bad):
    # json.dumps with ensure_ascii writes the escape "\ud800", as other software does.
    lines = [json.dumps(row(city)), json.dumps(row(city, title=f"坏{bad}字"))]
    path = write_bytes(tmp_path, "\n".join(lines).encode("ascii"))
    with pytest.raises(CommandError):
        call_command("import_resources", path)
    err = capsys.readouterr().err
    assert "第2行" in err and "无效字符" in err
    assert "第1行" not in err
    assert Resource.objects.count() == 0


def test_deeply_nested_json_is_reported_per_line(city, tmp_path, capsys):
    deep = '{"title": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path = write(tmp_path, [row(city), deep])
    with pytest.raises(CommandError):
        call_command("import_resources", path)
    err = capsys.readouterr().err
    assert "第2行" in err and "嵌套" in err
    assert Resource.objects.count() == 0


def test_unicode_line_separator_inside_a_string_stays_one_line(city, tmp_path):
    path = write(tmp_path, [row(city, summary="甲\u2028乙"), row(city, title="第二件")])
    call_command("import_resources", path)
    assert Resource.objects.get(title="第二件")
    assert Resource.objects.get(summary="甲\u2028乙")


def test_search_index_waits_for_the_commit(city, tmp_path, django_capture_on_commit_callbacks):
    """The search index is written by a task after the import commits, never before."""
    path = write(tmp_path, [row(city)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("import_resources", path, "--publish", "--user", city.supervisor.username)
    resource = Resource.objects.get()
    assert resource.pk not in {hit.pk for hit in get_search_backend().search("实施方案", Resource)}
    for callback in callbacks:
        callback()
    assert resource.pk in {hit.pk for hit in get_search_backend().search("实施方案", Resource)}


# --- rows written without bulk_create (issue 7 item 7, issue 9 item 7) ----------------


def test_revision_content_is_what_serializable_data_stores(city):
    """The importer builds revision content itself; it must equal modelcluster's."""
    lines = [
        json.dumps(row(city), ensure_ascii=False),
        json.dumps(
            row(
                city,
                resource_type="service_guide",
                title="办事指南",
                guide_is_free=True,
                guide_complaint_phone="010-12345678",
                pub_date="",
                written_date="",
            ),
            ensure_ascii=False,
        ),
    ]
    resources, errors = importing.parse(lines)
    assert not errors
    for pk, resource in enumerate(resources, start=900):
        resource.pk = pk
        resource.created_at = resource.updated_at = timezone.now()
        resource.latest_revision_id = pk + 1
        expected = resource.serializable_data()  # sets updated_at (auto_now) first
        assert importing.revision_content(resource) == expected


def test_keys_of_deleted_resources_are_never_reused(city, tmp_path):
    """rule: LIB-7 — the resource id is global and never reused, also by the bulk path."""
    call_command("import_resources", write(tmp_path, [row(city), row(city, title="第二件")]))
    last = Resource.objects.order_by("-pk").first()
    deleted_pk = last.pk
    Revision.objects.filter(base_content_type=_resource_ct(), object_id=str(deleted_pk)).delete()
    last.delete()
    call_command("import_resources", write(tmp_path, [row(city, title="第三件")]))
    newest = Resource.objects.get(title="第三件")
    assert newest.pk > deleted_pk
    revision = newest.latest_revision
    assert revision.object_id == str(newest.pk)
    assert revision.as_object().title == "第三件"


def test_new_resource_is_what_the_constructor_builds(city):
    """The importer copies a default instance instead of calling the constructor."""
    lookup = importing.Lookup()
    values = {"resource_type": "news", "title": "标题", "summary": "摘要", "guide_is_free": True}
    cls = PROXY_MODELS[ResourceType.NEWS]
    copied, other = lookup.new_resource(cls, values), lookup.new_resource(cls, values)
    built = cls(**values)
    assert type(copied) is cls and copied._state.adding and copied.pk is None
    for model_field in cls._meta.concrete_fields:
        if model_field.name != "uid":
            name = model_field.attname
            assert getattr(copied, name) == getattr(built, name), name
    assert copied.uid and other.uid and copied.uid != other.uid  # computed per object

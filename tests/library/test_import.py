"""``import_resources``: per-line errors, all or nothing, drafts unless --publish."""

import json

import pytest
from django.core.management import CommandError, call_command

from jiyue.library.models import Resource


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


def test_failure_while_writing_rolls_back_everything(city, tmp_path):
    """A policy needing interpretation, published alone, aborts the whole batch."""
    path = write(tmp_path, [row(city), row(city, title="需解读", needs_interpretation=True)])
    with pytest.raises(Exception, match="INTERP-1"):
        call_command("import_resources", path, "--publish", "--user", city.supervisor.username)
    assert Resource.objects.count() == 0

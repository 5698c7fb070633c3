"""``manage.py frontcache_purge``: operators empty the cache of one host or of all."""

import pytest
from django.core.management import CommandError, call_command

from jiyue.frontcache import services


@pytest.fixture
def filled(settings, tmp_path):
    settings.JIYUE_FRONTCACHE_ROOT = tmp_path
    for host in ("a.localhost", "b.localhost", "c.localhost"):
        services.store(host, "/", "text/html", b"x", services.generation(host))
    return tmp_path


def test_purge_one_host(filled, capsys):
    call_command("frontcache_purge", "--host", "a.localhost")
    assert services.cached_hosts() == ["b.localhost", "c.localhost"]
    assert "a.localhost: 已清除" in capsys.readouterr().out


def test_purge_several_hosts(filled):
    call_command("frontcache_purge", "--host", "a.localhost", "--host", "B.localhost")
    assert services.cached_hosts() == ["c.localhost"]


def test_purge_all(filled):
    call_command("frontcache_purge", "--all")
    assert services.cached_hosts() == []
    assert services.read("a.localhost", "/") is None


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "请指定 --host 主机名 或 --all"),
        (["--host", "a.localhost", "--all"], "不能同时使用"),
        (["--host", "../etc"], "无效的主机名"),
    ],
)
def test_bad_arguments_are_refused_with_a_chinese_message(filled, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("frontcache_purge", *args)
    assert len(services.cached_hosts()) == 3  # nothing lost

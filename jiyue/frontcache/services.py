"""The page cache (页面缓存) on disk: where a page's file lives, writing, reading, purging.

Published pages are read thousands of times for each change, so each is rendered once
per change and stored as a plain file that the front server (nginx, see
``deploy/nginx/jiyue.conf``) serves without reaching Django. Layout under
``settings.JIYUE_FRONTCACHE_ROOT`` (the exact layout nginx's ``try_files`` addresses)::

    pages/<host><path>index.<ext>   paths ending in "/" (pages, column feeds)
    pages/<host><path>              paths with a file name: /sitemap.xml, /robots.txt
    gen/<host>                      the host's generation counter (its size in bytes)
    tmp/                            files being written (same file system, os.replace)
    trash/                          host trees being deleted by a purge

``<ext>`` records the content type, because nginx picks the Content-Type from the file
name: html (text/html), rss (application/rss+xml), atom (application/atom+xml), xml
(application/xml), txt (text/plain). Everything is UTF-8.

The generation counter is a file, not a Django cache key: the default cache is local
to one process, and purges also run in the task worker (scheduled publish/unpublish),
so a counter in the cache would not be seen by the web processes. Appending one byte is
atomic on POSIX and ``stat`` needs no database query.
"""

import logging
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

# File extension → content type, for nginx's ``types`` block and for serving hits.
EXTENSION_TYPES = {
    "html": "text/html",
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "xml": "application/xml",
    "txt": "text/plain",
}
TYPE_EXTENSIONS = {content_type: ext for ext, content_type in EXTENSION_TYPES.items()}
TYPE_EXTENSIONS["text/xml"] = "xml"
INDEX_NAMES = tuple(f"index.{ext}" for ext in EXTENSION_TYPES)

# Host names as nginx's $host gives them: lower case, no port.
_HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
_MAX_SEGMENT_BYTES = 200


def root():
    return Path(getattr(settings, "JIYUE_FRONTCACHE_ROOT", settings.VAR_DIR / "frontcache"))


def pages_root():
    """The directory nginx serves (``root`` in deploy/nginx/jiyue.conf)."""
    return root() / "pages"


def normalize_host(host):
    """``host`` as a cache directory name, or None if it cannot be one safely."""
    host = (host or "").rsplit(":", 1)[0].lower().rstrip(".")
    if len(host) > 253 or not _HOST_RE.match(host):
        return None
    return host


def _safe_segments(path):
    """The path's segments, or None when the path must not become a file name.

    Refuses ".", "..", empty inner segments ("//"), NUL and backslashes, so a request
    can never address a file outside its host's directory.
    """
    if not path.startswith("/") or "\x00" in path or "\\" in path:
        return None
    inner = path[1:-1] if path.endswith("/") else path[1:]
    if not inner:
        return []
    segments = inner.split("/")
    for segment in segments:
        if segment in ("", ".", "..") or len(segment.encode()) > _MAX_SEGMENT_BYTES:
            return None
    return segments


def candidate_files(host, path):
    """Every file that may hold the cached page ``host`` + ``path`` (read/purge order)."""
    host = normalize_host(host)
    segments = _safe_segments(path) if host else None
    if segments is None:
        return []
    base = pages_root() / host
    if path.endswith("/"):
        directory = base.joinpath(*segments)
        return [directory / name for name in INDEX_NAMES]
    name = segments[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EXTENSION_TYPES:
        return []
    return [base.joinpath(*segments)]


def file_for(host, path, content_type):
    """The file that stores a response of ``content_type``, or None if not storable.

    A path with a file name is stored only when its extension announces the same
    content type, because nginx derives Content-Type from the extension.
    """
    ext = TYPE_EXTENSIONS.get(content_type)
    if ext is None:
        return None
    candidates = candidate_files(host, path)
    if not candidates:
        return None
    if path.endswith("/"):
        return candidates[INDEX_NAMES.index(f"index.{ext}")]
    name_ext = candidates[0].name.rsplit(".", 1)[-1].lower()
    if EXTENSION_TYPES[name_ext] != EXTENSION_TYPES[ext]:
        return None
    return candidates[0]


def content_type_of(file_path):
    ext = file_path.name.rsplit(".", 1)[-1].lower()
    return f"{EXTENSION_TYPES[ext]}; charset=utf-8"


# --- generation -------------------------------------------------------------------


def _generation_file(host):
    return root() / "gen" / host


def generation(host):
    """The host's current generation; every purge of the host increases it."""
    host = normalize_host(host)
    if host is None:
        return None
    try:
        return _generation_file(host).stat().st_size
    except FileNotFoundError:
        return 0


def bump_generation(host):
    """Increase the host's generation (atomic across processes: one appended byte)."""
    host = normalize_host(host)
    if host is None:
        return
    path = _generation_file(host)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, b".")
    finally:
        os.close(fd)


# --- read / write -----------------------------------------------------------------


def read(host, path):
    """``(bytes, file path)`` of the cached page, or None on a miss."""
    for candidate in candidate_files(host, path):
        try:
            with open(candidate, "rb") as handle:
                return handle.read(), candidate
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            continue
    return None


def store(host, path, content_type, content, taken_generation):
    """Write a rendered page atomically, unless the host was purged since rendering began.

    ``taken_generation`` is the host's generation when the request started. A purge in
    between (the page was rendered from data that has since changed) bumps it, and the
    write is skipped. The check is repeated after the write, and the file removed if a
    purge slipped in between the check and ``os.replace``, so a stale page can never
    outlive the purge that should have removed it. Returns the file, or None.
    """
    target = file_for(host, path, content_type)
    if target is None or taken_generation is None:
        return None
    if generation(host) != taken_generation:
        return None
    tmp_dir = root() / "tmp"
    try:
        tmp_dir.mkdir(parents=True, exist_ok=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            os.chmod(tmp_name, 0o644)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    except OSError as exc:  # a path that is a file here and a directory there, full disk …
        logger.warning("frontcache: not stored %s%s: %s", host, path, exc)
        return None
    if generation(host) != taken_generation:
        target.unlink(missing_ok=True)
        return None
    return target


# --- purge ------------------------------------------------------------------------


def purge_urls(urls):
    """Remove the cached files of ``urls`` (an iterable of ``(host, path)``).

    Bumps each host's generation first, so a render that began before the data changed
    cannot write its stale result afterwards.
    """
    urls = {(normalize_host(host), path) for host, path in urls}
    urls.discard((None, None))
    for host in {host for host, _path in urls if host}:
        bump_generation(host)
    removed = 0
    for host, path in urls:
        if host is None:
            continue
        for candidate in candidate_files(host, path):
            try:
                candidate.unlink()
                removed += 1
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                pass
    return removed


def purge_host(host):
    """Remove every cached page of ``host``.

    The host's tree is renamed away in one step before it is deleted, so nginx sees
    either the whole old tree or none of it, never half a tree.
    """
    host = normalize_host(host)
    if host is None:
        return False
    bump_generation(host)
    tree = pages_root() / host
    trash = root() / "trash"
    trash.mkdir(parents=True, exist_ok=True)
    doomed = trash / f"{host}.{uuid.uuid4().hex}"
    try:
        os.rename(tree, doomed)
    except FileNotFoundError:
        return False
    shutil.rmtree(doomed, ignore_errors=True)
    return True


def cached_hosts():
    base = pages_root()
    if not base.is_dir():
        return []
    return sorted(entry.name for entry in base.iterdir() if entry.is_dir())


def purge_all():
    """Remove every cached page of every host (and leftovers of interrupted writes)."""
    hosts = cached_hosts()
    for host in hosts:
        purge_host(host)
    for leftover in ("trash", "tmp"):
        directory = root() / leftover
        if directory.is_dir():
            for entry in directory.iterdir():
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
    return hosts

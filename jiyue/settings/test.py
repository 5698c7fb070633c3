"""Test settings: fast hashing, immediate tasks, in-memory cache."""

from .base import *  # noqa: F403
from .base import env_list

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
JIYUE_HOST_MAP = dict(
    item.split("=", 1)
    for item in env_list("JIYUE_HOST_MAP", "beijing.gov.cn=localhost,gov.cn=localhost")
    if "=" in item
)
ALLOWED_HOSTS = ["*"]

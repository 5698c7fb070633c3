"""Embedded development mode: ``make run``. SQLite in var/, sites on *.localhost."""

from .base import *  # noqa: F403
from .base import env_list

DEBUG = True
JIYUE_HOST_MAP = dict(
    item.split("=", 1)
    for item in env_list("JIYUE_HOST_MAP", "beijing.gov.cn=localhost,gov.cn=localhost")
    if "=" in item
)

"""Embedded development mode: ``make run``. SQLite in var/, sites on *.localhost."""

from .base import *  # noqa: F403
from .base import host_map

DEBUG = True
JIYUE_HOST_MAP = host_map("beijing.gov.cn=localhost,gov.cn=localhost")

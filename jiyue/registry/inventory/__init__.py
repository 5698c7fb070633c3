"""The site inventory (网站清单) and the merge plan (整合计划); see :mod:`.formats`."""

from .formats import *  # noqa: F403
from .formats import _ImportContext  # noqa: F401

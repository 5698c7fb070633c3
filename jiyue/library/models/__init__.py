"""Library data; see :mod:`.resources`."""

from .resources import *  # noqa: F403

"""The registry admin (menu 网站注册); see :mod:`.sites`."""

from .sites import *  # noqa: F403
from .sites import GovSiteViewSet, RegistryViewSetGroup  # noqa: F401

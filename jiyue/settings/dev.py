"""Embedded mode: ``make run``. SQLite in var/, sites on *.localhost.

``make run`` is the product on its embedded defaults, not a debug server (issue 8
item 11): DEBUG is off unless ``JIYUE_DEBUG=1``, so an unknown path gets Jiyue's
Chinese 404 page and a fault its 500 page (the traceback goes to the console).
"""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool, env_int, host_map

DEBUG = env_bool("JIYUE_DEBUG", False)
JIYUE_HOST_MAP = host_map("beijing.gov.cn=localhost,gov.cn=localhost")

# Static files without collectstatic: WhiteNoise (already in MIDDLEWARE) serves them
# straight from the apps' static folders through Django's finders, and looks again
# for changed files on each static request (WhiteNoise's settings for development).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Uploaded images and documents from var/media (nginx does this in production).
JIYUE_SERVE_MEDIA = True

# The port the sites are served on: Wagtail's Site records carry it, so "View live"
# (查看实时) and every absolute page URL name the real address (issue 8 item 9).
# `make run PORT=8010` passes its port; `load_demo --port` updates existing sites.
JIYUE_SITE_PORT = env_int("JIYUE_SITE_PORT", 8000)
# make run serves plain http: pages re-rendered by the task worker link the same way.
JIYUE_FRONTCACHE_RERENDER_SCHEME = os.environ.get("JIYUE_FRONTCACHE_RERENDER_SCHEME", "http")

# Workflow notifications are written to files in var/mail/ (one per message), not
# sent: there is no mail server on a development machine.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"

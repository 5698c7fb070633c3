"""Production settings: PostgreSQL via DATABASE_URL, secure cookies, real secret key."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["JIYUE_SECRET_KEY"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

# Host-name lookups and page caches must be shared by every worker process, or a
# site's new status would reach each process only when its local entry expires.
if "JIYUE_CACHE_BACKEND" not in os.environ:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "jiyue_cache",
        }
    }

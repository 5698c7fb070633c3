"""Production settings: PostgreSQL via DATABASE_URL, HTTPS only, secure cookies, real secret key.

Every security switch below reads an environment variable; docs/security.md lists them.
"""

import os

from .base import *  # noqa: F403
from .base import env_bool, env_int, env_list

DEBUG = False
SECRET_KEY = os.environ["JIYUE_SECRET_KEY"]

# HTTPS (传输加密, 等保三级). nginx terminates TLS (deploy/nginx/jiyue-tls.conf) and says so
# in X-Forwarded-Proto; Django then redirects plain HTTP and sends HSTS itself too.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("JIYUE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("JIYUE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("JIYUE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("JIYUE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Cookies only over HTTPS, never readable by scripts, not sent on cross-site subrequests.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = os.environ.get("JIYUE_COOKIE_SAMESITE", "Lax")
CSRF_COOKIE_SECURE = True
# The CSRF cookie stays readable: it is no secret from the page (Django docs), and the
# admin and the API page read the token.
CSRF_COOKIE_SAMESITE = SESSION_COOKIE_SAMESITE

# Level 3 asks for two authentication factors for administrators: on unless switched off.
JIYUE_2FA_REQUIRED = env_bool("JIYUE_2FA_REQUIRED", True)
# nginx on the same machine by default: its X-Real-IP is the client's address.
JIYUE_TRUSTED_PROXIES = env_list("JIYUE_TRUSTED_PROXIES", "127.0.0.1,::1")

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

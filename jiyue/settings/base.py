"""Settings shared by every environment.

Everything that differs between machines comes from environment variables, with
safe defaults for the embedded (SQLite) mode that ``make run`` uses.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("JIYUE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("JIYUE_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("JIYUE_DEBUG", False)
ALLOWED_HOSTS = env_list("JIYUE_ALLOWED_HOSTS", ".localhost,localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("JIYUE_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Jiyue's own apps: one per capability.
    "jiyue.standards",
    "jiyue.registry",
    "jiyue.portal",
    "jiyue.library",
    "jiyue.demo",
    "jiyue.frontcache",
    # Wagtail.
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Background work (Django's tasks API, database backend).
    "django_tasks",
    "django_tasks_db",
    # Django.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Refuses the few admin URLs Wagtail's hooks cannot scope to a user's own sites.
    "jiyue.registry.isolation_middleware.AdminIsolationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Resolves the request's host name to a registered government site and answers
    # for sites that are not online (offline / closed / merged / unknown host).
    "jiyue.registry.middleware.SiteStatusMiddleware",
    # Anonymous readers get the cached page; Django renders only on a miss (docs/page-cache.md).
    "jiyue.frontcache.middleware.FrontCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "jiyue.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jiyue" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "jiyue.wsgi.application"

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jiyue.sqlite3'}"),
        conn_max_age=int(os.environ.get("JIYUE_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web server work on one file at once;
    # IMMEDIATE transactions avoid "database is locked" upgrades under write load.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Public pages and admin in Simplified Chinese; Beijing time.
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "jiyue" / "locale"]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("JIYUE_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "jiyue" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("JIYUE_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "JIYUE_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"
        ),
        "LOCATION": os.environ.get("JIYUE_CACHE_LOCATION", "jiyue"),
    }
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("JIYUE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Wagtail.
WAGTAIL_SITE_NAME = "集约 · 政府网站集约化平台"
WAGTAILADMIN_BASE_URL = os.environ.get("JIYUE_ADMIN_BASE_URL", "http://localhost:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "ofd",
    "wps",
    "txt",
    "zip",
]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

# Jiyue.
# JIYUE_HOST_MAP rewrites registered domain suffixes to the host names this
# installation answers on, longest suffix first, e.g. "beijing.gov.cn=localhost"
# serves www.beijing.gov.cn at www.localhost. Empty in production: sites answer on
# their registered domains.
JIYUE_HOST_MAP = dict(item.split("=", 1) for item in env_list("JIYUE_HOST_MAP", "") if "=" in item)
# Rendered pages for anonymous readers, served by nginx (deploy/nginx/jiyue.conf) or,
# without nginx, by jiyue.frontcache's middleware.
JIYUE_FRONTCACHE_ROOT = Path(os.environ.get("JIYUE_FRONTCACHE_ROOT", VAR_DIR / "frontcache"))
# Pages a purge removed are rendered again at once by the task worker
# (jiyue.frontcache.rerender), with the scheme readers use for absolute links.
JIYUE_FRONTCACHE_RERENDER = env_bool("JIYUE_FRONTCACHE_RERENDER", True)
JIYUE_FRONTCACHE_RERENDER_SCHEME = os.environ.get("JIYUE_FRONTCACHE_RERENDER_SCHEME", "https")
# Overrides of STANDARDS.md rule defaults, keyed by rule ID (CONFIG-1).
JIYUE_RULES = {}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JIYUE_LOG_LEVEL", "INFO")},
}

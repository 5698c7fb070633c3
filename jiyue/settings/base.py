"""Settings shared by every environment.

Everything that differs between machines comes from environment variables, with
safe defaults for the embedded (SQLite) mode that ``make run`` uses.
"""

import os
from datetime import timedelta
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


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


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
    "jiyue.isolation",
    # Login protection, sessions, second factor, CSP, audit trail (docs/security.md).
    "jiyue.security",
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
    # django-ninja as an app: /api/v1/docs loads Swagger UI from ninja's own static
    # files instead of a CDN (works offline, passes the CSP).
    "ninja",
    # Django.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Its catalogue translates Wagtail's relative times ("41 seconds ago" → "41秒之前").
    "django.contrib.humanize",
    # Security packages (docs/security.md).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    # The admin's name, mark, user guide and value display (管理后台界面). Last: its
    # display classes replace Wagtail's (images, documents) registered in their ready().
    "jiyue.adminui",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy: strict on public pages, the admin's allowances under /admin/.
    "jiyue.security.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The client address of the request, for every audit log entry written during it.
    "jiyue.security.middleware.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified() for the second factor (双因素认证).
    "django_otp.middleware.OTPMiddleware",
    # Idle timeout and absolute lifetime of admin sessions (会话超时).
    "jiyue.security.middleware.SessionTimeoutMiddleware",
    # Supervisors must pass the second factor when JIYUE_2FA_REQUIRED says so.
    "jiyue.security.middleware.SecondFactorMiddleware",
    # Refuses the few admin URLs Wagtail's hooks cannot scope to a user's own sites.
    "jiyue.isolation.middleware.AdminIsolationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Resolves the request's host name to a registered government site and answers
    # for sites that are not online (offline / closed / merged / unknown host).
    "jiyue.registry.middleware.SiteStatusMiddleware",
    # Anonymous readers get the cached page; Django renders only on a miss (docs/page-cache.md).
    "jiyue.frontcache.middleware.FrontCacheMiddleware",
    # On a miss: Wagtail takes the request's site from the registry (no second lookup).
    "jiyue.registry.middleware.WagtailSiteMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Answers a locked-out login with the lockout page; django-axes wants it last.
    "axes.middleware.AxesMiddleware",
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

# Password policy (口令复杂度, 等保三级): at least JIYUE_PASSWORD_MIN_LENGTH characters from
# at least three of four character classes. rule: PLATFORM-7
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("JIYUE_PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "jiyue.security.password_validation.CharacterClassesValidator",
        "OPTIONS": {"min_classes": env_int("JIYUE_PASSWORD_MIN_CLASSES", 3)},
    },
]

# Login protection (登录失败处理): django-axes counts failed logins per account and per
# client address and locks after JIYUE_LOGIN_FAILURE_LIMIT failures for
# JIYUE_LOGIN_LOCKOUT_MINUTES; the supervisor unlocks in the admin (安全 → 登录锁定).
# AxesBackend must come first: it refuses locked-out credentials before ModelBackend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("JIYUE_LOGIN_PROTECTION", True)
AXES_FAILURE_LIMIT = env_int("JIYUE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("JIYUE_LOGIN_LOCKOUT_MINUTES", 30))
# Each entry locks on its own: the account whatever the address, and the address whatever
# the account (password spraying). "username,ip_address" by default.
AXES_LOCKOUT_PARAMETERS = env_list("JIYUE_LOGIN_LOCKOUT_BY", "username,ip_address")
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "jiyue.security.client.client_ip"
AXES_LOCKOUT_CALLABLE = "jiyue.security.views.lockout_response"
# Unlocking happens in the Wagtail admin, where it is logged; not in Django's admin.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Proxies whose X-Real-IP / X-Forwarded-For may be believed (the nginx in front).
JIYUE_TRUSTED_PROXIES = env_list("JIYUE_TRUSTED_PROXIES", "")
# The API's throttle (ninja) counts per client address: REMOTE_ADDR, or behind the
# nginx the rightmost X-Forwarded-For entry (the one nginx appended), never the whole
# header a client could vary with every request.
NINJA_NUM_PROXIES = 1 if JIYUE_TRUSTED_PROXIES else 0

# Sessions (会话管理): an admin session ends after JIYUE_SESSION_IDLE_MINUTES without a
# request and JIYUE_SESSION_MAX_HOURS after login, whichever comes first. rule: PLATFORM-7
JIYUE_SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("JIYUE_SESSION_IDLE_MINUTES", 30))
JIYUE_SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("JIYUE_SESSION_MAX_HOURS", 8))
SESSION_COOKIE_AGE = int(JIYUE_SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Second factor (双因素认证, TOTP) for supervisors and superusers: offered always,
# demanded before any admin page when JIYUE_2FA_REQUIRED is on.
JIYUE_2FA_REQUIRED = env_bool("JIYUE_2FA_REQUIRED", False)
OTP_TOTP_ISSUER = os.environ.get("JIYUE_2FA_ISSUER", "集约政府网站平台")

# Audit trail (安全审计): Wagtail's log entries, kept JIYUE_AUDIT_RETENTION_DAYS days
# (`manage.py prune_audit_log`); the Cybersecurity Law asks for at least six months.
JIYUE_AUDIT_RETENTION_DAYS = env_int("JIYUE_AUDIT_RETENTION_DAYS", 365)

# Content-Security-Policy (django-csp). Public pages: nothing inline, nothing foreign.
# Extra sources (e.g. a media host) come from JIYUE_CSP_EXTRA_IMG_SRC.
_CSP_SELF = "'self'"
_CSP_EXTRA_IMG = env_list("JIYUE_CSP_EXTRA_IMG_SRC", "")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_CSP_SELF],
        "script-src": [_CSP_SELF],
        "style-src": [_CSP_SELF],
        "img-src": [_CSP_SELF, "data:", *_CSP_EXTRA_IMG],
        "font-src": [_CSP_SELF],
        "connect-src": [_CSP_SELF],
        "object-src": ["'none'"],
        "base-uri": [_CSP_SELF],
        "form-action": [_CSP_SELF],
        "frame-ancestors": ["'none'"],
    },
}
# The Wagtail admin (and Django's admin, the API's Swagger page) need inline scripts and
# styles (widgets, inline panels, Draftail), blob: images (upload previews) and framing
# by itself (the live preview panel). Paths starting with these prefixes get this policy.
JIYUE_CSP_ADMIN_PREFIXES = ["/admin/", "/django-admin/", "/api/"]
JIYUE_CSP_ADMIN_DIRECTIVES = {
    "default-src": [_CSP_SELF],
    "script-src": [_CSP_SELF, "'unsafe-inline'"],
    "style-src": [_CSP_SELF, "'unsafe-inline'"],
    "img-src": [_CSP_SELF, "data:", "blob:", *_CSP_EXTRA_IMG],
    "font-src": [_CSP_SELF, "data:"],
    "connect-src": [_CSP_SELF],
    "frame-src": [_CSP_SELF],
    "worker-src": [_CSP_SELF, "blob:"],
    "object-src": ["'none'"],
    "base-uri": [_CSP_SELF],
    "form-action": [_CSP_SELF],
    "frame-ancestors": [_CSP_SELF],
}

# Public pages and admin in Simplified Chinese; Beijing time.
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Only Chinese: with a second language, LocaleMiddleware and Wagtail's admin follow a
# browser's Accept-Language ("en-US" → an English admin), and the account page offers it.
LANGUAGES = [("zh-hans", "简体中文")]
# Jiyue's catalogue: its own strings and the Wagtail 8 strings Wagtail's zh_Hans lacks.
# It comes first among the catalogues, so it also overrides Wagtail's wording.
LOCALE_PATHS = [BASE_DIR / "jiyue" / "locale"]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Beijing time for everyone: the account page offers no other time zone.
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("JIYUE_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "jiyue" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("JIYUE_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Request rates of the resources API (jiyue.library.api), kept in the cache below:
# anonymous reads per client address, writes per API token. Over the rate: 429.
JIYUE_API_THROTTLE_RATES = {"anon": "600/min", "auth": "120/min"}

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
# No Gravatar avatars: the admin loads nothing from other origins (its CSP would block
# it) and sends no hash of an official's e-mail address abroad.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Draftail that reads an empty or non-JSON posted value as HTML, cleaned (no 500; issue 6).
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "jiyue.library.widgets.DraftailRichTextArea"}
}
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Wagtail's login form with its password field labelled in Chinese.
WAGTAILADMIN_USER_LOGIN_FORM = "jiyue.adminui.forms.LoginForm"


# Jiyue.
# JIYUE_HOST_MAP rewrites registered domain suffixes to the host names this
# installation answers on, longest suffix first, e.g. "beijing.gov.cn=localhost"
# serves www.beijing.gov.cn at www.localhost. Empty in production: sites answer on
# their registered domains.
def host_map(default=""):
    """``JIYUE_HOST_MAP`` ("suffix=replacement,…") as a dict; ``default`` when unset."""
    return dict(item.split("=", 1) for item in env_list("JIYUE_HOST_MAP", default) if "=" in item)


JIYUE_HOST_MAP = host_map()
# The port readers reach the sites on, stored in each Wagtail Site so that absolute page
# URLs ("View live" in the admin, links between sites) name it: 80 behind nginx, 443
# for HTTPS-only sites (Wagtail then writes https://), the server's port in make run.
JIYUE_SITE_PORT = env_int("JIYUE_SITE_PORT", 80)
# Serve MEDIA_ROOT from Django (the embedded mode); nginx serves it in production.
JIYUE_SERVE_MEDIA = env_bool("JIYUE_SERVE_MEDIA", False)
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

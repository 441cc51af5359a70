"""Settings for the academic profile platform.

One module, driven by environment variables, with safe local defaults: with nothing
set you get DEBUG off, an SQLite file in the project folder, a file-based cache in
./var/cache (shared by every worker process of the machine) and media in ./media.
See README.md ("Configuration").
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG", False)

# Without SECRET_KEY a development key is used: fine on a laptop, flagged by
# `manage.py check --deploy`.
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-local-development-key-change-me"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "axes",
    "simple_history",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "profiles",
    "publications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (django-csp; the policy is below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Login throttling; keep it last (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portfolio_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "profiles.site.context_processors.lab",
                "csp.context_processors.nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "portfolio_site.wsgi.application"

# Database: SQLite file in the project folder unless DATABASE_URL says otherwise
# (postgres://user@host:5432/name for PostgreSQL).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A lab server on SQLite: writers take the lock up front instead of failing with
    # "database is locked" mid-transaction, readers don't block the writer (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )


# State that is neither served nor versioned: the default page cache and the import
# previews waiting for confirmation (VAR_DIR/diskcache, VAR_DIR/private).
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def cache_from_url(url, default_dir=None):
    """Map CACHE_URL to a CACHES entry.

    No CACHE_URL: an embedded cache (diskcache: SQLite files under VAR_DIR/diskcache) that
    every gunicorn worker and the job worker of this machine share, so an edit or an
    unpublish saved by one process is seen by all; its operations cost the same however
    full it is, and it holds at most CACHE_SIZE_MB (oldest entries go first).
    ``redis://…`` shares one cache across machines; ``file:///path`` is Django's file cache
    (each store lists the whole folder: fine for a small site, slow once it is full);
    ``db://table`` uses the database (run ``manage.py createcachetable``); ``locmem://``
    (one process only: development and single-worker set-ups) and ``dummy://`` (nothing
    kept) are there for tests and debugging.
    """
    parsed = urlparse(url or "")
    scheme = parsed.scheme
    if not url:
        return {
            "BACKEND": "portfolio_site.cache_backend.EmbeddedCache",
            "LOCATION": str(default_dir or VAR_DIR / "diskcache"),
            "SHARDS": 8,
            # Seconds a process waits for another one's write before it retries (sets) or
            # counts a miss (gets); diskcache's default of 10 ms is short for busy workers.
            "DATABASE_TIMEOUT": 0.25,
            "OPTIONS": {"size_limit": env_int("CACHE_SIZE_MB", 512) * 1024 * 1024},
        }
    if scheme == "file":
        location = parsed.path or str(default_dir or VAR_DIR / "cache")
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": location,
            # Culling drops a third of the files once this many are stored.
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20_000)},
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": parsed.netloc or "portfolio"}
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "db":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": parsed.netloc or "page_cache"}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"Unsupported CACHE_URL scheme: {scheme!r}")


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", ""))}
# Seconds a rendered public page is kept; edits invalidate it earlier (see profiles/cache.py).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# PAGE_CACHE=0 stops storing whole pages while rendered fragments stay cached (benchmarks).
PAGE_CACHE = env_bool("PAGE_CACHE", True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a check: its password_changed() hook revokes the user's API tokens.
    {"NAME": "profiles.services.tokens.RevokeTokensOnPasswordChange"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Uploaded files waiting for an import preview to be confirmed: outside MEDIA_ROOT,
    # never served; `manage.py expire_import_uploads` deletes what is left after a day.
    "imports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("IMPORT_UPLOADS_ROOT", str(VAR_DIR / "private" / "imports"))},
    },
    "staticfiles": {
        # Hashed, compressed names in production; plain finders in DEBUG and tests.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts: django-axes throttles logins; its backend goes first. (A subclass of
# AxesStandaloneBackend that skips throttling when there is no request, e.g. Client.login
# in tests and management commands; every HTTP login is throttled.)
AUTHENTICATION_BACKENDS = [
    "profiles.accounts.throttling.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After AXES_FAILURE_LIMIT failures within AXES_COOLOFF_TIME, that username from that
# address is locked out for AXES_COOLOFF_TIME (HTTP 429 with registration/lockout.html).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
# The client address (for axes and the password-reset limits) is REMOTE_ADDR unless
# TRUSTED_PROXY_COUNT says how many reverse proxies stand in front of the app: then it is
# read from X-Forwarded-For, counting that many entries from the right (what our own
# proxies appended), so a client cannot pick its address by sending the header itself.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", env_int("AXES_IPWARE_PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "profiles.accounts.throttling.client_ip"
# Password reset (profiles/accounts.py): at most this many emails per address and
# requests per client address within PASSWORD_RESET_WINDOW_MINUTES.
PASSWORD_RESET_PER_EMAIL = env_int("PASSWORD_RESET_PER_EMAIL", 3)
PASSWORD_RESET_PER_IP = env_int("PASSWORD_RESET_PER_IP", 10)
PASSWORD_RESET_WINDOW_MINUTES = env_int("PASSWORD_RESET_WINDOW_MINUTES", 60)
# API tokens: longest lifetime a user may choose (days); tokens may also never expire.
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
# Import previews: uploads not confirmed within this many hours are deleted.
IMPORT_UPLOAD_MAX_AGE_HOURS = env_int("IMPORT_UPLOAD_MAX_AGE_HOURS", 24)
# Invitations and avatars (see profiles/services.py and profiles/uploads.py).
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
AVATAR_MAX_BYTES = env_int("AVATAR_MAX_BYTES", 5 * 1024 * 1024)
AVATAR_MAX_PIXELS = env_int("AVATAR_MAX_PIXELS", 25_000_000)
AVATAR_SIZES = (96, 192, 400)

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/me/"
LOGOUT_REDIRECT_URL = "/"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "lab@localhost")

# Mail and API limits (issue 23). Account mail (password resets, invitations) is sent by a
# task (profiles/mail.py): each attempt waits at most EMAIL_TIMEOUT seconds for the mail
# server; a failed one is tried again 2, 4, 8… minutes later, MAIL_MAX_ATTEMPTS in all.
# API JSON bodies nested deeper than API_JSON_MAX_DEPTH are refused with a 400
# (portfolio_site/api/parsers.py), as are strings holding NUL characters.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 5)
API_JSON_MAX_DEPTH = env_int("API_JSON_MAX_DEPTH", 32)

# Uploads: checked again per field (see profiles/uploads.py); this caps request bodies.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
# Uploaded sites (.zip) and CV documents (profiles/uploads.py: check_upload): the upload's
# size, then, for a zip, its members, unpacked size and compression ratio (zip bombs).
IMPORT_ZIP_MAX_BYTES = env_int("IMPORT_ZIP_MAX_BYTES", 50 * 1024 * 1024)
IMPORT_ZIP_MAX_FILES = env_int("IMPORT_ZIP_MAX_FILES", 20_000)
IMPORT_ZIP_MAX_UNPACKED = env_int("IMPORT_ZIP_MAX_UNPACKED", 200 * 1024 * 1024)
IMPORT_ZIP_MAX_RATIO = env_int("IMPORT_ZIP_MAX_RATIO", 100)
# Reader limits (issue 23): crafted CV documents are refused (DOCX) or cut short (PDF, with a
# warning) before they cost minutes. The pure readers read these through
# profiles/formats/limits.py (they import nothing of Django; its defaults are the same).
IMPORT_DOCX_MAX_PARAGRAPHS = env_int("IMPORT_DOCX_MAX_PARAGRAPHS", 20_000)
IMPORT_DOCX_MAX_STYLES = env_int("IMPORT_DOCX_MAX_STYLES", 5_000)
IMPORT_PDF_MAX_PAGES = env_int("IMPORT_PDF_MAX_PAGES", 50)

# Background jobs (imports of sites, CVs, large files): Django's tasks API through the
# django-tasks backport. TASKS_BACKEND=db (default): the database is the queue, run
# `manage.py db_worker` beside the web server. TASKS_BACKEND=rq: RQ on Redis at TASKS_URL,
# for several machines (run `manage.py rqworker --job-class django_tasks_rq.Job default`);
# CACHE_URL must then be shared too (e.g. the same Redis): a job's live progress and
# heartbeat are kept in the cache.
# TASKS_BACKEND=immediate runs a job inside the request (tests, debugging).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "db").strip().lower()
TASKS_URL = os.environ.get("TASKS_URL", "redis://127.0.0.1:6379/0")
_TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {TASKS_BACKEND!r}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS["default"]["QUEUES"] = ["default"]
    RQ_QUEUES = {"default": {"URL": TASKS_URL, "DEFAULT_TIMEOUT": env_int("IMPORT_JOB_TIMEOUT", 3600)}}
# A running job whose heartbeat (every few seconds, from a thread of the worker) is older
# than this is marked failed: its worker was killed (and its transaction rolled back).
IMPORT_JOB_STALE_SECONDS = env_int("IMPORT_JOB_STALE_SECONDS", 120)
# The reader sandbox (issue 23, docs/security.md): every uploaded document is read in a
# child process of the worker under these limits; on a limit the import fails with the
# reason, nothing is written, and the worker goes on.
IMPORT_READER_SANDBOX = env_bool("IMPORT_READER_SANDBOX", True)
IMPORT_READER_MEMORY_MB = env_int("IMPORT_READER_MEMORY_MB", 512)  # above what the worker already maps
IMPORT_READER_CPU_SECONDS = env_int("IMPORT_READER_CPU_SECONDS", 60)
IMPORT_READER_WALL_SECONDS = env_int("IMPORT_READER_WALL_SECONDS", 120)
IMPORT_READER_RESULT_MB = env_int("IMPORT_READER_RESULT_MB", 256)  # what the reader may hand back, pickled
# Fair use of the import pages (profiles/jobs/queue.py): previews waiting for a confirm and
# the space they hold, and jobs queued or running, per member.
IMPORT_PREVIEWS_PER_MEMBER = env_int("IMPORT_PREVIEWS_PER_MEMBER", 5)
IMPORT_PREVIEW_SPACE_MB = env_int("IMPORT_PREVIEW_SPACE_MB", 100)
IMPORT_JOBS_PER_MEMBER = env_int("IMPORT_JOBS_PER_MEMBER", 2)
# django-import-export (admin CSV/JSON/XLSX). Formula cells are escaped by our resources
# (publications/imports/resources.py: =, +, -, @ get a leading '); import-export 4's own
# IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips "=" and writes empty cells as "None".
from import_export.formats.base_formats import CSV, JSON, XLSX  # noqa: E402 (documented usage)

IMPORT_EXPORT_FORMATS = [CSV, XLSX, JSON]
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True

# REST API v1 (profiles/api, publications/api; docs/api.md). Personal tokens first, so
# that a request without credentials gets 401 with a WWW-Authenticate header.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "profiles.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "portfolio_site.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "portfolio_site.api.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "portfolio_site.api.throttling.AnonThrottle",
        "portfolio_site.api.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "60/min"),
        "user": os.environ.get("API_USER_RATE", "1200/min"),
    },
    "EXCEPTION_HANDLER": "portfolio_site.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lab profiles API",
    "DESCRIPTION": "Profiles, their sections and statements, and the lab's publications. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ItemVisibilityEnum": "profiles.models.Visibility",
        "StatementVisibilityEnum": "profiles.models.Statement.Visibility",
        "StatementKindEnum": "profiles.models.Statement.Kind",
        "PublicationKindEnum": "publications.models.Publication.Kind",
        "ExperienceKindEnum": "profiles.models.Experience.Kind",
        "LinkKindEnum": "profiles.models.ProfileLink.Kind",
        "ProfileRoleEnum": "profiles.models.Profile.Role",
        "ServiceRoleEnum": "profiles.models.Service.Role",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portfolio_site.api.schema.add_error_responses",
    ],
    # Docs served from this server (drf-spectacular-sidecar), nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Security: safe defaults whenever DEBUG is off (`manage.py check --deploy` is clean
# with SECRET_KEY and ALLOWED_HOSTS set). Behind a TLS-terminating proxy keep these on
# and set SECURE_PROXY_SSL_HEADER via FORWARDED_PROTO_HEADER=1.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("FORWARDED_PROTO_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# Content-Security-Policy (django-csp) on every response. Scripts and styles come from
# this site only; the few inline blocks that cannot move carry the request's nonce
# ({{ request.csp_nonce }}), and cached public pages have none. The 500 page is
# self-contained (it renders without a request), so its one <style> is allowed by hash.
# /api/docs/ and /api/redoc/ loosen style-src for Swagger UI and ReDoc, which inject
# their styles at run time (portfolio_site/api_urls.py).
def _inline_style_hash(template):
    import base64
    import hashlib
    import re

    text = (BASE_DIR / "templates" / template).read_text(encoding="utf-8")
    match = re.search(r"<style>(.*?)</style>", text, re.DOTALL)
    if not match:
        return []
    return ["'sha256-" + base64.b64encode(hashlib.sha256(match.group(1).encode()).digest()).decode() + "'"]


from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE, *_inline_style_hash("500.html")],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

"""Django settings, read from the environment.

Every knob is a ``ZILU_*`` environment variable. The embedded default (no variables set) is a SQLite file under
``var/`` and background work run in-process after commit. ``ZILU_ENV=production`` demands a secret key and allowed
hosts and turns on the secure-cookie and HSTS settings, so that ``manage.py check --deploy`` is clean.
"""

from __future__ import annotations

import secrets
import sys
import warnings
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from zilu.environment import ConfigurationError, env, env_bool, env_int, env_list

PACKAGE_DIR = Path(__file__).resolve().parent


ZILU_ENV = env("ZILU_ENV", "development")
if ZILU_ENV not in {"development", "production"}:
    raise ConfigurationError(f"ZILU_ENV must be 'development' or 'production', not {ZILU_ENV!r}")
PRODUCTION = ZILU_ENV == "production"
TESTING = "pytest" in sys.modules

VAR_DIR = Path(env("ZILU_VAR_DIR", str(Path.cwd() / "var"))).resolve()

# --- secrets and hosts -------------------------------------------------------------------------------------------
SECRET_KEY = env("ZILU_SECRET_KEY")
if SECRET_KEY is None:
    if PRODUCTION:
        raise ConfigurationError("ZILU_SECRET_KEY is required when ZILU_ENV=production")
    if TESTING:
        SECRET_KEY = "zilu-tests-only-" + "x" * 40
    else:
        # Development: one random key per installation, kept under var/ so sessions survive restarts.
        key_file = VAR_DIR / "secret_key"
        if key_file.exists():
            SECRET_KEY = key_file.read_text().strip()
        else:
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            SECRET_KEY = secrets.token_urlsafe(50)
            key_file.write_text(SECRET_KEY)
            key_file.chmod(0o600)
elif PRODUCTION and len(SECRET_KEY) < 50:
    raise ConfigurationError("ZILU_SECRET_KEY must be at least 50 characters long in production")

DEBUG = env_bool("ZILU_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ConfigurationError("ZILU_DEBUG must be off when ZILU_ENV=production")

if PRODUCTION and env("ZILU_ALLOWED_HOSTS") is None:
    raise ConfigurationError("ZILU_ALLOWED_HOSTS is required when ZILU_ENV=production (comma-separated)")
ALLOWED_HOSTS = env_list("ZILU_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
if PRODUCTION and env("ZILU_BASE_URL") is None:
    raise ConfigurationError("ZILU_BASE_URL is required when ZILU_ENV=production (printed in certificates)")
CSRF_TRUSTED_ORIGINS = env_list("ZILU_CSRF_TRUSTED_ORIGINS", [])
# Reverse proxies (addresses or networks) whose X-Forwarded-For and X-Forwarded-Proto are believed: the client's
# address and the original scheme are taken from them only when the request comes from one of these
# (zilu.core.middleware.TrustedProxyMiddleware).
ZILU_TRUSTED_PROXIES = env_list("ZILU_TRUSTED_PROXIES", [])
# One line per request on the zilu.access logger (zilu.core.middleware.AccessLogMiddleware); `zilu serve
# --access-log off` sets it false.
ZILU_ACCESS_LOG = env_bool("ZILU_ACCESS_LOG", not TESTING)
try:
    import ipaddress as _ipaddress

    TRUSTED_PROXY_NETWORKS = [_ipaddress.ip_network(item, strict=False) for item in ZILU_TRUSTED_PROXIES]
except ValueError as _exc:
    raise ConfigurationError(f"ZILU_TRUSTED_PROXIES must list IP addresses or networks: {_exc}") from None

# --- applications --------------------------------------------------------------------------------------------------
# Zilu's apps come first so that their templates (e.g. the themed admin/base_site.html) take precedence.
INSTALLED_APPS = [
    "zilu.core",
    "zilu.members",
    "zilu.convention",
    "zilu.governance",
    "zilu.banks",
    "zilu.review",
    "zilu.reports",
    "zilu.filings",
    "zilu.portal",
    "zilu.disputes",
    "zilu.oversight",
    "zilu.discipline",
    "zilu.notices",
    "zilu.core.admin_site.ZiluAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",  # django-csp's system checks of CONTENT_SECURITY_POLICY
    "ninja",  # the API docs page serves its bundled Swagger UI (no CDN, no inline script; see core.apisite)
]

MIDDLEWARE = [
    "zilu.core.middleware.TrustedProxyMiddleware",
    "zilu.core.middleware.RequestIdMiddleware",
    "zilu.core.middleware.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "zilu.core.middleware.DomainErrorMiddleware",
    "zilu.core.middleware.ApiProblemMiddleware",
    "zilu.core.middleware.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "zilu.urls"
WSGI_APPLICATION = "zilu.wsgi.application"
ASGI_APPLICATION = "zilu.asgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "account"
LOGOUT_REDIRECT_URL = "portal:home"

# Every form renders through the site's layouts (error summary, required markers, help under the field, file picker).
FORM_RENDERER = "zilu.core.formrender.SiteFormRenderer"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "zilu.core.context_processors.zilu",
            ],
        },
    },
]

# --- database ----------------------------------------------------------------------------------------------------
DATABASE_URL = env("ZILU_DATABASE_URL", f"sqlite:///{VAR_DIR / 'zilu.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except Exception as exc:  # dj_database_url raises several types for a malformed URL
    raise ConfigurationError(f"ZILU_DATABASE_URL is not a valid database URL: {exc}") from exc
if TESTING:
    # Threads started by tests (the embedded Celery worker) must not keep connections that block test-DB teardown.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    if not TESTING:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        # A new SQLite connection parses the whole schema on its first query (~1 ms with Zilu's tables), which the
        # shared cache's one read per API request would pay each time: server threads keep their connection, as
        # on PostgreSQL, checked before reuse.
        DATABASES["default"]["CONN_MAX_AGE"] = 60
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# django-prometheus's wrappers of the same backends count queries, errors and new connections for /metrics.
DATABASES["default"]["ENGINE"] = {
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])
if DATABASES["default"]["ENGINE"].endswith(".sqlite3"):
    # Django's default test database for SQLite, said explicitly: pytest-django recognises SQLite by the plain
    # engine name only, and would otherwise give each xdist worker a test database file.
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- caches (state shared by every process: rate limits, one-time tokens, lock-outs, cached lookups) ----------
# Production: ZILU_CACHE_URL=redis://... (Django's own Redis backend: INCR and SET NX are atomic, no extra package).
# Embedded default: the database cache table ``zilu_cache`` (created by a core migration), so that the several
# processes of ``zilu serve --workers N`` share one cache with no Redis. Tests: per-process memory.
CACHE_URL = env("ZILU_CACHE_URL")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigurationError(f"ZILU_CACHE_URL must be a redis:// URL, not {CACHE_URL!r}")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "zilu",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "zilu_cache",
            "KEY_PREFIX": "zilu",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# --- background work ---------------------------------------------------------------------------------------------
BROKER_URL = env("ZILU_BROKER_URL")
CELERY_BROKER_URL = BROKER_URL or "memory://"
CELERY_TASK_IGNORE_RESULT = True
# The queue every task goes to and every worker reads: installations sharing one Redis use different names.
CELERY_TASK_DEFAULT_QUEUE = env("ZILU_QUEUE", "zilu")
# A task is acknowledged when it ends, so a task whose worker dies is delivered again (every task is idempotent).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Workers log through Django's LOGGING (JSON lines with the request id in production), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Redis redelivers a message that a killed worker took but never acknowledged after this many seconds. Tasks are
# short (a sweep works in chunks), so a task running longer than this is the rare case of a delivery done twice,
# which idempotent tasks absorb. The sweeps' own resumption (zilu.review.sweeps) is faster still.
ZILU_BROKER_VISIBILITY_TIMEOUT = env_int("ZILU_BROKER_VISIBILITY_TIMEOUT", 300)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": ZILU_BROKER_VISIBILITY_TIMEOUT}
# Sending happens after commit, inside the request: give up quickly and leave the message to the outbox.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Unsent outbox messages older than this are sent again by the periodic drain (zilu.core.outbox.drain_outbox).
ZILU_OUTBOX_RESEND_AFTER = env_int("ZILU_OUTBOX_RESEND_AFTER", 30)

# --- auth --------------------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_FAILURE_LIMIT = env_int("ZILU_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("ZILU_LOGIN_FAILURE_WINDOW", 900)
# New accounts per client address and hour (the registration page).
ZILU_REGISTRATION_LIMIT = env_int("ZILU_REGISTRATION_LIMIT", 10)

# --- i18n ----------------------------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and uploaded files --------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("ZILU_STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic in the embedded default
warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise, before collectstatic
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded evidence lives outside any web root and is never given a URL: it is served only through
# zilu.core.views.protected_file, which checks the requesting user's permission on the owning record.
MEDIA_ROOT = Path(env("ZILU_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = None
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
ZILU_UPLOAD_MAX_BYTES = env_int("ZILU_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
ZILU_UPLOAD_MAX_FILES = env_int("ZILU_UPLOAD_MAX_FILES", 5)

# --- e-mail --------------------------------------------------------------------------------------------------------
EMAIL_BACKEND = env("ZILU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("ZILU_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ZILU_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("ZILU_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("ZILU_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ZILU_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("ZILU_DEFAULT_FROM_EMAIL", "zilu@localhost")

# --- membership ------------------------------------------------------------------------------------------------
# Days after a revocation before the same institution may apply again (issue: default one year).
ZILU_REJOIN_AFTER_REVOCATION_DAYS = env_int("ZILU_REJOIN_AFTER_REVOCATION_DAYS", 365)
# The public address of the site, printed in certificates' verification links and QR codes.
ZILU_BASE_URL = (env("ZILU_BASE_URL", "http://127.0.0.1:8000") or "").rstrip("/")

# --- convention governance (Art. 22, 24) ------------------------------------------------------------------------
# Art. 22 counts member units (成员单位); set true if the association decides that individual members count too.
ZILU_GOVERNANCE_COUNT_INDIVIDUALS = env_bool("ZILU_GOVERNANCE_COUNT_INDIVIDUALS", False)
# The consent rule for annexes (Art. 24), as "numerator/denominator" of all member units; default Art. 22's two thirds.
_annex_rule = env("ZILU_ANNEX_RULE", "2/3") or "2/3"
try:
    ZILU_ANNEX_RULE = tuple(int(part) for part in _annex_rule.split("/"))
    assert len(ZILU_ANNEX_RULE) == 2 and 0 < ZILU_ANNEX_RULE[0] <= ZILU_ANNEX_RULE[1]
except (ValueError, AssertionError):
    raise ConfigurationError(f"ZILU_ANNEX_RULE must look like 2/3, not {_annex_rule!r}") from None

# --- screening service -------------------------------------------------------------------------------------------
# Comma-separated file paths of the platform's banks (see zilu.banks.service) and the policy file.
ZILU_SCREENING_TERMS = env_list("ZILU_SCREENING_TERMS", [])
ZILU_SCREENING_ALLOW = env_list("ZILU_SCREENING_ALLOW", [])
ZILU_SCREENING_DOMAINS = env_list("ZILU_SCREENING_DOMAINS", [])
ZILU_SCREENING_BANKS = env_list("ZILU_SCREENING_BANKS", [])
# Known rumors with their debunks, JSON Lines {"id", "text", "debunk", "source"} (Art. 12(1)).
ZILU_SCREENING_RUMORS = env_list("ZILU_SCREENING_RUMORS", [])
ZILU_SCREENING_POLICY = env("ZILU_SCREENING_POLICY")
# "houbb": the term files use the houbb/sensitive-word numeric tags (1 drugs, 2 porn, 3 gambling, 4 illegal).
ZILU_SCREENING_TERM_LABELS = env("ZILU_SCREENING_TERM_LABELS", "")
# Seconds a web process reuses the bank versions it read from the shared cache: how long, at most, another process's
# bank change takes to be served here (the process making the change serves it at once). 0: read on every request.
ZILU_BANK_VERSIONS_MEMO = env_int("ZILU_BANK_VERSIONS_MEMO_MS", 1000) / 1000

# --- signal banks and the review queue (Art. 10, 12, 16) ----------------------------------------------------------
# The platform's Ed25519 key that signs bank sync documents (PEM, PKCS#8); generated there on first use.
ZILU_BANKS_SIGNING_KEY = env("ZILU_BANKS_SIGNING_KEY") or str(VAR_DIR / "banks-signing-key.pem")
# Claims on review items expire after this many seconds; published items are swept this many days back.
ZILU_REVIEW_LEASE_SECONDS = env_int("ZILU_REVIEW_LEASE_SECONDS", 900)
ZILU_REVIEW_SWEEP_DAYS = env_int("ZILU_REVIEW_SWEEP_DAYS", 30)
ZILU_REVIEW_SWEEP_CHUNK = env_int("ZILU_REVIEW_SWEEP_CHUNK", 200)
# Webhook deliveries: attempts before giving up; whether loopback/private addresses may receive them.
ZILU_REVIEW_WEBHOOK_ATTEMPTS = env_int("ZILU_REVIEW_WEBHOOK_ATTEMPTS", 8)
ZILU_REVIEW_WEBHOOK_ALLOW_PRIVATE = env_bool("ZILU_REVIEW_WEBHOOK_ALLOW_PRIVATE", not PRODUCTION)

# --- public reports (Art. 10, 12, 17) -------------------------------------------------------------------------------
# Working days a member has to answer a report, per category ("category=days,..." overrides the defaults in
# zilu.reports.routing.DEFAULT_DEADLINES); a report becomes very overdue after twice as many.
ZILU_REPORT_DEADLINES = env("ZILU_REPORT_DEADLINES", "") or ""
# Categories that go to the executing body even when they name a member (its conduct, not its content).
ZILU_REPORT_STAFF_CATEGORIES = env_list("ZILU_REPORT_STAFF_CATEGORIES", ["misconduct"])
# Submissions per address and hour (0: no limit); accepted reports per address and day before a CAPTCHA (-1: never).
ZILU_REPORT_RATE_LIMIT = env_int("ZILU_REPORT_RATE_LIMIT", 20)
ZILU_REPORT_CAPTCHA_AFTER = env_int("ZILU_REPORT_CAPTCHA_AFTER", 3)
# A report on the same target with near-identical text within this many days is merged with the earlier one.
ZILU_REPORT_DUPLICATE_DAYS = env_int("ZILU_REPORT_DUPLICATE_DAYS", 7)
# Published statistics hide any per-member figure below this count.
ZILU_STATS_MIN_CELL = env_int("ZILU_STATS_MIN_CELL", 3)

# --- filings and file screening (Art. 12(5), 15) -------------------------------------------------------------------
# Home-page checks: seconds per fetch (all redirects included), bytes read at most, redirects followed at most;
# addresses or networks fetched although not public (e.g. "127.0.0.1" for a test server; never in production).
# Reporters' e-mail (reports.reporter_email): how long the confirmation link works, in days.
ZILU_REPORT_EMAIL_CONFIRM_DAYS = env_int("ZILU_REPORT_EMAIL_CONFIRM_DAYS", 7)
ZILU_FILINGS_FETCH_TIMEOUT = env_int("ZILU_FILINGS_FETCH_TIMEOUT", 10)
ZILU_FILINGS_MAX_BYTES = env_int("ZILU_FILINGS_MAX_BYTES", 1024 * 1024)
ZILU_FILINGS_MAX_REDIRECTS = env_int("ZILU_FILINGS_MAX_REDIRECTS", 3)
ZILU_FILINGS_ALLOW_HOSTS = env_list("ZILU_FILINGS_ALLOW_HOSTS", [])
# Working days a member has to fix a failed check; failed checks in a row that put a site on the staff dashboard.
ZILU_FILINGS_FIX_DAYS = env_int("ZILU_FILINGS_FIX_DAYS", 10)
ZILU_FILINGS_REPEATED_FAILURES = env_int("ZILU_FILINGS_REPEATED_FAILURES", 3)
# ClamAV daemon for file screening: a unix socket path or host:port (unset: no ClamAV, YARA and hashes only).
ZILU_CLAMD_SOCKET = env("ZILU_CLAMD_SOCKET")
# Largest file POST /api/v1/screen/file accepts.
ZILU_SCREEN_FILE_MAX_BYTES = env_int("ZILU_SCREEN_FILE_MAX_BYTES", 32 * 1024 * 1024)
# Images screened against the image bank (POST /api/v1/screen/image, review submissions, report evidence): at most
# this many bytes, and this many pixels read from the header before decoding (decompression bombs).
ZILU_SCREEN_IMAGE_MAX_BYTES = env_int("ZILU_SCREEN_IMAGE_MAX_BYTES", 20 * 1024 * 1024)
ZILU_SCREEN_IMAGE_MAX_PIXELS = env_int("ZILU_SCREEN_IMAGE_MAX_PIXELS", 40_000_000)

# --- discipline, evaluations, commendations (Art. 18) --------------------------------------------------------------
# Working days the member has to answer a proposed measure, and to appeal a decision.
ZILU_DISCIPLINE_RESPONSE_DAYS = env_int("ZILU_DISCIPLINE_RESPONSE_DAYS", 10)
ZILU_DISCIPLINE_APPEAL_DAYS = env_int("ZILU_DISCIPLINE_APPEAL_DAYS", 10)
# Months a published sanction stays listed, per measure: "measure=months,..." over the defaults of
# zilu.discipline.ladder (criticism 6, condemnation 12, media exposure 12, internal notice 12, revocation 36).
# The former single number, when set (> 0), replaces every default.
ZILU_DISCIPLINE_LISTING_MONTHS_BY_MEASURE = env("ZILU_DISCIPLINE_LISTING_MONTHS_BY_MEASURE", "") or ""
ZILU_DISCIPLINE_LISTING_MONTHS = env_int("ZILU_DISCIPLINE_LISTING_MONTHS", 0)
# Months after a revocation before the member may apply for reinstatement (the convention names no period).
ZILU_DISCIPLINE_REINSTATEMENT_MONTHS = env_int("ZILU_DISCIPLINE_REINSTATEMENT_MONTHS", 12)
# --- disputes (Art. 16, 19): days between reminders of a respondent's late answer (0: remind once only) ---
ZILU_DISPUTES_REMINDER_INTERVAL_DAYS = env_int("ZILU_DISPUTES_REMINDER_INTERVAL_DAYS", 7)
# The strike system, "measure=number,..." over the defaults of zilu.discipline.ladder: points per measure, months
# before a measure's points expire, and the active points from which a measure is the lightest one suggested.
ZILU_DISCIPLINE_WEIGHTS = env("ZILU_DISCIPLINE_WEIGHTS", "") or ""
ZILU_DISCIPLINE_EXPIRY_MONTHS = env("ZILU_DISCIPLINE_EXPIRY_MONTHS", "") or ""
ZILU_DISCIPLINE_ESCALATION = env("ZILU_DISCIPLINE_ESCALATION", "") or ""
# Working days members have to see their evaluation result before the banded list is published.
ZILU_EVALUATION_REVIEW_DAYS = env_int("ZILU_EVALUATION_REVIEW_DAYS", 10)

# --- intellectual-property notices and takedown (Art. 12(3), zilu.notices) --------------------------------------------
# Days the right holder has, from the forwarding of a declaration of non-infringement, to say it complained or sued
# before the measures end (E-commerce Law art. 43: 15 days); working days a member has to record its measures.
ZILU_NOTICES_WAIT_DAYS = env_int("ZILU_NOTICES_WAIT_DAYS", 15)
ZILU_NOTICES_RESPONSE_DAYS = env_int("ZILU_NOTICES_RESPONSE_DAYS", 2)
# Upheld notices against one user of a member from which the user counts as a repeat infringer.
ZILU_NOTICES_REPEAT_THRESHOLD = env_int("ZILU_NOTICES_REPEAT_THRESHOLD", 2)

# --- calendar ------------------------------------------------------------------------------------------------------
# A JSON file of official holiday schedules not yet in the chinesecalendar package (see core.deadlines).
ZILU_HOLIDAYS_FILE = env("ZILU_HOLIDAYS_FILE")

# --- production hardening ------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy on every page and API response (django-csp): scripts, styles, fonts and fetches only from
# this origin, no inline script or style (tests/core/test_csp.py keeps the templates free of them), images also as
# data: URIs. The API docs page alone relaxes style-src (zilu.core.apisite.make_api).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("ZILU_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("ZILU_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # No SECURE_PROXY_SSL_HEADER: it would believe X-Forwarded-Proto from anyone. TrustedProxyMiddleware sets the
    # scheme from it only for ZILU_TRUSTED_PROXIES.

# One JSON object per line (time, level, logger, message, request_id, exception) or text; both carry the request id
# (zilu.core.logs). JSON by default in production, where a log collector reads the lines.
ZILU_LOG_FORMAT = env("ZILU_LOG_FORMAT", "json" if PRODUCTION else "text")
if ZILU_LOG_FORMAT not in {"json", "text"}:
    raise ConfigurationError(f"ZILU_LOG_FORMAT must be 'json' or 'text', not {ZILU_LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "zilu.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "zilu.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": ZILU_LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("ZILU_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # celery.app.trace logs every task's end at INFO: noise for tasks run in-process after commit, but a worker's
        # record of what it ran (and what it retries) when there is a broker.
        "celery.app.trace": {"level": "INFO" if BROKER_URL else "WARNING"},
        # gunicorn's own handlers are replaced once a web process has set Django up, so that its access and error
        # lines have the same format (and, for access lines, the request id) as every other line.
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- operations: health, metrics -----------------------------------------------------------------------------------
# /metrics (zilu.core.metrics, and a worker's --metrics-port) answers only these addresses or networks, judged on
# REMOTE_ADDR (rewritten from X-Forwarded-For only for ZILU_TRUSTED_PROXIES); anyone else gets 404. The same clients
# see the error details of /readyz.
ZILU_METRICS_ALLOW = env_list("ZILU_METRICS_ALLOW", ["127.0.0.1", "::1"])
try:
    import ipaddress as _ipaddress

    METRICS_ALLOW_NETWORKS = [_ipaddress.ip_network(item, strict=False) for item in ZILU_METRICS_ALLOW]
except ValueError as _exc:
    raise ConfigurationError(f"ZILU_METRICS_ALLOW must list IP addresses or networks: {_exc}") from None
# /readyz fails when the disk of MEDIA_ROOT has fewer free megabytes than this.
ZILU_READY_MIN_FREE_MB = env_int("ZILU_READY_MIN_FREE_MB", 500)
# Load balancers probe over plain HTTP and Prometheus scrapes each process directly: no HTTPS redirect for these.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# django-prometheus's middlewares: outermost (latency of the whole stack) and innermost (latency and status by view).
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

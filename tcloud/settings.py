"""Settings for tcloud, read from the environment (django-environ).

Production is the default: with nothing set the site refuses to start, naming
the first setting it needs. `TCLOUD_DEMO=true` (the README's run command sets
it) switches on the demo: DEBUG, an SQLite file, the verification simulator,
the local business registry, SMS codes on the console, Celery tasks in-process
and the deadline sweeps on a thread of the web process, each only where the
corresponding setting is not given. `manage.py check --deploy` is clean on
production settings and fails on the demo's.

A missing or malformed setting stops start-up with one line naming it (see
`tcloud.config`).
"""

from pathlib import Path

from celery.schedules import schedule
from csp.constants import NONE, SELF

from tcloud.config import Config

BASE_DIR = Path(__file__).resolve().parent.parent

cfg = Config(BASE_DIR)

TCLOUD_DEMO = cfg.bool("TCLOUD_DEMO", default=False)
cfg.demo = TCLOUD_DEMO
DEBUG = cfg.bool("DEBUG", default=TCLOUD_DEMO)
SECRET_KEY = cfg.secret_key()
ALLOWED_HOSTS = cfg.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if TCLOUD_DEMO else None
)
CSRF_TRUSTED_ORIGINS = cfg.list("CSRF_TRUSTED_ORIGINS", default=[])
VERIFICATION_SIMULATOR = cfg.bool("VERIFICATION_SIMULATOR", default=TCLOUD_DEMO)
# Membership (members/README.md): business registry ("local" file or "open_data"
# MOEA + tax registration), trusted CA roots per certificate method (PEM files:
# drop in MOEACA/MOICA), the mobile citizen certificate (FIDO) service, SMS.
# Outside the demo the registry and the SMS backend must be chosen explicitly:
# the demo's registry file and console SMS are never used by default.
MEMBERS_REGISTRY = cfg.choice(
    "MEMBERS_REGISTRY", choices=("open_data", "local"), default="local" if TCLOUD_DEMO else None
)
MEMBERS_REGISTRY_TIMEOUT = 10
MEMBERS_CA_FILES = {
    "business_cert": cfg.list("MEMBERS_MOEACA_FILES", default=[]),
    "citizen_cert": cfg.list("MEMBERS_MOICA_FILES", default=[]),
}
MEMBERS_FIDO_ENDPOINT = cfg.str("MEMBERS_FIDO_ENDPOINT", default="")
MEMBERS_FIDO_API_KEY = cfg.str("MEMBERS_FIDO_API_KEY", default="")
MEMBERS_SMS_BACKEND = cfg.dotted_path(
    "MEMBERS_SMS_BACKEND",
    default="members.verification.ConsoleSMSBackend" if TCLOUD_DEMO else None,
)
# The SMS gateway of a deployment: Mitake (三竹資訊) HTTP API (members/sms.py).
_for_mitake = (
    "when MEMBERS_SMS_BACKEND is members.sms.MitakeSMSBackend"
    if MEMBERS_SMS_BACKEND == "members.sms.MitakeSMSBackend"
    else None
)
MEMBERS_SMS_URL = cfg.https_url(
    "MEMBERS_SMS_URL", default="https://smsapi.mitake.com.tw/api/mtk/SmSend"
)
MEMBERS_SMS_USERNAME = cfg.text("MEMBERS_SMS_USERNAME", required=_for_mitake)
MEMBERS_SMS_PASSWORD = cfg.text("MEMBERS_SMS_PASSWORD", required=_for_mitake)
MEMBERS_SMS_SENDER = cfg.text("MEMBERS_SMS_SENDER", default="tcloud")
MEMBERS_SMS_TIMEOUT = cfg.seconds("MEMBERS_SMS_TIMEOUT", default=10, maximum=60)
# The national signing component (HiPKI LocalSignServer) on the member's own
# computer, and where its installer is (the brochure's address). Pages hand both
# to static/js/signer.js; not a deployment setting (the component's port is fixed).
MEMBERS_SIGNER_URL = "http://localhost:61161"
MEMBERS_SIGNER_INSTALL_URL = "https://moica.nat.gov.tw/rac_plugin.html"

DATABASES = {"default": cfg.database("DATABASE_URL", required=not TCLOUD_DEMO)}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
DATABASES["default"].setdefault("CONN_MAX_AGE", 0 if DEBUG else 60)

REDIS_URL = cfg.url("REDIS_URL", schemes=("redis", "rediss"), required=not TCLOUD_DEMO)

INSTALLED_APPS = [
    # The site first: its runserver (in-process sweeps for the demo) wins over
    # staticfiles' runserver.
    "tcloud.site.apps.SiteConfig",
    "tcloud.core.apps.CoreConfig",
    "members",
    "points",
    "catalog",
    "orders",
    "refunds",
    "refunds.settlement",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tcloud.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the language (its 400 speaks it) and the user (the 400 page's menu).
    "tcloud.core.middleware.InputGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tcloud.core.middleware.OutageMiddleware",
]

ROOT_URLCONF = "tcloud.site.urls"
CSRF_FAILURE_VIEW = "tcloud.site.views.csrf_failure"
WSGI_APPLICATION = "tcloud.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tcloud.core.context_processors.site",
            ],
            "builtins": ["tcloud.core.templatetags.tcloud"],
        },
    }
]

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# allauth: email is the login; new addresses are confirmed by a code, not a link.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}

LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Email: SMTP (EMAIL_URL) in production, the console in the demo.
_email = cfg.email("EMAIL_URL", default="consolemail://" if TCLOUD_DEMO else None)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = cfg.str("DEFAULT_FROM_EMAIL", default="tcloud <no-reply@tcloud.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery. Without a broker (the demo) tasks run in-process, eagerly.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing a task must not hold a request when the broker is away: the
# outbox's sweep delivers what could not be handed over (tcloud.core.outbox).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # kombu retries a publisher's connection forever unless told otherwise.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
}
# The one beat schedule. Every deadline of the program is a database column; this
# sweep (the code behind `manage.py run_deadlines`) finds what fell due.
SWEEP_INTERVAL_SECONDS = 60
CELERY_BEAT_SCHEDULE = {
    "run-deadlines": {
        "task": "tcloud.site.tasks.run_deadlines",
        "schedule": schedule(SWEEP_INTERVAL_SECONDS),
        "options": {"expires": SWEEP_INTERVAL_SECONDS},
    }
}
# The demo has no beat: runserver starts a thread that runs the same sweeps.
TCLOUD_INPROCESS_SWEEPS = not REDIS_URL

# The cache may live apart from the broker (CACHE_URL, default REDIS_URL). When
# Redis does not answer, tcloud.core.cache.FallbackCache carries on from the
# database's cache table (created by a migration), so pages are served and the
# sign-in and code limits keep counting.
CACHE_URL = cfg.url("CACHE_URL", schemes=("redis", "rediss"), required=False) or REDIS_URL
CACHES = (
    {
        "default": {
            "BACKEND": "tcloud.core.cache.FallbackCache",
            "OPTIONS": {"PRIMARY": "redis", "FALLBACK": "database"},
        },
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # Answer fast when Redis is away: the fallback takes over.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        },
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tcloud_cache",
        },
    }
    if CACHE_URL
    else {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)

# Catalog pages cache their bodies this long (catalog/cache.py); services that
# change what buyers see invalidate at once. 0 turns it off.
CATALOG_PAGE_CACHE_SECONDS = 60

# Request bodies: the API refuses a body over API_MAX_BODY_BYTES with 413
# (tcloud.core.api.parsers); pages keep Django's own limits
# (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB, answered with the 400 page).
API_MAX_BODY_BYTES = 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "tcloud.core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    # Bodies are JSON objects only, within API_MAX_BODY_BYTES (tcloud.core.api.parsers).
    "DEFAULT_PARSER_CLASSES": ["tcloud.core.api.parsers.JSONObjectParser"],
    "DEFAULT_SCHEMA_CLASS": "tcloud.core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "tcloud.core.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # The token endpoint (tcloud.core.api.auth): failed attempts per IP, and a far
    # higher limit for successful ones.
    "DEFAULT_THROTTLE_RATES": {"auth": "10/min", "auth_success": "120/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "tcloud API",
    "DESCRIPTION": "The public API of the tcloud marketplace (shared/API.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI from the installed sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `status`; name the statement's choices rather than a hash.
    "ENUM_NAME_OVERRIDES": {"StatementStatusEnum": "refunds.settlement.models.Statement.Status"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": cfg.log_level("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Production hardening; `check --deploy` must be clean with DEBUG off.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = cfg.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Production runs plain HTTP behind a TLS-terminating proxy. Only when
# TRUSTED_PROXY says that proxy exists (and is the only way in) are its
# X-Forwarded-Proto and X-Forwarded-For believed: for "is this HTTPS" and for the
# client address that allauth's and DRF's per-IP limits count.
TRUSTED_PROXY = cfg.bool("TRUSTED_PROXY", default=False)
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    ALLAUTH_TRUSTED_PROXY_COUNT = 1
    REST_FRAMEWORK["NUM_PROXIES"] = 1
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The language switch's cookie, like the session's: HTTPS only in production,
# not sent on cross-site requests, not readable by scripts.
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): everything from this site, nothing inline
# (no inline script or style: templates use static/js/site.js and static/css/),
# no frames, no plugins. data: images are Bootstrap's SVG icons in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"

"""caredesk settings: one module, every deployment difference comes from the environment.

Environment variables
  CAREDESK_SECRET_KEY   required when CAREDESK_DEBUG is off
  CAREDESK_DEBUG        "1" for development (default "0")
  CAREDESK_ALLOWED_HOSTS  comma-separated (default: localhost names)
  DATABASE_URL          e.g. postgres://postgres@127.0.0.1:5432/caredesk; default SQLite in var/
  CAREDESK_POLICY       path of the support policy TOML; default: the shipped Guide policy
  CAREDESK_VAR_DIR      where SQLite and local files live (default ./var)
  CAREDESK_SITE_URL     the public address, for links in mail (default http://127.0.0.1:8000)
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CAREDESK_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("CAREDESK_DEBUG")
SECRET_KEY = os.environ.get("CAREDESK_SECRET_KEY", "")
if not SECRET_KEY:
    # A development key: fine on a laptop, flagged by `manage.py check --deploy`.
    SECRET_KEY = "caredesk-development-key-not-for-production"

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("CAREDESK_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(
        ","
    )
    if h.strip()
]
SITE_URL = os.environ.get("CAREDESK_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "caredesk.policy",
    "caredesk.core",
    "caredesk.accounts",
    "caredesk.catalog",
    "caredesk.clients",
    "caredesk.plans",
    "caredesk.incidents",
    "caredesk.mail",
    "caredesk.console",
    "caredesk.portal",
    "caredesk.dashboard",
    "caredesk.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "caredesk.accounts.middleware.ViewerTimezoneMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "caredesk.web.context_processors.site",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'caredesk.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the worker write while pages read; IMMEDIATE avoids lock upgrades
            # failing halfway through a transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = ":memory:"
else:
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("CAREDESK_TEST_DATABASE")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on a missing root
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

CAREDESK_POLICY = os.environ.get("CAREDESK_POLICY", "")
# How often the worker fetches mail, sends the outbox and sweeps the clocks.
CAREDESK_POLL_SECONDS = int(os.environ.get("CAREDESK_POLL_SECONDS", "60"))

# Outgoing mail: SMTP when CAREDESK_SMTP_HOST is set, else files under var/mail to read.
DEFAULT_FROM_EMAIL = os.environ.get("CAREDESK_MAIL_FROM", "support@caredesk.localhost")
CAREDESK_MAIL_DOMAIN = DEFAULT_FROM_EMAIL.rpartition("@")[2]
if os.environ.get("CAREDESK_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["CAREDESK_SMTP_HOST"]
    EMAIL_PORT = int(os.environ.get("CAREDESK_SMTP_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("CAREDESK_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("CAREDESK_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = env_flag("CAREDESK_SMTP_STARTTLS")
    EMAIL_USE_SSL = env_flag("CAREDESK_SMTP_TLS")
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CAREDESK_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

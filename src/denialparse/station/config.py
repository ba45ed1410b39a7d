"""Django settings built in code from the data folder (no settings module to edit or ship).

``configure()`` is called once per process, by ``denialparse serve``, ``denialparse users`` and
the tests, before anything touches the database.

Database: SQLite in the data folder by default (nothing to start). A practice that outgrows one
machine sets ``DENIALPARSE_DATABASE_URL=postgresql://USER:PASSWORD@HOST:5432/NAME`` (and
installs ``psycopg``); the same models and migrations run there (docs/station.md).
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from denialparse.exceptions import DenialParseError, ExitCode
from denialparse.station import datafolder

DATABASE_URL_ENV = "DENIALPARSE_DATABASE_URL"
PROXY_TLS_ENV = "DENIALPARSE_BEHIND_TLS_PROXY"
ALLOWED_HOSTS_ENV = "DENIALPARSE_ALLOWED_HOSTS"
# A front desk steps away; a session idle this long needs the password again.
SESSION_IDLE_SECONDS = 30 * 60
PACKAGE_DIR = Path(__file__).resolve().parent
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]", "::1"]


class StationConfigError(DenialParseError):
    """A setting the station can't run with (exit 2: fix the command line or environment)."""

    exit_code = ExitCode.USAGE
    default_code = "bad_station_setting"


@dataclass(frozen=True)
class StationSettings:
    """What the command line decides about one station process.

    Attributes:
        data_dir: the prepared data folder (absolute).
        host: the address the server binds to.
        tls: served over HTTPS (by us or by a proxy): cookies are then marked Secure.
    """

    data_dir: Path
    host: str = "127.0.0.1"
    tls: bool = False

    @property
    def loopback(self) -> bool:
        """Whether only this machine can reach the station."""
        return is_loopback(self.host)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def database_settings(data_dir: Path) -> dict[str, Any]:
    """SQLite in the data folder, or PostgreSQL from ``DENIALPARSE_DATABASE_URL``."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(data_dir / datafolder.DATABASE_FILE),
            "OPTIONS": {
                # WAL: the worklist reads while the dispatcher writes; IMMEDIATE: a writer takes
                # the lock up front instead of failing half-way with "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql") or not parts.path.strip("/"):
        raise StationConfigError(
            f"{DATABASE_URL_ENV} must look like postgresql://USER:PASSWORD@HOST:5432/NAME"
        )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.strip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
    }


def allowed_hosts(station: StationSettings) -> list[str]:
    """Host names the station answers to.

    On loopback only the loopback names: a web page the desk opens elsewhere can't reach the
    open (no-login) station through a DNS name it re-points at 127.0.0.1 (DNS rebinding).
    """
    extra = [h.strip() for h in os.environ.get(ALLOWED_HOSTS_ENV, "").split(",") if h.strip()]
    if station.loopback:
        return LOOPBACK_NAMES + extra
    return extra or ["*"]


def django_settings(station: StationSettings) -> dict[str, Any]:
    """The complete Django settings of one station."""
    behind_proxy = os.environ.get(PROXY_TLS_ENV, "") == "1"
    secure = station.tls or behind_proxy
    settings: dict[str, Any] = {
        "DEBUG": False,
        "SECRET_KEY": datafolder.secret_key(station.data_dir),
        "ALLOWED_HOSTS": allowed_hosts(station),
        "INSTALLED_APPS": [
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "denialparse.station",
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "denialparse.station.middleware.SecurityHeadersMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "denialparse.station.middleware.StationAccessMiddleware",
        ],
        "ROOT_URLCONF": "denialparse.station.urls",
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                        "denialparse.station.views.station_context",
                    ],
                },
            }
        ],
        "DATABASES": {"default": database_settings(station.data_dir)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "USE_TZ": True,
        "TIME_ZONE": "UTC",
        "LANGUAGE_CODE": "en-us",
        "USE_I18N": False,
        # Every script, style and font is a file of this package, served by WhiteNoise; no CDN.
        "STATIC_URL": "/static/",
        "STATIC_ROOT": str(PACKAGE_DIR / "static"),
        "WHITENOISE_MAX_AGE": 3600,
        # Uploads larger than this are spooled to the data folder, never to /tmp.
        "FILE_UPLOAD_MAX_MEMORY_SIZE": 5 * 1024 * 1024,
        "FILE_UPLOAD_TEMP_DIR": str(station.data_dir / datafolder.UPLOAD_TMP_DIR),
        "FILE_UPLOAD_PERMISSIONS": 0o600,
        "DATA_UPLOAD_MAX_NUMBER_FILES": 200,
        "LOGIN_URL": "/login/",
        "LOGIN_REDIRECT_URL": "/",
        "SESSION_COOKIE_NAME": "denialparse_session",
        "SESSION_COOKIE_AGE": SESSION_IDLE_SECONDS,
        "SESSION_SAVE_EVERY_REQUEST": True,  # the idle clock restarts on every request
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "CSRF_COOKIE_NAME": "denialparse_csrf",
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": secure,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
            {
                "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
                "OPTIONS": {"min_length": 10},
            },
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
            {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        ],
        "LOGGING_CONFIG": None,  # the CLI owns logging; Django must not add handlers
        # Station-specific (read through django.conf.settings).
        "STATION_DATA_DIR": str(station.data_dir),
        "STATION_OPEN_WITHOUT_ACCOUNT": station.loopback,
    }
    if secure:
        settings["SECURE_HSTS_SECONDS"] = 0  # a clinic's own host name: HSTS is the proxy's call
    if behind_proxy:
        settings["SECURE_PROXY_SSL_HEADER"] = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


def configure(station: StationSettings) -> None:
    """Configure Django for this process (once) and load the apps."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(**django_settings(station))
        django.setup()


def migrate(verbosity: int = 0) -> None:
    """Bring the database schema up to date (creates the SQLite file on first start)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
    db = Path(django_db_name())
    if db.is_file():
        datafolder.tighten(db)


def django_db_name() -> str:
    """The default database's NAME (a file path for SQLite)."""
    from django.conf import settings

    return str(settings.DATABASES["default"]["NAME"])

"""The one settings module of clientvault, read from the environment.

With nothing set, development works: SQLite files under ``var/`` and a development master key
generated on first run into a git-ignored file. With ``DEBUG=0`` the production values must be
set, and a missing master key stops start-up with a one-line reason.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured

from clientvault.env import EnvError, env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
# What `runserver` takes: PORT or ADDRESS:PORT (an IPv4 address, [IPv6] or a host name).
_RUNSERVER_ADDRESS = re.compile(
    r"(?:(?P<addr>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):)?(?P<port>\d{1,5})"
)

# Listening on every interface: a browser on this machine reaches it at the loopback address.
_EVERY_INTERFACE = {"0": "127.0.0.1", "0.0.0.0": "127.0.0.1", "[::]": "[::1]"}  # noqa: S104


def development_server(host: str) -> tuple[str, str]:
    """The site URL and the host name of the development server listening at ``host``.

    ``host`` is what ``runserver`` takes (``make run HOST=...``): ``PORT`` or ``ADDRESS:PORT``,
    the address an IPv4 address, ``[IPv6]`` or a host name. An address that listens on every
    interface is reached as this machine (``127.0.0.1``, ``[::1]``).
    """
    found = _RUNSERVER_ADDRESS.fullmatch(host.strip())
    port = int(found.group("port")) if found else 0
    if found is None or not 0 < port < 65536:
        raise ImproperlyConfigured(
            "CLIENTVAULT_HOST must be PORT or ADDRESS:PORT, as given to `clientvault runserver` "
            f"(got {host!r})"
        )
    name = found.group("addr") or "127.0.0.1"
    name = _EVERY_INTERFACE.get(name, name)
    return f"http://{name}:{port}", name


VAR_DIR = env_path("CLIENTVAULT_VAR_DIR", BASE_DIR / "var")
_MAILBOX_URL = "mailbox://"  # EMAIL_URL in development: clientvault.messaging.mailbox

try:
    DEBUG = env_bool("DEBUG", True)
    TESTING = env_bool("CLIENTVAULT_TESTING", False)  # set by tests/conftest.py
    _secret = env_str("SECRET_KEY", "") or None
    # In development links in e-mail (and the printed demo logins) point at the development
    # server (CLIENTVAULT_HOST, which `make run` sets from its HOST), whose host is allowed.
    _host = env_str("CLIENTVAULT_HOST", "127.0.0.1:8000")
    _dev_url, _dev_host = development_server(_host) if DEBUG else ("", "127.0.0.1")
    ALLOWED_HOSTS = env_list(
        "ALLOWED_HOSTS", list(dict.fromkeys(["127.0.0.1", "localhost", "testserver", _dev_host]))
    )
    _database_url = env_str("DATABASE_URL", "")
    _keys_database_url = env_str("CLIENTVAULT_KEYS_DATABASE_URL", "")
    _email_url = env_str("EMAIL_URL", _MAILBOX_URL if DEBUG else "")
    _email_timeout = env_int("EMAIL_TIMEOUT", 30)  # seconds; a ?timeout= in EMAIL_URL wins
    _master_key = env_str("CLIENTVAULT_MASTER_KEY", "")
    _master_key_file = env_str("CLIENTVAULT_MASTER_KEY_FILE", "")
    _policy = env_str("CLIENTVAULT_POLICY", "")
    SESSION_IDLE_SECONDS = env_int("CLIENTVAULT_SESSION_IDLE_SECONDS", 30 * 60)
    _site_url = env_str("CLIENTVAULT_SITE_URL", "")
    CLIENTVAULT_TRUSTED_PROXIES = env_int("CLIENTVAULT_TRUSTED_PROXIES", 0)
    _sms_url = env_str("CLIENTVAULT_SMS_URL", "").strip()
    CLIENTVAULT_SMS_TOKEN = env_str("CLIENTVAULT_SMS_TOKEN", "").strip()
except EnvError as error:
    raise ImproperlyConfigured(str(error)) from None


def _dev_secret(path: Path) -> str:
    """A development-only secret kept in a git-ignored file so sessions survive restarts."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if _secret is None:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0")
    _secret = _dev_secret(VAR_DIR / "secret.key")
SECRET_KEY = _secret

# The master key ring. In production it comes from CLIENTVAULT_MASTER_KEY (the key ring text)
# or CLIENTVAULT_MASTER_KEY_FILE; in development a key file is generated under var/. The privacy
# app reads and parses it at start-up (PrivacyConfig.ready), so a bad one stops every process.
if _master_key:
    CLIENTVAULT_MASTER_KEY_FILE: Path | None = None
    CLIENTVAULT_MASTER_KEY = _master_key
elif _master_key_file:
    CLIENTVAULT_MASTER_KEY_FILE = Path(_master_key_file)
    CLIENTVAULT_MASTER_KEY = ""
elif DEBUG:
    CLIENTVAULT_MASTER_KEY_FILE = VAR_DIR / "master.key"
    CLIENTVAULT_MASTER_KEY = ""
else:
    raise ImproperlyConfigured(
        "CLIENTVAULT_MASTER_KEY or CLIENTVAULT_MASTER_KEY_FILE must be set when DEBUG=0"
    )
CLIENTVAULT_DEV_KEYS = DEBUG and not _master_key and not _master_key_file

CLIENTVAULT_POLICY = (
    Path(_policy) if _policy else BASE_DIR / "clientvault/privacy/presets/need-to-know.toml"
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",  # its devices are clientvault.accounts' own (models/twofactor.py)
    "django_tasks",
    "django_tasks_db",
    "clientvault.privacy",
    "clientvault.messaging",
    "clientvault.accounts",
    "clientvault.billing",
    "clientvault.hosting",
    "clientvault.support",
    "clientvault.rights",
    "clientvault.legal",
    "clientvault.incidents",
    "clientvault.traffic",
    "clientvault.web",
]
if TESTING:
    INSTALLED_APPS.append("tests.kernelapp")

MIDDLEWARE = [
    # First, so it sees every answer last, with every cookie the others added (COL-8).
    "clientvault.privacy.middleware.CookiePolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "clientvault.web.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "clientvault.billing.middleware.RefuseCardNumbersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "clientvault.web.errors.MethodNotAllowedPageMiddleware",
    "clientvault.accounts.middleware.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clientvault.web.middleware.ContentSecurityPolicyMiddleware",
    "clientvault.web.limits.RequestSizeMiddleware",
]

ROOT_URLCONF = "clientvault.urls"
WSGI_APPLICATION = "clientvault.wsgi.application"

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
                "clientvault.web.context.site",
            ],
        },
    },
]


def _database(url: str, sqlite_file: Path) -> dict[str, object]:
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    else:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(sqlite_file)}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


# The key store lives apart from the data database (and so apart from its backups).
DATABASES = {
    "default": _database(_database_url, VAR_DIR / "clientvault.sqlite3"),
    "keys": _database(_keys_database_url, VAR_DIR / "keys.sqlite3"),
}
DATABASE_ROUTERS = ["clientvault.privacy.routers.KeyStoreRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Username-or-e-mail sign-in (SEC-2); the sign-in page throttles and locks out before it.
AUTHENTICATION_BACKENDS = ["clientvault.accounts.backends.UsernameOrEmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "clientvault.accounts.services.auth.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env_path("CLIENTVAULT_STATIC_ROOT", VAR_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}


def _email_settings(url: str) -> dict[str, object]:
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme == "mailbox":
        if not DEBUG:
            raise ImproperlyConfigured("EMAIL_URL mailbox:// is for development only (DEBUG=1)")
        return {"EMAIL_BACKEND": "clientvault.messaging.mailbox.MailboxBackend"}
    if scheme not in dj_email_url.SCHEMES:
        known = ", ".join(sorted([*dj_email_url.SCHEMES, "mailbox"]))
        raise ImproperlyConfigured(f"EMAIL_URL is not a valid e-mail URL (scheme one of {known})")
    return dict(dj_email_url.parse(url))


# Development mail and texts: files in the mailbox, shown at /dev/mailbox, never in the server log
# (clientvault/messaging/mailbox.py).
CLIENTVAULT_MAILBOX_DIR = VAR_DIR / "mail"
_email = _email_settings(_email_url) if _email_url else {}
if not _email and not DEBUG:
    raise ImproperlyConfigured("EMAIL_URL must be set when DEBUG=0")
globals().update(_email)
if _email_timeout < 1:
    raise ImproperlyConfigured(f"EMAIL_TIMEOUT must be 1 second or more (got {_email_timeout})")
# The worker waits this long at most for the mail server (it holds no database lock meanwhile).
EMAIL_TIMEOUT = _email.get("EMAIL_TIMEOUT") or _email_timeout
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "clientvault@localhost")

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Sessions: new key at login (Django), idle timeout refreshed on each request, absolute cap.
# The engine stores a digest of each key and seals the data under the key (so django.contrib.
# sessions, whose table would hold the keys themselves, is not installed).
SESSION_ENGINE = "clientvault.accounts.sessionstore"
SESSION_COOKIE_AGE = env_int("CLIENTVAULT_SESSION_ABSOLUTE_SECONDS", 12 * 3600)
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# A reset link is valid for one hour and only once (it hashes the password it replaces).
PASSWORD_RESET_TIMEOUT = 3600

# Lockout of password guessing at sign-in (clientvault.accounts.throttle.LOGIN_LOCKOUT): five
# failures for one login (its username or e-mail address alike) from one address lock that pair
# for 15 minutes after the last, whether or not the account exists. The other sign-in routes
# are throttled by the same module. Its counters hold only keyed hashes.
CLIENTVAULT_LOGIN_LOCKOUT_FAILURES = 5
CLIENTVAULT_LOGIN_LOCKOUT_SECONDS = 15 * 60
# A browser that completed a sign-in is known for that login (clientvault.accounts.devices): a
# strictly necessary security cookie, so others' guesses cannot lock the owner out.
CLIENTVAULT_DEVICE_COOKIE_NAME = "cv_device"
CLIENTVAULT_DEVICE_COOKIE_AGE = 180 * 24 * 3600
# The cookie in which Django's messages framework (its default storage) carries a notice to the
# next page: CookieStorage.cookie_name, which no setting changes.
MESSAGES_COOKIE_NAME = "messages"
# Every cookie the site sets is declared, with what it is for, in the kernel's cookie registry
# (clientvault.privacy.cookies, COL-8), which /privacy and /cookies list; the cookie middleware
# (first in MIDDLEWARE) drops any other Set-Cookie, and a preference cookie without the visitor's
# consent, and logs it by name. In the tests it raises instead, so the test that set it fails.
CLIENTVAULT_COOKIE_VIOLATIONS = "raise" if TESTING else "drop"


# The client's address, for the lockout and throttles, login history and sessions alike
# (django-ipware; clientvault.accounts.throttle.client_ip). Behind
# CLIENTVAULT_TRUSTED_PROXIES reverse proxies, each appending the address it was reached from
# to X-Forwarded-For, the client is the N-th entry from the right; what the client itself put
# further left is never read, and a request with too short a header has an unknown address.
# With 0 (no proxy) X-Forwarded-For is ignored and REMOTE_ADDR is the client.
def client_address_settings(trusted_proxies: int) -> dict[str, object]:
    """django-ipware's settings for that many trusted reverse proxies."""
    if trusted_proxies < 0:
        raise ImproperlyConfigured("CLIENTVAULT_TRUSTED_PROXIES must be 0 or more")
    behind = trusted_proxies > 0
    return {
        "IPWARE_META_PRECEDENCE_ORDER": (("HTTP_X_FORWARDED_FOR",) if behind else ("REMOTE_ADDR",)),
        # ipware counts the proxies named in the header: all but the one that connects to us.
        "IPWARE_META_PROXY_COUNT": trusted_proxies - 1 if behind else None,
        "IPWARE_STRICT": False,  # entries the client itself added on the left do not matter
    }


globals().update(client_address_settings(CLIENTVAULT_TRUSTED_PROXIES))

# Absolute links in e-mail (password reset), printed demo logins and the policy address read out
# at telephone intake: CLIENTVAULT_SITE_URL; else the development server in development, and
# the first allowed host over HTTPS in production.
CLIENTVAULT_SITE_URL = (_site_url or _dev_url or f"https://{ALLOWED_HOSTS[0]}").rstrip("/")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("CLIENTVAULT_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load-balancer probes often speak plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REFERRER_POLICY = "same-origin"


def _sms_gateway(url: str) -> str:
    """CLIENTVAULT_SMS_URL: empty (no texts; the console in development) or an http(s) URL.

    Outside development the gateway must be HTTPS, unless it listens on this machine.
    """
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            "CLIENTVAULT_SMS_URL must be an http:// or https:// URL of the SMS gateway"
        )
    if parts.scheme == "http" and not DEBUG and parts.hostname not in ("127.0.0.1", "localhost"):
        raise ImproperlyConfigured("CLIENTVAULT_SMS_URL must use https:// when DEBUG=0")
    return url


# Text messages (identity-check codes): the worker POSTs {"to", "text"} as JSON to this URL.
CLIENTVAULT_SMS_URL = _sms_gateway(_sms_url)


def _mail_address(name: str, value: str) -> str:
    local, _, domain = value.strip().rpartition("@")
    if not local or not domain or any(c.isspace() or c in "<>," for c in value.strip()):
        raise ImproperlyConfigured(f"{name} must be one e-mail address (got {value!r})")
    return value.strip()


def _dns_server(value: str) -> str:
    """CLIENTVAULT_DNS_SERVER: "" (the system's resolver) or ADDRESS:PORT of a DNS server."""
    if not value:
        return ""
    host, _, port = value.rpartition(":")
    try:
        ipaddress.ip_address(host.strip("[]"))
        if not 0 < int(port) < 65536:
            raise ValueError(port)
    except ValueError:
        raise ImproperlyConfigured(
            f"CLIENTVAULT_DNS_SERVER must be ADDRESS:PORT, e.g. 127.0.0.1:53 (got {value!r})"
        ) from None
    return value


# Mail that comes in (`clientvault mail serve` or `clientvault mail receive`,
# clientvault/messaging/inbound): requests to the policy profile's opt-out addresses, and
# delivery and abuse reports to the bounce address. A message over the size limit is refused
# before it is read. DKIM keys are looked up through the system's resolver, or the DNS server
# named here.
_from_domain = parseaddr(DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
CLIENTVAULT_BOUNCE_ADDRESS = _mail_address(
    "CLIENTVAULT_BOUNCE_ADDRESS", env_str("CLIENTVAULT_BOUNCE_ADDRESS", f"bounces@{_from_domain}")
)
CLIENTVAULT_MAIL_MAX_BYTES = env_int("CLIENTVAULT_MAIL_MAX_BYTES", 10 * 1024 * 1024)
if CLIENTVAULT_MAIL_MAX_BYTES < 1024:
    raise ImproperlyConfigured(
        f"CLIENTVAULT_MAIL_MAX_BYTES must be 1024 bytes or more (got {CLIENTVAULT_MAIL_MAX_BYTES})"
    )
CLIENTVAULT_DNS_SERVER = _dns_server(env_str("CLIENTVAULT_DNS_SERVER", "").strip())

# No personal data in application logs: requests are not logged with bodies, request paths are
# logged as their URL pattern (account numbers, ids and tokens left out, see
# clientvault/web/logging.py), and the audit log records what happens to personal data. The
# filter is on the two handlers, and every logger writes through one of them: "django" loses the
# handlers of Django's default logging (its own console and mail_admins, unfiltered) and
# propagates to the root's console like the others. A refusal or a missing page (400, 403, 404,
# 405) is logged as one line, without the traceback Django attaches to PermissionDenied
# (clientvault.web.logging.ExpectedErrorFilter); a server error keeps its traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "route_only": {"()": "clientvault.web.logging.RouteOnlyFilter"},
        "expected_errors": {"()": "clientvault.web.logging.ExpectedErrorFilter"},
        # Card numbers, IBANs, passwords and keys replaced by a marker (issue 11): last, on
        # every handler, so nothing any logger writes holds one.
        "redact_secrets": {"()": "clientvault.privacy.logfilter.RedactingFilter"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["expected_errors", "route_only", "redact_secrets"],
        },
        "django.server": {
            "level": "INFO",
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["expected_errors", "route_only", "redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"level": "INFO", "handlers": [], "propagate": True},
        # A refusal (403) or a page not found (404) is expected: one line, no traceback.
        "django.request": {"filters": ["expected_errors"]},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django_tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
        # The stripe package logs request and response bodies at DEBUG and INFO.
        "stripe": {"level": "WARNING"},
    },
}

# Payments (clientvault.billing). The gateway is ``test`` (the local test gateway, an HTTP server
# `make run` starts beside the site: `clientvault testgateway serve`) or ``stripe``. Card numbers
# are entered only in the gateway's hosted form; clientvault keeps the gateway's token.
try:
    PAYMENT_GATEWAY = env_str("CLIENTVAULT_PAYMENT_GATEWAY", "test" if DEBUG else "stripe")
    TEST_GATEWAY_URL = env_str("CLIENTVAULT_TEST_GATEWAY_URL", "http://127.0.0.1:8040").rstrip("/")
    TEST_GATEWAY_SECRET = env_str("CLIENTVAULT_TEST_GATEWAY_SECRET", "whsec_clientvault_test")
    # The test gateway's own state (its customers, methods, charges): `testgateway serve` and the
    # demo, which adds its payment methods there, share it, so the demo's tokens stay valid.
    TEST_GATEWAY_STATE = env_path("CLIENTVAULT_TEST_GATEWAY_STATE", VAR_DIR / "testgateway.sqlite3")
    STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
    STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")  # empty: Stripe's own
    PAYMENT_GATEWAY_TIMEOUT = env_int("CLIENTVAULT_PAYMENT_GATEWAY_TIMEOUT", 20)  # seconds
    _stripe_console_log = env_str("STRIPE_LOG", "").strip().lower()
except EnvError as error:
    raise ImproperlyConfigured(str(error)) from None
if _stripe_console_log in ("debug", "info"):
    # The stripe package then prints what it sends and receives (tokens, IBANs) to stderr.
    raise ImproperlyConfigured("STRIPE_LOG prints Stripe's requests to the console: unset it")
if PAYMENT_GATEWAY not in ("test", "stripe"):
    raise ImproperlyConfigured(
        f"CLIENTVAULT_PAYMENT_GATEWAY must be 'test' or 'stripe' (got {PAYMENT_GATEWAY!r})"
    )

# Hosting (clientvault.hosting). Services are created on a control panel through a server module
# and domains at a registrar through a registrar adapter. The shipped ones are local test servers
# that `make run` starts beside the site (`clientvault testpanel serve`, `clientvault
# testregistrar serve`); each holds its own state in a small sqlite file under var/.
try:
    SERVER_MODULE = env_str("CLIENTVAULT_SERVER_MODULE", "testpanel")
    TEST_PANEL_URL = env_str("CLIENTVAULT_TEST_PANEL_URL", "http://127.0.0.1:8050").rstrip("/")
    TEST_PANEL_KEY = env_str("CLIENTVAULT_TEST_PANEL_KEY", "panel_clientvault_test")
    TEST_PANEL_STATE = env_path("CLIENTVAULT_TEST_PANEL_STATE", VAR_DIR / "testpanel.sqlite3")
    REGISTRAR = env_str("CLIENTVAULT_REGISTRAR", "testregistrar")
    TEST_REGISTRAR_URL = env_str("CLIENTVAULT_TEST_REGISTRAR_URL", "http://127.0.0.1:8060").rstrip(
        "/"
    )
    TEST_REGISTRAR_KEY = env_str("CLIENTVAULT_TEST_REGISTRAR_KEY", "registrar_clientvault_test")
    TEST_REGISTRAR_STATE = env_path(
        "CLIENTVAULT_TEST_REGISTRAR_STATE", VAR_DIR / "testregistrar.sqlite3"
    )
    HOSTING_TIMEOUT = env_int("CLIENTVAULT_HOSTING_TIMEOUT", 15)  # seconds, panel and registrar
except EnvError as error:
    raise ImproperlyConfigured(str(error)) from None
if SERVER_MODULE != "testpanel":
    raise ImproperlyConfigured(
        f"CLIENTVAULT_SERVER_MODULE must be 'testpanel' (got {SERVER_MODULE!r})"
    )
if REGISTRAR != "testregistrar":
    raise ImproperlyConfigured(f"CLIENTVAULT_REGISTRAR must be 'testregistrar' (got {REGISTRAR!r})")

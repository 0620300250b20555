"""The one reader of the environment.

Every setting that comes from outside the process is read here, so a missing or malformed value stops
start-up with one clear message instead of failing later in a request.
"""

import math
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path


class ConfigurationError(RuntimeError):
    """Raised at start-up when the environment cannot run ServiceHall; the message says what to set."""


TRUE_WORDS = {"1", "true", "yes"}
FALSE_WORDS = {"0", "false", "no"}


def env_str(name: str, default: str = "") -> str:
    """The variable's value without surrounding blanks; ``default`` when unset or blank."""
    return os.environ.get(name, "").strip() or default


def env_int(name: str, default: int, *, minimum: int = 0, what: str = "a whole number") -> int:
    """A whole number of at least ``minimum``; ``default`` when unset or blank. Anything else stops
    start-up with a message naming the variable, what is wrong and what to set."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(
            f"{name} must be {what}, not {raw!r}. Set it to a whole number of at least {minimum} "
            f"(for example {max(default, minimum)}), or unset it for the default ({default})."
        ) from None
    if value < minimum:
        raise ConfigurationError(
            f"{name} must be at least {minimum}, not {raw!r}. "
            f"Set it to {minimum} or more, or unset it for the default ({default})."
        )
    return value


def env_float(name: str, default: float, *, minimum: float = 0.0, what: str = "a number") -> float:
    """A finite number of at least ``minimum``; ``default`` when unset or blank (else a clear error)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ConfigurationError(
            f"{name} must be {what}, not {raw!r}. Set it to a number such as {default:g} "
            f"(a decimal point, no unit), or unset it for the default ({default:g})."
        )
    if value < minimum:
        raise ConfigurationError(
            f"{name} must be at least {minimum:g}, not {raw!r}. "
            f"Set it to {minimum:g} or more, or unset it for the default ({default:g})."
        )
    return value


def env_flag(name: str, default: bool) -> bool:
    """A yes/no switch: 1, true, yes or 0, false, no (any case); ``default`` when unset or blank."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if raw.lower() in TRUE_WORDS:
        return True
    if raw.lower() in FALSE_WORDS:
        return False
    raise ConfigurationError(
        f"{name} must be a yes/no switch, not {raw!r}. Set it to 1 (or true, yes) to turn it on, "
        f"0 (or false, no) to turn it off, or unset it for the default ({'on' if default else 'off'})."
    )


_DOTTED_PATH = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")


def _notify_backend(production: bool) -> str:
    name = env_str("SERVICEHALL_NOTIFY_BACKEND", "file")
    if production and name == "file":
        raise ConfigurationError(
            "SERVICEHALL_NOTIFY_BACKEND must name how texts reach citizens when SERVICEHALL_ENV=production: "
            "the dotted path of your SMS gateway's class (send(phone, text)), or console to only log them "
            "(masked). The file backend is for the demo and tests."
        )
    if name in {"console", "file"} or _DOTTED_PATH.match(name):
        return name
    raise ConfigurationError(
        f"SERVICEHALL_NOTIFY_BACKEND must be console, file or the dotted path of a class with "
        f"send(phone, text), not {name!r}. Set it to file (the default), console, or for example "
        "mycompany.sms.GatewayBackend."
    )


def _data_keys() -> tuple[str, ...]:
    """``SERVICEHALL_DATA_KEY``: one Fernet key, or several separated by commas while rotating (the first
    encrypts, every one decrypts; ``servicehall rotate_data_key`` re-encrypts with the first)."""
    keys = tuple(k.strip() for k in env_str("SERVICEHALL_DATA_KEY").split(",") if k.strip())
    for position, key in enumerate(keys, start=1):
        try:
            from cryptography.fernet import Fernet

            Fernet(key.encode())
        except (ValueError, TypeError) as exc:
            raise ConfigurationError(
                f"SERVICEHALL_DATA_KEY: key {position} of {len(keys)} is not a Fernet key (32 bytes in "
                "URL-safe base64, 44 characters). Generate one with: python -c 'from cryptography.fernet "
                "import Fernet; print(Fernet.generate_key().decode())'. While rotating, list the new key "
                "first and the old ones after it, separated by commas."
            ) from exc
    return keys


def _project_var_dir() -> Path:
    configured = env_str("SERVICEHALL_VAR_DIR")
    if configured:
        return Path(configured).resolve()
    return Path.cwd() / "var"


@dataclass(frozen=True)
class Environment:
    env: str
    debug: bool
    var_dir: Path
    database_url: str
    redis_url: str
    secret_key: str
    allowed_hosts: list[str]
    time_zone: str
    csrf_trusted_origins: list[str]
    public_url: str
    # Tuning, each with the default the project always had (README lists them).
    test_sqlite_name: str  # the tests' SQLite file; blank: one per test process under var/
    db_pool: bool  # psycopg's connection pool (PostgreSQL)
    conn_max_age: int  # seconds a PostgreSQL connection is kept (0: closed after each request)
    conn_health_checks: bool
    public_rate_per_minute: int
    estimate_snapshot_seconds: float
    notify_backend: str
    memo_seconds: float
    trusted_proxy_count: int
    pdf_font: str  # a .ttf/.ttc to embed in PDFs; blank: the first CJK font found
    hsts_seconds: int = 0  # Strict-Transport-Security max-age when this server itself speaks HTTPS
    ssl_redirect: bool = False  # redirect plain HTTP to HTTPS here (deployments without nginx in front)
    # Fernet keys for personal data, newest first; none: one derived from the secret key
    data_keys: tuple[str, ...] = ()
    digest_key: str = ""  # keys look-up digests; stays the same across data-key rotations
    # Uploaded files (case materials, feedback attachments, course files): blank bucket: under var/media;
    # else an S3-compatible bucket (MinIO, OSS, COS, AWS), kept private: files are served by our views.
    s3: dict | None = None


def _demo_secret(var_dir: Path) -> str:
    """Generate a secret key once and keep it in var/, so sessions survive restarts of the demo."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def read_environment() -> Environment:
    env = env_str("SERVICEHALL_ENV", "development").lower()
    if env not in {"development", "production", "test"}:
        raise ConfigurationError(f"SERVICEHALL_ENV must be development, production or test, not {env!r}.")
    production = env == "production"
    var_dir = _project_var_dir()
    database_url = env_str("SERVICEHALL_DATABASE_URL")
    if not database_url:
        database_url = f"sqlite:///{var_dir / 'servicehall.sqlite3'}"
    if not database_url.startswith(("sqlite:", "postgres://", "postgresql://")):
        raise ConfigurationError(
            "SERVICEHALL_DATABASE_URL must start with sqlite:/// or postgresql://, "
            f"got {database_url.split(':', 1)[0]!r}."
        )
    secret_key = env_str("SERVICEHALL_SECRET_KEY")
    if not secret_key:
        if production:
            raise ConfigurationError(
                "SERVICEHALL_SECRET_KEY is required when SERVICEHALL_ENV=production. "
                "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
            )
        secret_key = _demo_secret(var_dir)
    hosts_raw = env_str("SERVICEHALL_ALLOWED_HOSTS")
    if hosts_raw:
        allowed_hosts = [h.strip() for h in hosts_raw.split(",") if h.strip()]
    elif production:
        raise ConfigurationError(
            "SERVICEHALL_ALLOWED_HOSTS is required when SERVICEHALL_ENV=production "
            "(comma-separated host names, for example hall.example.gov.cn)."
        )
    else:
        allowed_hosts = ["127.0.0.1", "localhost", "[::1]", "testserver"]
    origins_raw = env_str("SERVICEHALL_CSRF_TRUSTED_ORIGINS")
    origins = [o.strip() for o in origins_raw.split(",") if o.strip()]
    time_zone = env_str("SERVICEHALL_TIME_ZONE", "Asia/Shanghai")
    try:
        import zoneinfo

        zoneinfo.ZoneInfo(time_zone)
    except Exception as exc:
        raise ConfigurationError(f"SERVICEHALL_TIME_ZONE {time_zone!r} is not a known time zone.") from exc
    debug = env_flag("SERVICEHALL_DEBUG", False)
    public_url = _public_url(production, origins, allowed_hosts)
    data_keys = _data_keys()
    return Environment(
        env=env,
        debug=debug and not production,
        var_dir=var_dir,
        database_url=database_url,
        redis_url=env_str("SERVICEHALL_REDIS_URL"),
        secret_key=secret_key,
        allowed_hosts=allowed_hosts,
        time_zone=time_zone,
        csrf_trusted_origins=origins,
        public_url=public_url,
        test_sqlite_name=env_str("SERVICEHALL_TEST_SQLITE_NAME"),
        db_pool=env_flag("SERVICEHALL_DB_POOL", False),
        conn_max_age=env_int("SERVICEHALL_CONN_MAX_AGE", 0, what="a whole number of seconds"),
        conn_health_checks=env_flag("SERVICEHALL_CONN_HEALTH_CHECKS", True),
        public_rate_per_minute=env_int(
            "SERVICEHALL_PUBLIC_RATE_PER_MINUTE", 120, minimum=1, what="a whole number of requests"
        ),
        estimate_snapshot_seconds=env_float(
            "SERVICEHALL_ESTIMATE_SNAPSHOT_SECONDS", 1.0, what="a number of seconds"
        ),
        notify_backend=_notify_backend(production),
        memo_seconds=env_float("SERVICEHALL_MEMO_SECONDS", 5.0, what="a number of seconds"),
        trusted_proxy_count=env_int("SERVICEHALL_TRUSTED_PROXY_COUNT", 0, what="a whole number of proxies"),
        pdf_font=env_str("SERVICEHALL_PDF_FONT"),
        hsts_seconds=env_int("SERVICEHALL_HSTS_SECONDS", 0, what="a whole number of seconds"),
        ssl_redirect=env_flag("SERVICEHALL_SSL_REDIRECT", False),
        data_keys=data_keys,
        # Look-up digests cannot be recomputed without the values, so their key must not rotate: it is
        # SERVICEHALL_DIGEST_KEY, or the oldest data key listed (the one the digests were made with).
        digest_key=env_str("SERVICEHALL_DIGEST_KEY") or (data_keys[-1] if data_keys else ""),
        s3=_s3(),
    )


def _s3() -> dict | None:
    """The S3-compatible store of uploaded files, when ``SERVICEHALL_S3_BUCKET`` is set: the endpoint of a
    MinIO or a cloud's object storage, and the access keys (required with a bucket)."""
    bucket = env_str("SERVICEHALL_S3_BUCKET")
    if not bucket:
        return None
    keys = env_str("SERVICEHALL_S3_ACCESS_KEY"), env_str("SERVICEHALL_S3_SECRET_KEY")
    if not all(keys):
        raise ConfigurationError(
            "SERVICEHALL_S3_BUCKET needs SERVICEHALL_S3_ACCESS_KEY and SERVICEHALL_S3_SECRET_KEY."
        )
    return {
        "bucket_name": bucket,
        "endpoint_url": env_str("SERVICEHALL_S3_ENDPOINT") or None,
        "region_name": env_str("SERVICEHALL_S3_REGION") or None,
        "access_key": keys[0],
        "secret_key": keys[1],
        "location": env_str("SERVICEHALL_S3_PREFIX", "servicehall"),
    }


def _public_url(production: bool, origins: list[str], hosts: list[str]) -> str:
    """The site's public address for links in texts: SERVICEHALL_PUBLIC_URL; in production without it, the
    first trusted origin or https:// and the first named host (a text with a localhost link reaches nobody),
    and a clear error when neither names the site."""
    explicit = env_str("SERVICEHALL_PUBLIC_URL").rstrip("/")
    if explicit:
        if not explicit.startswith(("http://", "https://")):
            raise ConfigurationError("SERVICEHALL_PUBLIC_URL must start with http:// or https://.")
        return explicit
    if not production:
        return "http://127.0.0.1:8000"
    if origins:
        return origins[0].rstrip("/")
    named = [h for h in hosts if h not in {"*", "localhost", "127.0.0.1", "[::1]"} and not h.startswith(".")]
    if named:
        return f"https://{named[0]}"
    raise ConfigurationError(
        "Set SERVICEHALL_PUBLIC_URL (for example https://hall.example.gov.cn): the links "
        "in the texts sent to citizens need the site's public address."
    )

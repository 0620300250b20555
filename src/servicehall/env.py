"""The one reader of the environment.

Every setting that comes from outside the process is read here, so a missing or malformed value stops
start-up with one clear message instead of failing later in a request.
"""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


class ConfigurationError(RuntimeError):
    """Raised at start-up when the environment cannot run ServiceHall; the message says what to set."""


def _project_var_dir() -> Path:
    configured = os.environ.get("SERVICEHALL_VAR_DIR")
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
    env = os.environ.get("SERVICEHALL_ENV", "development").strip().lower()
    if env not in {"development", "production", "test"}:
        raise ConfigurationError(f"SERVICEHALL_ENV must be development, production or test, not {env!r}.")
    production = env == "production"
    var_dir = _project_var_dir()
    database_url = os.environ.get("SERVICEHALL_DATABASE_URL", "").strip()
    if not database_url:
        database_url = f"sqlite:///{var_dir / 'servicehall.sqlite3'}"
    if not database_url.startswith(("sqlite:", "postgres://", "postgresql://")):
        raise ConfigurationError(
            "SERVICEHALL_DATABASE_URL must start with sqlite:/// or postgresql://, "
            f"got {database_url.split(':', 1)[0]!r}."
        )
    secret_key = os.environ.get("SERVICEHALL_SECRET_KEY", "").strip()
    if not secret_key:
        if production:
            raise ConfigurationError(
                "SERVICEHALL_SECRET_KEY is required when SERVICEHALL_ENV=production. "
                "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
            )
        secret_key = _demo_secret(var_dir)
    hosts_raw = os.environ.get("SERVICEHALL_ALLOWED_HOSTS", "").strip()
    if hosts_raw:
        allowed_hosts = [h.strip() for h in hosts_raw.split(",") if h.strip()]
    elif production:
        raise ConfigurationError(
            "SERVICEHALL_ALLOWED_HOSTS is required when SERVICEHALL_ENV=production "
            "(comma-separated host names, for example hall.example.gov.cn)."
        )
    else:
        allowed_hosts = ["127.0.0.1", "localhost", "[::1]", "testserver"]
    origins_raw = os.environ.get("SERVICEHALL_CSRF_TRUSTED_ORIGINS", "").strip()
    origins = [o.strip() for o in origins_raw.split(",") if o.strip()]
    time_zone = os.environ.get("SERVICEHALL_TIME_ZONE", "Asia/Shanghai").strip()
    try:
        import zoneinfo

        zoneinfo.ZoneInfo(time_zone)
    except Exception as exc:
        raise ConfigurationError(f"SERVICEHALL_TIME_ZONE {time_zone!r} is not a known time zone.") from exc
    debug = os.environ.get("SERVICEHALL_DEBUG", "").strip().lower() in {"1", "true", "yes"}
    public_url = _public_url(production, origins, allowed_hosts)
    return Environment(
        env=env,
        debug=debug and not production,
        var_dir=var_dir,
        database_url=database_url,
        redis_url=os.environ.get("SERVICEHALL_REDIS_URL", "").strip(),
        secret_key=secret_key,
        allowed_hosts=allowed_hosts,
        time_zone=time_zone,
        csrf_trusted_origins=origins,
        public_url=public_url,
    )


def _public_url(production: bool, origins: list[str], hosts: list[str]) -> str:
    """The site's public address for links in texts: SERVICEHALL_PUBLIC_URL; in production without it, the
    first trusted origin or https:// and the first named host (a text with a localhost link reaches nobody),
    and a clear error when neither names the site."""
    explicit = os.environ.get("SERVICEHALL_PUBLIC_URL", "").strip().rstrip("/")
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

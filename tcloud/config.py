"""Reading settings from the environment, failing with one clear line.

django-environ parses; this wrapper turns every missing or malformed value into
`SystemExit("tcloud: setting NAME ...")`, so start-up stops with one line that
names the setting instead of a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import environ

_SQLITE_DEMO = "sqlite:///{path}"
_INSECURE_DEMO_KEY = "demo-only-" + "x" * 50
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_DOTTED_PATH = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")


class ConfigError(SystemExit):
    """Start-up stops; the message is the one line shown."""

    def __init__(self, name: str, problem: str) -> None:
        self.setting = name
        super().__init__(f"tcloud: setting {name} {problem}")


REQUIRED = "is required outside the demo (TCLOUD_DEMO=true runs the demo)"


class Config:
    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        self.env = environ.Env()
        # Set by settings once TCLOUD_DEMO is read: the demo may fill in defaults.
        self.demo = False

    def _raw(self, name: str) -> str | None:
        value = self.env.str(name, default=None)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def str(self, name: str, *, default: str) -> str:
        return self._raw(name) or default

    def choice(self, name: str, *, choices: tuple[str, ...], default: str | None) -> str:
        """One of `choices`; `default=None` makes the setting required."""
        raw = self._raw(name)
        if raw is None:
            if default is None:
                raise ConfigError(name, f"{REQUIRED} (one of {', '.join(choices)})")
            return default
        if raw not in choices:
            raise ConfigError(name, f"must be one of {', '.join(choices)}, not {raw!r}")
        return raw

    def dotted_path(self, name: str, *, default: str | None) -> str:
        """A Python dotted path (`package.module.Class`); `default=None` makes it required."""
        raw = self._raw(name)
        if raw is None:
            if default is None:
                raise ConfigError(name, f"{REQUIRED} (dotted path, e.g. package.module.Class)")
            return default
        if not _DOTTED_PATH.fullmatch(raw):
            raise ConfigError(name, f"must be a dotted path like package.module.Class, not {raw!r}")
        return raw

    def log_level(self, name: str, *, default: str) -> str:
        raw = self._raw(name)
        if raw is None:
            return default
        if raw.upper() not in _LOG_LEVELS:
            raise ConfigError(name, f"must be one of {', '.join(_LOG_LEVELS)}, not {raw!r}")
        return raw.upper()

    def bool(self, name: str, *, default: bool) -> bool:
        raw = self._raw(name)
        if raw is None:
            return default
        lowered = raw.lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise ConfigError(name, f"must be true or false, not {raw!r}")

    def list(self, name: str, *, default: list[str] | None) -> list[str]:
        raw = self._raw(name)
        if raw is None:
            if default is None:
                raise ConfigError(name, f"{REQUIRED} (comma-separated)")
            return default
        return [item.strip() for item in raw.split(",") if item.strip()]

    def text(self, name: str, *, default: str = "", required: str | None = None) -> str:
        """A plain value; `required` (the reason, e.g. "when X is Y") makes it
        mandatory."""
        raw = self._raw(name)
        if raw is None:
            if required:
                raise ConfigError(name, f"is required {required}")
            return default
        return raw

    def seconds(self, name: str, *, default: float, maximum: float) -> float:
        raw = self._raw(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not 0 < value <= maximum:
            raise ConfigError(
                name, f"must be a number of seconds above 0 and at most {maximum:g}, not {raw!r}"
            )
        return value

    def https_url(self, name: str, *, default: str) -> str:
        """An https:// URL (credentials travel in it); http:// only to this machine."""
        raw = self._raw(name)
        if raw is None:
            return default
        parsed = urlparse(raw)
        local = parsed.hostname in {"localhost", "127.0.0.1", "::1"}
        if not parsed.hostname or not (
            parsed.scheme == "https" or (parsed.scheme == "http" and local)
        ):
            raise ConfigError(
                name,
                f"must be an https:// URL with a host (http:// only for localhost), not {raw!r}",
            )
        try:
            parsed.port  # noqa: B018 - raises on a bad port
        except ValueError:
            raise ConfigError(name, f"has a bad port: {raw!r}") from None
        return raw

    def secret_key(self) -> str:
        raw = self._raw("SECRET_KEY")
        if raw is None:
            if self.demo:
                return _INSECURE_DEMO_KEY
            raise ConfigError("SECRET_KEY", REQUIRED)
        if not self.demo and (len(raw) < 50 or len(set(raw)) < 5):
            raise ConfigError("SECRET_KEY", "must be at least 50 varied characters")
        return raw

    def database(self, name: str, *, required: bool) -> dict:
        raw = self._raw(name)
        if raw is None:
            if required:
                raise ConfigError(name, f"{REQUIRED} (postgres://...)")
            raw = _SQLITE_DEMO.format(path=self.base_dir / "db.sqlite3")
        scheme = urlparse(raw).scheme
        if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
            raise ConfigError(name, f"must be a postgres:// or sqlite:// URL, not {raw!r}")
        try:
            parsed = environ.Env.db_url_config(raw)
        except Exception as exc:  # noqa: BLE001 - any parse failure is a config error
            raise ConfigError(name, f"is malformed: {exc}") from None
        if scheme != "sqlite" and not parsed.get("NAME"):
            raise ConfigError(name, "names no database (postgres://user@host:5432/NAME)")
        return parsed

    def url(self, name: str, *, schemes: tuple[str, ...], required: bool) -> str | None:
        raw = self._raw(name)
        if raw is None:
            if required:
                raise ConfigError(name, REQUIRED)
            return None
        parsed = urlparse(raw)
        if parsed.scheme not in schemes or not parsed.hostname:
            wanted = " or ".join(f"{s}://" for s in schemes)
            raise ConfigError(name, f"must be a {wanted} URL with a host, not {raw!r}")
        try:
            parsed.port  # noqa: B018 - raises on a bad port
        except ValueError:
            raise ConfigError(name, f"has a bad port: {raw!r}") from None
        return raw

    def email(self, name: str, *, default: str | None) -> dict:
        raw = self._raw(name) or default
        if raw is None:
            raise ConfigError(name, f"{REQUIRED} (smtp+tls://user:password@host:587)")
        try:
            return environ.Env.email_url_config(raw)
        except Exception as exc:  # noqa: BLE001
            raise ConfigError(name, f"is malformed: {exc}") from None

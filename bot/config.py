"""Settings, read once from the environment and an optional .env file."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

DEFAULT_API_BASE_URL = "https://api.telegram.org"
_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A setting has a value the bot cannot use; the message names the setting."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot can be told from outside, validated."""

    telegram_bot_token: str | None
    telegram_api_base_url: str
    database_path: Path
    admin_ids: tuple[int, ...]
    log_level: str
    timezone: ZoneInfo
    seeds_dir: Path
    webhook_url: str | None
    webhook_listen: str
    webhook_port: int
    webhook_secret: str | None
    heartbeat_path: Path
    poll_interval_minutes: int = 15
    allow_private_sources: bool = False
    source_max_failures: int = 5
    default_sources: bool = True
    translator: str = "google"
    translator_url: str | None = None
    translator_api_key: str | None = None
    analysis_workers: int = 1

    @property
    def bot_api_url(self) -> str:
        """The base URL python-telegram-bot appends the token to."""
        return f"{self.telegram_api_base_url}/bot"

    @property
    def bot_file_url(self) -> str:
        """The base URL for file downloads."""
        return f"{self.telegram_api_base_url}/file/bot"


def default_seeds_dir() -> Path:
    """The repository's seeds/ folder, next to the `bot` package."""
    return Path(__file__).resolve().parent.parent / "seeds"


def load_settings(environ: Mapping[str, str], dotenv_path: Path | None = Path(".env")) -> Settings:
    """Settings from `environ`, falling back to the .env file for names it does not set."""
    values: dict[str, str] = {}
    if dotenv_path is not None and dotenv_path.is_file():
        values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    values.update(environ)

    def get(name: str) -> str | None:
        value = values.get(name, "").strip()
        return value or None

    data_dir = Path("data")
    return Settings(
        telegram_bot_token=_token(get("TELEGRAM_BOT_TOKEN")),
        telegram_api_base_url=_http_url(
            "TELEGRAM_API_BASE_URL", get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL
        ).rstrip("/"),
        database_path=Path(get("DATABASE_PATH") or data_dir / "libya_brief.db"),
        admin_ids=_admin_ids(get("ADMIN_IDS")),
        log_level=_log_level(get("LOG_LEVEL")),
        timezone=_timezone(get("TIMEZONE")),
        seeds_dir=_directory("SEEDS_DIR", get("SEEDS_DIR")),
        webhook_url=_webhook_url(get("WEBHOOK_URL")),
        webhook_listen=get("WEBHOOK_LISTEN") or "0.0.0.0",
        webhook_port=_port(get("WEBHOOK_PORT")),
        webhook_secret=_webhook_secret(get("WEBHOOK_SECRET")),
        heartbeat_path=Path(get("HEARTBEAT_PATH") or data_dir / "heartbeat"),
        poll_interval_minutes=_int(
            "POLL_INTERVAL_MINUTES", get("POLL_INTERVAL_MINUTES"), 15, 1, 1440
        ),
        allow_private_sources=_bool("ALLOW_PRIVATE_SOURCES", get("ALLOW_PRIVATE_SOURCES"), False),
        source_max_failures=_int("SOURCE_MAX_FAILURES", get("SOURCE_MAX_FAILURES"), 5, 1, 100),
        default_sources=_bool("DEFAULT_SOURCES", get("DEFAULT_SOURCES"), True),
        translator=_translator(get("TRANSLATOR"), get("TRANSLATOR_URL"), get("TRANSLATOR_API_KEY")),
        translator_url=get("TRANSLATOR_URL"),
        translator_api_key=get("TRANSLATOR_API_KEY"),
        analysis_workers=_int(
            "ANALYSIS_WORKERS", get("ANALYSIS_WORKERS"), min(os.cpu_count() or 1, 4), 1, 32
        ),
    )


def _token(value: str | None) -> str | None:
    if value is not None and not _TOKEN.match(value):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN: not a bot token (expected digits, a colon, then the secret, "
            "as @BotFather gives it)"
        )
    return value


def _http_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name}: expected an http(s) URL, got {value!r}")
    return value


def _webhook_url(value: str | None) -> str | None:
    if value is None:
        return None
    if urlsplit(value).scheme != "https":
        raise ConfigError(f"WEBHOOK_URL: Telegram only delivers to https URLs, got {value!r}")
    return _http_url("WEBHOOK_URL", value)


def _admin_ids(value: str | None) -> tuple[int, ...]:
    if value is None:
        return ()
    ids = []
    for part in value.replace(" ", "").split(","):
        if not part:
            continue
        if not part.isdigit():
            raise ConfigError(
                f"ADMIN_IDS: expected comma-separated numeric Telegram user ids, got {part!r}"
            )
        ids.append(int(part))
    return tuple(dict.fromkeys(ids))


def _log_level(value: str | None) -> str:
    level = (value or "INFO").upper()
    if level not in _LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL: expected one of {', '.join(_LOG_LEVELS)}, got {value!r}")
    return level


def _timezone(value: str | None) -> ZoneInfo:
    name = value or "Africa/Tripoli"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"TIMEZONE: unknown time zone {name!r}") from exc


def _directory(name: str, value: str | None) -> Path:
    path = Path(value) if value else default_seeds_dir()
    if not path.is_dir():
        raise ConfigError(f"{name}: no such directory {str(path)!r}")
    return path


def _port(value: str | None) -> int:
    if value is None:
        return 8443
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigError(f"WEBHOOK_PORT: expected a port number 1-65535, got {value!r}")
    return int(value)


_TRANSLATORS = ("google", "mymemory", "libre", "deepl", "none")


def _translator(value: str | None, url: str | None, key: str | None) -> str:
    name = (value or "google").lower()
    if name not in _TRANSLATORS:
        raise ConfigError(f"TRANSLATOR: expected one of {', '.join(_TRANSLATORS)}, got {value!r}")
    if name == "libre" and not url:
        raise ConfigError("TRANSLATOR_URL: the libre translator needs its server's URL")
    if url:
        _http_url("TRANSLATOR_URL", url)
    if name == "deepl" and not key:
        raise ConfigError("TRANSLATOR_API_KEY: the deepl translator needs an API key")
    return name


def _int(name: str, value: str | None, default: int, low: int, high: int) -> int:
    if value is None:
        return default
    if not value.isdecimal() or not low <= int(value) <= high:
        raise ConfigError(f"{name}: expected a whole number from {low} to {high}, got {value!r}")
    return int(value)


def _bool(name: str, value: str | None, default: bool) -> bool:
    if value is None:
        return default
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}: expected true or false, got {value!r}")


def _webhook_secret(value: str | None) -> str | None:
    # Telegram accepts 1-256 characters from A-Z, a-z, 0-9, _ and - as the secret token.
    if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
        raise ConfigError("WEBHOOK_SECRET: use 1-256 characters from A-Z, a-z, 0-9, _ and -")
    return value


def configure_logging(level: str, path: Path | None = None) -> None:
    """Log to standard error (or to `path`) at the level; quiet the HTTP client's chatter."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        filename=path,
        encoding="utf-8",
        # Called again by the terminal chat to move the log out of the conversation.
        force=True,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("telegram.ext").addFilter(_no_bootstrap_traceback)


def _no_bootstrap_traceback(record: logging.LogRecord) -> bool:
    """Keep python-telegram-bot's "could not start" line, without its traceback.

    `run` then says in one line why it could not reach Telegram (bot/tg/app.py).
    """
    if record.getMessage().startswith("Network Retry Loop (Bootstrap"):
        record.exc_info = None
        record.exc_text = None
    return True

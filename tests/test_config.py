"""Settings from the environment and .env, their validation, and the CLI's start-up errors."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.config import DEFAULT_API_BASE_URL, ConfigError, default_seeds_dir, load_settings

TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwx_yz-0123"
SETTING_NAMES = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
    "DATABASE_PATH",
    "ADMIN_IDS",
    "LOG_LEVEL",
    "TIMEZONE",
    "SEEDS_DIR",
    "WEBHOOK_URL",
    "WEBHOOK_LISTEN",
    "WEBHOOK_PORT",
    "WEBHOOK_SECRET",
    "HEARTBEAT_PATH",
)


def test_defaults() -> None:
    settings = load_settings({}, dotenv_path=None)
    assert settings.telegram_bot_token is None
    assert settings.telegram_api_base_url == "https://api.telegram.org"
    assert DEFAULT_API_BASE_URL == "https://api.telegram.org"
    assert settings.database_path == Path("data") / "libya_brief.db"
    assert settings.heartbeat_path == Path("data") / "heartbeat"
    assert settings.admin_ids == ()
    assert settings.log_level == "INFO"
    assert settings.timezone == ZoneInfo("Africa/Tripoli")
    assert settings.seeds_dir == default_seeds_dir()
    assert (settings.seeds_dir / "manifest.json").is_file()
    assert settings.webhook_url is None
    assert settings.webhook_listen == "0.0.0.0"
    assert settings.webhook_port == 8443
    assert settings.webhook_secret is None
    assert settings.bot_api_url == "https://api.telegram.org/bot"
    assert settings.bot_file_url == "https://api.telegram.org/file/bot"


def test_a_missing_dotenv_file_is_ignored(tmp_path: Path) -> None:
    settings = load_settings({}, dotenv_path=tmp_path / "absent.env")
    assert settings.log_level == "INFO"


def test_dotenv_is_read_and_the_environment_overrides_it(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}\n"
        "LOG_LEVEL=debug\n"
        "ADMIN_IDS=5\n"
        f"DATABASE_PATH={tmp_path / 'from-dotenv.db'}\n"
        "TIMEZONE=Europe/Rome\n",
        encoding="utf-8",
    )
    settings = load_settings(
        {"LOG_LEVEL": "warning", "TIMEZONE": "UTC", "WEBHOOK_PORT": "8080"}, dotenv_path=dotenv
    )
    assert settings.telegram_bot_token == TOKEN  # from .env
    assert settings.admin_ids == (5,)  # from .env
    assert settings.database_path == tmp_path / "from-dotenv.db"  # from .env
    assert settings.log_level == "WARNING"  # environment wins, and is upper-cased
    assert settings.timezone == ZoneInfo("UTC")  # environment wins
    assert settings.webhook_port == 8080  # environment only


def test_values_are_stripped_and_blank_means_default() -> None:
    settings = load_settings(
        {"TELEGRAM_BOT_TOKEN": f"  {TOKEN} ", "LOG_LEVEL": "   ", "WEBHOOK_SECRET": ""},
        dotenv_path=None,
    )
    assert settings.telegram_bot_token == TOKEN
    assert settings.log_level == "INFO"
    assert settings.webhook_secret is None


def test_admin_ids_are_parsed_and_deduplicated() -> None:
    assert load_settings({"ADMIN_IDS": "1, 2,2"}, dotenv_path=None).admin_ids == (1, 2)
    assert load_settings({"ADMIN_IDS": "30,10,,20"}, dotenv_path=None).admin_ids == (30, 10, 20)


def test_bot_api_url_appends_bot_to_the_base_without_a_double_slash() -> None:
    settings = load_settings({"TELEGRAM_API_BASE_URL": "http://localhost:8081/"}, dotenv_path=None)
    assert settings.telegram_api_base_url == "http://localhost:8081"
    assert settings.bot_api_url == "http://localhost:8081/bot"
    assert settings.bot_file_url == "http://localhost:8081/file/bot"


def test_good_webhook_settings() -> None:
    settings = load_settings(
        {
            "WEBHOOK_URL": "https://bot.example.com/hook",
            "WEBHOOK_PORT": "443",
            "WEBHOOK_SECRET": "Abc_123-xyz",
            "WEBHOOK_LISTEN": "127.0.0.1",
        },
        dotenv_path=None,
    )
    assert settings.webhook_url == "https://bot.example.com/hook"
    assert settings.webhook_port == 443
    assert settings.webhook_secret == "Abc_123-xyz"
    assert settings.webhook_listen == "127.0.0.1"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "abc"),
        ("TELEGRAM_BOT_TOKEN", "123456:short"),
        ("ADMIN_IDS", "12,abc"),
        ("ADMIN_IDS", "-5"),
        ("LOG_LEVEL", "loud"),
        ("TIMEZONE", "Mars/Base"),
        ("TIMEZONE", "../../etc/passwd"),
        ("WEBHOOK_URL", "http://x.example"),
        ("WEBHOOK_URL", "https://"),
        ("WEBHOOK_PORT", "70000"),
        ("WEBHOOK_PORT", "0"),
        ("WEBHOOK_PORT", "http"),
        ("TELEGRAM_API_BASE_URL", "ftp://x"),
        ("TELEGRAM_API_BASE_URL", "api.telegram.org"),
        ("SEEDS_DIR", "MISSING"),
        ("WEBHOOK_SECRET", "bad secret!"),
        ("WEBHOOK_SECRET", "x" * 257),
    ],
)
def test_a_wrong_value_names_its_setting(name: str, value: str, tmp_path: Path) -> None:
    if value == "MISSING":
        value = str(tmp_path / "no-such-dir")
    with pytest.raises(ConfigError) as caught:
        load_settings({name: value}, dotenv_path=None)
    assert str(caught.value).startswith(f"{name}:")


def test_a_wrong_value_in_dotenv_is_reported_too(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("WEBHOOK_PORT=99999\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^WEBHOOK_PORT: .*'99999'"):
        load_settings({}, dotenv_path=dotenv)


def test_the_token_error_does_not_echo_the_value() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"TELEGRAM_BOT_TOKEN": "secret-looking-value"}, dotenv_path=None)
    assert "secret-looking-value" not in str(caught.value)
    assert "@BotFather" in str(caught.value)


# ---- the command line --------------------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No settings in the environment, no .env in the working directory, data in tmp_path."""
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "data" / "bot.db"))
    monkeypatch.setenv("HEARTBEAT_PATH", str(tmp_path / "data" / "heartbeat"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_run_without_a_token_explains_how_to_get_one(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN" in err
    assert "@BotFather" in err
    assert "libya-brief chat" in err
    assert not (clean_env / "data" / "bot.db").exists()


def test_run_with_a_malformed_token_is_a_configuration_error(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "abc")
    assert main(["run"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("libya-brief: configuration error: TELEGRAM_BOT_TOKEN")
    assert captured.out == ""
    assert not (clean_env / "data" / "bot.db").exists()


def test_a_dotenv_in_the_working_directory_is_read_by_the_cli(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (clean_env / ".env").write_text("LOG_LEVEL=loud\n", encoding="utf-8")
    assert main(["run"]) == 2
    assert capsys.readouterr().err.startswith("libya-brief: configuration error: LOG_LEVEL")

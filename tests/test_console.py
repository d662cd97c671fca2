"""The offline chat as a person runs it: the console script, piped input, the real handlers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.tg.console import to_terminal
from tests.conftest import REPO

HEADLINE_RU = "مباحثات بين الخارجية الليبية والروسية بشأن خروج القوات الأجنبية والمرتزقة"
HEADLINE_UK = "وزيرة الخارجية تلتقي سفيرة المملكة المتحدة لدى ليبيا"


def chat(
    tmp_path: Path, stdin: str, *args: str, entry: str = "script"
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env["DATABASE_PATH"] = str(tmp_path / "chat.db")
    env["TRANSLATOR"] = "none"  # offline: no translate buttons, nothing to reach
    script = Path(sys.executable).parent / "libya-brief"
    command = [str(script)] if entry == "script" else [sys.executable, "-m", "bot"]
    return subprocess.run(
        [*command, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,  # no .env there
        timeout=120,
    )


def test_piped_latest_prints_the_seed_stories_separately(tmp_path: Path) -> None:
    result = chat(tmp_path, "/latest\n", "chat")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"1. {HEADLINE_RU}" in out
    assert f"2. {HEADLINE_UK}" in out
    # The seed page gives no date and no link: it says so, and when it was stored.
    assert "seed page, Al-Dostor · stored " in out
    assert "date unknown" not in out
    assert "محمد الباز" not in out and "رئيس مجلسى" not in out
    assert "<b>" not in out  # HTML is turned into terminal text
    assert result.stderr == ""  # no log noise in the chat


def test_no_subcommand_without_a_token_opens_the_chat(tmp_path: Path) -> None:
    result = chat(tmp_path, "/help\n", entry="module")
    assert result.returncode == 0, result.stderr
    assert "/latest [n] — The newest stories" in result.stdout


def test_buttons_are_pressed_by_number(tmp_path: Path) -> None:
    result = chat(tmp_path, "/latest 1\n1\n/quit\n/help\n", "chat", "--lang", "ar")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[1] ‹ أقدم" in out
    assert f"1. {HEADLINE_RU}" in out and f"2. {HEADLINE_UK}" in out
    assert "(2–2 من 2)" in out
    assert "الأوامر" not in out  # /quit ended the chat before /help


def test_the_arabic_chat_greets_in_arabic(tmp_path: Path) -> None:
    result = chat(tmp_path, "/start\n", "chat", "--lang", "ar")
    assert result.returncode == 0, result.stderr
    assert "أهلاً بك في موجز ليبيا، عزيزي القارئ." in result.stdout
    assert "Reader" not in result.stdout


def test_bad_configuration_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("ADMIN_IDS=12,abc\n", encoding="utf-8")
    result = chat(tmp_path, "", "chat")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "libya-brief: configuration error: ADMIN_IDS: expected comma-separated numeric "
        "Telegram user ids, got 'abc'"
    ]
    assert str(REPO)  # the repository is where the seeds come from


def test_links_are_spelled_out_with_their_address() -> None:
    markup = (
        '<b>1. Talks &amp; more</b>\nAl-Wasat · 5 Dec · <a href="https://a.ly/x?a=1&amp;b=2">Read</a>'
        ' · <a href="https://b.ly/&lt;y&gt;"><i>Two</i></a>'
    )
    assert to_terminal(markup, color=False) == (
        "1. Talks & more\nAl-Wasat · 5 Dec · Read <https://a.ly/x?a=1&b=2> · Two <https://b.ly/<y>>"
    )
    assert to_terminal('<a href="https://a.ly/">Read</a>', color=True) == "Read <https://a.ly/>"

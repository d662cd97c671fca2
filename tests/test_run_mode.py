"""`libya-brief run` as an operator starts it: a real process, polling or webhook, then SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.tg.fake_api import FakeBotApi
from storage import Store, sources
from tests.conftest import TOKEN
from tests.fakes.bot_api_server import serve
from tests.fakes.news_site import news_site
from tests.test_ingest import RSS
from tests.test_ingest_budgets import teaser_feed

SCRIPT = Path(sys.executable).parent / "libya-brief"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def bot_process(tmp_path: Path, api_url: str, **extra: str) -> Iterator[subprocess.Popen[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api_url,
        DATABASE_PATH=str(tmp_path / "bot.db"),
        HEARTBEAT_PATH=str(tmp_path / "heartbeat"),
        DEFAULT_SOURCES="false",  # the real feeds are never fetched from tests
        TRANSLATOR="none",  # nor a real translator
        **extra,
    )
    proc = subprocess.Popen(
        [str(SCRIPT), "run"], env=env, cwd=tmp_path, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


def webhook_bot(
    tmp_path: Path, api_url: str, port: int, **extra: str
) -> AbstractContextManager[subprocess.Popen[str]]:
    """`run` in webhook mode at https://bot.example.org/telegram/hook, served on `port`."""
    return bot_process(
        tmp_path, api_url, WEBHOOK_URL="https://bot.example.org/telegram/hook",
        WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port), **extra,
    )  # fmt: skip


def wait_for(predicate: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=20)
    return proc.returncode, err


def test_polling_bot_answers_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    api = FakeBotApi(token=TOKEN)
    with serve(api) as url, bot_process(tmp_path, url) as proc:
        wait_for(lambda: any(m == "getUpdates" for m, _ in api.calls) or proc.poll() is not None)
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        api.user_sends("/latest 1")
        [reply] = api.wait_for_outbox(1, timeout=20)
        assert "مباحثات بين الخارجية الليبية والروسية" in reply.text
        wait_for(lambda: (tmp_path / "heartbeat").exists())
        assert health(tmp_path / "heartbeat").returncode == 0
        code, err = stop(proc)
    assert code == 0, err
    assert "Traceback" not in err
    assert "Application.stop() complete" in err
    assert any(m == "deleteWebhook" for m, _ in api.calls)


def test_webhook_mode_registers_and_serves_updates(tmp_path: Path) -> None:
    api = FakeBotApi(token=TOKEN)
    port = free_port()
    with (
        serve(api) as url,
        webhook_bot(tmp_path, url, port, WEBHOOK_SECRET="s3cret-token") as proc,
    ):
        wait_for(lambda: any(m == "setWebhook" for m, _ in api.calls) or proc.poll() is not None)
        assert proc.poll() is None
        [params] = [p for m, p in api.calls if m == "setWebhook"]
        assert params["url"] == "https://bot.example.org/telegram/hook"
        assert params["secret_token"] == "s3cret-token"

        wait_for(lambda: _listening(port))
        assert post_update(port, command_update(42, "/start"), "wrong") == 403  # forged
        assert post_update(port, command_update(42, "/start"), "s3cret-token") == 200
        [reply] = api.wait_for_outbox(1, timeout=20)
        assert reply.chat_id == 42
        assert reply.text.startswith("<b>Welcome to Libya Brief, Ana.</b>")
        code, err = stop(proc)
    assert code == 0, err


def test_webhook_without_a_secret_registers_a_random_one_and_refuses_forged_updates(
    tmp_path: Path,
) -> None:
    # The attack: no WEBHOOK_SECRET, and a POST to the webhook port of an update that claims
    # to come from the owner made anyone an admin.
    api = FakeBotApi(token=TOKEN)
    port = free_port()
    owner = 4242
    with serve(api) as url, webhook_bot(tmp_path, url, port, ADMIN_IDS=str(owner)) as proc:
        wait_for(lambda: any(m == "setWebhook" for m, _ in api.calls) or proc.poll() is not None)
        assert proc.poll() is None
        [params] = [p for m, p in api.calls if m == "setWebhook"]
        secret = params.get("secret_token")
        assert isinstance(secret, str)
        assert len(secret) >= 32
        assert set(secret) <= set(string.ascii_letters + string.digits + "_-")

        wait_for(lambda: _listening(port))
        forged = command_update(owner, "/admins add 666")
        assert post_update(port, forged, None) == 403
        assert post_update(port, forged, "guess") == 403
        # Telegram itself, knowing the secret, still gets through.
        assert post_update(port, command_update(owner, "/admins"), secret) == 200
        [reply] = api.wait_for_outbox(1, timeout=20)
        assert "666" not in reply.text
        code, err = stop(proc)
    assert code == 0, err
    assert "WEBHOOK_SECRET is not set" in err


def command_update(user: int, text: str) -> dict[str, object]:
    command = text.split()[0]
    return {
        "update_id": int(time.time() * 1000) % 1_000_000_000,
        "message": {
            "message_id": 1, "date": int(time.time()), "text": text,
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "Ana", "language_code": "en"},
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        },
    }  # fmt: skip


def post_update(port: int, update: dict[str, object], secret: str | None) -> int:
    headers = {"content-type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/telegram/hook", data=json.dumps(update).encode(), headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def health(path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env["HEARTBEAT_PATH"] = str(path)
    return subprocess.run(
        [str(SCRIPT), "health"], env=env, cwd=path.parent, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


def test_health_fails_without_a_fresh_heartbeat(tmp_path: Path) -> None:
    missing = health(tmp_path / "heartbeat")
    assert missing.returncode == 1
    assert "no heartbeat" in missing.stderr
    beat = tmp_path / "heartbeat"
    beat.touch()
    old = time.time() - 600
    os.utime(beat, (old, old))
    stale = health(beat)
    assert stale.returncode == 1
    assert "last heartbeat 60" in stale.stderr  # 600 s and a few more


def test_an_unreachable_bot_api_or_a_refused_token_stops_run_with_one_line(
    tmp_path: Path,
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    with bot_process(tmp_path, closed) as proc:
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert err.strip().splitlines()[-1] == (
        f"libya-brief: cannot reach the Telegram Bot API at {closed} "
        "(httpx.ConnectError: All connection attempts failed)"
    )
    assert "Traceback" not in err

    api = FakeBotApi(token="999:another-bots-token")  # knows no bot with our token
    with serve(api) as url, bot_process(tmp_path, url) as proc:
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert err.strip().splitlines()[-1] == (
        "libya-brief: Telegram refused TELEGRAM_BOT_TOKEN; check it with @BotFather"
    )
    assert "Traceback" not in err


@pytest.mark.parametrize("by", ["poll", "admin"])
def test_sigterm_stops_the_bot_within_seconds_while_a_source_drips(tmp_path: Path, by: str) -> None:
    with news_site() as site:
        # A feed of teasers whose pages drip a byte every half second: its run would take
        # minutes, and stopping the bot once waited for it to end.
        site.route("/feed", teaser_feed(site, 8, prefix="/drip"), content_type=RSS)
        for n in range(1, 9):
            site.trickle(f"/drip/{n}", interval=0.5, length=10_000)
        store = Store(tmp_path / "bot.db")
        store.open_sync()
        # Fetched by the poll as soon as it ticks, or when an admin asks (/fetchnow).
        when = datetime.now(UTC) + (timedelta(0) if by == "poll" else timedelta(hours=1))
        source = store.run_sync(
            sources.add_source, url=site.url("/feed"), site_url=None, name="drip", name_ar="",
            kind="feed", language="ar", added_by=None, now=datetime.now(UTC),
        )  # fmt: skip
        store.run_sync(sources.schedule, source.id, when)
        store.close()
        api = FakeBotApi(token=TOKEN)
        with (
            serve(api) as url,
            bot_process(tmp_path, url, ALLOW_PRIVATE_SOURCES="true", ADMIN_IDS="1001") as proc,
        ):
            if by == "admin":
                wait_for(lambda: any(m == "getUpdates" for m, _ in api.calls), 60)
                api.user_sends(f"/fetchnow {source.id}", chat_id=1001)
            wait_for(lambda: site.bytes_sent("/drip/1") > 0 or proc.poll() is not None, 60)
            assert proc.poll() is None
            started = time.monotonic()
            code, err = stop(proc)
            took = time.monotonic() - started
    assert code == 0, err
    assert took < 10, took
    assert "Traceback" not in err

"""The fake Bot API served over real HTTP on 127.0.0.1, for end-to-end tests."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.config import Settings
from bot.core import Core
from bot.tg.app import BotApp, build_application, running
from bot.tg.fake_api import FakeBotApi
from tests.conftest import TOKEN


def _handler_for(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as two writes: without TCP_NODELAY the body waits out the
        # client's delayed ACK, 40 ms on every call.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            status, payload = api.handle_http(self.path, self.headers.get("content-type", ""), body)
            self._answer(status, payload)

        do_GET = do_POST

        def _answer(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            # The bot may hang up mid long-poll while shutting down.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serve(api: FakeBotApi) -> Iterator[str]:
    """Serve `api` on an ephemeral port of 127.0.0.1; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(api))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@asynccontextmanager
async def polling_bot(
    settings: Settings, core: Core, api: FakeBotApi | None = None
) -> AsyncIterator[tuple[FakeBotApi, BotApp]]:
    """The real Application over `core`, long-polling a fake Bot API served here.

    A fresh one, or `api`: a bot started again over the same one finds its chats as they were.
    """
    api = api or FakeBotApi(token=TOKEN)
    with serve(api) as base_url:
        wired = replace(settings, telegram_api_base_url=base_url, telegram_bot_token=TOKEN)
        app = build_application(wired, core)
        async with running(app):
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            yield api, app

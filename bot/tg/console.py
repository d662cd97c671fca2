"""The offline chat: the real Application in the terminal, over an in-process Bot API."""

from __future__ import annotations

import asyncio
import html
import re
from typing import TextIO

from telegram import Update
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.core import Core
from bot.tg.app import build_application, running
from bot.tg.fake_api import FakeBotApi, Outgoing

_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
QUIT = {"/quit", "/exit", "quit", "exit"}


def to_terminal(markup: str, color: bool) -> str:
    """Telegram HTML as plain terminal text: links spelled out, bold and italics as ANSI."""
    # Links are spelled out after the tags are gone, so that "<url>" is not taken for a tag.
    parts = _LINK.split(markup)  # text, href, link text, text, href, link text, ..., text
    out = []
    for i in range(0, len(parts), 3):
        out.append(_plain(parts[i], color))
        if i + 2 < len(parts):
            out.append(f"{_plain(parts[i + 2], color)} <{html.unescape(parts[i + 1])}>")
    return "".join(out)


def _plain(markup: str, color: bool) -> str:
    if color:
        markup = markup.replace("<b>", _BOLD).replace("</b>", _RESET)
        markup = markup.replace("<i>", _DIM).replace("</i>", _RESET)
    return html.unescape(_TAG.sub("", markup))


class ConsoleChat:
    """Types what the user types into the bot, prints what the bot answers."""

    def __init__(
        self,
        settings: Settings,
        core: Core,
        out: TextIO,
        *,
        language_code: str = "en",
        color: bool = False,
    ) -> None:
        # Greeted by /start: "Welcome to Libya Brief, Reader." in Arabic too was half English.
        arabic = language_code.startswith("ar")
        self.api = FakeBotApi(first_name="عزيزي القارئ" if arabic else "Reader")
        request = HTTPXRequest(httpx_kwargs={"transport": self.api.transport})
        self.app = build_application(settings, core, token=self.api.token, request=request)
        self.out = out
        self.language_code = language_code
        self.color = color
        self.buttons: list[tuple[int, str]] = []
        # Pictures (/trends, /meetings) go to files the terminal cannot show inline.
        self.pictures = settings.database_path.parent / "pictures"

    async def send(self, line: str) -> None:
        """Handle one line: a number presses a button, anything else is a message."""
        line = line.strip()
        if not line:
            return
        if line.isdecimal() and 1 <= int(line) <= len(self.buttons):
            message_id, data = self.buttons[int(line) - 1]
            update = self.api.user_presses(message_id, data, language_code=self.language_code)
        else:
            update = self.api.user_sends(line, language_code=self.language_code)
        await self.app.process_update(Update.de_json(update, self.app.bot))
        self._show(self.api.take_outbox())

    def _show(self, outgoing: list[Outgoing]) -> None:
        buttons: list[tuple[int, str]] = []
        for item in outgoing:
            if item.method == "editMessageReplyMarkup":
                continue
            if item.method == "sendPhoto":
                self.out.write(self._save_picture(item) + "\n")
            self.out.write(to_terminal(item.text, self.color) + "\n")
            for row in item.buttons:
                for button in row:
                    if "callback_data" in button:
                        buttons.append((item.message_id, button["callback_data"]))
                        self.out.write(f"  [{len(buttons)}] {button['text']}\n")
                    elif "url" in button:
                        self.out.write(f"  [{button['text']}] {button['url']}\n")
            self.out.write("\n")
        if outgoing:
            self.buttons = buttons
        self.out.flush()

    def _save_picture(self, item: Outgoing) -> str:
        """Write a picture the bot sent to a file beside the database; say where."""
        photo = item.params.get("photo")
        if not isinstance(photo, bytes):
            return "[picture]"
        folder = self.pictures
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"picture-{item.message_id}.png"
        path.write_bytes(photo)
        return f"[picture saved: {path}]"


async def run_chat(
    settings: Settings,
    core: Core,
    source: TextIO,
    out: TextIO,
    *,
    interactive: bool,
    language_code: str = "en",
) -> None:
    """Run the chat until end of input or /quit; one message per line when not interactive."""
    chat = ConsoleChat(settings, core, out, language_code=language_code, color=interactive)
    async with running(chat.app):
        if interactive:
            out.write(
                "Libya Brief, offline chat. Type a command such as /latest or /help, "
                "a number to press a button, /quit to leave.\n\n"
            )
            out.flush()
        while True:
            line = await asyncio.to_thread(_read_line, source, interactive)
            if line is None or line.strip() in QUIT:
                break
            await chat.send(line)


def _read_line(source: TextIO, interactive: bool) -> str | None:
    """The next line typed, or None at the end of input."""
    if not interactive:
        return source.readline() or None
    try:
        # input() gives line editing and history when the readline module is loaded.
        return input("you> ")
    except EOFError:
        return None

"""An in-process stand-in for the Telegram Bot API, for the offline chat and the tests.

It speaks the Bot API's HTTP protocol (form or JSON bodies, `{"ok": ..., "result": ...}`
answers) and checks messages as Telegram does: well-formed HTML, at most 4096 characters.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs

import httpx

MAX_TEXT = 4096
BOT_ID = 7000000001
BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Libya Brief",
    "username": "LibyaBriefBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
_ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
}  # fmt: skip
_STRAY_AMP = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")
# Fields whose values are strings even when they look like JSON numbers.
_STRING_FIELDS = {
    "text", "parse_mode", "callback_query_id", "language_code", "url", "data", "caption",
    "inline_query_id", "next_offset",
}  # fmt: skip
MAX_CAPTION = 1024
# answerInlineQuery's limits: results per answer, bytes of a result id, of next_offset.
MAX_INLINE_RESULTS = 50
MAX_RESULT_ID = 64
MAX_NEXT_OFFSET = 64
_START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Every right an administrator has or lacks; getChatMember and my_chat_member carry them all.
_ADMIN_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
    "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
    "can_post_messages", "can_edit_messages", "can_pin_messages", "can_manage_topics",
)  # fmt: skip
# The rights an administrator gets unless the test says otherwise: a channel's may post.
_DEFAULT_RIGHTS = {"can_manage_chat": True, "can_post_messages": True, "can_invite_users": True}


class ApiError(Exception):
    """A Bot API error answer: HTTP status, description and optional parameters."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class Outgoing:
    """One call the bot made that changes what a user sees."""

    method: str
    chat_id: int
    message_id: int
    text: str
    buttons: list[list[dict[str, Any]]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)


class _TelegramHTML(HTMLParser):
    """Checks markup the way Telegram's parser does and collects the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            self.error = self.error or f'unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f'can\'t find end tag corresponding to start tag "{tag}"'
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_telegram_html(markup: str) -> str:
    """The visible text of Telegram HTML; raises ApiError where Telegram would refuse it."""
    parser = _TelegramHTML()
    if _stray_angle_brackets(markup):
        raise ApiError(400, "Bad Request: can't parse entities: unexpected '<'")
    if _STRAY_AMP.search(markup):
        raise ApiError(400, "Bad Request: can't parse entities: unescaped '&'")
    parser.feed(markup)
    parser.close()
    if parser.error or parser.stack:
        unclosed = parser.stack[-1] if parser.stack else ""
        detail = parser.error or f'can\'t find end tag corresponding to start tag "{unclosed}"'
        raise ApiError(400, f"Bad Request: can't parse entities: {detail}")
    return "".join(parser.text)


def _stray_angle_brackets(markup: str) -> int:
    # A '<' that does not open a tag is an error for Telegram, where html.parser keeps it as text.
    count = 0
    for i, char in enumerate(markup):
        if char == "<":
            nxt = markup[i + 1 : i + 2]
            if not (nxt.isalpha() or nxt == "/"):
                count += 1
    return count


@dataclass
class _Outage:
    """A method failing for a while: `after` calls pass first, then `count` fail (None: all)."""

    error: ApiError
    after: int
    count: int | None

    def strikes(self) -> bool:
        """Whether this call fails; counts it."""
        if self.after > 0:
            self.after -= 1
            return False
        if self.count is not None:
            self.count -= 1
        return True


@dataclass
class _Chat:
    """A group, supergroup or channel the fake knows, with its members' statuses."""

    id: int
    type: str  # "group" | "supergroup" | "channel"
    title: str
    username: str | None = None
    is_forum: bool = False
    # The supergroup a group was upgraded to: Telegram refuses messages to the old id.
    migrated_to: int | None = None
    # user id -> (status, rights); anyone not listed has "left".
    members: dict[int, tuple[str, dict[str, bool]]] = field(default_factory=dict)

    def as_chat(self) -> dict[str, Any]:
        """The Chat object Telegram puts in messages and updates."""
        chat: dict[str, Any] = {"id": self.id, "type": self.type, "title": self.title}
        if self.username:
            chat["username"] = self.username
        if self.is_forum:
            chat["is_forum"] = True
        return chat

    def status(self, user_id: int) -> tuple[str, dict[str, bool]]:
        """A member's status and rights."""
        return self.members.get(user_id, ("left", {}))


def _present(chat: _Chat) -> bool:
    """Whether the bot is in the chat."""
    return chat.status(BOT_ID)[0] not in ("left", "kicked")


def _member(user: dict[str, Any], status: str, rights: dict[str, bool]) -> dict[str, Any]:
    """A ChatMember object as Telegram sends it."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "administrator":
        member.update({name: bool(rights.get(name, False)) for name in _ADMIN_RIGHTS})
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "kicked":
        member["until_date"] = 0
    return member


class FakeBotApi:
    """A small, thread-safe Bot API: it keeps chats, queues updates and records replies."""

    def __init__(
        self, token: str = "123456:FAKE-TOKEN-FOR-OFFLINE-CHAT-ONLY", *, first_name: str = "Reader"
    ) -> None:
        self.token = token
        # The user's name, which /start greets: the offline chat gives one in its language.
        self.first_name = first_name
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.outbox: list[Outgoing] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._messages: dict[int, dict[str, Any]] = {}
        self._updates: list[dict[str, Any]] = []
        self._failures: list[tuple[str, ApiError]] = []
        self._outages: dict[str, _Outage] = {}
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._inline_ids = itertools.count(1)
        # Inline queries not yet answered, and the answers given, by query id.
        self._open_queries: set[str] = set()
        self.inline_answers: dict[str, dict[str, Any]] = {}
        # Groups, supergroups and channels, by id; private chats need no entry.
        self.chats: dict[int, _Chat] = {}
        self._read = 0
        self._lock = threading.Condition()

    # ---- what a user does ------------------------------------------------------------

    def user_sends(
        self,
        text: str,
        *,
        chat_id: int = 1001,
        language_code: str | None = "en",
        user_id: int | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue a text message from a user; returns the update.

        In a group added with `add_chat`, `user_id` says who sends it (by default the chat
        id, as in a private chat) and `thread_id` the forum topic it is sent in.
        """
        message = self._user_message(chat_id, language_code, user_id, thread_id)
        message["text"] = text
        if text.startswith("/"):
            length = len(text.split()[0]) if text.split() else 1
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._queue({"message": message})

    def user_sends_sticker(
        self, *, chat_id: int = 1001, language_code: str | None = "en"
    ) -> dict[str, Any]:
        """Queue a sticker from a user; returns the update."""
        message = self._user_message(chat_id, language_code)
        message["sticker"] = {
            "file_id": "sticker-1", "file_unique_id": "s1", "width": 512, "height": 512,
            "is_animated": False, "is_video": False, "type": "regular",
        }  # fmt: skip
        return self._queue({"message": message})

    def user_presses(
        self,
        message_id: int,
        data: str,
        *,
        language_code: str | None = "en",
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue the press of an inline button under a bot message; returns the update.

        In a group, `user_id` says who pressed it (by default the chat id).
        """
        with self._lock:
            message = self._messages[message_id]
        chat_id = message["chat"]["id"]
        query = {
            "id": str(next(self._callback_ids)),
            "from": self._user(user_id if user_id is not None else chat_id, language_code),
            "message": message,
            "chat_instance": f"ci{chat_id}",
            "data": data,
        }
        return self._queue({"callback_query": query})

    def user_queries_inline(
        self,
        text: str,
        offset: str = "",
        language_code: str | None = "en",
        *,
        user_id: int = 1001,
    ) -> dict[str, Any]:
        """Queue an inline query (`@Bot text`), or its next page at `offset`; returns the update."""
        query_id = str(next(self._inline_ids))
        query = {
            "id": query_id,
            "from": self._user(user_id, language_code),
            "query": text,
            "offset": offset,
            "chat_type": "sender",
        }
        with self._lock:
            self._open_queries.add(query_id)
        return self._queue({"inline_query": query})

    def wait_for_inline_answer(self, query_id: str, timeout: float = 5.0) -> dict[str, Any] | None:
        """Block until the bot answers that inline query; its answerInlineQuery parameters."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while query_id not in self.inline_answers:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._lock.wait(remaining)
            return self.inline_answers[query_id]

    def add_chat(
        self,
        chat_id: int,
        chat_type: str,
        title: str,
        *,
        username: str | None = None,
        is_forum: bool = False,
    ) -> None:
        """Make a group, supergroup or channel exist (the bot is not in it yet)."""
        if chat_type not in ("group", "supergroup", "channel") or chat_id >= 0:
            raise ValueError("a group, supergroup or channel, with a negative id")
        with self._lock:
            self.chats[chat_id] = _Chat(chat_id, chat_type, title, username, is_forum)

    def set_member(self, chat_id: int, user_id: int, status: str, **rights: bool) -> None:
        """A user's status in a chat: creator, administrator, member, left or kicked.

        Administrators get the usual rights (posting too) unless `rights` say otherwise.
        """
        with self._lock:
            given = {**_DEFAULT_RIGHTS, **rights} if status == "administrator" else {}
            self.chats[chat_id].members[user_id] = (status, given)

    def upgrade_group(self, old_id: int, new_id: int, *, by: int, announce: bool = True) -> None:
        """A group becomes a supergroup with a new id; both chats get the service message.

        With `announce` False the service messages never reach the bot (it was stopped, or
        they were lost): it learns of the move only when a message to the old id is refused.
        """
        with self._lock:
            old = self.chats[old_id]
            new = _Chat(new_id, "supergroup", old.title, members=dict(old.members))
            self.chats[new_id] = new
            old.migrated_to = new_id
        if not announce:
            return
        moved_to = self._user_message(old_id, "en", by)
        moved_to["migrate_to_chat_id"] = new_id
        self._queue({"message": moved_to})
        moved_from = self._user_message(new_id, "en", by)
        moved_from["migrate_from_chat_id"] = old_id
        self._queue({"message": moved_from})

    def bot_status_changes(
        self, chat_id: int, status: str, *, by: int, **rights: bool
    ) -> dict[str, Any]:
        """Someone adds, promotes, demotes or removes the bot: a my_chat_member update."""
        with self._lock:
            chat = self.chats[chat_id]
            old_status, old_rights = chat.status(BOT_ID)
        self.set_member(chat_id, BOT_ID, status, **rights)
        with self._lock:
            new_status, new_rights = chat.status(BOT_ID)
            change = {
                "chat": chat.as_chat(),
                "from": self._user(by, "en"),
                "date": int(time.time()),
                "old_chat_member": _member(BOT_USER, old_status, old_rights),
                "new_chat_member": _member(BOT_USER, new_status, new_rights),
            }
        return self._queue({"my_chat_member": change})

    def user_forwards(
        self,
        from_chat: int,
        *,
        chat_id: int = 1001,
        text: str = "A post",
        language_code: str | None = "en",
    ) -> dict[str, Any]:
        """Queue a user's forward, into their private chat, of a post from a channel."""
        with self._lock:
            origin_chat = self.chats[from_chat].as_chat()
        message = self._user_message(chat_id, language_code)
        message["text"] = text
        message["forward_origin"] = {
            "type": "channel", "chat": origin_chat, "message_id": 7, "date": int(time.time()),
        }  # fmt: skip
        return self._queue({"message": message})

    def fail_next(self, method: str, error: ApiError) -> None:
        """Make the next call of `method` fail with `error` (429, 403, 500 ...)."""
        with self._lock:
            self._failures.append((method, error))

    def fail_for(
        self, method: str, error: ApiError, *, after: int = 0, count: int | None = None
    ) -> None:
        """An outage: after `after` calls pass, `method` fails with `error` (`count` times).

        Without `count` it fails until `recover`. One-shot `fail_next` failures come first.
        """
        with self._lock:
            self._outages[method] = _Outage(error, after, count)

    def recover(self, method: str) -> None:
        """End the outage of `method`: its calls succeed again."""
        with self._lock:
            self._outages.pop(method, None)

    def take_outbox(self) -> list[Outgoing]:
        """What the bot showed users since the last call."""
        with self._lock:
            fresh = self.outbox[self._read :]
            self._read = len(self.outbox)
            return fresh

    def wait_for_outbox(self, count: int, timeout: float = 5.0) -> list[Outgoing]:
        """Block until `count` new outgoing messages exist, then take them."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.outbox) - self._read < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._lock.wait(remaining)
        return self.take_outbox()

    # ---- the wire --------------------------------------------------------------------

    @property
    def transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport that answers requests the way the Bot API would."""

        async def handler(request: httpx.Request) -> httpx.Response:
            body = await request.aread()
            status, payload = await asyncio.to_thread(
                self.handle_http, request.url.path, request.headers.get("content-type", ""), body
            )
            return httpx.Response(status, json=payload)

        return httpx.MockTransport(handler)

    def handle_http(self, path: str, content_type: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """Answer one HTTP request to /bot<token>/<method>."""
        parts = path.strip("/").split("/")
        if len(parts) != 2 or parts[0] != f"bot{self.token}":
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        try:
            params = _decode(content_type, body)
            return 200, {"ok": True, "result": self.call(parts[1], params)}
        except ApiError as exc:
            answer: dict[str, Any] = {
                "ok": False, "error_code": exc.status, "description": exc.description,
            }  # fmt: skip
            if exc.parameters:
                answer["parameters"] = exc.parameters
            return exc.status, answer

    def call(self, method: str, params: dict[str, Any]) -> Any:
        """Run one Bot API method."""
        with self._lock:
            self.calls.append((method, params))
            for index, (failing, error) in enumerate(self._failures):
                if failing == method:
                    del self._failures[index]
                    raise error
            outage = self._outages.get(method)
            if outage is not None and outage.strikes():
                if outage.count == 0:
                    del self._outages[method]
                raise outage.error
        if method == "getUpdates":
            return self._get_updates(params)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        with self._lock:
            result = handler(params)
            self._lock.notify_all()
            return result

    # ---- methods ---------------------------------------------------------------------

    def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    def _m_setMyCommands(self, params: dict[str, Any]) -> bool:
        scope = params.get("scope") or {"type": "default"}
        key = (json.dumps(scope, sort_keys=True), params.get("language_code") or "")
        self.commands[key] = list(params["commands"])
        return True

    def _m_deleteMyCommands(self, params: dict[str, Any]) -> bool:
        scope = params.get("scope") or {"type": "default"}
        key = (json.dumps(scope, sort_keys=True), params.get("language_code") or "")
        self.commands.pop(key, None)
        return True

    def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        return True

    def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        return True

    def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    def _m_sendChatAction(self, params: dict[str, Any]) -> bool:
        return True

    def _m_answerInlineQuery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("inline_query_id", ""))
        if query_id not in self._open_queries:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        results = params.get("results")
        if not isinstance(results, list) or len(results) > MAX_INLINE_RESULTS:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [str(result.get("id", "")) for result in results]
        if any(not 0 < len(i.encode()) <= MAX_RESULT_ID for i in ids):
            raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
        if len(set(ids)) != len(ids):
            raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
        for result in results:
            _check_article(result)
        if len(str(params.get("next_offset", "")).encode()) > MAX_NEXT_OFFSET:
            raise ApiError(400, "Bad Request: NEXT_OFFSET_INVALID")
        button = params.get("button")
        if button is not None:
            if not 0 < len(str(button.get("text", ""))) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
            if not _START_PARAMETER.fullmatch(str(button.get("start_parameter", ""))):
                raise ApiError(400, "Bad Request: START_PARAM_INVALID")
        self._open_queries.discard(query_id)
        self.inline_answers[query_id] = params
        return True

    def _m_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._visible_chat(params.get("chat_id"))
        return {
            **chat.as_chat(), "accent_color_id": 0, "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                "premium_subscription": False, "gifts_from_channels": False,
            },
        }  # fmt: skip

    def _m_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._visible_chat(params.get("chat_id"))
        user_id = int(params.get("user_id", 0))
        user = BOT_USER if user_id == BOT_ID else self._user(user_id, None)
        status, rights = chat.status(user_id)
        return _member(user, status, rights)

    def _visible_chat(self, ref: object) -> _Chat:
        """The chat a chat_id (a number or "@username") names, as the bot may see it."""
        text = str(ref or "")
        if text.startswith("@"):
            found = [
                c for c in self.chats.values() if (c.username or "").lower() == text[1:].lower()
            ]
        else:
            try:
                found = [self.chats[int(text)]] if int(text) in self.chats else []
            except ValueError:
                found = []
        # A private chat or channel the bot is not in is invisible to it; a public one is not.
        hidden = bool(found) and found[0].username is None and not _present(found[0])
        if not found or hidden:
            raise ApiError(400, "Bad Request: chat not found")
        return found[0]

    def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        where = self._may_send(chat_id, params.get("message_thread_id"))
        text = self._checked_text(params)
        message_id = next(self._message_ids)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": where,
            "from": BOT_USER,
            "text": text,
        }
        if params.get("message_thread_id"):
            message["message_thread_id"] = int(params["message_thread_id"])
            message["is_topic_message"] = True
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._messages[message_id] = message
        self._record("sendMessage", message, params)
        return message

    def _m_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        photo = params.get("photo")
        if not isinstance(photo, bytes) or not photo:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        caption = str(params.get("caption", ""))
        visible = parse_telegram_html(caption) if params.get("parse_mode") == "HTML" else caption
        if len(visible.encode("utf-16-le")) // 2 > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        width, height = png_size(photo)
        message_id = next(self._message_ids)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER,
            "photo": [
                {
                    "file_id": f"photo-{message_id}",
                    "file_unique_id": f"p{message_id}",
                    "width": width,
                    "height": height,
                    "file_size": len(photo),
                }
            ],
            "caption": caption,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._messages[message_id] = message
        self._record("sendPhoto", message, params)
        return message

    def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._existing(params)
        message["text"] = self._checked_text(params)
        message["edit_date"] = int(time.time())
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        else:
            message.pop("reply_markup", None)
        self._record("editMessageText", message, params)
        return message

    def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._existing(params)
        if (params.get("reply_markup") or None) == (message.get("reply_markup") or None):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        else:
            message.pop("reply_markup", None)
        self._record("editMessageReplyMarkup", message, params)
        return message

    # ---- helpers ---------------------------------------------------------------------

    def _may_send(self, chat_id: int, thread_id: object) -> dict[str, Any]:
        """The chat a message goes to; refused as Telegram would when the bot may not post."""
        chat = self.chats.get(chat_id)
        if chat is None:
            if thread_id:
                raise ApiError(400, "Bad Request: message thread not found")
            return {"id": chat_id, "type": "private" if chat_id > 0 else "group"}
        if chat.migrated_to is not None:
            raise ApiError(
                400, "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )  # fmt: skip
        status, rights = chat.status(BOT_ID)
        kind = "channel" if chat.type == "channel" else "group"
        if status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")
        if status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")
        if chat.type == "channel" and not (
            status == "creator" or (status == "administrator" and rights.get("can_post_messages"))
        ):
            raise ApiError(400, "Bad Request: need administrator rights in the channel chat")
        if thread_id and not chat.is_forum:
            raise ApiError(400, "Bad Request: message thread not found")
        return chat.as_chat()

    def _checked_text(self, params: dict[str, Any]) -> str:
        return _checked_message(str(params.get("text", "")), params.get("parse_mode"))

    def _existing(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._messages.get(int(params.get("message_id", 0)))
        if message is None or message["chat"]["id"] != int(params.get("chat_id", 0)):
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    def _record(self, method: str, message: dict[str, Any], params: dict[str, Any]) -> None:
        markup = message.get("reply_markup") or {}
        self.outbox.append(
            Outgoing(
                method=method,
                chat_id=message["chat"]["id"],
                message_id=message["message_id"],
                text=message.get("text", message.get("caption", "")),
                buttons=markup.get("inline_keyboard", []),
                params=params,
            )
        )

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)
        deadline = time.monotonic() + timeout
        with self._lock:
            # An offset confirms every update before it: Telegram forgets them, so a bot that
            # starts again later is not handed them twice.
            if offset:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while True:
                fresh = [u for u in self._updates if u["update_id"] >= offset]
                remaining = deadline - time.monotonic()
                if fresh or remaining <= 0:
                    return fresh[: int(params.get("limit") or 100)]
                self._lock.wait(remaining)

    def _queue(self, update: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            update["update_id"] = next(self._update_ids)
            self._updates.append(update)
            self._lock.notify_all()
        return update

    def _user(self, chat_id: int, language_code: str | None) -> dict[str, Any]:
        user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": self.first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    def _user_message(
        self,
        chat_id: int,
        language_code: str | None,
        user_id: int | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        group = self.chats.get(chat_id)
        chat = (
            group.as_chat()
            if group is not None
            else {"id": chat_id, "type": "private", "first_name": self.first_name}
        )
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self._user(user_id if user_id is not None else chat_id, language_code),
        }
        if thread_id is not None:
            if group is None or not group.is_forum:
                raise ValueError("forum topics exist only in a forum supergroup")
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        return message


def _check_article(result: dict[str, Any]) -> None:
    """Refuse an inline result as Telegram would: an article needs a title and a valid message."""
    if result.get("type") != "article":
        raise ApiError(400, "Bad Request: RESULT_TYPE_INVALID")
    if not str(result.get("title", "")).strip():
        raise ApiError(400, "Bad Request: RESULT_TITLE_EMPTY")
    content = result.get("input_message_content") or {}
    _checked_message(str(content.get("message_text", "")), content.get("parse_mode"))


def _checked_message(text: str, parse_mode: object) -> str:
    """A message's text, refused as Telegram would: bad HTML, nothing visible, too long."""
    visible = parse_telegram_html(text) if parse_mode == "HTML" else text
    if not visible.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(visible.encode("utf-16-le")) // 2 > MAX_TEXT:
        raise ApiError(400, "Bad Request: message is too long")
    return text


def _decode(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if "json" in content_type:
        decoded = json.loads(body)
        return decoded if isinstance(decoded, dict) else {}
    if "multipart" in content_type:
        return _multipart(content_type, body)
    params: dict[str, Any] = {}
    for key, values in parse_qs(body.decode("utf-8"), keep_blank_values=True).items():
        params[key] = _field(key, values[-1])
    return params


def _field(name: str, value: str) -> Any:
    """A form field's value as the Bot API reads it: JSON, but for the fields that are text."""
    if name in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """The fields of a multipart/form-data body: files as bytes, the rest as values."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if part.get_filename() is not None:
            params[name] = data
            continue
        params[name] = _field(name, data.decode("utf-8"))
    return params


def png_size(data: bytes) -> tuple[int, int]:
    """A PNG's width and height, from its header; (0, 0) for anything else."""
    if len(data) < 24 or not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return (0, 0)
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")

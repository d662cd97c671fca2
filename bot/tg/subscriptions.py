"""The daily digest and follows in Telegram: subscribe, settings, follow, language, data; jobs."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.alerts import AlertService, ChatAlerts
from bot.core import Core
from bot.digest_run import RETRY_FOR, Render, RunReport, Send, SendOutcome
from bot.english import (
    HEADLINE_CHOICES,
    NO_ENGLISH,
    EnglishViews,
    ListEnglish,
    english_label,
    headline_mode,
)
from bot.models import ActorRecord, DigestMessage, Subscription, Topic
from bot.schedule import parse_local_time, parse_zone
from bot.subscribers import DEFAULT_ZONE
from bot.tg.cards import actor_name, topic_name
from bot.tg.digest_render import TopicNames, digest_renderer, zone_label
from bot.tg.i18n import Lang, format_day, format_moment, lang_of, story_count, t
from bot.tg.render import MAX_MESSAGE, esc, join_blocks, split_html, story_item, utf16_len
from bot.tg.replies import (
    HEADLINES,
    UI_LANG,
    chat_user,
    headline_choice,
    incoming,
    send_chunks,
    stories_keyboard,
    user_lang,
)

log = logging.getLogger(__name__)

SETTINGS = "set"
FOLLOW = "fol"
UNFOLLOW = "unf"
LANG = "lang"
FORGET = "forget"
COMMON_TIMES = ("06:00", "07:00", "07:30", "08:00", "08:30", "09:00", "12:00", "18:00", "20:00")
COMMON_ZONES = (
    "Africa/Tripoli", "Africa/Cairo", "Africa/Tunis", "Europe/Rome", "Europe/Paris",
    "Europe/London", "Europe/Brussels", "America/New_York", "UTC",
)  # fmt: skip
MAX_ITEMS = (5, 10, 15, 20)
DIGEST_LANGS = ("ar", "en", "both")
ALL_TOPICS = "*"
SUBSCRIPTION_COMMANDS = (
    "subscribe", "unsubscribe", "settings", "digest", "follow", "unfollow", "following", "lang",
    "mydata", "forget",
)  # fmt: skip
ALERT_ATTEMPTS = 3
VIEWS = ("main", "time", "zone", "lang", "topics", "max", "empty", "headlines")


@dataclass(frozen=True, slots=True)
class FollowItem:
    """Something a chat follows, named for display, with what its button carries."""

    kind: str  # "actor" | "topic"
    key: str
    name: str  # escaped HTML, in the reader's language
    ref: str  # the button's reference: an actor's number or a topic id


# ---- pure rendering ----------------------------------------------------------------------


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def _label(text: str) -> str:
    # Button labels are plain text, and Telegram cuts them anyway past ~64 characters.
    return text[:60]


def _small(number: str) -> bool:
    # A forged button's number past SQLite's 64-bit integers would raise, not answer.
    return number.isdecimal() and len(number) <= 9


def digest_lang_name(digest_lang: str, lang: Lang) -> str:
    """What "ar", "en" or "both" means, in words."""
    return t(lang, f"dlang_{digest_lang}") if digest_lang in DIGEST_LANGS else digest_lang


def _when(moment: datetime, lang: Lang, zone_key: str) -> str:
    return f"{format_moment(moment, lang, ZoneInfo(zone_key))} ({zone_label(zone_key)})"


def headlines_name(mode: str, lang: Lang) -> str:
    """What a headline choice ("ar", "en", "both") means, in words."""
    return t(lang, f"hl_{mode}") if mode in HEADLINE_CHOICES else mode


def settings_text(
    sub: Subscription,
    lang: Lang,
    topics: Sequence[Topic],
    view: str,
    headlines: str | None = None,
) -> str:
    """The settings as they stand, and what to do next in this view.

    `headlines` is how lists show headlines, when a translator makes English possible.
    """
    names = {topic.id: topic_name(topic, lang) for topic in topics}
    chosen = [names.get(topic, topic) for topic in sub.topics]
    status = (
        t(lang, "set_active", next=esc(_when(sub.next_due, lang, sub.timezone)))
        if sub.active
        else t(lang, "set_stopped")
    )
    lines = [
        t(lang, "settings_title"),
        status,
        t(lang, "set_time", time=esc(sub.local_time), zone=esc(zone_label(sub.timezone))),
        t(lang, "set_lang", name=esc(digest_lang_name(sub.digest_lang, lang))),
        t(lang, "set_topics", topics=esc(", ".join(chosen) if chosen else t(lang, "topics_all"))),
        t(lang, "set_max", stories=story_count(sub.max_items, lang)),
        t(lang, "set_empty", what=t(lang, "empty_notice" if sub.empty_notice else "empty_silent")),
    ]
    if headlines is not None:
        lines.append(t(lang, "set_headlines", name=esc(headlines_name(headlines, lang))))
    hint = "set_hint" if view == "main" else f"pick_{view}"
    return "\n".join([*lines, "", f"<i>{esc(t(lang, hint))}</i>"])


def settings_keyboard(
    sub: Subscription,
    lang: Lang,
    topics: Sequence[Topic],
    view: str,
    headlines: str | None = None,
) -> InlineKeyboardMarkup:
    """The buttons of one view of the settings; callback data stays well under 64 bytes."""

    def button(text: str, data: str, chosen: bool = False) -> InlineKeyboardButton:
        return InlineKeyboardButton(_label(("✓ " if chosen else "") + text), callback_data=data)

    back = [button(t(lang, "btn_back"), f"{SETTINGS}:v:main")]
    if view == "time":
        times = [
            button(v, f"{SETTINGS}:time:{v.replace(':', '')}", v == sub.local_time)
            for v in COMMON_TIMES
        ]
        return InlineKeyboardMarkup([*_rows(times, 3), back])
    if view == "zone":
        zones = [button(z, f"{SETTINGS}:zone:{z}", z == sub.timezone) for z in COMMON_ZONES]
        return InlineKeyboardMarkup([*_rows(zones, 2), back])
    if view == "lang":
        langs = [
            button(digest_lang_name(v, lang), f"{SETTINGS}:lang:{v}", v == sub.digest_lang)
            for v in DIGEST_LANGS
        ]
        return InlineKeyboardMarkup([*_rows(langs, 1), back])
    if view == "topics":
        every = button(t(lang, "btn_all_topics"), f"{SETTINGS}:topic:{ALL_TOPICS}", not sub.topics)
        each = [
            button(topic_name(tp, lang), f"{SETTINGS}:topic:{tp.id}", tp.id in sub.topics)
            for tp in topics
        ]
        return InlineKeyboardMarkup([[every], *_rows(each, 2), back])
    if view == "max":
        counts = [button(str(n), f"{SETTINGS}:max:{n}", n == sub.max_items) for n in MAX_ITEMS]
        return InlineKeyboardMarkup([counts, back])
    if view == "empty":
        options = [
            button(t(lang, "btn_notice"), f"{SETTINGS}:empty:1", sub.empty_notice),
            button(t(lang, "btn_silent"), f"{SETTINGS}:empty:0", not sub.empty_notice),
        ]
        return InlineKeyboardMarkup([*_rows(options, 1), back])
    if view == "headlines" and headlines is not None:
        return InlineKeyboardMarkup([*headlines_rows(SETTINGS, headlines, lang), back])
    main = [
        button(t(lang, "btn_time", v=sub.local_time), f"{SETTINGS}:v:time"),
        button(t(lang, "btn_zone", v=zone_label(sub.timezone)), f"{SETTINGS}:v:zone"),
        button(t(lang, "btn_lang"), f"{SETTINGS}:v:lang"),
        button(t(lang, "btn_topics"), f"{SETTINGS}:v:topics"),
        button(t(lang, "btn_max", v=sub.max_items), f"{SETTINGS}:v:max"),
        button(t(lang, "btn_empty"), f"{SETTINGS}:v:empty"),
    ]
    if headlines is not None:
        main.append(button(t(lang, "btn_headlines"), f"{SETTINGS}:v:headlines"))
    return InlineKeyboardMarkup(_rows(main, 2))


def headlines_rows(prefix: str, mode: str, lang: Lang) -> list[list[InlineKeyboardButton]]:
    """One button per headline choice, the current one ticked; data "<prefix>:hl:<choice>"."""
    return [
        [
            InlineKeyboardButton(
                _label(("✓ " if choice == mode else "") + headlines_name(choice, lang)),
                callback_data=f"{prefix}:hl:{choice}",
            )
        ]
        for choice in HEADLINE_CHOICES
    ]


def subscribed_text(sub: Subscription, lang: Lang) -> str:
    """The confirmation of /subscribe: time, zone, language and the next digest."""
    return t(
        lang, "sub_done", time=esc(sub.local_time), zone=esc(zone_label(sub.timezone)),
        dlang=esc(digest_lang_name(sub.digest_lang, lang)),
        next=esc(_when(sub.next_due, lang, sub.timezone)),
    )  # fmt: skip


def following_view(
    items: Sequence[FollowItem], lang: Lang, done: str | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """What a chat follows, each with a button to stop following it."""
    lines = [done, ""] if done else []
    if not items:
        return "\n".join([*lines, t(lang, "following_empty")]), None
    lines.append(t(lang, "following_title"))
    for item in items:
        suffix = f" — {esc(t(lang, 'topic_word'))}" if item.kind == "topic" else ""
        lines.append(f"• {item.name}{suffix}")
    lines += ["", t(lang, "following_hint")]
    buttons = [
        InlineKeyboardButton(
            _label("✕ " + _plain(item.name)),
            callback_data=f"{UNFOLLOW}:{item.kind[0]}:{item.ref}",
        )
        for item in items
    ]
    return "\n".join(lines), InlineKeyboardMarkup(_rows(buttons, 2))


def _plain(markup: str) -> str:
    # Names are escaped for messages; a button label shows its text as is.
    return markup.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def people_keyboard(prefix: str, actors: Sequence[ActorRecord], lang: Lang) -> InlineKeyboardMarkup:
    """A button per person, carrying their short number."""
    buttons = [
        InlineKeyboardButton(
            _label(a.name_ar if lang == "ar" else a.name_en), callback_data=f"{prefix}:a:{a.ref}"
        )
        for a in actors
    ]
    return InlineKeyboardMarkup(_rows(buttons, 2))


def _stamp(value: Any, lang: Lang, zone: ZoneInfo) -> str:
    """A stored instant as a reader's date and time; "never" when there is none."""
    if not value:
        return t(lang, "never")
    try:
        moment = datetime.fromisoformat(str(value)).astimezone(zone)
    except ValueError:
        return esc(str(value))
    return f"{format_day(moment.date(), lang)} {moment:%H:%M}"


def my_data_chunks(
    data: dict[str, Any],
    names: dict[tuple[str, str], str],
    topics: Sequence[Topic],
    lang: Lang,
) -> list[str]:
    """Everything stored about a chat, in words rather than rows."""
    users = data.get("user") or []
    subs = data.get("subscription") or []
    follows = data.get("follows") or []
    deliveries = data.get("deliveries") or []
    alerts = sum(int(row.get("alerts") or 0) for row in data.get("alerts") or [])
    if not (users or subs or follows or deliveries or alerts):
        return [t(lang, "mydata_none")]
    zone = ZoneInfo(str(subs[0]["timezone"])) if subs else ZoneInfo(DEFAULT_ZONE)
    blocks = [t(lang, "mydata_title")]
    for user in users:
        ui = user.get("ui_lang")
        chosen = ("English" if ui == "en" else "العربية") if ui else t(lang, "mydata_ui_auto")
        text = t(
            lang, "mydata_user", chat=esc(str(user.get("chat_id"))),
            code=esc(str(user.get("language_code") or "—")), ui=esc(chosen),
            first=_stamp(user.get("first_seen"), lang, zone),
            last=_stamp(user.get("last_seen"), lang, zone),
        )  # fmt: skip
        blocks.append(text)
    for row in subs:
        sub = Subscription(
            chat_id=int(row["chat_id"]), active=bool(row["active"]),
            local_time=str(row["local_time"]), timezone=str(row["timezone"]),
            digest_lang=str(row["digest_lang"]),
            topics=tuple(x for x in str(row["topics"] or "").split(",") if x),
            max_items=int(row["max_items"]), empty_notice=bool(row["empty_notice"]),
            next_due=datetime.fromisoformat(str(row["next_due"])), last_period_end=None,
        )  # fmt: skip
        lines = settings_text(sub, lang, topics, "main").split("\n")[1:-2]
        lines[0:0] = [t(lang, "mydata_sub")]
        if row.get("last_period_end"):
            when = _stamp(row["last_period_end"], lang, zone)
            lines.append(t(lang, "mydata_period", when=when))
        blocks.append("\n".join(lines))
    if follows:
        lines = [t(lang, "mydata_follows")]
        for row in follows:
            key = (str(row["kind"]), str(row["key"]))
            name = names.get(key) or esc(key[1])
            lines.append(f"• {name} — {_stamp(row.get('created_at'), lang, zone)}")
        blocks.append("\n".join(lines))
    if deliveries:
        lines = [t(lang, "mydata_deliveries")]
        for row in deliveries:
            status = str(row.get("status"))
            word = t(lang, f"delivery_{status}") if status in ("sent", "pending", "failed") else ""
            lines.append(f"• {_stamp(row.get('period_end'), lang, zone)}: {esc(word or status)}")
        blocks.append("\n".join(lines))
    if alerts:
        blocks.append(t(lang, "mydata_alerts", stories=story_count(alerts, lang)))
    blocks.append(t(lang, "mydata_footer"))
    return join_blocks(blocks)


def alert_message(
    alerts: ChatAlerts, lang: Lang, zone: ZoneInfo, english: ListEnglish = NO_ENGLISH
) -> str:
    """One message for a burst of alerts: as many stories as fit, then how many more."""
    names = [
        f.name_ar if lang == "ar" else english_label(f.name_en or f.name_ar) for f in alerts.about
    ]
    about = esc(("، " if lang == "ar" else ", ").join(names))
    text = t(lang, "alert_title", about=about) if about else t(lang, "alert_title_plain")
    shown = 0
    for story in alerts.stories:
        block = story_item(story, shown + 1, lang, zone, english)
        rest = len(alerts.stories) - shown - 1
        tail = f"\n\n{t(lang, 'alert_more', n=rest)}" if rest else ""
        if utf16_len(f"{text}\n\n{block}{tail}") > MAX_MESSAGE:
            if shown == 0:
                # A story too long for a message alone is cut; a burst never sends nothing.
                room = MAX_MESSAGE - utf16_len(f"{text}\n\n{tail}") - 16
                text = f"{text}\n\n{split_html(block, room)[0]}"
                shown = 1
            break
        text = f"{text}\n\n{block}"
        shown += 1
    if shown < len(alerts.stories):
        text += "\n\n" + t(lang, "alert_more", n=len(alerts.stories) - shown)
    return text


# ---- sending -----------------------------------------------------------------------------


async def chat_lang(core: Core, chat_id: int) -> Lang:
    """The language of a message the bot starts: the /lang choice, else the last Telegram one."""
    chosen = await core.subscriptions.ui_lang(chat_id)
    if chosen in ("ar", "en"):
        return "ar" if chosen == "ar" else "en"
    return lang_of(await core.services.language_code(chat_id))


def digest_keyboard(message: DigestMessage) -> InlineKeyboardMarkup | None:
    """The "🌐 n" buttons for the stories in one digest message, if any."""
    return stories_keyboard(message.stories, None, translate=True)


def telegram_send(bot: Bot) -> Send:
    """Send one message for a job: "ok", "blocked" (the chat is gone), "error" or "retry"."""

    async def send(chat_id: int, message: DigestMessage) -> SendOutcome:
        try:
            # Flood waits (429) are retried by the application's AIORateLimiter.
            await bot.send_message(chat_id, message.text, reply_markup=digest_keyboard(message))
        except Forbidden:
            return "blocked"
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                return "blocked"
            log.warning("could not send to %s: %s", chat_id, exc.message)
            return "error"
        except (NetworkError, RetryAfter) as exc:
            # A 5xx, a timeout, no connection, or flood waits past the limiter's retries:
            # Telegram did not refuse this message (BadRequest, a NetworkError too, is caught
            # above), so it is tried again later rather than skipped.
            log.warning("could not send to %s, will retry: %s", chat_id, exc)
            return "retry"
        except TelegramError as exc:
            log.warning("could not send to %s: %s", chat_id, exc)
            return "error"
        return "ok"

    return send


class Deliveries:
    """The jobs: due digests every minute, and alerts for follows, one message per chat."""

    def __init__(self, core: Core, zone: ZoneInfo, english: EnglishViews | None = None) -> None:
        self.core = core
        self.zone = zone
        self.english = english or EnglishViews(core.translations, {})
        topics = core.services.topics()
        self.alerts = AlertService(core.store, core.services.clock, topics)
        self.topic_names: TopicNames = {tp.id: (tp.name_ar, tp.name_en) for tp in topics}
        self._failures: dict[int, int] = {}
        self._retrying_since: dict[int, datetime] = {}

    @property
    def render(self) -> Render:
        """The renderer for scheduled digests."""
        return digest_renderer(
            self.topic_names, offer_translation=self.core.translations is not None
        )

    async def send_digests(self, bot: Bot) -> RunReport:
        """Deliver every digest that is due."""
        report = await self.core.digests.run(self.render, telegram_send(bot))
        if report.claimed or report.resumed or report.errors or report.retrying:
            log.info("digests: %s", report)
        return report

    async def send_alerts(self, bot: Bot) -> int:
        """Queue alerts for new stories, then send each chat one message; how many went."""
        await self.alerts.collect()
        send = telegram_send(bot)
        sent = 0
        for chat_id, pending in (await self.alerts.pending()).items():
            lang = await chat_lang(self.core, chat_id)
            sub = await self.core.subscriptions.get(chat_id)
            zone = ZoneInfo(sub.timezone) if sub else self.zone
            choice = await self.core.subscriptions.headlines(chat_id)
            english = await self.english.for_list(lang, choice, pending.stories)
            text = alert_message(pending, lang, zone, english)
            outcome = await send(chat_id, DigestMessage(text))
            if outcome == "retry":
                # Telegram could not take it (5xx, network): not a refusal, so it does not use
                # up the attempts; kept every tick for as long as a digest would be.
                now = self.core.services.clock()
                since = self._retrying_since.setdefault(chat_id, now)
                if now - since < RETRY_FOR:
                    continue
                log.warning("alerts to %s dropped: Telegram could not take them", chat_id)
            elif outcome == "error":
                # Tried again next minute, a few times: a message refused for good would
                # otherwise come back every minute.
                self._failures[chat_id] = self._failures.get(chat_id, 0) + 1
                if self._failures[chat_id] < ALERT_ATTEMPTS:
                    continue
            self._failures.pop(chat_id, None)
            self._retrying_since.pop(chat_id, None)
            # Sent, or the chat blocked the bot, or it failed too often: not sent again.
            await self.alerts.mark_sent(pending.ids)
            sent += outcome == "ok"
        return sent

    async def digest_job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The digest tick."""
        await self.send_digests(context.bot)

    async def alerts_job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The alerts tick."""
        await self.send_alerts(context.bot)


# ---- handlers ----------------------------------------------------------------------------


class SubscriptionCommands:
    """Handlers for the digest, follows, language and personal data: thin, one service each."""

    def __init__(self, core: Core, zone: ZoneInfo) -> None:
        self.core = core
        self.subs = core.subscriptions
        self.services = core.services
        self.zone = zone
        # The headline setting exists only when a translator can give English.
        self.translating = core.translations is not None
        self.topic_names: TopicNames = {
            tp.id: (tp.name_ar, tp.name_en) for tp in core.services.topics()
        }

    async def remember_lang(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Before any handler: load the chat's /lang choice once, for user_lang."""
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        if context.chat_data is not None and UI_LANG not in context.chat_data:
            context.chat_data[UI_LANG] = await self.subs.ui_lang(update.effective_chat.id)
        if context.chat_data is not None and HEADLINES not in context.chat_data:
            context.chat_data[HEADLINES] = await self.subs.headlines(update.effective_chat.id)

    # ---- /subscribe, /unsubscribe, /digest ---------------------------------------------

    async def subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Start the daily digest at HH:MM (08:00 by default) and confirm the details."""
        message, user = update.effective_message, chat_user(update)
        if message is None or user is None:
            return
        lang = user_lang(update, context)
        when = " ".join(context.args or []).strip() or None
        if when is not None and parse_local_time(when) is None:
            await message.reply_text(t(lang, "sub_bad_time", text=esc(when[:50])))
            return
        # Known users get messages the bot starts (alerts) in their language.
        await self.services.seen(user)
        sub = await self.subs.subscribe(user.chat_id, when, "ar")
        await message.reply_text(subscribed_text(sub, lang))

    async def unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop the daily digest; the settings stay for a later /subscribe."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        stopped = await self.subs.unsubscribe(chat.id)
        await message.reply_text(
            t(user_lang(update, context), "unsub_done" if stopped else "unsub_none")
        )

    async def digest(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The chat's digest as it stands now; the schedule does not move."""
        chat = update.effective_chat
        if chat is None:
            return
        render = digest_renderer(
            self.topic_names, offer_translation=self.core.translations is not None
        )
        for message in await self.core.digests.preview(chat.id, render, default_zone=self.zone.key):
            await context.bot.send_message(
                chat.id, message.text, reply_markup=digest_keyboard(message)
            )

    # ---- /settings ---------------------------------------------------------------------

    async def settings(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The settings with buttons; `/settings time 07:30` and the like change one directly."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        lang = user_lang(update, context)
        args = list(context.args or [])
        if args and args[0].lower() == "headlines" and self.translating:
            # Not a digest setting: it holds for anyone's lists, subscribed or not.
            choice = " ".join(args[1:]).strip().lower()
            if choice not in HEADLINE_CHOICES:
                await message.reply_text(t(lang, "headlines_usage"))
                return
            chosen = await self._set_headlines(update, context, choice)
            name = esc(headlines_name(chosen, lang))
            await message.reply_text(t(lang, "headlines_set", name=name))
            return
        if not args:
            sub = await self.subs.get(chat.id)
        else:
            field, value = args[0].lower(), " ".join(args[1:]).strip()
            change = self._typed_change(field, value)
            if isinstance(change, str):
                await message.reply_text(t(lang, change, text=esc(value[:50])))
                return
            sub = await self.subs.change(chat.id, **change)
        if sub is None:
            await message.reply_text(t(lang, "not_subscribed"))
            return
        topics = self.services.topics()
        mode = self._headline_mode(context, lang)
        await message.reply_text(
            settings_text(sub, lang, topics, "main", mode),
            reply_markup=settings_keyboard(sub, lang, topics, "main", mode),
        )

    @staticmethod
    def _typed_change(field: str, value: str) -> dict[str, Any] | str:
        """The fields a typed setting changes, or the key of what is wrong with it."""
        if field == "time":
            when = parse_local_time(value)
            return {"local_time": when.strftime("%H:%M")} if when else "settings_bad_time"
        if field == "zone":
            zone = parse_zone(value)
            return {"timezone": zone} if zone else "settings_bad_zone"
        if field == "lang" and value.lower() in DIGEST_LANGS:
            return {"digest_lang": value.lower()}
        if field == "max" and value.isdecimal() and 1 <= int(value) <= max(MAX_ITEMS):
            return {"max_items": int(value)}
        return "settings_usage"

    async def settings_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A settings button: change one thing, or open a view; the message is edited in place."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        lang = user_lang(update, context)
        parts = (query.data or "").split(":", 2)
        action, value = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
        sub = await self.subs.get(chat.id)
        if sub is None:
            await query.answer(t(lang, "not_subscribed"), show_alert=True)
            return
        topics = self.services.topics()
        change: dict[str, Any] = {}
        view: str | None = "main"
        if action == "hl" and self.translating and value in HEADLINE_CHOICES:
            await self._set_headlines(update, context, value)
        else:
            change, view = self._pressed(action, value, sub, topics)
        if view is None or (view == "headlines" and not self.translating):
            await query.answer(t(lang, "button_expired"), show_alert=True)
            return
        if change:
            changed = await self.subs.change(chat.id, **change)
            sub = changed or sub
        await query.answer()
        mode = self._headline_mode(context, lang)
        try:
            await query.edit_message_text(
                settings_text(sub, lang, topics, view, mode),
                reply_markup=settings_keyboard(sub, lang, topics, view, mode),
            )
        except BadRequest as exc:
            # Pressing what is already chosen changes nothing; Telegram says so.
            if "not modified" not in exc.message:
                raise

    @staticmethod
    def _pressed(
        action: str, value: str, sub: Subscription, topics: Sequence[Topic]
    ) -> tuple[dict[str, Any], str | None]:
        """(fields to change, view to show next) for a button; view None for a forged one."""
        if action == "v":
            return {}, value if value in VIEWS else None
        if action == "time":
            when = parse_local_time(f"{value[:2]}:{value[2:]}") if len(value) == 4 else None
            return ({"local_time": when.strftime("%H:%M")}, "main") if when else ({}, None)
        if action == "zone":
            return ({"timezone": value}, "main") if value in COMMON_ZONES else ({}, None)
        if action == "lang":
            return ({"digest_lang": value}, "main") if value in DIGEST_LANGS else ({}, None)
        if action == "max":
            ok = value.isdecimal() and int(value) in MAX_ITEMS
            return ({"max_items": int(value)}, "main") if ok else ({}, None)
        if action == "empty" and value in ("0", "1"):
            return {"empty_notice": value == "1"}, "main"
        if action == "topic":
            ids = [tp.id for tp in topics]
            if value == ALL_TOPICS:
                return {"topics": ()}, "topics"
            if value not in ids:
                return {}, None
            chosen = set(sub.topics) ^ {value}
            # Every topic ticked is the same as "all", which also keeps untagged stories.
            kept = () if chosen >= set(ids) else tuple(i for i in ids if i in chosen)
            return {"topics": kept}, "topics"
        return {}, None

    # ---- /follow, /unfollow, /following ------------------------------------------------

    async def follow(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Follow a topic or a person; several people by that name → buttons."""
        message, user = update.effective_message, chat_user(update)
        if message is None or user is None:
            return
        lang = user_lang(update, context)
        query = " ".join(context.args or []).strip()
        if not query:
            await message.reply_text(t(lang, "follow_usage"))
            return
        topic = self.services.find_topic(query)
        if topic is not None:
            await self.services.seen(user)
            added = await self.subs.follow(user.chat_id, "topic", topic.id)
            name = esc(topic_name(topic, lang))
            await message.reply_text(
                t(lang, "follow_done" if added else "follow_already", name=name)
            )
            return
        found = await self.services.find_person(query)
        if found.found is not None and not found.also:
            await self.services.seen(user)
            added = await self.subs.follow(user.chat_id, "actor", found.found.key)
            await message.reply_text(self._followed(found.found, added, lang))
        elif found.found is not None or found.choices:
            # A name several people share: /who shows the one most in the news, but a
            # follow is not guessed; they are offered in that order.
            choices = (found.found, *found.also) if found.found else found.choices
            await message.reply_text(
                t(lang, "follow_choose", query=esc(query[:100])),
                reply_markup=people_keyboard(FOLLOW, choices, lang),
            )
        else:
            text = t(lang, "follow_unknown", query=esc(query[:100]))
            keyboard = None
            if found.suggestions:
                text += "\n" + t(lang, "who_suggest")
                keyboard = people_keyboard(FOLLOW, found.suggestions, lang)
            await message.reply_text(text, reply_markup=keyboard)

    async def follow_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A person chosen among several: follow them; the choice becomes the confirmation."""
        query, user = update.callback_query, chat_user(update)
        if query is None or user is None:
            return
        lang = user_lang(update, context)
        parts = (query.data or "").split(":")
        profile = None
        if len(parts) == 3 and parts[1] == "a" and _small(parts[2]):
            profile = await self.services.profile_by_ref(int(parts[2]))
        if profile is None:
            await query.answer(t(lang, "button_expired"), show_alert=True)
            return
        await query.answer()
        await self.services.seen(user)
        added = await self.subs.follow(user.chat_id, "actor", profile.actor.key)
        await query.edit_message_text(self._followed(profile.actor, added, lang))

    def _followed(self, actor: ActorRecord, added: bool, lang: Lang) -> str:
        """The confirmation of a follow, in the feminine for a woman."""
        name = actor_name(actor, lang)
        if not added:
            return t(lang, "follow_already", name=name)
        return t(
            lang, "follow_done_f" if self.services.is_woman(actor) else "follow_done", name=name
        )

    async def following(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """What the chat follows, with a button to stop each."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        lang = user_lang(update, context)
        text, keyboard = following_view(await self._follow_items(chat.id, lang), lang)
        await message.reply_text(text, reply_markup=keyboard)

    async def unfollow(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop following a topic or a person; without a name, the list with buttons."""
        got = incoming(update, context)
        if got is None:
            return
        message, chat_id, lang, query = got.message, got.chat_id, got.lang, got.args
        if not query:
            await self.following(update, context)
            return
        topic = self.services.find_topic(query)
        if topic is not None:
            removed = await self.subs.unfollow(chat_id, "topic", topic.id)
            name = esc(topic_name(topic, lang))
            await message.reply_text(
                t(lang, "unfollow_done" if removed else "unfollow_not", name=name)
            )
            return
        found = await self.services.find_person(query)
        followed = {key for kind, key in await self.subs.following(chat_id) if kind == "actor"}
        if found.found is not None:
            # "Haftar" resolved to the one most in the news may not be the Haftar followed.
            named = [found.found, *found.also]
            candidates = [a for a in named if a.key in followed] or [found.found]
        else:
            candidates = [a for a in found.choices if a.key in followed]
        if len(candidates) > 1:
            await message.reply_text(
                t(lang, "follow_choose", query=esc(query[:100])),
                reply_markup=people_keyboard(UNFOLLOW, candidates, lang),
            )
            return
        if not candidates:
            await message.reply_text(t(lang, "unfollow_not", name=esc(query[:100])))
            return
        removed = await self.subs.unfollow(chat_id, "actor", candidates[0].key)
        name = actor_name(candidates[0], lang)
        await message.reply_text(t(lang, "unfollow_done" if removed else "unfollow_not", name=name))

    async def unfollow_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A ✕ button: stop following that one; the list is edited in place."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        lang = user_lang(update, context)
        parts = (query.data or "").split(":")
        kind, key, name = "", "", ""
        if len(parts) == 3 and parts[1] == "t":
            topic = self.services.find_topic(parts[2])
            if topic is not None and topic.id == parts[2]:
                kind, key, name = "topic", topic.id, esc(topic_name(topic, lang))
        elif len(parts) == 3 and parts[1] == "a" and _small(parts[2]):
            profile = await self.services.profile_by_ref(int(parts[2]))
            if profile is not None:
                kind, key, name = "actor", profile.actor.key, actor_name(profile.actor, lang)
        if not kind:
            await query.answer(t(lang, "button_expired"), show_alert=True)
            return
        await query.answer()
        removed = await self.subs.unfollow(chat.id, kind, key)
        done = t(lang, "unfollow_done" if removed else "unfollow_not", name=name)
        text, keyboard = following_view(await self._follow_items(chat.id, lang), lang, done)
        await query.edit_message_text(text, reply_markup=keyboard)

    async def _follow_items(self, chat_id: int, lang: Lang) -> list[FollowItem]:
        topics = {tp.id: tp for tp in self.services.topics()}
        items = []
        for kind, key in await self.subs.following(chat_id):
            if kind == "topic":
                topic = topics.get(key)
                name = esc(topic_name(topic, lang)) if topic else esc(key)
                items.append(FollowItem(kind, key, name, key))
                continue
            actor = await self.services.actor_ref(key)
            if actor is not None:
                items.append(FollowItem(kind, key, actor_name(actor, lang), str(actor.ref)))
        return items

    # ---- /lang -------------------------------------------------------------------------

    async def lang(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Choose the interface language: ar, en, or auto (Telegram's)."""
        message = update.effective_message
        if message is None:
            return
        choice = (context.args or [""])[0].lower()
        if choice not in ("ar", "en", "auto"):
            lang = user_lang(update, context)
            await message.reply_text(
                self._with_headlines(t(lang, "lang_usage"), context, lang),
                reply_markup=self._lang_keyboard(context, lang),
            )
            return
        text = await self._set_lang(update, context, choice)
        lang = user_lang(update, context)
        await message.reply_text(
            self._with_headlines(text, context, lang),
            reply_markup=self._headlines_keyboard(context, lang),
        )

    async def lang_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A language button."""
        query = update.callback_query
        if query is None:
            return
        choice = (query.data or "").partition(":")[2]
        headlines = choice.removeprefix("hl:") if choice.startswith("hl:") else None
        if headlines is not None and self.translating and headlines in HEADLINE_CHOICES:
            await query.answer()
            await self._set_headlines(update, context, headlines)
            lang = user_lang(update, context)
            await query.edit_message_text(
                self._with_headlines(t(lang, "pick_headlines"), context, lang),
                reply_markup=self._headlines_keyboard(context, lang),
            )
            return
        if choice not in ("ar", "en"):
            await query.answer(t(user_lang(update, context), "button_expired"), show_alert=True)
            return
        await query.answer()
        text = await self._set_lang(update, context, choice)
        lang = user_lang(update, context)
        await query.edit_message_text(
            self._with_headlines(text, context, lang),
            reply_markup=self._headlines_keyboard(context, lang),
        )

    # ---- headlines in lists ------------------------------------------------------------

    def _headline_mode(self, context: ContextTypes.DEFAULT_TYPE, lang: Lang) -> str | None:
        """How this chat's lists show headlines; None without a translator (no choice then)."""
        if not self.translating:
            return None
        return headline_mode(headline_choice(context), lang, translating=True)

    def _with_headlines(self, text: str, context: ContextTypes.DEFAULT_TYPE, lang: Lang) -> str:
        mode = self._headline_mode(context, lang)
        if mode is None:
            return text
        return f"{text}\n\n{t(lang, 'set_headlines', name=esc(headlines_name(mode, lang)))}"

    def _headlines_keyboard(
        self, context: ContextTypes.DEFAULT_TYPE, lang: Lang
    ) -> InlineKeyboardMarkup | None:
        mode = self._headline_mode(context, lang)
        return None if mode is None else InlineKeyboardMarkup(headlines_rows(LANG, mode, lang))

    def _lang_keyboard(
        self, context: ContextTypes.DEFAULT_TYPE, lang: Lang
    ) -> InlineKeyboardMarkup:
        rows = [
            [
                InlineKeyboardButton("العربية", callback_data=f"{LANG}:ar"),
                InlineKeyboardButton("English", callback_data=f"{LANG}:en"),
            ]
        ]
        headlines = self._headlines_keyboard(context, lang)
        if headlines is not None:
            rows += [list(row) for row in headlines.inline_keyboard]
        return InlineKeyboardMarkup(rows)

    async def _set_headlines(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, choice: str
    ) -> str:
        """Keep the chat's headline choice; the choice as it now holds."""
        user = chat_user(update)
        if user is not None:
            # Kept on the user's row, which exists once they have been seen.
            await self.services.seen(user)
            await self.subs.set_headlines(user.chat_id, choice)
        if context.chat_data is not None:
            context.chat_data[HEADLINES] = choice
        return choice

    async def _set_lang(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, choice: str
    ) -> str:
        user = chat_user(update)
        if user is None:
            return t(user_lang(update, context), "error")
        chosen = None if choice == "auto" else choice
        # The choice is kept on the user's row, which exists once they have been seen.
        await self.services.seen(user)
        await self.subs.set_ui_lang(user.chat_id, chosen)
        if context.chat_data is not None:
            context.chat_data[UI_LANG] = chosen
        lang = user_lang(update, context)
        return t(lang, "lang_auto" if chosen is None else "lang_set")

    # ---- /mydata, /forget --------------------------------------------------------------

    async def mydata(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Everything stored about the chat, as readable text."""
        chat = update.effective_chat
        if chat is None:
            return
        lang = user_lang(update, context)
        data = await self.subs.my_data(chat.id)
        names = {(i.kind, i.key): i.name for i in await self._follow_items(chat.id, lang)}
        await send_chunks(
            context, chat.id, my_data_chunks(data, names, self.services.topics(), lang)
        )

    async def forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Ask before deleting everything about the chat."""
        message = update.effective_message
        if message is None:
            return
        lang = user_lang(update, context)
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(t(lang, "btn_forget_yes"), callback_data=f"{FORGET}:yes"),
                    InlineKeyboardButton(t(lang, "btn_forget_no"), callback_data=f"{FORGET}:no"),
                ]
            ]
        )
        await message.reply_text(t(lang, "forget_ask"), reply_markup=keyboard)

    async def forget_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Delete everything on "yes"; the question becomes the answer."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        lang = user_lang(update, context)
        confirmed = query.data == f"{FORGET}:yes"
        await query.answer()
        if confirmed:
            await self.core.subscriptions.forget(chat.id)
            if context.chat_data is not None:
                # Remembered searches are data about the user too.
                context.chat_data.clear()
                context.chat_data[UI_LANG] = None
                context.chat_data[HEADLINES] = None
        await query.edit_message_text(t(lang, "forget_done" if confirmed else "forget_cancel"))

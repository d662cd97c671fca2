"""Every command and button, fed hostile arguments, through the real Application.

The bot polls the fake Bot API over HTTP on 127.0.0.1 from a thread of its own, once for
the module; each case talks from a chat of its own, so no case sees another's state. The
fetcher resolves no names and its transport refuses every connection: /addsource and
/fetchnow cannot leave the process whatever URL they are given.

Every case must get a clear answer: at least one message or button answer, valid
Telegram HTML within 4096 UTF-16 units, in the user's language (a phrase of the
interface's catalogue in that language), never the error handler's apology, and
nothing logged at ERROR.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import logging
import random
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bot.admins import Admins
from bot.analysis.knowledge import Knowledge
from bot.charts import Charts
from bot.config import load_settings
from bot.core import Core
from bot.digest_run import DigestService
from bot.ingest.fetch import Fetcher
from bot.ingest.service import IngestService
from bot.services import Services
from bot.subscribers import SubscriptionService
from bot.tg.app import SUBSCRIPTION_COMMANDS, build_application, running
from bot.tg.fake_api import MAX_TEXT, FakeBotApi, Outgoing, parse_telegram_html
from bot.tg.i18n import Lang, strings, t
from bot.tg.menus import ADMIN_COMMANDS
from storage import Store
from tests.conftest import FIXED_NOW, SEEDS, TOKEN
from tests.fakes.bot_api_server import serve
from tests.test_search import STORIES, add_stories

OWNER, ADMIN = 42, 43
WAIT = 15.0  # seconds a case may take before it counts as unanswered

# ---- hostile arguments -------------------------------------------------------------------------

# Telegram takes messages of up to 4096 characters: the long ones stay just under.
LONG = [
    "x" * 4000,
    "ليبيا " * 660,
    "9" * 4000,
    "😀" * 2000,  # 4000 UTF-16 units
    "<b>" * 1300,
]
HOSTILE = [
    *LONG,
    "\x00\x01\x02\x03\x1b\x1f\x7f",
    "a\x00b \x08c\td\x0be\x0cf",
    "\u200f\u202eليبيا\u202c\u200e",
    "\u2066x\u2067y\u2068z\u2069 \u202dabc\u202c",
    "\u200b\u200c\u200d\ufeff\u2060",
    "<b>bold</b>",
    '<a href="https://evil.example/?a=1&b=2">click</a>',
    "&amp; &lt; &gt; & &#0; &#x110000; &bogus;",
    "<",
    "unclosed <b",
    "</i>",
    '"',
    '"ليبيا',
    "*",
    "ليبيا*",
    "NEAR(a b, 2)",
    "a AND OR NOT b",
    "search_tags:x",
    "^x",
    "(x) ) (",
    "'; DROP TABLE stories; --",
    "1 OR 1=1",
    "%s %n {0} {name} {{",
    "\\ \\\\ \\n",
    "😀🇱🇾👨‍👩‍👧 𝟓 𞤀𞤁",
    "ﷺ ﻻ ـــ \u0651\u064e",
    "١٢٣",
    "-1",
    "0",
    "999999999999999999999",
    "1e9 0x10 1_000 +5 ²",
    "@LibyaBriefBot",
    "/start",
    "Africa",  # a folder of the zone database, not a zone
    "../../../../etc/passwd",
]
# Arguments for commands that take none: they must ignore them all the same.
FEW = ["", "x" * 4000, "\x00\x1f\x7f", "<b>", "\u202e😀", "999999999999999999999"]

# (name, prefix): what a case sends is f"{prefix} {argument}".
ARG_COMMANDS = [
    ("latest", "/latest"),
    ("who", "/who"),
    ("topic", "/topic"),
    ("search", "/search"),
    ("subscribe", "/subscribe"),
    ("follow", "/follow"),
    ("unfollow", "/unfollow"),
    ("lang", "/lang"),
    ("settings", "/settings"),
    ("settings_time", "/settings time"),
    ("settings_zone", "/settings zone"),
    ("settings_max", "/settings max"),
    ("settings_lang", "/settings lang"),
    ("channel", "/channel"),
    ("channel_add", "/channel add"),
    ("channel_remove", "/channel remove"),
    ("unknown", "/frobnicate"),
    ("addressed", "/latest@LibyaBriefBot"),
    ("other_bot", "/latest@SomeOtherBot"),
    ("chatter", ""),
]
ADMIN_ARG_COMMANDS = [
    ("sources", "/sources"),
    ("addsource", "/addsource"),
    ("addsource_named", "/addsource https://example.ly/feed"),
    ("removesource", "/removesource"),
    ("pausesource", "/pausesource"),
    ("resumesource", "/resumesource"),
    ("fetchnow", "/fetchnow"),
    ("admins", "/admins"),
    ("admins_add", "/admins add"),
    ("admins_remove", "/admins remove"),
]
NO_ARG_COMMANDS = ["/start", "/help", "/unsubscribe", "/digest", "/following", "/mydata", "/forget"]
URLS = [
    "javascript:alert(1)",
    "file:///etc/passwd",
    "ftp://example.ly/",
    "http://127.0.0.1:1/",
    "http://[::1]/",
    "http://0x7f000001/",
    "http://169.254.169.254/latest/meta-data",
    "http://8.8.8.8/",  # public: reaches the refusing transport, never the network
    "https://example.ly/" + "a" * 3900,
    "https://ex ample.ly/",
    "http://[bad/",
    "https://user:pass@example.ly:99999/",
    "https://ليبيا.example/",
    "https://example.ly/<b>&amp;",
]
# Commands whose state comes first: the chat is subscribed, or follows a topic.
SETUP = {
    "settings": ["/subscribe"],
    "settings_time": ["/subscribe"],
    "settings_zone": ["/subscribe"],
    "settings_max": ["/subscribe"],
    "settings_lang": ["/subscribe"],
    "unfollow": ["/follow elections", "/follow المنفي"],
    "following": ["/follow migration"],
    "mydata": ["/subscribe 07:30", "/follow migration"],
    "digest": ["/subscribe"],
    "unsubscribe": ["/subscribe"],
}
# Forged button data: (data, setup before the button's message is sent).
FORGED_BUTTONS = [
    *(
        (data, "/help")
        for data in [
            "", "x", "\x00", "<b>", "😀" * 16, "٣", "latest", "latest:x:y", "latest:-1:5",
            "latest:0:0", "latest:0:99999999999999999999", "latest:99999999999:5",
            "latest:١:٥", "latest:0:5:extra", "who:", "who:-1", "who:0", "who:999999999",
            "who:99999999999999999999", "who:١٢", "who:<b>", "topic:", "topic:x",
            "topic:elections", "topic:elections:-1", "topic:elections:99999999999999",
            "topic:../..:0", "topic:elections:0:0", "search:", "search:1:0",
            "search:0:99999999", "search:99999999999999:0", "search:x:y", "tr:", "tr:0",
            "tr:99999999999999999999", "tr:-5", "tr:١", "fol:a:999999999", "fol:t:elections",
            "fol:a:99999999999999999999", "unf:", "unf:t:<b>", "unf:t:elections",
            "unf:a:999999999", "unf:x:y", "lang:", "lang:fr", "lang:<b>", "forget:",
            "forget:maybe", "set:", "set:v:main", "ch:", "ch:x:y:z", "ch:-100123:v:time",
            "ch:99999999999999999999:alerts:1", "ch:-1:alerts:1", "ch:١:v:main", "ch:<b>:v:x",
        ]
    ),
    *(
        (data, "/subscribe")
        for data in [
            "set:v:<b>", "set:v:nowhere", "set:time:2560", "set:time:9999", "set:time:٠٨٠٠",
            "set:time:", "set:zone:../../etc/passwd", "set:zone:Africa", "set:zone:UTC",
            "set:max:0", "set:max:-1", "set:max:999999999999999999999", "set:max:١٠",
            "set:lang:fr", "set:empty:2", "set:topic:<b>", "set:topic:*", "set:topic:elections",
            "set:x:y:z", "set:::",
        ]
    ),
]  # fmt: skip
SILENT_BUTTONS = {"latest:١:٥"}


# ---- the bot in a thread -----------------------------------------------------------------------


@dataclass
class Exchange:
    """What one update brought back: messages, button answers, errors logged."""

    sent: str
    lang: Lang
    messages: list[Outgoing] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class ErrorLog(logging.Handler):
    """Every record at ERROR or above, from any thread."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class LiveBot:
    """The real Application, polling the fake Bot API from its own thread and event loop."""

    def __init__(self, api: FakeBotApi, errors: ErrorLog) -> None:
        self.api = api
        self.errors = errors
        self._handled: set[int] = set()
        self._cond = threading.Condition()
        self._chats = itertools.count(100_000)

    def new_chat(self) -> int:
        return next(self._chats)

    async def mark_handled(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The last handler group: every handler before it has finished with the update."""
        if isinstance(update, Update):
            with self._cond:
                self._handled.add(update.update_id)
                self._cond.notify_all()

    def _wait(self, update_id: int) -> None:
        with self._cond:
            assert self._cond.wait_for(lambda: update_id in self._handled, WAIT), "no answer"

    def _exchange(self, sent: str, lang: Lang, queue: Callable[[], dict[str, Any]]) -> Exchange:
        calls, errors = len(self.api.calls), len(self.errors.records)
        update = queue()
        self._wait(update["update_id"])
        exchange = Exchange(sent=sent, lang=lang, messages=self.api.take_outbox())
        exchange.answers = [
            params for method, params in self.api.calls[calls:] if method == "answerCallbackQuery"
        ]
        for record in self.errors.records[errors:]:
            detail = f": {record.exc_info[1]!r}" if record.exc_info else ""
            exchange.errors.append(f"{record.getMessage()}{detail}")
        return exchange

    def say(self, chat_id: int, text: str, lang: Lang) -> Exchange:
        """Send a message; the bot's whole answer to it."""
        return self._exchange(
            text, lang, lambda: self.api.user_sends(text, chat_id=chat_id, language_code=lang)
        )

    def press(self, message_id: int, data: str, lang: Lang) -> Exchange:
        """Press a button (forged or not) under a bot message; the bot's whole answer."""
        return self._exchange(
            f"[button {data!r}]",
            lang,
            lambda: self.api.user_presses(message_id, data, language_code=lang),
        )


def _offline(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("the tests never reach the network", request=request)


async def _no_dns(host: str, port: int) -> list[str]:
    raise OSError(f"{host}: not resolved in tests")


def _core(store: Store, knowledge: Knowledge) -> Core:
    services = Services(store, knowledge, clock=lambda: FIXED_NOW)
    fetcher = Fetcher(resolver=_no_dns, transport=httpx.MockTransport(_offline))
    return Core(
        services=services,
        ingest=IngestService(store, fetcher, services.analyze_pending, services.clock),
        admins=Admins(store, (OWNER, ADMIN), services.clock),
        fetcher=fetcher,
        subscriptions=SubscriptionService(store, services.clock),
        digests=DigestService(store, None, services.clock, [tp.id for tp in knowledge.topics]),
        charts=Charts(store, knowledge, services.clock),
    )


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge) -> Iterator[LiveBot]:
    """The bot over the seed page and the search stories, running for the whole module."""
    folder: Path = tmp_path_factory.mktemp("hostile")
    base = replace(
        load_settings({}, dotenv_path=None),
        database_path=folder / "bot.db",
        heartbeat_path=folder / "heartbeat",
        seeds_dir=SEEDS,
        admin_ids=(OWNER, ADMIN),
        telegram_bot_token=TOKEN,
    )
    store = Store(base.database_path)
    store.open_sync()
    core = _core(store, knowledge)
    api = FakeBotApi(token=TOKEN)
    errors = ErrorLog()
    live = LiveBot(api, errors)
    ready = threading.Event()
    failure: list[BaseException] = []
    stop: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []

    async def main() -> None:
        await add_stories(core.services, STORIES)
        with serve(api) as base_url:
            app = build_application(replace(base, telegram_api_base_url=base_url), core)
            app.add_handler(TypeHandler(Update, live.mark_handled), group=99)
            # Telegram's flood limits are not what these cases test, and at 27 messages a
            # second the rate limiter alone would make the module take minutes.
            app.bot._rate_limiter = None
            async with running(app):
                assert app.updater is not None
                await app.updater.start_polling(poll_interval=0.0, timeout=1)
                stopped = asyncio.Event()
                stop.append((asyncio.get_running_loop(), stopped))
                ready.set()
                await stopped.wait()

    def thread_main() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:  # reported by the fixture, in the test's thread
            failure.append(exc)
        finally:
            ready.set()

    logging.getLogger().addHandler(errors)
    thread = threading.Thread(target=thread_main, name="hostile-bot", daemon=True)
    thread.start()
    try:
        assert ready.wait(60), "the bot did not start"
        assert not failure, failure
        assert not errors.records, [r.getMessage() for r in errors.records]
        yield live
    finally:
        if stop:
            loop, stopped = stop[0]
            loop.call_soon_threadsafe(stopped.set)
        thread.join(30)
        logging.getLogger().removeHandler(errors)
    assert not failure, failure


# ---- what every answer must be -----------------------------------------------------------------

_PLACEHOLDER_OR_TAG = re.compile(r"\{[^}]*\}|<[^>]*>|\n|/[a-z_]+")  # commands are in no language
_SCRIPT = {"ar": re.compile(r"[\u0621-\u064a]"), "en": re.compile(r"[A-Za-z]")}


def _phrases(lang: Lang) -> tuple[list[str], list[str]]:
    """Pieces of the catalogue in one language: distinctive ones, and those opening a message.

    A piece of six characters or more is recognised anywhere; a shorter one ("بحث:") only
    where a reply starts with it, since story text may hold it too. Pieces the other
    language's strings also hold (examples such as "time 07:30") say nothing.
    """
    other: Lang = "en" if lang == "ar" else "ar"
    elsewhere = "\n".join(html.unescape(entry[other]) for entry in strings().values())
    anywhere, leading = set(), set()
    for entry in strings().values():
        pieces = [html.unescape(piece).strip(" .,;—·()«»،") for piece in
                  _PLACEHOLDER_OR_TAG.split(entry[lang])]  # fmt: skip
        pieces = [piece for piece in pieces if piece]
        for index, piece in enumerate(pieces):
            letters = len(_SCRIPT[lang].findall(piece))
            if piece in elsewhere:
                continue
            if len(piece) >= 6 and letters >= 4:
                anywhere.add(piece)
            elif index == 0 and letters >= 3:
                leading.add(piece)
    return sorted(anywhere), sorted(leading)


PHRASES: dict[Lang, tuple[list[str], list[str]]] = {"ar": _phrases("ar"), "en": _phrases("en")}
APOLOGIES = {t("ar", "error"), t("en", "error")}


def in_language(text: str, lang: Lang) -> bool:
    """Whether a reply's visible text holds a phrase of the interface in `lang`."""
    anywhere, leading = PHRASES[lang]
    return any(p in text for p in anywhere) or text.lstrip().startswith(tuple(leading))


def problems(exchange: Exchange, *, answered: bool = True) -> list[str]:
    """Everything wrong with the bot's answer to one case; empty when it was clear."""
    # A digest is written in the subscription's digest language, Arabic unless changed.
    expected: Lang = "ar" if exchange.sent.startswith("/digest") else exchange.lang
    found = [f"logged: {error}" for error in exchange.errors]
    shown: list[str] = []
    for message in exchange.messages:
        if message.method == "editMessageReplyMarkup":
            continue
        try:
            visible = parse_telegram_html(message.text)
        except Exception as exc:  # the fake refuses such a message; report it anyway
            found.append(f"invalid HTML {exc}: {message.text[:200]!r}")
            continue
        if len(visible.encode("utf-16-le")) // 2 > MAX_TEXT:
            found.append(f"too long: {len(visible)}")
        shown.append(visible)
    alerts = [str(answer["text"]) for answer in exchange.answers if answer.get("text")]
    if answered and not shown + alerts:
        found.append("no visible answer")
    if any(text in APOLOGIES or html.escape(text) in APOLOGIES for text in shown + alerts):
        found.append("the error handler answered")
    # The first message says what it is in the reader's language; those after it may be
    # the rest of a listing, stories as published. A button's answer stands alone.
    for text in shown[:1] + alerts:
        if not in_language(text, expected):
            found.append(f"not in {expected}: {text[:160]!r}")
    return found


def run_case(bot: LiveBot, chat_id: int, text: str, lang: Lang, setup: list[str]) -> Exchange:
    for step in setup:
        before = bot.say(chat_id, step, lang)
        assert not problems(before), (step, problems(before))
    return bot.say(chat_id, text, lang)


def _lang_for(index: int) -> Lang:
    return "ar" if index % 2 else "en"


def _command_cases() -> list[Any]:
    cases = []
    for (name, prefix), (index, argument) in itertools.product(ARG_COMMANDS, enumerate(HOSTILE)):
        text = f"{prefix} {argument}".strip() if prefix else argument
        if not text.strip():
            continue  # Telegram sends no empty message
        lang = _lang_for(index + len(name))
        cases.append(pytest.param(name, text, lang, id=f"{name}-{index}-{lang}"))
    for name, prefix in ARG_COMMANDS[:-1]:
        for lang in ("ar", "en"):
            cases.append(pytest.param(name, prefix, lang, id=f"{name}-bare-{lang}"))
    for command, (index, argument) in itertools.product(NO_ARG_COMMANDS, enumerate(FEW)):
        lang = _lang_for(index + len(command))
        text = f"{command} {argument}".strip()
        cases.append(pytest.param(command[1:], text, lang, id=f"{command[1:]}-{index}-{lang}"))
    return cases


@pytest.mark.parametrize(("name", "text", "lang"), _command_cases())
def test_every_command_answers_hostile_arguments(
    bot: LiveBot, name: str, text: str, lang: Lang
) -> None:
    exchange = run_case(bot, bot.new_chat(), text, lang, SETUP.get(name, []))
    assert not problems(exchange), (text[:120], problems(exchange))


def _admin_cases() -> list[Any]:
    cases = []
    arguments = [*HOSTILE, *URLS]
    for (name, prefix), (index, argument) in itertools.product(
        ADMIN_ARG_COMMANDS, enumerate(arguments)
    ):
        lang = _lang_for(index + len(name))
        cases.append(pytest.param(f"{prefix} {argument}", lang, id=f"{name}-{index}-{lang}"))
    for command in ADMIN_COMMANDS:
        for lang in ("ar", "en"):
            cases.append(pytest.param(f"/{command}", lang, id=f"{command}-bare-{lang}"))
    return cases


@pytest.mark.parametrize(("text", "lang"), _admin_cases())
def test_admin_commands_answer_hostile_arguments(bot: LiveBot, text: str, lang: Lang) -> None:
    # /admins changes are the owner's; the other commands run as a second admin.
    user = OWNER if text.startswith("/admins") else ADMIN
    exchange = bot.say(user, text, lang)
    assert not problems(exchange), (text[:120], problems(exchange))


@pytest.mark.parametrize("command", ADMIN_COMMANDS)
@pytest.mark.parametrize("argument", [*FEW, "https://example.ly/feed", "add 5"])
def test_admin_commands_refuse_everyone_else(bot: LiveBot, command: str, argument: str) -> None:
    for lang in ("ar", "en"):
        exchange = bot.say(bot.new_chat(), f"/{command} {argument}".strip(), lang)
        assert not problems(exchange), problems(exchange)
        [reply] = exchange.messages
        assert reply.text == t(lang, "admin_only")


@pytest.mark.parametrize(
    ("data", "setup"), FORGED_BUTTONS, ids=[f"{d!r}" for d, _ in FORGED_BUTTONS]
)
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_forged_buttons_are_answered(bot: LiveBot, data: str, setup: str, lang: Lang) -> None:
    chat_id = bot.new_chat()
    first = bot.say(chat_id, setup, lang)
    assert not problems(first)
    message_id = first.messages[-1].message_id
    exchange = bot.press(message_id, data, lang)
    assert len(exchange.answers) == 1, exchange.answers
    # Data that parses as a real "older" button under a message without one is taken for a
    # double tap: answered, and nothing shown twice.
    answered = data not in SILENT_BUTTONS
    assert not problems(exchange, answered=answered), (data, problems(exchange, answered=answered))


@pytest.mark.parametrize(
    ("setup", "text"),
    [
        # Only syntax and invisible characters around the word: results, with "older".
        ([], "/search <ليبيا> \u202e😀 & *"),
        ([], '/search "ليبيا" ( * ^ \x00'),
        ([], "/who"),
        ([], "/who م"),
        ([], "/topic"),
        ([], "/latest 1"),
        (["/subscribe"], "/settings"),
        ([], "/follow م"),
        (["/follow elections", "/follow migration"], "/following"),
        ([], "/lang \u202e"),
        ([], "/forget"),
    ],
)
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_button_offered_after_hostile_input_answers(
    bot: LiveBot, setup: list[str], text: str, lang: Lang
) -> None:
    chat_id = bot.new_chat()
    exchange = run_case(bot, chat_id, text, lang, setup)
    assert not problems(exchange), problems(exchange)
    offered = [
        (message.message_id, button["callback_data"])
        for message in exchange.messages
        for row in message.buttons
        for button in row
    ]
    assert offered, "the reply offers buttons"
    for message_id, data in offered:
        pressed = bot.press(message_id, data, lang)
        if data.startswith("lang:"):
            lang = pressed.lang = "ar" if data == "lang:ar" else "en"  # the language chosen
        assert len(pressed.answers) == 1, (data, pressed.answers)
        # A button may only take itself away ("older"); anything it says must be clear.
        assert not problems(pressed, answered=False), (data, problems(pressed, answered=False))


def test_commands_cover_everything_the_bot_registers() -> None:
    covered = {name for name, _ in ARG_COMMANDS} | {c[1:] for c in NO_ARG_COMMANDS}
    public = {"start", "help", "latest", "who", "topic", "search", *SUBSCRIPTION_COMMANDS}
    assert public <= covered
    admin = {prefix.split()[0][1:] for _, prefix in ADMIN_ARG_COMMANDS}
    assert admin == set(ADMIN_COMMANDS)
    prefixes = {data.split(":")[0] for data, _ in FORGED_BUTTONS}
    expected = {"latest", "who", "topic", "search", "tr", "fol", "unf", "lang", "forget", "set"}
    assert expected | {"ch"} <= prefixes


# ---- generated input -------------------------------------------------------------------------

COMMANDS = [prefix for _, prefix in ARG_COMMANDS if prefix] + NO_ARG_COMMANDS
argument_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),  # no lone surrogates: Telegram JSON cannot carry them
        st.sampled_from(list('ليبيا \u200f\u202e\u0640<>&"*():^٣')),
    ),
    max_size=300,
)


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(
    command=st.sampled_from(COMMANDS),
    argument=argument_text,
    lang=st.sampled_from(["ar", "en"]),
)
def test_generated_arguments(bot: LiveBot, command: str, argument: str, lang: str) -> None:
    assert lang in ("ar", "en")
    language: Lang = "ar" if lang == "ar" else "en"
    text = f"{command} {argument}"
    exchange = bot.say(bot.new_chat(), text, language)
    assert not problems(exchange), (text[:120], problems(exchange))


def test_seeded_random_mixes_of_hostile_pieces(bot: LiveBot) -> None:
    rng = random.Random(20261129)
    pieces = [h[:40] for h in HOSTILE] + URLS
    failures = []
    for _ in range(30):
        command = rng.choice(COMMANDS)
        argument = " ".join(rng.choices(pieces, k=rng.randint(1, 4)))
        lang: Lang = rng.choice(["ar", "en"])
        exchange = bot.say(bot.new_chat(), f"{command} {argument}", lang)
        if problems(exchange):
            failures.append((command, argument[:80], problems(exchange)))
    assert not failures, failures

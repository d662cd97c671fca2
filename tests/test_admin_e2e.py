"""Admin commands through the real Application over HTTP, against the fake Bot API.

The bot polls a fake Bot API on 127.0.0.1 and fetches sources from a fake news site on
127.0.0.1; its fetcher resolves no names, so links in the fixtures to *.example.ly fail
without a query leaving the machine. Every reply must parse as Telegram HTML and fit in
one message (the fake refuses any other, and the test waiting for it then fails).
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.admins import Admins
from bot.config import Settings
from bot.core import Core
from bot.english import english_label
from bot.ingest.fetch import Fetcher
from bot.ingest.service import IngestService
from bot.tg.app import BotApp, _tell_admins
from bot.tg.fake_api import MAX_TEXT, Outgoing, parse_telegram_html
from bot.tg.i18n import t
from bot.tg.menus import ADMIN_COMMANDS
from storage import Store, sources
from tests.conftest import FIXED_NOW
from tests.fakes.bot_api_server import polling_bot
from tests.fakes.news_site import NewsSite, news_site
from tests.test_bot_e2e import Chat

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RSS = "application/rss+xml"
OWNER, ADMIN, READER, NEWCOMER = 42, 43, 1001, 555
WEEK_NAME = "الوسط التجريبية - هذا الأسبوع"
WEEK_HEADLINES = [
    "المنفي يستقبل وزير الداخلية المالطي ويبحث معه ملف الهجرة غير النظامية",
    "المنفي يبحث مع السفير الإيطالي التحضير لمؤتمر الهجرة في روما",
]
REFUSED = "This command is for the bot's admins."


async def no_dns(host: str, port: int) -> list[str]:
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


class AdminChat(Chat):
    """Users on one side of the fake Bot API, each in their own private chat."""

    async def send(
        self, user: int, text: str, count: int = 1, lang: str | None = "en"
    ) -> list[Outgoing]:
        self.api.user_sends(text, chat_id=user, language_code=lang)
        replies = await self._replies(count)
        for reply in replies:
            assert reply.chat_id == user, (reply.chat_id, reply.text)
        return replies

    async def texts(self, user: int, text: str, count: int = 1, lang: str = "en") -> list[str]:
        return [r.text for r in await self.send(user, text, count, lang)]

    async def _replies(self, count: int) -> list[Outgoing]:
        replies = await super()._replies(count)
        for reply in replies:
            visible = parse_telegram_html(reply.text)
            assert 0 < len(visible.encode("utf-16-le")) // 2 <= MAX_TEXT
        return replies

    async def quiet(self) -> None:
        """Nothing more is sent."""
        await asyncio.sleep(0.3)
        assert [r.text for r in self.api.take_outbox()] == []

    def admin_menu(self, lang: str = "") -> list[str]:
        """What an admin's menu must be: the public menu, then the admin commands."""
        public = self.api.commands[(json.dumps({"type": "default"}), lang)]
        assert not {c["command"] for c in public} & set(ADMIN_COMMANDS)
        return [c["command"] for c in public] + list(ADMIN_COMMANDS)

    def menu(self, chat_id: int, lang: str = "") -> list[str] | None:
        key = (json.dumps({"chat_id": chat_id, "type": "chat"}, sort_keys=True), lang)
        commands = self.api.commands.get(key)
        return None if commands is None else [c["command"] for c in commands]


@dataclass
class Bot:
    chat: AdminChat
    app: BotApp
    core: Core
    site: NewsSite

    @property
    def store(self) -> Store:
        return self.core.store

    async def listed(self) -> list[tuple[int, str, str]]:
        return [(s.id, s.state, s.url) for s in await self.core.ingest.list_sources()]


@pytest.fixture
def admin_settings(settings: Settings) -> Settings:
    return replace(settings, admin_ids=(OWNER, ADMIN))


def wired_core(core: Core, settings: Settings, max_failures: int = 5) -> Core:
    """The test core with admins from `settings` and a fetcher that resolves no names."""
    fetcher = Fetcher(allow_private=True, resolver=no_dns)
    services = core.services
    ingest = IngestService(
        core.store, fetcher, services.analyze_pending, services.clock, max_failures=max_failures
    )
    admins = Admins(core.store, settings.admin_ids, services.clock)
    return replace(core, ingest=ingest, admins=admins, fetcher=fetcher)


@pytest.fixture
async def admin_core(core: Core, admin_settings: Settings) -> Core:
    await core.fetcher.aclose()  # replaced: this one would resolve names
    return wired_core(core, admin_settings)


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with news_site() as running_site:
        yield running_site


@asynccontextmanager
async def polling(settings: Settings, core: Core, site: NewsSite) -> AsyncIterator[Bot]:
    async with polling_bot(settings, core) as (api, app):
        yield Bot(AdminChat(api), app, core, site)


@pytest.fixture
async def bot(admin_settings: Settings, admin_core: Core, site: NewsSite) -> AsyncIterator[Bot]:
    site.route("/week.xml", week_feed(site), content_type=RSS)
    async with polling(admin_settings, admin_core, site) as running_bot:
        yield running_bot


def week_feed(site: NewsSite) -> bytes:
    data = (FIXTURES / "ingest" / "week.xml").read_bytes()
    return data.replace(b"{SITE}", site.base_url.encode())


async def add_week_feed(bot: Bot, lang: str = "en") -> tuple[str, str]:
    """The owner adds the week's feed; returns the two replies."""
    checking, added = await bot.chat.texts(
        OWNER, f"/addsource {bot.site.url('/week.xml')}", count=2, lang=lang
    )
    return checking, added


async def relevant_of(store: Store, source_id: int) -> int:
    rows = await store.run(
        lambda db: list(
            db.query(
                "SELECT COUNT(*) AS n FROM stories s JOIN articles a ON a.id = s.article_id "
                "WHERE a.source_id = ? AND s.relevant = 1",
                [source_id],
            )
        )
    )
    return int(rows[0]["n"])


# --- adding a source, and readers seeing its stories -----------------------------------------


async def test_an_added_source_brings_new_stories_to_readers_without_a_restart(bot: Bot) -> None:
    chat = bot.chat
    [latest] = await chat.texts(READER, "/latest")
    assert not any(h in latest for h in WEEK_HEADLINES)
    [who] = await chat.texts(READER, "/who")
    assert "Mohamed al-Menfi" not in who
    [topics] = await chat.texts(READER, "/topic")
    assert "<b>Migration</b> — 0" in topics

    checking, added = await add_week_feed(bot)
    url = bot.site.url("/week.xml")
    assert checking == f"Checking {url} …"
    [source] = await bot.core.ingest.list_sources()
    relevant = await relevant_of(bot.store, source.id)
    assert relevant == 2  # both are about Libya's foreign relations
    assert added == (
        f"Added source {source.id}: <b>{WEEK_NAME}</b> "
        f"(feed, 2 items, {relevant} about Libya, 2 new)."
    )
    assert (source.url, source.kind, source.state) == (url, "feed", "ok")

    [latest] = await chat.texts(READER, "/latest")
    for headline in WEEK_HEADLINES:
        assert f"{headline}</b>" in latest
    # The feed's title is Arabic: an English list spells it out rather than show Arabic.
    assert f"{english_label(WEEK_NAME)} · 28 Nov 2026" in latest
    assert WEEK_NAME not in latest
    [who] = await chat.texts(READER, "/who")
    assert "Mohamed al-Menfi" in who and "· 2 stories" in who
    [topics] = await chat.texts(READER, "/topic")
    assert "<b>Migration</b> — 2" in topics

    [listing] = await chat.texts(OWNER, "/sources")
    assert listing == (
        "<b>Sources</b> (1)\n\n"
        f"{source.id}. <b>{WEEK_NAME}</b> — feed · ok\n{url}\n"
        "<i>last fetch 29 Nov 2026 09:00 · 2 items · last new 29 Nov 2026 09:00</i>"
    )


async def test_a_password_in_a_source_url_is_masked_in_every_reply(bot: Bot) -> None:
    url = bot.site.url("/week.xml").replace("http://", "http://reader:s3cr3t-pw@")
    replies = await bot.chat.texts(OWNER, f"/addsource {url}", count=2)
    replies += await bot.chat.texts(OWNER, "/sources")
    [source] = await bot.core.ingest.list_sources()
    assert source.url == url  # kept for fetching
    assert "s3cr3t" not in "\n".join(replies)
    assert replies[0] == f"Checking {bot.site.url('/week.xml').replace('http://', 'http://***@')} …"
    assert "\n" + bot.site.url("/week.xml").replace("http://", "http://***@") + "\n" in replies[2]


async def test_fetchnow_reports_each_source_and_stories_arrive(bot: Bot) -> None:
    chat, site = bot.chat, bot.site
    [empty] = await chat.texts(OWNER, "/sources")
    assert empty == "No sources yet. Add one with /addsource URL."
    assert await chat.texts(OWNER, "/fetchnow", count=2) == ["Fetching …", "No sources to fetch."]
    await add_week_feed(bot)
    site.route("/rss2.xml", (FIXTURES / "feeds" / "rss2.xml").read_bytes(), content_type=RSS)
    await chat.texts(OWNER, f"/addsource {site.url('/rss2.xml')} Libya <Today> & co", count=2)
    week, rss2 = await bot.core.ingest.list_sources()
    assert rss2.name == "Libya <Today> & co"

    # The week's feed gains a story; the other one breaks.
    takala = "تكالة يلتقي المبعوثة الأممية في طرابلس"
    text = "التقى رئيس المجلس الأعلى للدولة محمد تكالة المبعوثة الأممية إلى ليبيا. " * 6
    extra = (
        f"<item><title>{takala}</title><link>{site.url('/news/takala-envoy')}</link>"
        f"<pubDate>Sun, 29 Nov 2026 08:00:00 +0200</pubDate>"
        f"<description>{text}</description></item>"
    ).encode()
    feed = week_feed(site).replace(b"<item>", extra + b"<item>", 1)
    site.route("/week.xml", feed, content_type=RSS)
    site.route("/rss2.xml", "down", status=500)
    relevant_before = await relevant_of(bot.store, week.id)
    started, report = await chat.texts(OWNER, "/fetchnow", count=2)
    assert started == "Fetching …"
    relevant = await relevant_of(bot.store, week.id) - relevant_before
    assert relevant == 1
    assert report == (
        f"{week.id}. {WEEK_NAME}: 3 items, 1 new, {relevant} about Libya\n"
        f"{rss2.id}. Libya &lt;Today&gt; &amp; co: failed, "
        "127.0.0.1 answered HTTP 500 Internal Server Error."
    )
    [latest] = await chat.texts(READER, "/latest")
    assert f"{takala}</b>" in latest

    # One source by id: only it is fetched.
    hits = site.hits("/rss2.xml")
    started, report = await chat.texts(OWNER, f"/fetchnow {week.id}", count=2)
    assert report == f"{week.id}. {WEEK_NAME}: 3 items, 0 new, 0 about Libya"
    assert site.hits("/rss2.xml") == hits
    assert await chat.texts(OWNER, "/fetchnow 99", count=2) == [
        "Fetching …",
        "There is no source 99. Send /sources to see them.",
    ]
    [listing] = await chat.texts(OWNER, "/sources")
    assert f"{rss2.id}. <b>Libya &lt;Today&gt; &amp; co</b> — feed · failing since " in listing
    assert "(1 failures: 127.0.0.1 answered HTTP 500 Internal Server Error.)" in listing


async def test_pause_resume_and_remove(bot: Bot) -> None:
    chat = bot.chat
    await add_week_feed(bot)
    [source] = await bot.core.ingest.list_sources()
    n, name, url = source.id, WEEK_NAME, source.url
    assert await chat.texts(OWNER, f"/pausesource {n}") == [f"Paused source {n}: {name}."]
    assert await bot.listed() == [(n, "paused", url)]
    [listing] = await chat.texts(OWNER, "/sources")
    assert f"— feed · paused\n{url}" in listing
    assert await chat.texts(OWNER, "/fetchnow", count=2) == ["Fetching …", "No sources to fetch."]
    assert await chat.texts(OWNER, f"/resumesource {url}") == [
        f"Resumed source {n}: {name}. It will be fetched within a minute."
    ]
    assert await bot.listed() == [(n, "ok", url)]
    assert await chat.texts(OWNER, f"/removesource {url}") == [
        f"Removed source {n}: {name}. Its stories stay in the archive."
    ]
    assert await bot.listed() == []
    [listing] = await chat.texts(OWNER, "/sources")
    assert listing == "No sources yet. Add one with /addsource URL."
    [latest] = await chat.texts(READER, "/latest")
    assert all(h in latest for h in WEEK_HEADLINES)  # its stories stay
    for command in ("/pausesource", "/resumesource", "/removesource"):
        assert await chat.texts(OWNER, command) == [
            f"Usage: {command} followed by a source id or URL (see /sources)."
        ]
        assert await chat.texts(OWNER, f"{command} {n}") == [
            f"There is no source {n}. Send /sources to see them."
        ]
    # Added again, it comes back under its old number, with nothing new to store.
    _, again = await add_week_feed(bot)
    assert again == f"Added source {n}: <b>{name}</b> (feed, 2 items, 0 about Libya, 0 new)."


async def test_addsource_explains_what_it_cannot_add(bot: Bot) -> None:
    chat, site = bot.chat, bot.site
    assert await chat.texts(OWNER, "/addsource") == [
        "Usage: /addsource URL [name], for example /addsource https://example.com/rss.xml"
    ]
    assert (await chat.texts(OWNER, "/addsource ftp://x", count=2))[1] == (
        "Only http and https addresses can be sources."
    )
    # A site typed without its scheme gets the command to send instead, in either language.
    assert (await chat.texts(OWNER, "/addsource libyaobserver.ly/rss", count=2))[1] == (
        "Only http and https addresses can be sources. "
        "Did you mean <code>/addsource https://libyaobserver.ly/rss</code>?"
    )
    assert (await chat.texts(OWNER, "/addsource libyaobserver.ly/rss", 2, "ar"))[1] == (
        "يمكن إضافة عناوين http وhttps فقط. "
        "هل تقصد <code>/addsource https://libyaobserver.ly/rss</code>؟"
    )
    _, added = await add_week_feed(bot)
    [source] = await bot.core.ingest.list_sources()
    assert added.startswith(f"Added source {source.id}: ")
    _, twice = await add_week_feed(bot)
    assert twice == f"That address is already listed as source {source.id}."
    site.route("/broken", "no", status=503)
    checking, why = await chat.texts(OWNER, f"/addsource {site.url('/broken')}", count=2)
    assert why == "I could not fetch it: the site answered with HTTP 503."
    site.route("/empty", b"", content_type=RSS)
    _, why = await chat.texts(OWNER, f"/addsource {site.url('/empty')}", count=2)
    assert why == "That address is neither a feed nor a page with articles I can read."
    # Markup in what the admin typed is shown as text.
    odd = site.url("/x?a=1&b=<i>")
    checking, why = await chat.texts(OWNER, f"/addsource {odd}", count=2)
    assert (
        checking
        == f"Checking {odd.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')} …"
    )
    assert why == "I could not fetch it: the site answered with HTTP 404."
    assert [s.id for s in await bot.core.ingest.list_sources()] == [source.id]


# --- who may do what ---------------------------------------------------------------------------

ADMIN_MESSAGES = [
    "/addsource {url}",
    "/sources",
    "/pausesource 2",
    "/resumesource 2",
    "/removesource 2",
    "/fetchnow",
    "/fetchnow 2",
    "/admins",
    f"/admins add {READER}",
    f"/admins remove {ADMIN}",
]


@pytest.mark.parametrize("lang", ["en", "ar"])
async def test_everyone_else_is_refused_and_nothing_changes(bot: Bot, lang: str) -> None:
    await add_week_feed(bot)
    before = await bot.listed()
    hits = len(bot.site.requests)
    refusal = REFUSED if lang == "en" else "هذا الأمر مخصص لمشرفي البوت."
    for text in ADMIN_MESSAGES:
        message = text.format(url=bot.site.url("/other.xml"))
        assert await bot.chat.texts(READER, message, lang=lang) == [refusal], message
    assert {c.split()[0].lstrip("/") for c in ADMIN_MESSAGES} == set(ADMIN_COMMANDS)
    assert await bot.listed() == before
    assert len(bot.site.requests) == hits  # nothing was fetched
    assert await bot.core.admins.all() == [OWNER, ADMIN]
    await bot.chat.quiet()


async def test_an_arabic_admin_gets_arabic_replies(bot: Bot) -> None:
    chat = bot.chat
    checking, added = await add_week_feed(bot, lang="ar")
    [source] = await bot.core.ingest.list_sources()
    n = source.id
    assert checking == f"جارٍ فحص {source.url} …"
    assert added == f"أُضيف المصدر {n}: <b>{WEEK_NAME}</b> (موجز، 2 عنصراً، 2 عن ليبيا، 2 جديداً)."
    [listing] = await chat.texts(OWNER, "/sources", lang="ar")
    assert listing.startswith(f"<b>المصادر</b> (1)\n\n{n}. <b>{WEEK_NAME}</b> — موجز · يعمل\n")
    assert "<i>آخر جلب 29 نوفمبر 2026 09:00 · 2 عنصراً · آخر جديد 29 نوفمبر 2026 09:00</i>" in (
        listing
    )
    assert await chat.texts(OWNER, "/fetchnow", count=2, lang="ar") == [
        "جارٍ الجلب …",
        f"{n}. {WEEK_NAME}: 2 عنصراً، 0 جديداً، 0 عن ليبيا",
    ]
    assert await chat.texts(OWNER, f"/pausesource {n}", lang="ar") == [
        f"أُوقف المصدر {n}: {WEEK_NAME}."
    ]
    assert await chat.texts(OWNER, f"/resumesource {n}", lang="ar") == [
        f"استُؤنف المصدر {n}: {WEEK_NAME}. سيُجلب خلال دقيقة."
    ]
    assert await chat.texts(OWNER, "/addsource", lang="ar") == [
        "الاستخدام: /addsource رابط [اسم]، مثل /addsource https://example.com/rss.xml"
    ]
    _, twice = await add_week_feed(bot, lang="ar")
    assert twice == f"هذا العنوان مُدرج بالفعل بوصفه المصدر {n}."
    assert await chat.texts(OWNER, "/admins", lang="ar") == [
        f"<b>المشرفون</b>\n• {OWNER}\n• {ADMIN}"
    ]
    assert await chat.texts(ADMIN, f"/admins add {NEWCOMER}", lang="ar") == [
        "وحده مالك البوت (أول معرّف في ADMIN_IDS) يستطيع تغيير المشرفين."
    ]
    assert await chat.texts(OWNER, f"/removesource {n}", lang="ar") == [
        f"حُذف المصدر {n}: {WEEK_NAME}. تبقى أخباره في الأرشيف."
    ]


async def test_the_owner_adds_and_removes_admins(bot: Bot) -> None:
    chat, api = bot.chat, bot.chat.api
    assert await chat.texts(OWNER, "/admins") == [f"<b>Admins</b>\n• {OWNER}\n• {ADMIN}"]
    assert chat.menu(NEWCOMER) is None
    assert await chat.texts(NEWCOMER, "/sources") == [REFUSED]

    assert await chat.texts(OWNER, f"/admins add {NEWCOMER}") == [f"{NEWCOMER} is now an admin."]
    assert await bot.core.admins.all() == [OWNER, ADMIN, NEWCOMER]
    assert chat.menu(NEWCOMER) == chat.admin_menu()
    assert chat.menu(NEWCOMER, "ar") == chat.admin_menu("ar")
    assert await chat.texts(NEWCOMER, "/sources") == [
        "No sources yet. Add one with /addsource URL."
    ]
    assert await chat.texts(OWNER, f"/admins add {NEWCOMER}") == [
        f"{NEWCOMER} was already an admin."
    ]
    assert await chat.texts(OWNER, f"/admins add {ADMIN}") == [f"{ADMIN} was already an admin."]
    assert await chat.texts(OWNER, "/admins") == [
        f"<b>Admins</b>\n• {OWNER}\n• {ADMIN}\n• {NEWCOMER}"
    ]
    # An admin who is not the owner cannot change admins, whether configured or added.
    for who in (ADMIN, NEWCOMER):
        for change in (f"add {READER}", f"remove {NEWCOMER}"):
            assert await chat.texts(who, f"/admins {change}") == [
                "Only the bot's owner (the first id in ADMIN_IDS) can change admins."
            ]
    assert await bot.core.admins.all() == [OWNER, ADMIN, NEWCOMER]

    assert await chat.texts(OWNER, f"/admins remove {NEWCOMER}") == [
        f"{NEWCOMER} is no longer an admin."
    ]
    cleared = [p for m, p in api.calls if m == "deleteMyCommands"]
    assert {json.dumps(p["scope"], sort_keys=True) for p in cleared} == {
        json.dumps({"chat_id": NEWCOMER, "type": "chat"}, sort_keys=True)
    }
    assert await chat.texts(NEWCOMER, "/sources") == [REFUSED]
    assert await chat.texts(OWNER, f"/admins remove {NEWCOMER}") == [
        f"{NEWCOMER} was not an admin."
    ]
    assert await chat.texts(OWNER, f"/admins remove {ADMIN}") == [
        "Admins listed in ADMIN_IDS are changed in the settings, not here."
    ]
    for bad in ("/admins add", "/admins add x", "/admins promote 5", "/admins add 5 6"):
        assert await chat.texts(OWNER, bad) == [
            "Usage: /admins, /admins add USER_ID or /admins remove USER_ID"
        ]
    assert await bot.core.admins.all() == [OWNER, ADMIN]


async def test_admin_menus_are_registered_at_start_up(
    admin_settings: Settings, admin_core: Core, site: NewsSite
) -> None:
    await admin_core.store.open()
    await admin_core.store.run(sources.add_admin, NEWCOMER, OWNER, FIXED_NOW)
    async with polling(admin_settings, admin_core, site) as bot:
        for user in (OWNER, ADMIN, NEWCOMER):
            assert bot.chat.menu(user) == bot.chat.admin_menu(), user
            assert bot.chat.menu(user, "ar") == bot.chat.admin_menu("ar"), user
        assert bot.chat.menu(READER) is None
        assert "latest" in bot.chat.admin_menu()
        # The added admin may act at once.
        assert await bot.chat.texts(NEWCOMER, "/fetchnow", count=2) == [
            "Fetching …",
            "No sources to fetch.",
        ]


async def test_a_long_source_list_is_split_into_valid_messages(bot: Bot) -> None:
    for n in range(60):
        await bot.store.run(
            sources.add_source,
            url=bot.site.url(f"/feeds/{n}/" + "long-path-segment/" * 6 + "rss.xml?a=1&b=2"),
            site_url=None,
            name=f"<Outlet> {n} & Sons " * 4,
            name_ar="",
            kind="feed",
            language="ar",
            added_by=OWNER,
            now=FIXED_NOW,
        )
    bot.chat.api.user_sends("/sources", chat_id=OWNER)
    replies = await asyncio.to_thread(bot.chat.api.wait_for_outbox, 6, 5.0)
    assert len(replies) >= 2
    text = "\n\n".join(r.text for r in replies)
    for reply in replies:
        assert len(parse_telegram_html(reply.text).encode("utf-16-le")) // 2 <= MAX_TEXT
    for n in range(60):
        assert text.count(f"<b>&lt;Outlet&gt; {n} &amp; Sons ") == 1  # each once, none cut
    assert text.startswith("<b>Sources</b> (60)")


async def test_admins_hear_once_about_a_source_paused_by_failures(
    admin_settings: Settings, core: Core, site: NewsSite
) -> None:
    await core.fetcher.aclose()
    core = wired_core(core, admin_settings, max_failures=2)
    ingest = core.ingest
    site.route("/feed", (FIXTURES / "feeds" / "atom.xml").read_bytes(), content_type=RSS)
    async with polling(admin_settings, core, site) as bot:
        await bot.chat.send(NEWCOMER, "/start", lang="ar")  # a reader who writes Arabic
        await bot.store.run(sources.add_admin, NEWCOMER, OWNER, FIXED_NOW)
        added = await ingest.add_source(site.url("/feed"), "Marsad <ar>", by=OWNER)
        site.route("/feed", "down", status=500)
        for _ in range(2):
            await ingest.ingest_source((await ingest.find(str(added.source.id))) or added.source)
        context: Any = SimpleNamespace(bot=bot.app.bot)
        await _tell_admins(context, core)
        told = await asyncio.to_thread(bot.chat.api.wait_for_outbox, 3, 5.0)
        assert sorted(r.chat_id for r in told) == [OWNER, ADMIN, NEWCOMER]
        by_chat = {r.chat_id: r.text for r in told}
        assert by_chat[OWNER].startswith(
            f"Source {added.source.id} (Marsad &lt;ar&gt;) failed 2 times in a row and is "
            "paused.\n127.0.0.1 answered HTTP 500 Internal Server Error.\n"
        )
        assert by_chat[OWNER].endswith(f"\nResume it with /resumesource {added.source.id}.")
        assert by_chat[NEWCOMER].startswith(f"أخفق المصدر {added.source.id} (Marsad &lt;ar&gt;)")
        for text in by_chat.values():
            parse_telegram_html(text)
        await _tell_admins(context, core)
        await bot.chat.quiet()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_paused_alert_ends_the_error_sentence_once(lang: str) -> None:
    error = "127.0.0.1 answered HTTP 500 Internal Server Error."
    text = t(lang, "source_paused_alert", id=2, name="Marsad", n=2, error=error)
    assert ".." not in text

"""Translation: deep-translator's real code, its HTTP answered at the wire by `responses`."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
import sqlite_utils
from responses import matchers

from bot.models import Translation
from bot.translate import (
    DeepTranslator,
    TranslationFailed,
    TranslationService,
    Translator,
    make_translator,
    split_text,
)
from storage import Store
from storage.translations import (
    cached_name,
    cached_translations,
    save_name,
    save_translations,
)
from tests.fakes.translator import GOOGLE, Reply, google_answering, google_page, query

FIXTURES = Path(__file__).parent / "fixtures" / "translate"
PHRASES: dict[str, str] = json.loads((FIXTURES / "phrases.json").read_text(encoding="utf-8"))
MYMEMORY = "http://api.mymemory.translated.net/get"
START = datetime(2026, 11, 29, 7, 0, tzinfo=UTC)

HEADLINES = [
    "المنفي يستقبل السفير الإيطالي في طرابلس",
    "الدبيبة يلتقي وزير الخارجية التركي",
    "المبعوث الأممي يزور بنغازي",
]
LEADS = [
    "بحث الجانبان سبل تعزيز التعاون الثنائي.",
    "تناول اللقاء ملف الانتخابات والهجرة.",
    "أكد المبعوث دعم الأمم المتحدة للحوار الليبي.",
]
SENTENCE = re.compile(r"[^.!?؟]+[.!?؟]")


# ---------------------------------------------------------------- helpers


def english(arabic: str) -> str:
    """What the fake provider answers: a known phrase, or a run of known sentences."""
    text = arabic.strip()
    if text in PHRASES:
        return PHRASES[text]
    sentences = [s.strip() for s in SENTENCE.findall(text)]
    # A piece cut mid-sentence leaves text outside any sentence: fail loudly on it.
    assert "".join(sentences).replace(" ", "") == text.replace(" ", ""), text[-80:]
    return " ".join(PHRASES[s] for s in sentences)


google_ok = google_answering(english)


def scripted(*replies: Callable[[Any], Reply]) -> Callable[[Any], Reply]:
    """A callback answering with each reply in turn, then with the last one for ever."""
    queue = list(replies)

    def callback(request: Any) -> Reply:
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        return reply(request)

    return callback


def status(code: int) -> Callable[[Any], Reply]:
    return lambda request: (code, {"Content-Type": "text/html"}, f"<html>{code}</html>")


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Sleeps:
    """An injected asyncio.sleep that records the pauses and does not wait."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "t.db")
    store.open_sync()
    yield store
    store.close()


@pytest.fixture
def wire() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_service(
    store: Store, clock: Clock, sleeps: Sleeps
) -> Iterator[Callable[..., TranslationService]]:
    made: list[TranslationService] = []

    def make(translator: Translator | None, **options: Any) -> TranslationService:
        service = TranslationService(store, translator, clock, sleep=sleeps, **options)
        made.append(service)
        return service

    yield make
    for service in made:
        service.close()


def add_stories(store: Store, *stories: tuple[str, str]) -> list[tuple[int, str, str]]:
    """Store stories (with the source and article they need); their (id, headline, lead)."""

    def insert(db: sqlite_utils.Database) -> list[int]:
        sources = db.table("sources")
        sources.insert(
            {"url": f"seed:t{time.monotonic_ns()}", "name": "T", "kind": "seed", "added_at": "x"}
        )
        articles = db.table("articles")
        articles.insert(
            {
                "source_id": sources.last_pk,
                "fetched_at": "2026-11-29T07:00:00+00:00",
                "content_hash": str(time.monotonic_ns()),
                "raw_text": "",
            }
        )
        ids = []
        for position, (headline, lead) in enumerate(stories):
            table = db.table("stories")
            table.insert(
                {
                    "article_id": articles.last_pk,
                    "position": position,
                    "headline": headline,
                    "lead": lead,
                    "body": lead,
                    "sort_at": "2026-11-29T07:00:00+00:00",
                }
            )
            ids.append(int(table.last_pk))
        return ids

    ids = store.run_sync(insert)
    return [(sid, h, lead) for sid, (h, lead) in zip(ids, stories, strict=True)]


def cache_rows(store: Store) -> list[tuple[Any, ...]]:
    return store.run_sync(
        lambda db: db.execute(
            "SELECT story_id, lang, headline, lead, provider FROM translations ORDER BY story_id"
        ).fetchall()
    )


def google() -> DeepTranslator:
    translator = make_translator("google", None, None)
    assert isinstance(translator, DeepTranslator)
    return translator


# ---------------------------------------------------------------- Google through the service


async def test_google_translates_a_batch_caches_it_and_serves_it_again_offline(
    store: Store, wire: responses.RequestsMock, make_service: Callable[..., TranslationService]
) -> None:
    wire.add_callback(responses.GET, GOOGLE, callback=google_ok)
    items = add_stories(store, *zip(HEADLINES, LEADS, strict=True))
    service = make_service(google())

    found, complete = await service.stories(items)

    assert complete is True
    assert {sid: (t.headline, t.lead) for sid, t in found.items()} == {
        sid: (PHRASES[h], PHRASES[lead]) for sid, h, lead in items
    }
    assert len(wire.calls) == 6  # a headline and a lead per story
    for call in wire.calls:
        assert query(call.request)["sl"] == "ar" and query(call.request)["tl"] == "en"
        # deep-translator sets no timeout; the wire adds one within the call's 20 s.
        assert 0 < call.request.req_kwargs["timeout"] <= 10
    assert cache_rows(store) == [
        (sid, "en", PHRASES[h], PHRASES[lead], "google") for sid, h, lead in items
    ]

    again, complete = await service.stories(items)
    assert complete is True and again == found
    assert len(wire.calls) == 6  # all from the cache


async def test_an_empty_lead_is_kept_and_not_sent(
    store: Store, wire: responses.RequestsMock, make_service: Callable[..., TranslationService]
) -> None:
    wire.add_callback(responses.GET, GOOGLE, callback=google_ok)
    items = add_stories(store, (HEADLINES[0], ""))

    found, complete = await make_service(google()).stories(items)

    assert complete is True
    assert found[items[0][0]] == Translation(items[0][0], "en", PHRASES[HEADLINES[0]], "")
    assert [query(c.request)["q"] for c in wire.calls] == [HEADLINES[0]]
    assert cache_rows(store) == [(items[0][0], "en", PHRASES[HEADLINES[0]], "", "google")]


async def test_no_translator_gives_nothing_at_once(
    store: Store, wire: responses.RequestsMock, make_service: Callable[..., TranslationService]
) -> None:
    items = add_stories(store, (HEADLINES[0], LEADS[0]))
    service = make_service(None)
    assert await service.stories(items) == ({}, False)
    assert await service.name("عبد الحميد الدبيبة") is None
    assert len(wire.calls) == 0


# ---------------------------------------------------------------- long texts


def test_a_text_over_the_limit_is_cut_at_sentence_ends_and_joined(
    wire: responses.RequestsMock,
) -> None:
    wire.add_callback(responses.GET, GOOGLE, callback=google_ok)
    sentences = [LEADS[0], LEADS[1], "هل تنجح المبادرة الجديدة؟"]
    long_lead = " ".join(sentences * 100)
    assert len(long_lead) > 10_000

    (result,) = google().translate([long_lead], "en")

    sent = [query(c.request)["q"] for c in wire.calls]
    assert len(sent) == 3
    assert all(len(q) < 5000 and q[-1] in ".؟" for q in sent)
    assert " ".join(sent) == long_lead
    assert result == " ".join([PHRASES[s] for s in sentences] * 100)


def test_blank_texts_pass_through_untouched(wire: responses.RequestsMock) -> None:
    wire.add_callback(responses.GET, GOOGLE, callback=google_ok)
    texts = ["", "  \n", HEADLINES[0]]
    assert google().translate(texts, "en") == ["", "  \n", PHRASES[HEADLINES[0]]]
    assert len(wire.calls) == 1


def test_mymemory_pieces_fit_its_500_byte_limit(wire: responses.RequestsMock) -> None:
    wire.add_callback(responses.GET, MYMEMORY, callback=mymemory_ok)
    lead = " ".join([LEADS[0], LEADS[1]] * 4)  # about 300 characters, 550 bytes
    assert len(lead) < 500 < len(lead.encode())

    translator = make_translator("mymemory", None, None)
    assert translator is not None
    (result,) = translator.translate([lead], "en")

    sent = [query(c.request)["q"] for c in wire.calls]
    assert len(sent) == 2 and all(len(q.encode()) < 500 for q in sent)
    assert result == " ".join([PHRASES[LEADS[0]], PHRASES[LEADS[1]]] * 4)


@pytest.mark.parametrize(
    ("text", "limit", "unit", "expected"),
    [
        # A sentence end wins over a later comma or space.
        ("أ ب. ج، د هـ", 10, "chars", [("أ ب.", " "), ("ج، د هـ", "")]),
        # No sentence end within reach: an Arabic comma, keeping the comma.
        ("كلمة، كلمة أخرى طويلة", 12, "chars", [("كلمة،", " "), ("كلمة أخرى", " "), ("طويلة", "")]),
        # A line break is kept as the joint.
        ("سطر أول\nسطر ثان", 9, "chars", [("سطر أول", "\n"), ("سطر ثان", "")]),
        # A point inside a number is no sentence end.
        ("بلغ 3.5 مليار", 9, "chars", [("بلغ 3.5", " "), ("مليار", "")]),
        # A word longer than the limit is cut where the limit falls.
        ("ا" * 25, 10, "chars", [("ا" * 10, ""), ("ا" * 10, ""), ("ا" * 5, "")]),
        # Counted in bytes, an Arabic letter weighs two.
        ("ابتث جحخد", 8, "bytes", [("ابتث", " "), ("جحخد", "")]),
        ("قصير", 100, "chars", [("قصير", "")]),
    ],
)
def test_split_text(text: str, limit: int, unit: str, expected: list[tuple[str, str]]) -> None:
    assert split_text(text, limit, unit) == expected


# ---------------------------------------------------------------- failures


async def test_429_is_retried_with_growing_pauses_then_succeeds(
    store: Store,
    wire: responses.RequestsMock,
    make_service: Callable[..., TranslationService],
    sleeps: Sleeps,
) -> None:
    wire.add_callback(responses.GET, GOOGLE, callback=scripted(status(429), status(429), google_ok))
    items = add_stories(store, (HEADLINES[0], LEADS[0]))

    found, complete = await make_service(google(), backoff=0.5).stories(items)

    assert complete is True
    assert found[items[0][0]].lead == PHRASES[LEADS[0]]
    # Headline and lead go at once: both refused, one pause, then both answered.
    assert sleeps.delays == [0.5]
    assert len(wire.calls) == 4


def test_the_texts_of_one_call_are_translated_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Two texts meet at the barrier only if they are in flight together; one after the
    # other, the first waits alone and the barrier breaks.
    together = threading.Barrier(2, timeout=5)

    class Engine:
        def translate(self, piece: str) -> str:
            together.wait()
            return english(piece)

    translator = DeepTranslator("google")
    monkeypatch.setattr(translator, "_engine", lambda target: Engine())
    assert translator.translate(HEADLINES[:2], "en") == [PHRASES[h] for h in HEADLINES[:2]]


async def test_429_for_ever_gives_up_caches_nothing_and_tries_again_next_time(
    store: Store,
    wire: responses.RequestsMock,
    make_service: Callable[..., TranslationService],
    sleeps: Sleeps,
) -> None:
    wire.add_callback(responses.GET, GOOGLE, callback=status(429))
    items = add_stories(store, (HEADLINES[0], LEADS[0]))
    service = make_service(google(), retries=2, breaker_failures=10)

    assert await service.stories(items) == ({}, False)
    # Three tries, each sending the headline and the lead at once.
    assert len(wire.calls) == 6 and sleeps.delays == [1.0, 2.0]
    assert cache_rows(store) == []

    assert await service.stories(items) == ({}, False)
    assert len(wire.calls) == 12


async def test_a_garbage_page_fails_quietly_without_retries(
    store: Store,
    wire: responses.RequestsMock,
    make_service: Callable[..., TranslationService],
    sleeps: Sleeps,
) -> None:
    page = (FIXTURES / "google_blocked.html").read_text(encoding="utf-8")
    wire.add(responses.GET, GOOGLE, body=page, content_type="text/html")
    items = add_stories(store, (HEADLINES[0], LEADS[0]))

    with pytest.raises(TranslationFailed) as failed:
        google().translate([HEADLINES[0]], "en")
    assert failed.value.retryable is False
    assert "TranslationNotFound" in str(failed.value)

    assert await make_service(google()).stories(items) == ({}, False)
    assert sleeps.delays == []
    assert cache_rows(store) == []


async def test_arabic_echoed_back_is_not_taken_for_english(
    store: Store, wire: responses.RequestsMock, make_service: Callable[..., TranslationService]
) -> None:
    def echo(request: Any) -> Reply:
        q = query(request)["q"]
        return 200, {}, google_page(q, q)

    wire.add_callback(responses.GET, GOOGLE, callback=echo)
    items = add_stories(store, (HEADLINES[0], ""))

    assert await make_service(google()).stories(items) == ({}, False)
    assert cache_rows(store) == []


def test_an_answer_without_a_charset_is_read_as_utf8(wire: responses.RequestsMock) -> None:
    page = google_page(HEADLINES[0], "Menfi’s talks with the Élysée")
    wire.add(responses.GET, GOOGLE, body=page.encode(), content_type="text/html")
    assert google().translate([HEADLINES[0]], "en") == ["Menfi’s talks with the Élysée"]


class Blocking:
    """A translator that hangs until released, as a stalled provider would."""

    name = "blocking"

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()

    def translate(self, texts: list[str], target: str) -> list[str]:
        self.started.set()
        self.release.wait(10)
        return [f"late {t}" for t in texts]


async def test_a_hung_translator_times_out_within_the_limit(
    store: Store, make_service: Callable[..., TranslationService]
) -> None:
    items = add_stories(store, (HEADLINES[0], LEADS[0]))
    blocking = Blocking()
    service = make_service(blocking, timeout=0.3, retries=0)
    try:
        began = time.monotonic()
        assert await service.stories(items) == ({}, False)
        assert time.monotonic() - began < 1.5
        assert blocking.started.is_set()
        assert cache_rows(store) == []
    finally:
        blocking.release.set()


async def test_the_request_timeout_is_capped_by_the_call_and_a_read_timeout_is_retried(
    store: Store,
    wire: responses.RequestsMock,
    make_service: Callable[..., TranslationService],
    sleeps: Sleeps,
) -> None:
    timeouts: list[float] = []

    def slow_then_fine(request: Any) -> Reply:
        timeouts.append(request.req_kwargs["timeout"])
        if len(timeouts) == 1:
            raise requests.exceptions.ReadTimeout("simulated: no answer in time")
        return google_ok(request)

    wire.add_callback(responses.GET, GOOGLE, callback=slow_then_fine)
    items = add_stories(store, (HEADLINES[0], ""))

    found, complete = await make_service(google(), timeout=0.5).stories(items)

    assert complete is True and found[items[0][0]].headline == PHRASES[HEADLINES[0]]
    assert sleeps.delays == [1.0]
    assert len(timeouts) == 2 and all(0 < t <= 0.5 for t in timeouts)


class Broken:
    name = "broken"

    def translate(self, texts: list[str], target: str) -> list[str]:
        raise StopIteration  # what MyMemory's client raises on an answer with no matches


async def test_any_exception_from_a_translator_is_a_quick_quiet_failure(
    store: Store, make_service: Callable[..., TranslationService], sleeps: Sleeps
) -> None:
    items = add_stories(store, (HEADLINES[0], LEADS[0]))
    service = make_service(Broken(), timeout=3)
    began = time.monotonic()
    assert await service.stories(items) == ({}, False)
    assert await service.name("عبد الحميد الدبيبة") is None
    # Failed at once, not timed out: a StopIteration reaching the future would hang it.
    assert time.monotonic() - began < 1
    assert sleeps.delays == []


# ---------------------------------------------------------------- circuit breaker


async def test_the_circuit_opens_after_repeated_failures_and_half_opens_later(
    store: Store,
    wire: responses.RequestsMock,
    make_service: Callable[..., TranslationService],
    clock: Clock,
) -> None:
    mode = {"reply": status(503)}
    wire.add_callback(responses.GET, GOOGLE, callback=lambda r: mode["reply"](r))
    items = add_stories(store, (HEADLINES[0], ""))
    service = make_service(google(), retries=0, breaker_failures=2, breaker_seconds=300)

    for expected_calls in (1, 2):
        assert await service.stories(items) == ({}, False)
        assert len(wire.calls) == expected_calls

    # Open: callers get Arabic at once, nothing is sent.
    assert await service.stories(items) == ({}, False)
    assert await service.name("عبد الحميد الدبيبة") is None
    clock.advance(299)
    assert await service.stories(items) == ({}, False)
    assert len(wire.calls) == 2

    # Half-open: one trial goes out; it fails, so the circuit opens again at once.
    clock.advance(1)
    assert await service.stories(items) == ({}, False)
    assert len(wire.calls) == 3
    assert await service.stories(items) == ({}, False)
    assert len(wire.calls) == 3

    # The next trial succeeds and closes the circuit.
    mode["reply"] = google_ok
    clock.advance(300)
    found, complete = await service.stories(items)
    assert complete is True and found[items[0][0]].headline == PHRASES[HEADLINES[0]]
    assert (await service.name("عبد الحميد الدبيبة")) == "Abdul Hamid Dbeibah"
    assert len(wire.calls) == 5


# ---------------------------------------------------------------- other providers


def mymemory_ok(request: Any) -> Reply:
    q = query(request)["q"]
    data = json.loads((FIXTURES / "mymemory_ok.json").read_text(encoding="utf-8"))
    data["responseData"]["translatedText"] = english(q)
    data["matches"][0].update(segment=q, translation=english(q))
    return 200, {"Content-Type": "application/json"}, json.dumps(data)


async def test_mymemory_success_with_a_contact_email(
    store: Store, wire: responses.RequestsMock, make_service: Callable[..., TranslationService]
) -> None:
    wire.add_callback(
        responses.GET,
        MYMEMORY,
        callback=mymemory_ok,
        match=[
            matchers.query_param_matcher(
                {"langpair": "ar-SA|en-GB", "de": "desk@example.org"}, strict_match=False
            )
        ],
    )
    items = add_stories(store, (HEADLINES[1], LEADS[1]))
    translator = make_translator("mymemory", None, "desk@example.org")

    found, complete = await make_service(translator).stories(items)

    assert complete is True
    assert (found[items[0][0]].headline, found[items[0][0]].lead) == (
        PHRASES[HEADLINES[1]],
        PHRASES[LEADS[1]],
    )
    assert cache_rows(store)[0][-1] == "mymemory"


async def test_mymemory_quota_warning_is_a_failure_not_a_translation(
    store: Store,
    wire: responses.RequestsMock,
    make_service: Callable[..., TranslationService],
    sleeps: Sleeps,
) -> None:
    body = (FIXTURES / "mymemory_quota.json").read_text(encoding="utf-8")
    wire.add(responses.GET, MYMEMORY, body=body, content_type="application/json")
    items = add_stories(store, (HEADLINES[1], ""))

    assert await make_service(make_translator("mymemory", None, None)).stories(items) == (
        {},
        False,
    )
    assert sleeps.delays == []  # a spent daily quota does not come back in seconds
    assert cache_rows(store) == []


def libre_ok(request: Any) -> Reply:
    return (
        200,
        {"Content-Type": "application/json"},
        json.dumps({"translatedText": english(query(request)["q"])}),
    )


async def test_libre_success_with_url_and_key(
    store: Store, wire: responses.RequestsMock, make_service: Callable[..., TranslationService]
) -> None:
    wire.add_callback(
        responses.POST,
        "https://lt.example.org/translate",
        callback=libre_ok,
        match=[
            matchers.query_param_matcher(
                {"source": "ar", "target": "en", "format": "text", "api_key": "k-123"},
                strict_match=False,
            )
        ],
    )
    items = add_stories(store, (HEADLINES[2], LEADS[2]))
    # The endpoint pasted whole is taken back to the server's base.
    translator = make_translator("libre", "https://lt.example.org/translate", "k-123")

    found, complete = await make_service(translator).stories(items)

    assert complete is True
    assert found[items[0][0]].lead == PHRASES[LEADS[2]]
    assert cache_rows(store)[0][-1] == "libre"


def test_libre_without_a_key_sends_none(wire: responses.RequestsMock) -> None:
    wire.add_callback(responses.POST, "http://libre.internal:5000/translate", callback=libre_ok)
    translator = make_translator("libre", "http://libre.internal:5000", None)
    assert translator is not None

    assert translator.translate([HEADLINES[2]], "en") == [PHRASES[HEADLINES[2]]]
    assert "api_key" not in query(wire.calls[0].request)


def test_an_error_message_never_shows_the_api_key(wire: responses.RequestsMock) -> None:
    wire.add(responses.POST, "https://lt.example.org/translate", status=403, json={})
    translator = make_translator("libre", "https://lt.example.org", "secret-key-42")
    assert translator is not None

    with pytest.raises(TranslationFailed) as failed:
        translator.translate([HEADLINES[0]], "en")
    assert "secret-key-42" not in str(failed.value)
    assert failed.value.retryable is False


def test_deepl_sends_a_post_with_the_key_in_the_header(wire: responses.RequestsMock) -> None:
    wire.add(
        responses.POST,
        "https://api-free.deepl.com/v2/translate",
        json={"translations": [{"detected_source_language": "AR", "text": "Hello"}]},
        match=[
            matchers.header_matcher({"Authorization": "DeepL-Auth-Key abc:fx"}),
            matchers.urlencoded_params_matcher(
                {"text": "مرحبا", "source_lang": "ar", "target_lang": "en"}
            ),
        ],
    )
    translator = make_translator("deepl", None, "abc:fx")
    assert translator is not None

    assert translator.translate(["مرحبا"], "en") == ["Hello"]
    assert "abc" not in wire.calls[0].request.url


# ---------------------------------------------------------------- configuration


@pytest.mark.parametrize(
    ("provider", "url", "key", "message"),
    [
        ("bing", None, None, "TRANSLATOR='bing' is not known"),
        ("google", "https://x.example", None, "TRANSLATOR_URL"),
        ("google", None, "k", "TRANSLATOR_API_KEY"),
        ("mymemory", None, "not-an-email", "TRANSLATOR_API_KEY"),
        ("mymemory", "https://x.example", None, "TRANSLATOR_URL"),
        ("libre", None, "k", "TRANSLATOR_URL"),
        ("libre", "ftp://x.example", None, "TRANSLATOR_URL"),
        ("deepl", None, None, "TRANSLATOR_API_KEY"),
        ("deepl", "https://api.deepl.com", "k", "TRANSLATOR_URL"),
    ],
)
def test_make_translator_refuses_bad_settings(
    provider: str, url: str | None, key: str | None, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        make_translator(provider, url, key)


def test_make_translator_builds_each_provider() -> None:
    assert make_translator("none", None, None) is None
    assert make_translator(" None ", "ignored", "ignored") is None
    built = {
        "google": make_translator("Google", "", " "),
        "mymemory": make_translator("mymemory", None, "desk@example.org"),
        "libre": make_translator("libre", "https://lt.example.org/api/", None),
        "deepl": make_translator("deepl", None, "abc"),
    }
    for name, translator in built.items():
        assert isinstance(translator, DeepTranslator) and translator.name == name
    assert built["libre"].url == "https://lt.example.org/api/"  # type: ignore[union-attr]


# ---------------------------------------------------------------- names and the cache


async def test_a_name_is_translated_once_then_cached(
    store: Store, wire: responses.RequestsMock, make_service: Callable[..., TranslationService]
) -> None:
    wire.add_callback(responses.GET, GOOGLE, callback=google_ok)
    service = make_service(google())

    assert await service.name(" عبد الحميد  الدبيبة ") == "Abdul Hamid Dbeibah"
    assert await service.name("عبد الحميد الدبيبة") == "Abdul Hamid Dbeibah"
    assert len(wire.calls) == 1
    assert store.run_sync(cached_name, "عبد الحميد الدبيبة", "en") == "Abdul Hamid Dbeibah"


async def test_a_failed_name_is_none_and_not_cached(
    store: Store, wire: responses.RequestsMock, make_service: Callable[..., TranslationService]
) -> None:
    wire.add(responses.GET, GOOGLE, status=500)
    service = make_service(google(), retries=1)

    assert await service.name("عبد الحميد الدبيبة") is None
    assert len(wire.calls) == 2
    assert store.run_sync(cached_name, "عبد الحميد الدبيبة", "en") is None


async def test_concurrent_callers_translate_a_name_once(
    store: Store, wire: responses.RequestsMock, make_service: Callable[..., TranslationService]
) -> None:
    wire.add_callback(responses.GET, GOOGLE, callback=google_ok)
    service = make_service(google())

    names = await asyncio.gather(*(service.name("عبد الحميد الدبيبة") for _ in range(3)))

    assert names == ["Abdul Hamid Dbeibah"] * 3
    assert len(wire.calls) == 1


def test_name_cache_round_trip_and_overwrite(store: Store) -> None:
    assert store.run_sync(cached_name, "فايز السراج", "en") is None
    store.run_sync(save_name, "فايز السراج", "en", "Fayez Sarraj", "google", START)
    store.run_sync(save_name, "فايز السراج", "en", "Fayez al-Sarraj", "deepl", START)
    assert store.run_sync(cached_name, "فايز السراج", "en") == "Fayez al-Sarraj"
    assert store.run_sync(cached_name, "فايز السراج", "fr") is None
    rows = store.run_sync(lambda db: list(db.table("name_translations").rows))
    assert rows == [
        {
            "source_text": "فايز السراج",
            "lang": "en",
            "translated": "Fayez al-Sarraj",
            "provider": "deepl",
            "created_at": "2026-11-29T07:00:00+00:00",
        }
    ]


def test_story_cache_upserts_by_story_and_language(store: Store) -> None:
    items = add_stories(store, (HEADLINES[0], LEADS[0]), (HEADLINES[1], LEADS[1]))
    first, second = items[0][0], items[1][0]
    store.run_sync(save_translations, [Translation(first, "en", "old", "old")], "google", START)
    store.run_sync(
        save_translations,
        [Translation(first, "en", "new", "lead"), Translation(second, "en", "h", "")],
        "libre",
        START,
    )
    assert store.run_sync(cached_translations, [first, second, 999], "en") == {
        first: Translation(first, "en", "new", "lead"),
        second: Translation(second, "en", "h", ""),
    }
    assert store.run_sync(cached_translations, [first], "fr") == {}
    assert [row[-1] for row in cache_rows(store)] == ["libre", "libre"]


async def test_concurrent_callers_translate_each_story_once(
    store: Store, wire: responses.RequestsMock, make_service: Callable[..., TranslationService]
) -> None:
    wire.add_callback(responses.GET, GOOGLE, callback=google_ok)
    items = add_stories(store, *zip(HEADLINES, LEADS, strict=True))
    service = make_service(google())

    results = await asyncio.gather(*(service.stories(items) for _ in range(4)))

    assert all(complete for _, complete in results)
    assert len(wire.calls) == 6

"""Time to draw each picture of bot/pictures from data of a full store's shape.

Drawing depends on what is drawn (series, weeks, people, links), not on the store's size:
the store's queries behind the pictures are timed with the other queries. Run alone with
`python -m bench.pictures`; `python -m bench` runs it last, after every other figure, so
that matplotlib's memory does not count in their peak RSS.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

from bench.measure import Latency
from bench.report import Results, Row
from bot.charts import Charts, Words
from bot.pictures import (
    Link,
    MeetingMap,
    Person,
    Series,
    TrendChart,
    meetings_png,
    trend_png,
    trends_png,
)
from bot.pictures.meetings import Kind

TARGET_S = 1.0
SAMPLES = 10
WEEKS = tuple(date(2026, 1, 5) + timedelta(weeks=i) for i in range(12))


def pictures(seed: int = 7) -> dict[str, Callable[[], bytes]]:
    """Each picture, in Arabic, from data as large as a busy week gives."""
    rng = random.Random(seed)

    def counts(top: int) -> tuple[int, ...]:
        return tuple(rng.randint(0, top) for _ in WEEKS)

    topics = TrendChart(
        "المواضيع في آخر 12 أسبوعا", WEEKS,
        tuple(Series(f"موضوع رقم {i}", counts(900)) for i in range(8)), "ar", "أخبار في الأسبوع",
    )  # fmt: skip
    people = TrendChart(
        "الأكثر صعودا هذا الأسبوع", WEEKS,
        tuple(Series(f"شخصية رقم {i}", counts(200)) for i in range(5)), "ar", "أخبار في الأسبوع",
    )  # fmt: skip
    one = TrendChart("عبد الحميد الدبيبة", WEEKS, (Series("", counts(300)),), "ar", "أخبار")
    # A month of meetings: 40 people and 90 meetings or calls, of which the map keeps 10 people.
    persons = tuple(Person(str(i), f"الشخصية رقم {i}") for i in range(40))
    links = []
    for _ in range(90):
        a = min(int(rng.paretovariate(1.2)) - 1, 39)  # a few people meet most
        b = rng.randrange(40)
        if a != b:
            kind: Kind = "meeting" if rng.random() < 0.6 else "call"
            place = rng.choice(("طرابلس", "بنغازي", "روما", ""))
            links.append(Link(str(a), str(b), kind, place, f"{rng.randint(1, 28)}/3"))
    month = MeetingMap("لقاءات الشهر", persons, tuple(links), "ar", "لقاء", "اتصال", "{n} آخرون")
    return {
        "trends, 8 topics": lambda: trends_png(topics),
        "trends, 5 people": lambda: trends_png(people),
        "one trend": lambda: trend_png(one),
        "meetings map": lambda: meetings_png(month),
    }


def measure(results: Results, samples: int = SAMPLES) -> None:
    """One row per picture (after a first drawing), and the first drawing in the process."""
    drawings = pictures()
    started = time.perf_counter()
    next(iter(drawings.values()))()
    first = time.perf_counter() - started
    lines = []
    for name, draw in drawings.items():
        seconds = []
        size = 0
        for _ in range(samples):
            started = time.perf_counter()
            size = len(draw())
            seconds.append(time.perf_counter() - started)
        latency = Latency.of(seconds)
        results.add(
            Row(
                f"Picture: {name}", "—", f"p50 {latency.p50:.0f} / p95 {latency.p95:.0f} ms",
                target=f"≤ {TARGET_S:.0f} s", passed=latency.p95 <= TARGET_S * 1000,
            )
        )  # fmt: skip
        lines.append(f"- {name}: {size // 1024} KB PNG, {_ms(latency)}")
    results.section(
        "Pictures",
        [
            "bot.pictures drawing Arabic pictures of 1080 px from data of a busy period "
            "(8 topics and 5 people over 12 weeks; a month's 90 meetings among 40 people, of "
            f"whom the map keeps 10), {samples} times each on one core, after a first drawing "
            f"that also imported matplotlib and loaded the fonts: {first * 1000:.0f} ms.",
            "",
            *lines,
        ],
    )


async def measure_answers(charts: Charts, results: Results, size: str, samples: int = 5) -> None:
    """The answers behind /trends and /meetings on the bench's store: query and drawing.

    Each sample starts with the pictures' cache emptied, so it reads the store and draws.
    """
    words = Words(
        topics_title="المواضيع أسبوعيا", unit="خبر", meetings_week="لقاءات الأسبوع",
        meetings_month="لقاءات الشهر", meeting="لقاء", call="اتصال", omitted="{n} آخرون",
    )  # fmt: skip
    asks: dict[str, Callable[[], Awaitable[object]]] = {
        "/trends": lambda: charts.trends("ar", words),
        "/meetings month": lambda: charts.meetings("month", "ar", words),
    }
    for name, ask in asks.items():
        seconds = []
        for _ in range(samples):
            charts.forget_pictures()
            started = time.perf_counter()
            await ask()
            seconds.append(time.perf_counter() - started)
        latency = Latency.of(seconds)
        results.add(
            Row(
                f"{name} answer (store query + drawing)", size,
                f"p50 {latency.p50:.0f} / p95 {latency.p95:.0f} ms", target=f"≤ {TARGET_S:.0f} s",
                passed=latency.p95 <= TARGET_S * 1000,
            )
        )  # fmt: skip


def _ms(latency: Latency) -> str:
    return f"p50 {latency.p50:.0f} / p95 {latency.p95:.0f} ms (n={latency.n})"


def main() -> None:
    """Print the pictures' figures alone."""
    results = Results(command="python -m bench.pictures", date="", machine={})
    measure(results)
    for _, lines in results.sections:
        print("\n".join(lines))


if __name__ == "__main__":
    main()

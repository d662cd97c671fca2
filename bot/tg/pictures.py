"""/trends and /meetings: a picture with a caption, and the same facts as text."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes

from bot.charts import Charts, DrawingFailed, MeetingsAnswer, Span, TrendsAnswer, Words
from bot.models import NewsPeriod
from bot.services import Services
from bot.subscribers import SubscriptionService
from bot.tg.cards import period_words
from bot.tg.groups import update_thread
from bot.tg.i18n import Lang, format_date, t
from bot.tg.render import esc, split_html
from bot.tg.replies import incoming, send_chunks

log = logging.getLogger(__name__)

CAPTION = 1024  # Telegram's limit on a photo's caption
SPANS: dict[str, Span] = {
    "": "week", "week": "week", "month": "month", "أسبوع": "week", "الأسبوع": "week",
    "شهر": "month", "الشهر": "month",
}  # fmt: skip


def words(lang: Lang) -> Words:
    """The words drawn on the pictures, from the interface strings."""
    return Words(
        topics_title=t(lang, "pic_topics_title"), unit=t(lang, "pic_unit"),
        meetings_week=t(lang, "pic_meetings_week"), meetings_month=t(lang, "pic_meetings_month"),
        meeting=t(lang, "pic_meeting"), call=t(lang, "pic_call"), omitted=t(lang, "pic_omitted"),
    )  # fmt: skip


class PictureCommands:
    """Charts of the news: topics and people over 12 weeks, and who met whom."""

    def __init__(
        self,
        charts: Charts,
        services: Services,
        zone: ZoneInfo,
        subscriptions: SubscriptionService | None = None,
    ) -> None:
        self.charts = charts
        self.services = services
        self.zone = zone
        self.subscriptions = subscriptions

    async def trends(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The topics a week over 12 weeks and who is rising; or one topic's or person's line."""
        got = incoming(update, context)
        if got is None:
            return
        lang, query = got.lang, got.args
        try:
            if not query:
                # The topics the chat follows, when it follows some; else all eight.
                followed = await self._followed_topics(got.chat_id)
                answer = await self.charts.trends(lang, words(lang), followed)
                caption = trends_caption(answer, lang, self.zone)
            elif (topic := self.services.find_topic(query)) is not None:
                answer = await self.charts.topic_trend(topic, lang, words(lang))
                caption = one_trend_caption(answer, lang, self.zone)
            else:
                found = await self.services.find_person(query)
                if found.found is None:
                    await got.message.reply_text(t(lang, "trends_unknown", query=esc(query[:100])))
                    return
                answer = await self.charts.person_trend(found.found, lang, words(lang))
                caption = one_trend_caption(answer, lang, self.zone)
        except DrawingFailed:
            log.warning("a trends picture could not be drawn in time")
            await got.message.reply_text(t(lang, "pic_failed"))
            return
        thread = update_thread(update)  # in a forum, the topic it was asked in
        await context.bot.send_photo(
            got.chat_id, answer.png, caption=caption, message_thread_id=thread
        )

    async def meetings(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Who met whom in the last week or month with news: a map, then the list."""
        got = incoming(update, context)
        if got is None:
            return
        lang = got.lang
        span = SPANS.get(got.args.lower())
        if span is None:
            await got.message.reply_text(t(lang, "meetings_usage"))
            return
        try:
            answer = await self.charts.meetings(span, lang, words(lang))
        except DrawingFailed:
            log.warning("a meetings picture could not be drawn in time")
            await got.message.reply_text(t(lang, "pic_failed"))
            return
        when = self._when(answer, span, lang)
        if answer.png is None:
            await got.message.reply_text(t(lang, "meetings_none", period=esc(when)))
            return
        caption = t(lang, "meetings_caption", period=esc(when), n=len(answer.meetings))
        thread = update_thread(update)  # in a forum, the topic it was asked in
        await context.bot.send_photo(
            got.chat_id, answer.png, caption=caption, message_thread_id=thread
        )
        # The same facts in words: for a reader with images off, and every meeting, where the
        # picture keeps the most connected.
        listing = "\n".join(meeting_lines(answer, lang))
        await send_chunks(context, got.chat_id, split_html(listing), thread_id=thread)

    async def _followed_topics(self, chat_id: int) -> tuple[str, ...]:
        if self.subscriptions is None:
            return ()
        follows = await self.subscriptions.following(chat_id)
        return tuple(sorted(key for kind, key in follows if kind == "topic"))

    def _when(self, answer: MeetingsAnswer, span: Span, lang: Lang) -> str:
        if span == "week":
            period = NewsPeriod(start=answer.start, end=answer.end, current=answer.current)
            return period_words(period, lang, self.zone)
        if answer.current:
            return t(lang, "period_month")
        return t(lang, "period_month_to", day=format_date(answer.end, lang, self.zone))


def trends_caption(answer: TrendsAnswer, lang: Lang, zone: ZoneInfo) -> str:
    """What the topics chart shows, in words: this week's counts and who is rising."""
    day = format_date(answer.end, lang, zone)
    lines = [t(lang, "trends_caption", day=esc(day))]
    counts = [(s.name, s.counts[-1]) for s in answer.series if s.counts[-1]]
    counts.sort(key=lambda pair: -pair[1])
    if counts:
        listed = ", " if lang == "en" else "، "
        lines.append(
            t(lang, "trends_this_week", counts=listed.join(f"{esc(n)} {c}" for n, c in counts))
        )
    if answer.rising:
        names = (", " if lang == "en" else "، ").join(
            f"{esc(s.name)} ({s.counts[-1]})" for s in answer.rising
        )
        lines.append(t(lang, "trends_rising", names=names))
    return fit_caption("\n".join(lines))


def one_trend_caption(answer: TrendsAnswer, lang: Lang, zone: ZoneInfo) -> str:
    """One line's caption: whose, to which day, last week's count and the total."""
    series = answer.series[0]
    day = esc(format_date(answer.end, lang, zone))
    last, total = series.counts[-1], sum(series.counts)
    return fit_caption(
        t(lang, "trend_one_caption", name=esc(series.name), day=day, n=last, total=total)
    )


def meeting_lines(answer: MeetingsAnswer, lang: Lang) -> list[str]:
    """Every meeting of the period as a line: who, what, where and when."""
    lines = [t(lang, "meetings_list_title")]
    for a, b, kind, place, day in answer.meetings:
        what = t(lang, "pic_call" if kind == "call" else "pic_meeting")
        details = ("، " if lang == "ar" else ", ").join(p for p in (what, place, day) if p)
        lines.append(f"• {esc(a)} — {esc(b)} ({esc(details)})")
    if answer.more:
        lines.append(t(lang, "meetings_more", n=answer.more))
    return lines


def fit_caption(caption: str) -> str:
    """A caption within Telegram's limit, cut between lines or words, tags kept whole."""
    return split_html(caption, CAPTION)[0]

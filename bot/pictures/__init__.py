"""Pictures a reader looks at instead of a list: PNG bytes drawn from plain data.

Pure: no storage, no Telegram, no network; the only file read is the shipped fonts
(`fonts/`, Noto Sans and Noto Sans Arabic under the OFL). Importing this package loads
neither matplotlib nor a font: both happen on the first drawing, once per process. Every
text is passed in the reader's language, Arabic in its logical order (matplotlib 3.11+
shapes it and lays it right to left). The same input gives the same bytes. Drawing takes
about 0.1-0.3 s a picture after the first (see bench/pictures.py); call it off the event
loop (a worker thread): the functions share no state but matplotlib's font list.

The pictures and the data each expects:

`trends_png(TrendChart)` -> 1080 x 1080 PNG: up to 8 lines, one per `Series` (a topic or a
person), over the weeks, with a legend under the chart.
`trend_png(TrendChart)` -> 1080 x 720 PNG: exactly one series, its value over each week.
    TrendChart(
        title="Topics, last 12 weeks",          # translated by the caller
        weeks=(date(2026, 1, 5), ...),          # first day of each week, oldest first
        series=(Series("Migration", (3, 0, 5, ...)), ...),  # one count per week
        language="en",                          # "ar" | "en": the reader's
        unit="stories a week",                  # above the y axis
        note="5 Jan - 29 Mar",                  # optional line at the bottom
    )

`meetings_png(MeetingMap)` -> 1080 x 1080 PNG: people as points, a line per meeting (solid)
or call (dashed) labelled with its place and date where they fit, the most connected at the
centre; at most 10 people (`meetings.MAX_PEOPLE`, the rest counted in `omitted`).
    MeetingMap(
        title="Meetings this week",
        people=(Person(key="12", label="Abdul Hamid Dbeibah"), ...),  # key: the actor's id
        links=(Link(a="12", b="40", kind="meeting", place="Rome", date="5/3"), ...),
        language="en",
        meeting_label="meeting", call_label="call",                   # the legend's words
        omitted="{n} more in the list",         # shown when people are left out
    )
`meetings.layout(MeetingMap)` returns what is drawn (points, lines, how many left out) for a
caption or a test; the caption's text list should carry every meeting, since a line's label
is left off where it would cover another.
"""

from bot.pictures.meetings import Link, MeetingMap, Person, meetings_png
from bot.pictures.text import Language
from bot.pictures.trends import Series, TrendChart, trend_png, trends_png

__all__ = [
    "Language",
    "Link",
    "MeetingMap",
    "Person",
    "Series",
    "TrendChart",
    "meetings_png",
    "trend_png",
    "trends_png",
]

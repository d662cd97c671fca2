"""When a digest is due: parsing a time and a zone, and the next local occurrence through DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.schedule import next_due, parse_local_time, parse_zone


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- parse_local_time ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00", time(8, 0)),
        ("8:05", time(8, 5)),
        ("٠٨:٣٠", time(8, 30)),  # Arabic-Indic digits
        ("۰۷:۱۵", time(7, 15)),  # Persian digits
        ("7.30", time(7, 30)),
        ("21٫45", time(21, 45)),  # the Arabic decimal separator
        (" 23:59 ", time(23, 59)),
        ("00:00", time(0, 0)),
        ("25:00", None),
        ("24:00", None),
        ("12:60", None),
        ("8:5", None),
        ("abc", None),
        ("", None),
        ("08:00:00", None),
        ("-1:00", None),
    ],
)
def test_parse_local_time(text: str, expected: time | None) -> None:
    assert parse_local_time(text) == expected


# --- parse_zone ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Paris", "Europe/Paris"),
        ("Africa/Tripoli", "Africa/Tripoli"),
        (" Asia/Tokyo ", "Asia/Tokyo"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("GMT", "UTC"),
        ("UTC+0", "UTC"),
        # POSIX Etc zones count the other way round.
        ("UTC+2", "Etc/GMT-2"),
        ("utc + 2", "Etc/GMT-2"),
        ("GMT-5", "Etc/GMT+5"),
        ("UTC+02:00", "Etc/GMT-2"),
        ("UTC+14", "Etc/GMT-14"),
        ("UTC-12", "Etc/GMT+12"),
        ("UTC+5:30", None),  # half hours need a real zone name (Asia/Kolkata)
        ("UTC+15", None),  # no such offset
        ("Mars/Base", None),
        ("../../etc/passwd", None),
        ("", None),
        ("Africa", None),  # a folder of the zone database: IsADirectoryError
        ("Africa/", None),
        ("x" * 4000, None),  # longer than a file name may be: OSError
    ],
)
def test_parse_zone(text: str, expected: str | None) -> None:
    assert parse_zone(text) == expected


def test_a_parsed_fixed_offset_zone_has_that_offset() -> None:
    zone = parse_zone("UTC+2")
    assert zone is not None
    assert ZoneInfo(zone).utcoffset(datetime(2026, 7, 1)) == timedelta(hours=2)
    west = parse_zone("GMT-5")
    assert west is not None
    assert ZoneInfo(west).utcoffset(datetime(2026, 7, 1)) == timedelta(hours=-5)


# --- next_due: ordinary days -----------------------------------------------------------


def test_an_ordinary_day_in_tripoli() -> None:
    # Tripoli is UTC+2 all year: 08:00 there is 06:00 UTC.
    assert next_due(utc(2026, 11, 29, 5, 0), time(8, 0), "Africa/Tripoli") == utc(
        2026, 11, 29, 6, 0
    )
    # Already past 08:00 in Tripoli: tomorrow.
    assert next_due(utc(2026, 11, 29, 7, 0), time(8, 0), "Africa/Tripoli") == utc(
        2026, 11, 30, 6, 0
    )
    # Late evening UTC is already the next local day.
    assert next_due(utc(2026, 11, 29, 23, 30), time(0, 15), "Africa/Tripoli") == utc(
        2026, 11, 30, 22, 15
    )


def test_strictly_after_the_due_instant() -> None:
    due = utc(2026, 11, 29, 6, 0)
    assert next_due(due, time(8, 0), "Africa/Tripoli") == due + timedelta(days=1)
    assert next_due(due - timedelta(microseconds=1), time(8, 0), "Africa/Tripoli") == due


def test_the_answer_is_utc_whatever_zone_after_is_given_in() -> None:
    after = datetime(2026, 11, 29, 9, 0, tzinfo=ZoneInfo("Africa/Tripoli"))  # 07:00 UTC
    due = next_due(after, time(8, 0), "Africa/Tripoli")
    assert due == utc(2026, 11, 30, 6, 0)
    assert due.utcoffset() == timedelta(0)


# --- next_due: DST in Paris (2026: forward 29 March, back 25 October, at 01:00 UTC) -----


def test_paris_spring_forward_a_time_inside_the_gap_comes_at_the_jump() -> None:
    # 02:30 never shows on 29 March: it becomes 03:30 CEST, i.e. 01:30 UTC.
    due = next_due(utc(2026, 3, 28, 12, 0), time(2, 30), "Europe/Paris")
    assert due == utc(2026, 3, 29, 1, 30)
    assert due.astimezone(ZoneInfo("Europe/Paris")).time() == time(3, 30)
    # And the day after, 02:30 is 02:30 CEST again.
    assert next_due(due, time(2, 30), "Europe/Paris") == utc(2026, 3, 30, 0, 30)


def test_paris_spring_forward_times_outside_the_gap() -> None:
    after = utc(2026, 3, 28, 12, 0)
    assert next_due(after, time(1, 59), "Europe/Paris") == utc(2026, 3, 29, 0, 59)  # CET
    assert next_due(after, time(3, 0), "Europe/Paris") == utc(2026, 3, 29, 1, 0)  # CEST
    assert next_due(after, time(8, 0), "Europe/Paris") == utc(2026, 3, 29, 6, 0)
    # The day before, still winter time.
    assert next_due(utc(2026, 3, 27, 12, 0), time(8, 0), "Europe/Paris") == utc(2026, 3, 28, 7, 0)


def test_paris_fall_back_takes_the_first_of_the_two() -> None:
    # 02:30 shows twice on 25 October: at 00:30 UTC (CEST) and at 01:30 UTC (CET).
    first = next_due(utc(2026, 10, 24, 12, 0), time(2, 30), "Europe/Paris")
    assert first == utc(2026, 10, 25, 0, 30)
    # Delivered at the first: the second 02:30 of the same night is not another occurrence.
    assert next_due(first, time(2, 30), "Europe/Paris") == utc(2026, 10, 26, 1, 30)
    # Even from between the two 02:30s.
    between = utc(2026, 10, 25, 1, 0)
    assert next_due(between, time(2, 30), "Europe/Paris") == utc(2026, 10, 26, 1, 30)
    # Outside the fold, the offset simply changes.
    assert next_due(utc(2026, 10, 24, 12, 0), time(8, 0), "Europe/Paris") == utc(2026, 10, 25, 7, 0)


# --- next_due: New York (2026: forward 8 March 02:00, back 1 November 02:00) ----------


def test_new_york_spring_forward() -> None:
    after = utc(2026, 3, 7, 20, 0)  # 15:00 EST on the 7th
    assert next_due(after, time(2, 30), "America/New_York") == utc(2026, 3, 8, 7, 30)  # 03:30 EDT
    assert next_due(after, time(1, 30), "America/New_York") == utc(2026, 3, 8, 6, 30)  # EST
    assert next_due(after, time(3, 0), "America/New_York") == utc(2026, 3, 8, 7, 0)  # EDT
    assert next_due(after, time(8, 0), "America/New_York") == utc(2026, 3, 8, 12, 0)
    # The morning before, 08:00 is still EST.
    assert next_due(utc(2026, 3, 7, 12, 0), time(8, 0), "America/New_York") == utc(
        2026, 3, 7, 13, 0
    )


def test_new_york_fall_back() -> None:
    after = utc(2026, 10, 31, 12, 0)
    first = next_due(after, time(1, 30), "America/New_York")
    assert first == utc(2026, 11, 1, 5, 30)  # 01:30 EDT, not 01:30 EST at 06:30 UTC
    assert next_due(first, time(1, 30), "America/New_York") == utc(2026, 11, 2, 6, 30)
    assert next_due(after, time(8, 0), "America/New_York") == utc(2026, 11, 1, 13, 0)  # EST
    # An evening time the day before the change is still daylight time.
    assert next_due(after, time(23, 0), "America/New_York") == utc(2026, 11, 1, 3, 0)


# --- next_due: either side of the date line --------------------------------------------


def test_a_subscriber_at_utc_plus_14() -> None:
    # 07:00 UTC on 29 November is 21:00 on the 29th in Kiritimati: 08:00 comes on the 30th,
    # which is still the 29th in UTC.
    for zone in ("Pacific/Kiritimati", "Etc/GMT-14"):
        assert next_due(utc(2026, 11, 29, 7, 0), time(8, 0), zone) == utc(2026, 11, 29, 18, 0)
        assert next_due(utc(2026, 11, 29, 18, 0), time(8, 0), zone) == utc(2026, 11, 30, 18, 0)


def test_a_subscriber_at_utc_minus_12() -> None:
    # 07:00 UTC on 29 November is 19:00 on the 28th at UTC-12.
    assert next_due(utc(2026, 11, 29, 7, 0), time(8, 0), "Etc/GMT+12") == utc(2026, 11, 29, 20, 0)
    # 20:00 is still to come on the 28th there, an hour later: 08:00 UTC on the 29th.
    assert next_due(utc(2026, 11, 29, 7, 0), time(20, 0), "Etc/GMT+12") == utc(2026, 11, 29, 8, 0)
    assert next_due(utc(2026, 11, 29, 7, 0), time(18, 0), "Etc/GMT+12") == utc(2026, 11, 30, 6, 0)


def test_the_two_sides_of_the_date_line_a_day_apart() -> None:
    after = utc(2026, 11, 29, 7, 0)
    east = next_due(after, time(8, 0), "Etc/GMT-14")
    west = next_due(after, time(8, 0), "Etc/GMT+12")
    # The same wall time on two local dates: 08:00 on the 30th east of the line comes two
    # hours before 08:00 on the 29th west of it.
    assert west - east == timedelta(hours=2)
    assert east.astimezone(ZoneInfo("Etc/GMT-14")).date() == date(2026, 11, 30)
    assert west.astimezone(ZoneInfo("Etc/GMT+12")).date() == date(2026, 11, 29)


# --- next_due: a property over zones, times and instants -------------------------------

ZONES = [
    "UTC",
    "Africa/Tripoli",
    "Europe/Paris",
    "Europe/London",
    "America/New_York",
    "America/Santiago",  # springs forward at midnight
    "America/Sao_Paulo",
    "Australia/Lord_Howe",  # a half-hour DST shift
    "Asia/Kolkata",
    "Asia/Tehran",
    "Pacific/Kiritimati",
    "Etc/GMT+12",
]


def exists(day: date, wanted: time, zone: ZoneInfo) -> bool:
    """Whether the wall time shows on that day in that zone (it does not in a DST gap)."""
    naive = datetime.combine(day, wanted)
    back = naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return back.replace(tzinfo=None) == naive


@cache
def transitions(zone_name: str) -> list[datetime]:
    """The instants (to the minute) when the zone's offset changed, 2000 to 2037."""
    zone = ZoneInfo(zone_name)
    found = []
    moment = datetime(2000, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset()
    while moment.year < 2038:
        following = moment + timedelta(days=1)
        if following.astimezone(zone).utcoffset() != offset:
            low, high = moment, following
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            found.append(high.replace(second=0, microsecond=0))
            offset = following.astimezone(zone).utcoffset()
        moment = following
    return found


@st.composite
def schedule_cases(draw: st.DrawFn) -> tuple[datetime, time, str]:
    """An instant, a wall time and a zone; half the time close to one of the zone's DST changes.

    Uniform draws almost never land in a gap or a fold: these do, from the day before the
    change to hours after it, with wall times around the hour that is skipped or repeated.
    """
    zone_name = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(zone_name)
    changes = transitions(zone_name)
    if changes and draw(st.booleans()):
        change = draw(st.sampled_from(changes))
        after = change + timedelta(seconds=draw(st.integers(-30 * 3600, 6 * 3600)))
        after = after.astimezone(draw(st.sampled_from([UTC, zone])))
        around = datetime.combine(date(2000, 1, 1), change.astimezone(zone).time())
        wanted = (around + timedelta(minutes=draw(st.integers(-150, 150)))).time()
        return after, wanted, zone_name
    after = draw(
        st.datetimes(
            min_value=datetime(2000, 1, 1),
            max_value=datetime(2037, 12, 31),
            timezones=st.sampled_from([UTC, *(ZoneInfo(z) for z in ZONES)]),
        )
    )
    wanted = draw(st.times()).replace(second=0, microsecond=0, fold=0)
    return after, wanted, zone_name


@settings(max_examples=400, deadline=None)
@given(schedule_cases())
def test_next_due_property(case: tuple[datetime, time, str]) -> None:
    after, wanted, zone_name = case
    zone = ZoneInfo(zone_name)
    due = next_due(after, wanted, zone_name)
    assert due > after
    assert due - after <= timedelta(hours=25)
    local = due.astimezone(zone)
    if exists(local.date(), wanted, zone):
        # Away from a gap the subscriber's clock shows exactly the time they chose,
        # and in a fold it is the first of the two.
        assert local.time() == wanted
        assert local.fold == 0
    else:
        # In a gap: as late as the jump, never earlier than the wall time asked for.
        naive = datetime.combine(local.date(), wanted)
        assert local.replace(tzinfo=None) > naive
        assert local.replace(tzinfo=None) - naive <= timedelta(hours=1)
    # The first such instant: the day before's occurrence was not after `after`.
    previous_day = local.date() - timedelta(days=1)
    previous = datetime.combine(previous_day, wanted).replace(tzinfo=zone).astimezone(UTC)
    assert previous <= after

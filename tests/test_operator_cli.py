"""`libya-brief sources ...` and `libya-brief ingest ...`, run as the installed console script.

Each run is a subprocess over a database in tmp_path, fetching from a fake news site on
127.0.0.1. A sitecustomize on its PYTHONPATH makes every other host name fail to resolve
without a query leaving the machine, and notes the names asked for.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.operator import NO_SOURCES
from tests.fakes.news_site import NewsSite, news_site

REPO = Path(__file__).resolve().parent.parent
FEEDS = REPO / "tests" / "fixtures" / "feeds"
OFFLINE = REPO / "tests" / "fixtures" / "ingest" / "offline"
SCRIPT = Path(sys.executable).parent / "libya-brief"
RSS2_NAME = "ليبيا اليوم - الشؤون الدبلوماسية"
SEED_SOURCE = 1  # the seed page's outlet, made when the seeds load, before any command


@dataclass
class Result:
    code: int
    out: list[str]
    err: list[str]


@dataclass
class Cli:
    """The console script with its own database, as an operator would run it."""

    tmp: Path
    env: dict[str, str]

    def __call__(self, *args: str, **env: str) -> Result:
        done = subprocess.run(
            [str(SCRIPT), *args],
            cwd=self.tmp,  # no .env from the repository or elsewhere
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert "Traceback" not in done.stderr, done.stderr
        return Result(done.returncode, done.stdout.splitlines(), done.stderr.splitlines())

    def ok(self, *args: str) -> list[str]:
        result = self(*args)
        assert (result.code, result.err) == (0, []), result
        return result.out

    def fails(self, *args: str, **env: str) -> str:
        """The one line of a refused command."""
        result = self(*args, **env)
        assert result.code == 1, result
        assert len(result.err) == 1, result.err
        return result.err[0]

    def names_asked(self) -> list[str]:
        log = self.tmp / "dns.log"
        return log.read_text("utf-8").split() if log.exists() else []


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    assert SCRIPT.is_file(), "the project must be installed (pip install -e .)"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DATABASE_PATH": str(tmp_path / "data" / "cli.db"),
        "HEARTBEAT_PATH": str(tmp_path / "data" / "heartbeat"),
        "ALLOW_PRIVATE_SOURCES": "true",
        "DEFAULT_SOURCES": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(OFFLINE),
        "OFFLINE_LOG": str(tmp_path / "dns.log"),
    }
    return Cli(tmp_path, env)


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with news_site() as running:
        running.route("/rss2.xml", (FEEDS / "rss2.xml").read_bytes(), content_type="text/xml")
        yield running


def test_the_subprocesses_resolve_no_names(cli: Cli) -> None:
    result = cli("sources", "add", "https://libya-today.example.ly/feed/")
    assert (result.code, result.err) == (1, ["libya-brief: could not fetch it: dns"])
    assert cli.names_asked() == ["libya-today.example.ly"]


def test_sources_are_added_listed_paused_resumed_fetched_and_removed(
    cli: Cli, site: NewsSite
) -> None:
    url = site.url("/rss2.xml")
    assert cli.ok("sources", "list") == [
        "No sources yet. Add one with: libya-brief sources add URL [NAME...]"
    ]
    assert cli.ok("sources", "add", url) == [
        f"added source 2: {RSS2_NAME} (feed)",
        f"2. {RSS2_NAME}: 3 items, 3 new, 3 about Libya",
    ]
    assert site.hits("/rss2.xml") == 1
    listed = cli.ok("sources", "list")
    assert len(listed) == 2
    source_id, state, kind, items, last, name = listed[0].split("\t")
    assert (source_id, state, kind, items, name) == ("2", "ok", "feed", "3 items", RSS2_NAME)
    assert last.startswith("20") and last != "never"
    assert listed[1] == f"\t{url}"

    assert cli.ok("sources", "pause", "2") == [f"source 2 ({RSS2_NAME}): paused"]
    assert cli.ok("sources", "list")[0].split("\t")[1] == "paused"
    assert cli.ok("ingest") == []  # a paused source is not fetched with the others
    assert site.hits("/rss2.xml") == 1
    assert cli.ok("sources", "resume", "2") == [f"source 2 ({RSS2_NAME}): ok"]
    assert cli.ok("sources", "list")[0].split("\t")[1] == "ok"

    assert cli.ok("ingest", "--source", "2") == [f"2. {RSS2_NAME}: 3 items, 0 new, 0 about Libya"]
    assert cli.ok("ingest", "--source", url) == [f"2. {RSS2_NAME}: 3 items, 0 new, 0 about Libya"]
    assert site.hits("/rss2.xml") == 3

    assert cli.ok("sources", "remove", url) == [f"source 2 ({RSS2_NAME}): removed"]
    assert cli.ok("sources", "list") == [NO_SOURCES]
    assert cli.fails("ingest", "--source", "2") == "libya-brief: no source 2"
    # Added again, it is the same source, and its stories are not stored twice.
    assert cli.ok("sources", "add", url, "Libya", "Today") == [
        "added source 2: Libya Today (feed)",
        "2. Libya Today: 3 items, 0 new, 0 about Libya",
    ]
    # The seed page's outlet is not a source an operator manages.
    assert (
        cli.fails("sources", "pause", str(SEED_SOURCE)) == f"libya-brief: no source {SEED_SOURCE}"
    )


def test_a_password_in_a_source_url_is_never_printed(cli: Cli, site: NewsSite) -> None:
    url = site.url("/rss2.xml").replace("http://", "http://reader:s3cr3t-pw@")
    added = cli.ok("sources", "add", url)
    assert added[0] == f"added source 2: {RSS2_NAME} (feed)"
    listed = cli.ok("sources", "list")
    assert listed[1] == "\t" + site.url("/rss2.xml").replace("http://", "http://***@")
    assert "s3cr3t" not in "\n".join(added + listed)
    assert cli.ok("ingest", "--source", "2")[0].startswith(f"2. {RSS2_NAME}: 3 items")


def test_ingest_reports_failures_and_exits_1_when_every_source_failed(
    cli: Cli, site: NewsSite
) -> None:
    cli.ok("sources", "add", site.url("/rss2.xml"))
    site.route("/rss2.xml", "down", status=500)
    result = cli("ingest")
    assert result.code == 1
    assert result.out == [
        f"2. {RSS2_NAME}: failed, 127.0.0.1 answered HTTP 500 Internal Server Error."
    ]
    listed = cli.ok("sources", "list")
    assert listed[0].split("\t")[1] == (
        "failing (1 failures: 127.0.0.1 answered HTTP 500 Internal Server Error.)"
    )


def test_a_saved_feed_is_ingested_once(cli: Cli) -> None:
    feed = FEEDS / "rss2.xml"
    assert cli.ok("ingest", "--file", str(feed)) == ["2. rss2.xml: 3 items, 3 new, 3 about Libya"]
    assert cli.ok("ingest", "--file", str(feed)) == ["2. rss2.xml: 3 items, 0 new, 0 about Libya"]
    # Files are not sources to list, fetch or manage.
    assert cli.ok("sources", "list") == [NO_SOURCES]
    assert cli.ok("ingest") == []
    assert cli.fails("sources", "remove", "2") == "libya-brief: no source 2"
    # Its entries are short, so their article pages were looked for (and not reached: no
    # name resolves); the second run looked for none, the entries being stored already.
    assert cli.names_asked() == ["libya-today.example.ly"] * 3


def test_a_saved_feed_can_be_ingested_as_a_listed_source(cli: Cli, site: NewsSite) -> None:
    cli.ok("sources", "add", site.url("/rss2.xml"))
    assert cli.ok("ingest", "--file", str(FEEDS / "atom.xml"), "--source", "2") == [
        f"2. {RSS2_NAME}: 2 items, 2 new, 2 about Libya"
    ]
    listed = cli.ok("sources", "list")
    assert listed[0].split("\t")[3] == "5 items"
    # A saved page is not what a feed source serves.
    page = REPO / "tests" / "fixtures" / "pages" / "article.html"
    assert cli.fails("ingest", "--file", str(page), "--source", "2") == (
        "libya-brief: that address is neither a feed nor a page with articles"
    )
    assert cli.ok("sources", "list")[0].split("\t")[1:4] == ["ok", "feed", "5 items"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ingest", "--source", "99"), "libya-brief: no source 99"),
        (("sources", "pause", "99"), "libya-brief: no source 99"),
        (("sources", "resume", "https://nowhere.test/feed"), "libya-brief: no source "
         "https://nowhere.test/feed"),
        (("sources", "remove", "7"), "libya-brief: no source 7"),
        (("ingest", "--file", "missing.xml"), "libya-brief: no such file missing.xml"),
        (("sources", "add", "ftp://x"), "libya-brief: only http and https addresses can be "
         "sources"),
        (("sources", "add", "not a url"), "libya-brief: only http and https addresses can be "
         "sources"),
        (("sources", "add", "libyaobserver.ly/rss"), "libya-brief: only http and https "
         "addresses can be sources; try: libya-brief sources add https://libyaobserver.ly/rss"),
    ],
)  # fmt: skip
def test_errors_exit_1_with_one_line(cli: Cli, args: tuple[str, ...], message: str) -> None:
    assert cli.fails(*args) == message
    assert cli.names_asked() == []


def test_sources_that_cannot_be_added_are_explained(cli: Cli, site: NewsSite) -> None:
    url = site.url("/rss2.xml")
    cli.ok("sources", "add", url)
    assert cli.fails("sources", "add", url) == "libya-brief: already listed as source 2"
    site.route("/broken", "no", status=503)
    assert cli.fails("sources", "add", site.url("/broken")) == (
        "libya-brief: could not fetch it: http (HTTP 503)"
    )
    site.route("/empty", b"", content_type="application/rss+xml")
    assert cli.fails("sources", "add", site.url("/empty")) == (
        "libya-brief: that address is neither a feed nor a page with articles"
    )
    assert [line.split("\t")[0] for line in cli.ok("sources", "list")[::2]] == ["2"]


def test_this_machine_is_refused_unless_private_sources_are_allowed(
    cli: Cli, site: NewsSite
) -> None:
    for setting in ("false", ""):
        message = cli.fails("sources", "add", site.url("/rss2.xml"), ALLOW_PRIVATE_SOURCES=setting)
        assert message == "libya-brief: could not fetch it: blocked"
    assert site.requests == []  # refused before connecting
    assert cli.ok("sources", "list") == [NO_SOURCES]

"""The documentation stays true: every command it shows runs, and it names every command.

In the spirit of sqlite-utils' test_docs.py. Each shell command in a fenced `sh` block of
README.md and docs/*.md runs, in the order written, in a temporary copy of the checkout
(its entries linked, its own `data/`), offline: TRANSLATOR=none, the database in the
temporary folder, and a sitecustomize that resolves no host name. It must exit 0 without
a traceback. The few that cannot run here as written are checked another way, each
said below: installing (the venv is this one), the whole test suite and the benchmark
(their options, by `--help`), the linters (the same as tests/test_architecture.py
runs), `libya-brief run` (against the fake Bot API, then SIGTERM) and Docker (the image
name and the settings passed to it). Then the tables: every CLI subcommand and option,
every bot command and every setting is documented, and nothing that does not exist is.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from telegram.ext import CommandHandler

from bot.cli import parser
from bot.config import Settings
from bot.core import Core
from bot.tg.app import build_application
from bot.tg.fake_api import FakeBotApi
from tests import test_architecture
from tests.conftest import REPO, TOKEN
from tests.fakes.bot_api_server import serve

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
OFFLINE = REPO / "tests" / "fixtures" / "ingest" / "offline"
DEV_CORPUS = REPO.parent / "shared" / "dev-corpus"
VENV = Path(sys.prefix)
FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>\w*)\n(?P<body>.*?)^(?P=indent)```", re.M | re.S)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class Command:
    """One shell command shown in a document, with where it is."""

    doc: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.doc.relative_to(REPO)}:{self.line}: {self.text}"


def shell_commands(doc: Path) -> list[Command]:
    """The commands of the `sh` blocks, a command continued by \\ or an open quote joined."""
    text = doc.read_text(encoding="utf-8")
    found: list[Command] = []
    for block in FENCE.finditer(text):
        if block["lang"] not in ("sh", "bash", "shell"):
            continue
        first = text.count("\n", 0, block.start("body")) + 1
        pending: list[str] = []
        start = first
        for number, raw in enumerate(block["body"].splitlines(), first):
            line = raw.removeprefix(block["indent"])
            if not pending:
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                start = number
            pending.append(line)
            joined = "\n".join(pending)
            if joined.endswith("\\") or not _complete(joined):
                continue
            found.append(Command(doc, start, joined))
            pending = []
        assert not pending, f"{doc.name}:{start}: unfinished command {pending}"
    return found


def _complete(command: str) -> bool:
    try:
        shlex.split(command, comments=True)
    except ValueError:  # an open quote: the command goes on
        return False
    return True


def words(command: str) -> list[str]:
    return shlex.split(command.replace("\\\n", " "), comments=True)


def segments(command: str) -> list[list[str]]:
    """The simple commands of an `a && b && c` line, each as words."""
    parts: list[list[str]] = [[]]
    for word in words(command):
        if word == "&&":
            parts.append([])
        else:
            parts[-1].append(word)
    return parts


# --- running them ---------------------------------------------------------------------------


@dataclass
class Checkout:
    """A temporary folder that looks like the checkout, for a reader following the docs."""

    root: Path
    env: dict[str, str]

    def run(self, command: str, **env: str) -> subprocess.CompletedProcess[str]:
        # /tmp/ in the docs is this test's own temporary folder.
        command = command.replace("/tmp/", f"{self.root.parent}/")
        done = subprocess.run(
            ["bash", "-c", "set -o pipefail\n" + command],
            cwd=self.root, env={**self.env, **env}, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        return done


@pytest.fixture
def checkout(tmp_path: Path) -> Checkout:
    root = tmp_path / "checkout"
    root.mkdir()
    for entry in REPO.iterdir():
        if entry.name not in (".venv", "data", ".env", ".git") and not entry.name.startswith(
            ".venv"
        ):
            (root / entry.name).symlink_to(entry)
    (root / ".venv").symlink_to(VENV)
    if DEV_CORPUS.is_dir():
        (tmp_path / "shared").mkdir()
        (tmp_path / "shared" / "dev-corpus").symlink_to(DEV_CORPUS)
    # As a running bot would have left it, for `libya-brief health`.
    (root / "data").mkdir()
    (root / "data" / "heartbeat").touch()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DATABASE_PATH": str(root / "data" / "libya_brief.db"),
        "TRANSLATOR": "none",
        "DEFAULT_SOURCES": "false",
        "PYTHONPATH": str(OFFLINE),  # no host name resolves
        "OFFLINE_LOG": str(tmp_path / "names-asked.log"),
    }
    return Checkout(root, env)


def install_check(argv: list[str]) -> None:
    """`pip install -e .` or `-e '.[extra]'`: this project, installed editable, has it."""
    assert argv[:3] == [".venv/bin/pip", "install", "-e"], argv
    [spec] = argv[3:]
    match = re.fullmatch(r"\.(?:\[(\w+)\])?", spec)
    assert match, f"installs {spec!r}, not this checkout"
    meta = importlib.metadata.metadata("libya-brief")
    if match[1]:
        assert match[1] in meta.get_all("Provides-Extra", []), f"no extra {match[1]!r}"


def options_check(checkout: Checkout, argv: list[str]) -> None:
    """A command too long to run here: its program answers --help and knows every option."""
    done = checkout.run(shlex.join([*argv, "--help"]))
    assert done.returncode == 0, done.stderr
    for option in (word for word in argv[1:] if word.startswith("-")):
        assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", done.stdout), (
            f"{shlex.join(argv)}: {option} is not an option"
        )


def lint_check(parts: list[list[str]]) -> None:
    """The linters the docs show are the ones tests/test_architecture.py runs."""
    marks = test_architecture.test_lint_and_types_are_clean.pytestmark
    [params] = [m for m in marks if m.name == "parametrize"]
    suite = [list(c) for c in params.args[1]]
    assert [[argv[0].removeprefix(".venv/bin/"), *argv[1:]] for argv in parts] == suite


def docker_check(checkout: Checkout, argv: list[str], settings: set[str]) -> None:
    """Docker is not run: the image is this checkout's, and it is given real settings."""
    assert argv[0] == "docker"
    if argv[1] == "build":
        assert argv[argv.index("-t") + 1] == "libya-brief"
        assert (checkout.root / argv[-1] / "Dockerfile").is_file()
    elif argv[1] == "run":
        assert argv[-1] == "libya-brief"
        passed = [argv[i + 1].split("=")[0] for i, word in enumerate(argv) if word == "-e"]
        assert passed and set(passed) <= settings, passed
        volumes = [argv[i + 1] for i, word in enumerate(argv) if word == "-v"]
        assert [v.split(":")[1] for v in volumes] == ["/data"]
        assert "DATABASE_PATH=/data/" in (REPO / "Dockerfile").read_text(encoding="utf-8")
    else:
        raise AssertionError(f"no check for {shlex.join(argv)}")


def bot_check(checkout: Checkout) -> None:
    """`libya-brief run` against the fake Bot API: it answers /start, then stops on SIGTERM."""
    api = FakeBotApi(token=TOKEN)
    with serve(api) as url:
        proc = subprocess.Popen(
            [str(checkout.root / ".venv" / "bin" / "libya-brief"), "run"],
            cwd=checkout.root, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**checkout.env, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": url},
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while not any(m == "getUpdates" for m, _ in api.calls):
                assert proc.poll() is None and time.monotonic() < deadline, "run did not poll"
                time.sleep(0.05)
            api.user_sends("/start")
            [welcome] = api.wait_for_outbox(1, timeout=30)
            assert "Libya Brief" in welcome.text
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err


def exercise(checkout: Checkout, command: Command) -> str:
    """Run or check one command; what was done, for the failure message."""
    parts = segments(command.text)
    programs = [argv[0] for argv in parts if argv]
    if programs[:1] == ["python3"] and parts[0] == ["python3", "-m", "venv", ".venv"]:
        # The install line: the venv is the one running this test; what follows runs.
        install_check(parts[1])
        rest = parts[2:]
        assert len(rest) == 1, command
        return exercise(checkout, replace(command, text=shlex.join(rest[0])))
    if any(p.endswith(("ruff", "mypy")) for p in programs):
        lint_check(parts)
        return "the linters of tests/test_architecture.py"
    argv = parts[0]
    if argv[0] == "docker":
        docker_check(checkout, argv, documented_settings())
        return "checked, not run"
    if argv[:3] in ([".venv/bin/python", "-m", "pytest"], [".venv/bin/python", "-m", "bench"]):
        options_check(checkout, argv)
        return "--help"
    if argv in ([".venv/bin/libya-brief", "run"],):
        bot_check(checkout)
        return "run against the fake Bot API"
    if argv[0] == "sqlite3" and shutil.which("sqlite3") is None:
        return "not run: no sqlite3 program here"
    if "../shared/dev-corpus" in argv and not DEV_CORPUS.is_dir():
        return "not run: no dev corpus beside the checkout"
    done = checkout.run(command.text)
    assert done.returncode == 0, f"{command}\nexit {done.returncode}\n{done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr, f"{command}\n{done.stderr[-2000:]}"
    return "run"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_command_shown_runs(checkout: Checkout, doc: Path) -> None:
    done = [f"{command}  ({exercise(checkout, command)})" for command in shell_commands(doc)]
    # Only the fixtures' made-up sites were looked up (none resolves here): nothing shown
    # reaches a real service, such as a translator, when run as the docs say.
    log = checkout.root.parent / "names-asked.log"
    asked = set(log.read_text(encoding="utf-8").split()) if log.exists() else set()
    assert {name for name in asked if not name.endswith(".example.ly")} == set()
    print("\n".join(done))


def test_the_readme_shows_the_commands_to_install_run_and_test_and_the_offline_chat() -> None:
    shown = [c.text for c in shell_commands(REPO / "README.md")]
    assert any(c.endswith("pip install -e . && .venv/bin/libya-brief") for c in shown)
    assert any(c.endswith("pip install -e '.[test]' && .venv/bin/python -m pytest") for c in shown)
    chats = [c for c in shown if "libya-brief chat" in c]
    assert chats and all("TRANSLATOR=none" in c for c in chats)


# --- what a broken command looks like -------------------------------------------------------


@pytest.mark.parametrize(
    "broken",
    [
        ".venv/bin/libya-brief chatter",  # a renamed subcommand
        ".venv/bin/libya-brief chat --language ar",  # a renamed option
        ".venv/bin/libya-brief sources list --all",
        "printf '/latest\\n' | .venv/bin/libya-brief chat --lang fr",  # fails inside a pipe
    ],
)
def test_a_command_that_stopped_working_fails(checkout: Checkout, broken: str) -> None:
    with pytest.raises(AssertionError):
        exercise(checkout, Command(REPO / "README.md", 1, broken))


def test_an_option_the_benchmark_lost_fails(checkout: Checkout) -> None:
    with pytest.raises(AssertionError, match="--fast is not an option"):
        exercise(checkout, Command(REPO / "README.md", 1, ".venv/bin/python -m bench --fast"))


def test_commands_are_read_whole_from_fenced_blocks(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "Text `not a command`.\n\n```sh\n# a comment\n.venv/bin/a one \\\n  two\n"
        '.venv/bin/b "x\n  y"\n```\n\n```\noutput, not run\n```\n\n'
        "1. In a list:\n\n   ```sh\n   echo indented\n   ```\n",
        encoding="utf-8",
    )
    assert [(c.line, c.text) for c in shell_commands(doc)] == [
        (5, ".venv/bin/a one \\\n  two"),
        (7, '.venv/bin/b "x\n  y"'),
        (18, "echo indented"),
    ]


# --- the tables name everything, and nothing else ---------------------------------------------


def table_rows(doc: Path, heading: str) -> list[str]:
    """The first cells of the tables under `heading`, up to the next heading of its level."""
    text = doc.read_text(encoding="utf-8")
    level = heading.split(" ")[0]
    start = text.index(f"\n{heading}\n")
    end = re.compile(rf"^{level} ", re.M).search(text, start + len(heading) + 2)
    section = text[start : end.start() if end else len(text)]
    return [
        re.split(r"(?<!\\)\|", line)[1].strip()
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith(("| Command |", "| Setting |"))
    ]


def documented_bot_commands(doc: Path, heading: str) -> set[str]:
    found: set[str] = set()
    for cell in table_rows(doc, heading):
        found |= {m for span in CODE_SPAN.findall(cell) for m in re.findall(r"^/(\w+)", span)}
    return found


def registered_bot_commands(settings: Settings, core: Core) -> set[str]:
    app = build_application(replace(settings, telegram_bot_token=TOKEN), core)
    return {
        name
        for handlers in app.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    }


@pytest.mark.parametrize(
    ("doc", "heading"), [("README.md", "## Commands"), ("docs/using.md", "## Bot commands")]
)
def test_every_bot_command_is_documented_and_every_documented_one_exists(
    settings: Settings, core: Core, doc: str, heading: str
) -> None:
    registered = registered_bot_commands(settings, core)
    assert {"start", "latest", "addsource", "admins"} <= registered
    assert documented_bot_commands(REPO / doc, heading) == registered


def cli_commands() -> dict[str, set[str]]:
    """Every subcommand (`sources add` and the like too) with its long options."""
    found: dict[str, set[str]] = {}

    def walk(action_parser: argparse.ArgumentParser, prefix: str) -> None:
        [subs] = [a for a in action_parser._actions if isinstance(a, argparse._SubParsersAction)]
        for name, sub in subs.choices.items():
            nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
            if nested:
                walk(sub, f"{prefix}{name} ")
                continue
            found[prefix + name] = {
                option
                for action in sub._actions
                for option in action.option_strings
                if option.startswith("--") and option != "--help"
            }

    walk(parser(), "")
    return found


def documented_cli_commands() -> dict[str, str]:
    """Each documented subcommand with the text of its rows in the command-line table."""
    rows: dict[str, str] = {}
    for cell in table_rows(REPO / "docs" / "operations.md", "## Command line"):
        span = CODE_SPAN.findall(cell)[0].replace("\\|", "|")
        head = span.split()
        assert head[0] == "libya-brief", span
        if len(head) == 1:
            continue  # libya-brief alone: run or chat
        names = [head[1]]
        if head[1] == "sources":
            names = [f"sources {action}" for action in head[2].split("|")]
        for name in names:
            rows[name] = rows.get(name, "") + " " + span
    return rows


def test_every_cli_command_and_option_is_documented_and_nothing_else() -> None:
    real, documented = cli_commands(), documented_cli_commands()
    assert {"run", "chat", "sources add", "ingest"} <= set(real)
    assert set(documented) == set(real)
    for name, options in real.items():
        missing = [o for o in options if not re.search(rf"{o}(?![\w-])", documented[name])]
        assert missing == [], f"libya-brief {name}: {missing} not in its row"
        shown = set(re.findall(r"--[\w-]+", documented[name]))
        assert shown <= options, f"libya-brief {name}: {shown - options} do not exist"


def documented_settings() -> set[str]:
    return {
        CODE_SPAN.findall(cell)[0]
        for cell in table_rows(REPO / "docs" / "operations.md", "## Settings")
    }


def test_every_setting_is_documented_and_nothing_else() -> None:
    source = (REPO / "bot" / "config.py").read_text(encoding="utf-8")
    read = set(re.findall(r'get\("([A-Z_]+)"\)', source))
    assert {"TELEGRAM_BOT_TOKEN", "TRANSLATOR", "DATABASE_PATH"} <= read
    assert documented_settings() == read


def test_libya_brief_commands_written_in_the_text_parse() -> None:
    """`libya-brief …` in running text (not run) still names real subcommands and options."""
    checked = 0
    for doc in DOCS:
        text = FENCE.sub("", doc.read_text(encoding="utf-8"))
        for span in CODE_SPAN.findall(text):
            argv = span.split()
            if argv[0].removeprefix(".venv/bin/") != "libya-brief" or re.search(r"[\[|…]", span):
                continue
            if "--help" in argv:  # `libya-brief COMMAND --help`: a pattern, not a command
                continue
            try:
                parser().parse_args(argv[1:])
            except SystemExit:
                pytest.fail(f"{doc.relative_to(REPO)}: `{span}` is not a valid command")
            checked += 1
    assert checked >= 5


# --- links -----------------------------------------------------------------------------------


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(doc: Path) -> set[str]:
    text = FENCE.sub("", doc.read_text(encoding="utf-8"))
    return {slug(m) for m in re.findall(r"^#{1,6} (.+)$", text, re.M)}


def test_every_link_between_the_documents_leads_somewhere() -> None:
    broken = []
    for doc in DOCS:
        for target in LINK.findall(FENCE.sub("", doc.read_text(encoding="utf-8"))):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            file = (doc.parent / path).resolve() if path else doc
            if not file.exists() or (anchor and anchor not in anchors(file)):
                broken.append(f"{doc.relative_to(REPO)}: {target}")
    assert broken == []


def test_the_readme_lists_every_document() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    contents = readme[: readme.index("## Quick start")]
    for doc in DOCS[1:]:
        assert f"]({doc.relative_to(REPO)})" in contents, doc.name

"""RESULTS.md: the command, the machine, and the figures with their targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Row:
    """One figure of the table."""

    figure: str
    size: str
    value: str
    floor: str = "—"
    ratio: str = "—"
    target: str = "—"
    passed: bool | None = None  # None: no target for this figure

    @property
    def result(self) -> str:
        """PASS, FAIL, or a dash where there is no target."""
        if self.passed is None:
            return "—"
        return "PASS" if self.passed else "**FAIL**"


@dataclass(slots=True)
class Results:
    """Everything RESULTS.md says."""

    command: str
    date: str
    machine: dict[str, str]
    rows: list[Row] = field(default_factory=list)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    duration: float = 0.0

    def add(self, row: Row) -> None:
        """Append a figure, and print it."""
        self.rows.append(row)
        print(f"  => {row.figure} [{row.size}]: {row.value} (target {row.target}) {row.result}")

    def section(self, title: str, lines: list[str]) -> None:
        """A titled block of notes under the table."""
        self.sections.append((title, lines))


def render(results: Results) -> str:
    """The Markdown text of RESULTS.md."""
    out = [
        "# Libya Brief benchmark results",
        "",
        f"Command: `{results.command}`  ",
        f"Date: {results.date}  ",
        f"Wall time of the run: {results.duration:.0f} s",
        "",
        "Machine:",
        "",
    ]
    out += [f"- {key}: {value}" for key, value in results.machine.items()]
    out += [
        "",
        "## Figures",
        "",
        "| Figure | Stories | Value | Floor | Ratio to floor | Target | Result |",
        "|---|---|---|---|---|---|---|",
    ]
    out += [
        f"| {r.figure} | {r.size} | {r.value} | {r.floor} | {r.ratio} | {r.target} | {r.result} |"
        for r in results.rows
    ]
    missed = [r for r in results.rows if r.passed is False]
    out += [
        "",
        f"Targets missed: {len(missed)} of {sum(r.passed is not None for r in results.rows)}.",
    ]
    for title, lines in results.sections:
        out += ["", f"## {title}", "", *lines]
    return "\n".join(out) + "\n"


NOTES = "<!-- Notes below this line are kept when the bench rewrites this file. -->"


def write(results: Results, path: Path) -> None:
    """Write RESULTS.md (or wherever --out says), keeping the notes under NOTES."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = ""
    if path.is_file():
        old = path.read_text(encoding="utf-8")
        if NOTES in old:
            kept = old[old.index(NOTES) :]
    text = render(results)
    path.write_text(text + ("\n" + kept if kept else ""), encoding="utf-8")

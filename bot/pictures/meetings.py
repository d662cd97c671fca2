"""Who met whom: people as points, a line per meeting or call, the most connected in the middle.

`layout` is the pure part (which people and lines are drawn, and where); `draw` paints it and
places the labels so that none covers another; `meetings_png` returns the PNG bytes.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.pictures.canvas import COLOURS, INK, MUTED, WIDTH, heading, new_figure, png_bytes
from bot.pictures.text import Language, font, shorten

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation
    from matplotlib.transforms import Bbox

Kind = Literal["meeting", "call"]

HEIGHT = 1080
MAX_PEOPLE = 10  # the most connected drawn; the rest are counted in a note
MAX_PER_PAIR = 3  # lines drawn between the same two people; more would be a smear
INNER = 5  # people on the inner ring when there are two rings
WIDE = 1.25  # rings are ellipses this much wider than tall: the picture has room across
NAME_LIMIT = 26  # characters of a name, on at most two lines
LINE_LIMIT = 15  # characters a name's line holds before it wraps
EDGE_LIMIT = 24  # characters of a line's place and date label
BEND = 0.22  # how far the second and third lines between a pair bow out, per unit of length
EDGE_SPOTS = (0.5, 0.38, 0.62, 0.28, 0.72)  # where along a line its label may sit, in turn
MEETING_COLOUR, CALL_COLOUR = COLOURS[0], COLOURS[1]
CALL_DASHES = (0.0, (3.0, 2.0))  # a call's line: dashed, told apart without colour too
AXES = (0.0, 0.1, 1.0, 0.78)  # the drawing's place in the figure (fractions)
HALF_HEIGHT = 1.3  # data units from the centre to the top of the drawing
NAME_TURNS = (0, 40, -40, 80, -80, 120, -120, 180)  # degrees off outward a name may turn


@dataclass(frozen=True, slots=True)
class Person:
    """A point: `key` is a stable id (an actor's id), `label` the name in the reader's language."""

    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Link:
    """One meeting or call between two people (by key), with its place and date when known."""

    a: str
    b: str
    kind: Kind
    place: str = ""  # in the reader's language; empty when unknown
    date: str = ""  # already formatted by the caller, e.g. "3/3"; empty when unknown

    @property
    def label(self) -> str:
        """What the line says: place and date, either, or nothing."""
        return " · ".join(part for part in (self.place, self.date) if part)


@dataclass(frozen=True, slots=True)
class MeetingMap:
    """What a meetings picture shows; every text already in the reader's language."""

    title: str
    people: tuple[Person, ...]
    links: tuple[Link, ...]
    language: Language
    meeting_label: str  # the legend's word for a meeting
    call_label: str  # the legend's word for a call
    omitted: str = ""  # said when people are left out; "{n}" is replaced by how many

    def __post_init__(self) -> None:
        keys = [person.key for person in self.people]
        if len(set(keys)) != len(keys):
            raise ValueError("two people share a key")
        for link in self.links:
            if link.a == link.b:
                raise ValueError(f"a link from {link.a!r} to itself")
            if link.a not in keys or link.b not in keys:
                raise ValueError(f"a link between unknown people: {link.a!r}, {link.b!r}")


@dataclass(frozen=True, slots=True)
class Point:
    """A person where the picture puts them, with how many links they have in all."""

    key: str
    label: str  # shortened and wrapped as drawn
    x: float
    y: float
    degree: int


@dataclass(frozen=True, slots=True)
class Line:
    """A link as drawn: `bend` 0 is straight; ± bows it to one side (a second or third link)."""

    link: Link
    bend: float


@dataclass(frozen=True, slots=True)
class Layout:
    """The people and lines drawn, most connected first, and how many were left out."""

    points: tuple[Point, ...]
    lines: tuple[Line, ...]
    people_left_out: int
    links_left_out: int


def wrap_name(label: str) -> str:
    """A name shortened, and split on two lines at the space nearest its middle when long."""
    label = shorten(label, NAME_LIMIT)
    if len(label) <= LINE_LIMIT or " " not in label:
        return label
    middle = len(label) / 2
    cut = min((i for i, ch in enumerate(label) if ch == " "), key=lambda i: abs(i - middle))
    return label[:cut] + "\n" + label[cut + 1 :]


def layout(meeting_map: MeetingMap, limit: int = MAX_PEOPLE) -> Layout:
    """Which people and lines the picture draws and where: the most connected at the centre.

    People are ranked by their number of links (ties: the caller's order); the first is drawn
    at (0, 0), the next on a ring around it, and past `INNER + 1` people the rest on an outer
    ring, each near the inner-ring people it met, so few lines cross.
    """
    degree: Counter[str] = Counter()
    for link in meeting_map.links:
        degree[link.a] += 1
        degree[link.b] += 1
    order = {person.key: i for i, person in enumerate(meeting_map.people)}
    ranked = sorted(
        (person for person in meeting_map.people if degree[person.key]),
        key=lambda person: (-degree[person.key], order[person.key]),
    )
    kept = ranked[:limit]
    kept_keys = {person.key for person in kept}
    lines: list[Line] = []
    per_pair: Counter[frozenset[str]] = Counter()
    for link in meeting_map.links:
        pair = frozenset((link.a, link.b))
        if link.a in kept_keys and link.b in kept_keys and per_pair[pair] < MAX_PER_PAIR:
            nth = per_pair[pair]
            per_pair[pair] += 1
            # Bow every second and third line the same way whichever end the caller named first.
            side = 1 if link.a < link.b else -1
            lines.append(Line(link, (0.0, BEND, -BEND)[nth] * side))
    angles = _angles([p.key for p in kept], lines)
    rings = _radii(len(kept))
    points = tuple(
        Point(
            person.key, wrap_name(person.label),
            round(WIDE * rings[i] * math.cos(angles[i]), 4),
            round(rings[i] * math.sin(angles[i]), 4),
            degree[person.key],
        )
        for i, person in enumerate(kept)
    )  # fmt: skip
    left_out = len(meeting_map.links) - len(lines)
    return Layout(points, tuple(lines), len(ranked) - len(kept), left_out)


def _radii(count: int) -> list[float]:
    """The distance from the centre of each ranked person: 0, then the inner and outer rings."""
    if count <= INNER + 2:  # one ring holds up to six around the centre
        return [0.0] + [0.85] * (count - 1)
    return [0.0] + [0.55] * INNER + [1.05] * (count - 1 - INNER)


def _angles(keys: list[str], lines: list[Line]) -> list[float]:
    """The angle (radians) of each ranked person around the centre."""
    count = len(keys)
    angles = [0.0] * count
    inner_count = count - 1 if count <= INNER + 2 else INNER
    for i in range(inner_count):  # clockwise from the top
        angles[1 + i] = math.pi / 2 - 2 * math.pi * i / inner_count
    outer = list(range(1 + inner_count, count))
    if not outer:
        return angles
    index = {key: i for i, key in enumerate(keys)}
    wanted: dict[int, float | None] = {}
    for i in outer:
        near = [
            angles[index[other]]
            for line in lines
            for mine, other in ((line.link.a, line.link.b), (line.link.b, line.link.a))
            if mine == keys[i] and 1 <= index[other] <= inner_count
        ]
        wanted[i] = math.atan2(sum(map(math.sin, near)), sum(map(math.cos, near))) if near else None
    # Those with an inner-ring neighbour in the order of its angle, then the rest by rank.
    placed = sorted((i for i in outer if wanted[i] is not None), key=lambda i: -(wanted[i] or 0))
    placed += [i for i in outer if wanted[i] is None]
    slots = [math.pi / 2 - 2 * math.pi * (j + 0.5) / len(outer) for j in range(len(outer))]

    def miss(turn: int) -> float:
        total = 0.0
        for j, i in enumerate(placed):
            target = wanted[i]
            if target is not None:
                slot = slots[(j + turn) % len(slots)]
                total += abs(math.atan2(math.sin(slot - target), math.cos(slot - target)))
        return total

    turn = min(range(len(slots)), key=miss)
    for j, i in enumerate(placed):
        angles[i] = slots[(j + turn) % len(slots)]
    return angles


def curve(ax: float, ay: float, bx: float, by: float, bend: float, t: float) -> tuple[float, float]:
    """The point at `t` (0..1) of the line from a to b, bowed by `bend` times its length."""
    mx, my = (ax + bx) / 2, (ay + by) / 2
    cx, cy = mx - bend * (by - ay), my + bend * (bx - ax)  # the control point, to one side
    u = 1 - t
    return u * u * ax + 2 * u * t * cx + t * t * bx, u * u * ay + 2 * u * t * cy + t * t * by


@dataclass(frozen=True, slots=True)
class Drawing:
    """A painted meetings figure, and where its labels ended up (display pixels)."""

    figure: Figure
    name_boxes: tuple[Bbox, ...]
    edge_boxes: tuple[Bbox, ...]
    edge_labels_dropped: int


def meetings_png(meeting_map: MeetingMap) -> bytes:
    """The meetings picture as PNG bytes (see `draw`)."""
    return png_bytes(draw(meeting_map).figure)


def draw(meeting_map: MeetingMap, limit: int = MAX_PEOPLE) -> Drawing:
    """Paint the layout: points, lines (calls dashed), names away from the lines, edge labels.

    A line's place-and-date label is tried at a few spots along it and left off when each
    would cover a name or another label; the caption's text list carries every meeting.
    """
    if not meeting_map.links:
        raise ValueError("a meetings picture needs at least one link")
    language = meeting_map.language
    plan = layout(meeting_map, limit)
    figure = new_figure(WIDTH, HEIGHT)
    heading(figure, meeting_map.title, language)
    axes = figure.add_axes(AXES)
    # Equal units across and up: the x range follows from the axes' shape in pixels.
    half_width = HALF_HEIGHT * (AXES[2] * WIDTH) / (AXES[3] * HEIGHT)
    axes.set_xlim(-half_width, half_width)
    axes.set_ylim(-HALF_HEIGHT, HALF_HEIGHT)
    axes.set_axis_off()
    where = {point.key: point for point in plan.points}
    trail: list[tuple[float, float]] = []  # points along every line, in pixels
    for line in plan.lines:
        a, b = where[line.link.a], where[line.link.b]
        xy = [curve(a.x, a.y, b.x, b.y, line.bend, k / 24) for k in range(25)]
        trail += [(float(x), float(y)) for x, y in axes.transData.transform(xy)]
        call = line.link.kind == "call"
        axes.plot(
            [x for x, _ in xy], [y for _, y in xy],
            color=CALL_COLOUR if call else MEETING_COLOUR, linewidth=3.5,
            linestyle=CALL_DASHES if call else "-", solid_capstyle="round", zorder=1,
        )  # fmt: skip
    top = max(point.degree for point in plan.points)
    for point in plan.points:
        size = 16 + 14 * point.degree / top
        axes.plot(point.x, point.y, "o", color=INK, markersize=size, zorder=3)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = axes.get_window_extent(renderer)
    dots = [_dot(axes, point) for point in plan.points]
    names: list[Bbox] = []
    for i, point in enumerate(plan.points):
        others = dots[:i] + dots[i + 1 :] + names
        names.append(_name(axes, renderer, point, language, others, frame, trail))
    taken = names + dots
    edge_boxes: list[Bbox] = []
    dropped = 0
    for line in plan.lines:
        text = shorten(line.link.label, EDGE_LIMIT)
        if not text:
            continue
        box = _edge_label(axes, renderer, line, where, text, language, taken)
        if box is None:
            dropped += 1
        else:
            taken.append(box)
            edge_boxes.append(box)
    _legend(figure, meeting_map, plan)
    return Drawing(figure, tuple(names), tuple(edge_boxes), dropped)


def _name(
    axes: Axes,
    renderer: RendererBase,
    point: Point,
    language: Language,
    taken: list[Bbox],
    frame: Bbox,
    trail: list[tuple[float, float]],
) -> Bbox:
    """Put a person's name beside their point; the box it covers.

    The name goes on the side away from the centre unless that covers another name or dot
    or leaves the picture; among the sides that fit, the one crossing the fewest lines wins.
    """
    outward = -math.pi / 2 if (point.x, point.y) == (0, 0) else math.atan2(point.y, point.x)
    label = axes.annotate(
        point.label, (point.x, point.y), xytext=(0, 0), textcoords="offset points",
        color=INK, fontproperties=font(21, language), zorder=5, multialignment="center",
        linespacing=0.8 if language == "ar" else 1.0, parse_math=False,
        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
              "alpha": 0.85},
    )  # fmt: skip
    best: tuple[int, int, int, int] | None = None  # (outside, covered, lines crossed, rank)
    for rank, turn in enumerate(NAME_TURNS):
        box = _turn_name(label, renderer, outward + math.radians(turn))
        outside = not (frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1))
        covered = sum(box.overlaps(other) for other in taken)
        crossings = sum(box.contains(x, y) for x, y in trail)
        score = (int(outside), covered, crossings, rank)
        if best is None or score < best:
            best = score
        if score[:3] == (0, 0, 0):
            break
    # The first side that is free of everything, else the one that covers least.
    turn = NAME_TURNS[best[3]] if best is not None else 0
    return _turn_name(label, renderer, outward + math.radians(turn))


def _turn_name(label: Annotation, renderer: RendererBase, angle: float) -> Bbox:
    """Move a name to the side at `angle` from its point; the box it then covers."""
    dx, dy = math.cos(angle), math.sin(angle)
    label.set_horizontalalignment("left" if dx > 0.35 else "right" if dx < -0.35 else "center")
    label.set_verticalalignment("bottom" if dy > 0.35 else "top" if dy < -0.35 else "center")
    label.xyann = (dx * 20, dy * 20)
    return label.get_window_extent(renderer).expanded(1.04, 1.1)


def _dot(axes: Axes, point: Point) -> Bbox:
    """The pixels a point's dot covers, so no edge label sits on it."""
    from matplotlib.transforms import Bbox

    x, y = axes.transData.transform((point.x, point.y))
    r = 22.0  # the largest dot's radius in pixels, and a margin
    return Bbox.from_extents(x - r, y - r, x + r, y + r)


def _edge_label(
    axes: Axes,
    renderer: RendererBase,
    line: Line,
    where: dict[str, Point],
    text: str,
    language: Language,
    taken: list[Bbox],
) -> Bbox | None:
    """Put a line's label at the first spot along it that covers nothing; its box, or None."""
    a, b = where[line.link.a], where[line.link.b]
    label = axes.text(
        0, 0, text, ha="center", va="center", color=INK, fontproperties=font(16, language),
        zorder=4, parse_math=False,
        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"},
    )  # fmt: skip
    for spot in EDGE_SPOTS:
        label.set_position(curve(a.x, a.y, b.x, b.y, line.bend, spot))
        box = label.get_window_extent(renderer).expanded(1.06, 1.25)
        if not any(box.overlaps(other) for other in taken):
            return box
    label.remove()
    return None


def _legend(figure: Figure, meeting_map: MeetingMap, plan: Layout) -> None:
    """What a solid and a dashed line mean, and how many people were left out."""
    from matplotlib.lines import Line2D

    language = meeting_map.language
    rtl = language == "ar"
    kinds = {line.link.kind for line in plan.lines}
    handles = []
    if "meeting" in kinds:
        handles.append(
            Line2D([], [], color=MEETING_COLOUR, linewidth=3.5, label=meeting_map.meeting_label)
        )
    if "call" in kinds:
        dashed = Line2D([], [], color=CALL_COLOUR, linewidth=3.5, linestyle=CALL_DASHES)
        dashed.set_label(meeting_map.call_label)
        handles.append(dashed)
    legend = figure.legend(
        handles=handles, loc="lower right" if rtl else "lower left",
        bbox_to_anchor=(0.96 if rtl else 0.04, 0.03), ncols=2, frameon=False,
        prop=font(20, language), markerfirst=not rtl, labelcolor=INK, handlelength=2.5,
    )  # fmt: skip
    for text in legend.get_texts():
        text.set_parse_math(False)
    if plan.people_left_out and meeting_map.omitted:
        note = meeting_map.omitted.replace("{n}", str(plan.people_left_out))
        figure.text(
            0.04 if rtl else 0.96, 0.045, shorten(note, 50), ha="left" if rtl else "right",
            va="bottom", color=MUTED, fontproperties=font(17, language), parse_math=False,
        )  # fmt: skip

"""A figure of a fixed pixel size drawn by Agg, and its PNG bytes without metadata that varies."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from bot.pictures.text import Language, font, shorten

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DPI = 100  # fixed, so a figure of W x H pixels is W/100 x H/100 inches everywhere
WIDTH = 1080  # pixels: a phone's screen width, what Telegram shows without scaling up
INK = "#1f2933"  # text and axes
MUTED = "#6b7280"  # notes, grid labels
GRID = "#e5e7eb"
# Okabe-Ito colours: told apart by colour-blind readers; past five, dashes tell lines apart.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
TITLE_LIMIT = 48  # characters of a title
MARGIN = 54  # pixels from the side where titles and notes start


def new_figure(width: int, height: int) -> Figure:
    """An empty white figure of width x height pixels on an Agg canvas (no pyplot, no globals)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    return figure


def png_bytes(figure: Figure) -> bytes:
    """The figure as PNG bytes, the same bytes for the same drawing (no Software or date)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def side(language: Language) -> tuple[float, str]:
    """Where lines of text start (figure fraction) and how they align: right in Arabic."""
    return (1 - MARGIN / WIDTH, "right") if language == "ar" else (MARGIN / WIDTH, "left")


def heading(figure: Figure, title: str, language: Language) -> None:
    """The picture's title across its top, from the reader's side."""
    x, align = side(language)
    figure.text(
        x, 1 - 30 / figure.bbox.height, shorten(title, TITLE_LIMIT), ha=align, va="top",
        color=INK, fontproperties=font(32, language), parse_math=False,
    )  # fmt: skip

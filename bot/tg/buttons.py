"""Pieces of inline keyboards: rows of buttons, labels, and the numbers a button carries."""

from __future__ import annotations

from telegram import InlineKeyboardButton


def rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    """The buttons, `width` to a row."""
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def label(text: str) -> str:
    """A button's label, cut to what Telegram shows."""
    # Button labels are plain text, and Telegram cuts them anyway past ~64 characters.
    return text[:60]


def small_number(number: str) -> bool:
    """Whether a button's number is digits that fit the database's integers."""
    # A forged button's number past SQLite's 64-bit integers would raise, not answer.
    return number.isdecimal() and len(number) <= 9

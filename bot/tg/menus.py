"""The command menus Telegram shows: public ones for everyone, admin ones only to admins."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.tg.commands import help_entries
from bot.tg.i18n import Lang, t

log = logging.getLogger(__name__)

ADMIN_COMMANDS = (
    "addsource", "sources", "removesource", "pausesource", "resumesource", "fetchnow", "admins",
)  # fmt: skip
LANGS: tuple[Lang, ...] = ("en", "ar")


def public_commands(lang: Lang) -> list[BotCommand]:
    """The menu everyone sees."""
    return [BotCommand(name, t(lang, f"menu_{name}")) for name, _, _ in help_entries(lang)]


def admin_commands(lang: Lang) -> list[BotCommand]:
    """The menu admins see: the public commands, then theirs."""
    return public_commands(lang) + [BotCommand(n, t(lang, f"menu_{n}")) for n in ADMIN_COMMANDS]


async def register_menus(bot: Bot, admin_ids: list[int]) -> None:
    """Public menus in English (default) and Arabic, and each admin's own menu."""
    for lang in LANGS:
        await bot.set_my_commands(
            public_commands(lang), language_code=None if lang == "en" else "ar"
        )
    for user_id in admin_ids:
        await set_admin_menu(bot, user_id)


async def set_admin_menu(bot: Bot, user_id: int) -> None:
    """Show the admin commands in this admin's private chat with the bot."""
    try:
        for lang in LANGS:
            await bot.set_my_commands(
                admin_commands(lang),
                scope=BotCommandScopeChat(user_id),
                language_code=None if lang == "en" else "ar",
            )
    except TelegramError as exc:
        # An admin who never opened a chat with the bot has no chat to scope to yet.
        log.warning("no admin menu for %s yet: %s", user_id, exc)


async def clear_admin_menu(bot: Bot, user_id: int) -> None:
    """Back to the public menu for someone who is no longer an admin."""
    try:
        for lang in LANGS:
            await bot.delete_my_commands(
                scope=BotCommandScopeChat(user_id), language_code=None if lang == "en" else "ar"
            )
    except TelegramError as exc:
        log.warning("could not clear the admin menu of %s: %s", user_id, exc)

"""English forms of Arabic stories and names, over deep-translator, cached in SQLite.

`service` is what the bot uses; `providers` the translators; `wire` gives deep-translator's
requests time limits; `pieces` cuts long texts; `base` holds what they share.
"""

from bot.translate.base import CircuitOpen, TranslationFailed, Translator
from bot.translate.pieces import split_text
from bot.translate.providers import PROVIDERS, DeepTranslator, make_translator
from bot.translate.service import PAGE_WAIT, TranslationService

__all__ = [
    "PAGE_WAIT",
    "PROVIDERS",
    "CircuitOpen",
    "DeepTranslator",
    "TranslationFailed",
    "TranslationService",
    "Translator",
    "make_translator",
    "split_text",
]

"""The Telegram edge: the only package that imports python-telegram-bot."""

"""The pure Arabic text core: no I/O, no Telegram, no storage."""

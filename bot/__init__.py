"""Libya Brief: a Telegram bot that briefs its subscribers on Libyan diplomacy."""

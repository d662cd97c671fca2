# Libya Brief: the Telegram bot, run with long polling (or a webhook when WEBHOOK_URL is set).
#   docker build -t libya-brief .
#   docker run -d --name libya-brief -e TELEGRAM_BOT_TOKEN=... -v libya-brief-data:/data libya-brief
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The bot runs as this unprivileged user; /data (database and heartbeat) belongs to it.
RUN groupadd --system --gid 10001 libyabrief \
    && useradd --system --uid 10001 --gid libyabrief --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin libyabrief \
    && mkdir -p /data \
    && chown libyabrief:libyabrief /data

WORKDIR /app

# Editable install: the package stays in /app, so the seeds are found at /app/seeds,
# next to the bot package, which is also where SEEDS_DIR points below.
COPY pyproject.toml README.md ./
COPY bot/ bot/
COPY storage/ storage/
COPY seeds/ seeds/
RUN pip install --no-cache-dir -e .

ENV DATABASE_PATH=/data/libya_brief.db \
    HEARTBEAT_PATH=/data/heartbeat \
    SEEDS_DIR=/app/seeds

# Declared after the chown, so a new named volume starts out owned by the bot's user.
VOLUME /data

USER libyabrief

# Webhook mode only (WEBHOOK_URL set); long polling needs no open port.
EXPOSE 8443

# `run` touches HEARTBEAT_PATH once started, then every 30 s; `health` fails past 120 s.
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["libya-brief", "health"]

CMD ["libya-brief", "run"]

"""What an admin's request about a source can run into."""

from __future__ import annotations


class SourceError(ValueError):
    """A source request that cannot be met.

    `reason` is one of: scheme, no_scheme (a web address typed without http(s)://, with
    the https:// form as detail), fetch (with the FetchError's kind and status),
    unreadable, exists (with the source id), unknown (with what was asked).
    """

    def __init__(self, reason: str, detail: str | None = None, status: int | None = None):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.status = status

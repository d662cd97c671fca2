"""Small measuring helpers: percentiles, memory, and what machine this ran on."""

from __future__ import annotations

import math
import os
import platform
import resource
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Latency:
    """p50 and p95 of a sample, in milliseconds."""

    p50: float
    p95: float
    n: int

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        """From durations in seconds."""
        ms = [s * 1000 for s in seconds]
        return cls(percentile(ms, 50), percentile(ms, 95), len(ms))


def peak_rss_mb() -> float:
    """This process's peak resident set (ru_maxrss), in MB."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def current_rss_mb() -> float:
    """This process's resident set now, in MB (Linux; peak elsewhere)."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return peak_rss_mb()


def total_memory_gb() -> float | None:
    """The machine's memory, in GB, when the OS says."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    except (ValueError, OSError, AttributeError):
        return None


def cpu_model() -> str:
    """The CPU's model name (Linux), else platform.processor()."""
    info = Path("/proc/cpuinfo")
    if info.is_file():
        for line in info.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    memory = total_memory_gb()
    return {
        "platform": platform.platform(),
        "cpu": f"{cpu_model()}, {os.cpu_count()} logical CPUs",
        "memory": f"{memory:.1f} GB" if memory else "unknown",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "sqlite": sqlite3.sqlite_version,
    }

"""Time stamps as people and machines read them: ISO-8601 UTC, keeping real fractions only."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

import numpy as np


def iso_utc(t: float) -> str | None:
    """ISO-8601 UTC with a ``Z``; fractional seconds only when the time has them (to 1 µs).

    ``None`` for NaN, so JSON output says null rather than inventing a time.
    """
    if t is None or not math.isfinite(t):
        return None
    us = round(t * 1e6)
    secs, frac = divmod(us, 1_000_000)
    try:
        base = datetime.fromtimestamp(secs, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    except (OverflowError, OSError, ValueError):  # beyond year 9999: not a real time
        return None
    if frac == 0:
        return base + "Z"
    digits = f"{frac:06d}".rstrip("0")
    if len(digits) <= 3:
        digits = digits.ljust(3, "0")
    return f"{base}.{digits}Z"


def clock_utc(t: float, decimals: int = 0) -> str:
    """``HH:MM:SSZ`` (or with tenths) for tables and the on-screen clock."""
    if not math.isfinite(t):
        return "--:--:--Z"
    scale = 10**decimals
    ticks = round(t * scale)
    secs, frac = divmod(ticks, scale)
    try:
        base = datetime.fromtimestamp(secs, UTC).strftime("%H:%M:%S")
    except (OverflowError, OSError, ValueError):
        return "--:--:--Z"
    return f"{base}.{frac:0{decimals}d}Z" if decimals else base + "Z"


_OFFSET = re.compile(r"^\+(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d*)?)$")


def parse_time(text: str, start: float) -> float:
    """An absolute ISO-8601 time, or an offset from ``start``: ``+90``, ``+12:30``, ``+1:02:03``.

    Raises ValueError with a plain message; times without a zone are taken as UTC.
    """
    text = text.strip()
    m = _OFFSET.match(text)
    if m:
        parts = [p for p in m.groups() if p is not None]
        seconds = 0.0
        for p in parts:
            seconds = seconds * 60 + float(p)
        return start + seconds
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"not a time: {text!r} (use ISO-8601 UTC like 2015-10-10T09:20:00Z, or +SECONDS / +MM:SS)"
        ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def iso_array(t: np.ndarray) -> list[str | None]:
    """:func:`iso_utc` over an array (for tables of a few thousand rows)."""
    return [iso_utc(float(x)) for x in np.asarray(t, dtype=np.float64)]

"""Shared steps of the record-based readers (GPX, KML, ADS-B traces).

Text fields are gathered as strings while parsing and converted here, all at once, with
pandas/numpy; each track is then put in time order without duplicate times (the
interpolation needs strictly increasing times), and ids are made unique within the file.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..model.trackset import AIR_FIELDS
from .record_issues import Issues

#: Per-sample arrays a track dict may carry besides ``t`` (air data where a source has it).
FIELDS = ("lat", "lon", "alt", "speed", "heading", "roll", "pitch", "line", "ground", *AIR_FIELDS)


def iso_seconds(texts: Sequence[str | None]) -> np.ndarray:
    """POSIX seconds of ISO-8601 texts ('Z', offset, or none = UTC); NaN where unreadable.

    Whole seconds and the fraction are added separately, so a time like ``…:01.25`` comes
    out as the float nearest to it, not one rounding off (microsecond resolution).
    """
    if not len(texts):
        return np.zeros(0)
    cells = pd.Series(texts, dtype=object).fillna("").astype(str).str.strip()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stamps = pd.to_datetime(cells, format="ISO8601", utc=True, errors="coerce")
    us = stamps.dt.tz_localize(None).to_numpy(dtype="datetime64[us]").view(np.int64)
    out = (us // 1_000_000).astype(np.float64) + (us % 1_000_000) / 1e6
    out[np.isnat(us.view("datetime64[us]"))] = np.nan
    return out


def numbers(texts: Sequence[str | None]) -> np.ndarray:
    """Floats of decimal texts; NaN where missing or unreadable (and for ±inf)."""
    if not len(texts):
        return np.zeros(0)
    cells = pd.Series(texts, dtype=object).str.strip()
    out = pd.to_numeric(cells, errors="coerce").to_numpy(
        copy=True, dtype=np.float64, na_value=np.nan
    )
    out[np.isinf(out)] = np.nan
    return out


def valid_position(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Latitude within ±90° and longitude within ±180° (NaN fails)."""
    with np.errstate(invalid="ignore"):
        return (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0)


def tidy_track(
    track: dict, lines: np.ndarray | None, issues: Issues, label: str, what: str = "points"
) -> dict:
    """Sort ``track`` by time (stably) and keep the first of samples sharing a time.

    Out-of-order and repeated times are reported to ``issues`` (once per kind for the
    file), naming ``label`` as the example.
    """
    t = np.asarray(track["t"], dtype=np.float64)
    if len(t) > 1 and np.any(np.diff(t) < 0):
        late = t < np.maximum.accumulate(t)
        issues.add_mask(f"{what} out of time order (sorted by time)", late, lines, lambda i: label)
        order = np.argsort(t, kind="stable")
        track = _take(track, order)
        lines = lines[order] if lines is not None else None
        t = track["t"]
    if len(t) > 1:
        dup = np.r_[False, np.diff(t) == 0]
        if dup.any():
            issues.add_mask(
                f"{what} repeat an earlier time of the same track (kept the first)",
                dup,
                lines,
                lambda i: label,
            )
            track = _take(track, np.flatnonzero(~dup))
    return track


def _take(track: dict, index: np.ndarray) -> dict:
    out = dict(track)
    for key in ("t", *FIELDS):
        if track.get(key) is not None:
            out[key] = np.asarray(track[key])[index]
    return out


def unique_ids(ids: Sequence[str]) -> list[str]:
    """``ids`` with repeats made unique as ``id#2``, ``id#3``… (the ACMI reader's style)."""
    seen: dict[str, int] = {}
    taken = set(ids)
    out = []
    for tid in ids:
        n = seen.get(tid, 0) + 1
        seen[tid] = n
        if n == 1:
            out.append(tid)
            continue
        new = f"{tid}#{n}"
        while new in taken:
            n += 1
            new = f"{tid}#{n}"
        seen[tid] = n
        taken.add(new)
        out.append(new)
    return out

"""The last gate between any reader and the rest of the program: impossible values out.

Readers check syntax; this checks physics every format must obey. A time a million years
away, a latitude of 200° or an altitude of 10^20 m cannot be drawn or analysed and would
wreck the precision of everything computed beside it, so such samples are dropped (or,
for altitude, made unknown) here, once, with a warning that says how many and where.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..model import DataWarning, TrackSet
from ..model.text import printable

#: POSIX seconds; about year 2286. Larger magnitudes are corrupt frames, not times.
T_ABS_MAX = 1e10
#: Altitudes outside this band (metres MSL) are unknown, not flown: Dead Sea shore to near space.
ALT_MIN_M = -1_000.0
ALT_MAX_M = 100_000.0


def sanitize(ts: TrackSet, source: str) -> TrackSet:
    """``ts`` without samples that cannot be real; warnings appended for what was done."""
    if ts.n_samples == 0:
        return ts
    with np.errstate(invalid="ignore"):
        bad_t = ~(np.abs(ts.t) < T_ABS_MAX)
        bad_pos = ~((np.abs(ts.lat) <= 90.0) & np.isfinite(ts.lon) & (np.abs(ts.lon) < 1e4))
        odd_alt = np.isfinite(ts.alt) & ~((ts.alt >= ALT_MIN_M) & (ts.alt <= ALT_MAX_M))
    wrap = np.isfinite(ts.lon) & (np.abs(ts.lon) > 180.0)
    if wrap.any():
        ts.lon = np.where(wrap, (ts.lon + 180.0) % 360.0 - 180.0, ts.lon)
    if odd_alt.any():
        ts.alt = np.where(odd_alt, np.nan, ts.alt)
        ts.warnings.append(
            DataWarning(
                source,
                f"{int(odd_alt.sum())} altitudes outside {ALT_MIN_M:,.0f} … {ALT_MAX_M:,.0f} m "
                "treated as unknown",
            )
        )
    drop = bad_t | bad_pos
    if not drop.any():
        return ts
    if bad_t.any():
        ts.warnings.append(
            DataWarning(source, f"{int(bad_t.sum())} samples with impossible times dropped")
        )
    if (bad_pos & ~bad_t).any():
        ts.warnings.append(
            DataWarning(
                source,
                f"{int((bad_pos & ~bad_t).sum())} samples with impossible positions dropped",
            )
        )
    return _without_samples(ts, drop)


def printable_text(ts: TrackSet) -> TrackSet:
    """``ts`` with every text that came from the file made printable (ids, names,
    callsigns, types, event texts, the title): the one place file text enters the program,
    so the terminal, the window, reports and captions all inherit it."""
    for col in ts.meta.columns:
        if ts.meta[col].dtype == object or pd.api.types.is_string_dtype(ts.meta[col]):
            ts.meta[col] = [printable(v) if isinstance(v, str) else v for v in ts.meta[col]]
    events = ts.events
    if len(events):
        for col in ("kind", "text"):
            if col in events.columns:
                events[col] = [printable(v) if isinstance(v, str) else v for v in events[col]]
        if "ids" in events.columns:
            events["ids"] = [
                tuple(printable(i) for i in ids) if isinstance(ids, tuple | list) else ids
                for ids in events["ids"]
            ]
    ts.title = printable(ts.title)
    return ts


def _without_samples(ts: TrackSet, drop: np.ndarray) -> TrackSet:
    keep = ~drop
    counts = np.bincount(ts.track_index_of_samples()[keep], minlength=len(ts))
    nonempty = counts > 0
    offsets = np.zeros(int(nonempty.sum()) + 1, dtype=np.int64)
    np.cumsum(counts[nonempty], out=offsets[1:])
    return ts.take_samples(keep, offsets, ts.meta[nonempty].reset_index(drop=True))

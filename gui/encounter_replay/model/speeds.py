"""Which speeds a recording carries, and their values at an instant.

"24 kt" under an F-15E in a vertical fight is a ground speed, and says so only if it is
labelled. Ground speed (GS) is always available, recorded (ADS-B, CSV) or derived from
positions by the view; indicated and true air speed (IAS, TAS) and the Mach number exist
only where the recorder wrote them (Tacview ACMI properties, kept in
:attr:`~.trackset.TrackSet.air`). Labels should name the kind they show.
"""

from __future__ import annotations

import numpy as np

from .interpolate import last_index_at_or_before
from .trackset import AIR_FIELDS, DEFAULT_GAP_S, TrackSet

#: Speed kinds in the order a label prefers them (what a pilot flies by first).
SPEED_KINDS = ("IAS", "TAS", "Mach", "GS")
_AIR_KIND = {"ias": "IAS", "tas": "TAS", "mach": "Mach"}


def ground_speed_recorded(ts: TrackSet) -> np.ndarray:
    """Per track: does the source give ground speed (else the view derives it)?"""
    if len(ts) == 0:
        return np.zeros(0, dtype=bool)
    known = np.isfinite(ts.speed).astype(np.int64)
    return np.add.reduceat(known, ts.offsets[:-1]) > 0 if len(ts.t) else np.zeros(len(ts), bool)


def track_speed_kinds(ts: TrackSet) -> list[tuple[str, ...]]:
    """Per track, the speed kinds it carries, in :data:`SPEED_KINDS` order ("GS" always)."""
    has: dict[str, np.ndarray] = {}
    for name in AIR_FIELDS:
        col = ts.air.get(name)
        if col is None or len(ts.t) == 0:
            has[name] = np.zeros(len(ts), dtype=bool)
        else:
            has[name] = np.add.reduceat(np.isfinite(col).astype(np.int64), ts.offsets[:-1]) > 0
    return [(*(_AIR_KIND[n] for n in AIR_FIELDS if has[n][k]), "GS") for k in range(len(ts))]


def speed_kinds(ts: TrackSet) -> tuple[str, ...]:
    """The speed kinds any track of the recording carries, in :data:`SPEED_KINDS` order."""
    found = {kind for kinds in track_speed_kinds(ts) for kind in kinds} | {"GS"}
    return tuple(k for k in SPEED_KINDS if k in found)


def air_data_at(ts: TrackSet, time: float, gap_s: float = DEFAULT_GAP_S) -> dict[str, np.ndarray]:
    """IAS and TAS (m/s) and Mach of every track at ``time``, linearly interpolated like the
    positions; NaN where the track is absent, in a gap, or has no such value there. Only the
    kinds the recording carries are returned (keys ``ias``, ``tas``, ``mach``)."""
    if not ts.air or len(ts) == 0:
        return {}
    first = ts.offsets[:-1]
    last = ts.offsets[1:] - 1
    i0 = last_index_at_or_before(ts.t, ts.offsets, time)
    inside = (i0 >= first) & (i0 <= last)
    a = np.clip(i0, first, last)
    b = np.minimum(a + 1, last)
    span = ts.t[b] - ts.t[a]
    exact = inside & (ts.t[a] == time)
    ok = inside & (exact | ((a < last) & (span <= gap_s)))
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(exact | (span <= 0), 0.0, (time - ts.t[a]) / span)
    f = np.clip(f, 0.0, 1.0)
    out = {}
    for name, col in ts.air.items():
        v = col[a] + f * (col[b] - col[a])
        # Where only one end is known, hold that one (the property holds until changed).
        v = np.where(np.isnan(v) & (f == 0.0), col[a], v)
        out[name] = np.where(ok, v, np.nan)
    return out

"""Where every track is at a given time, vectorised across tracks.

Tracks have their own irregular sample times, so a per-frame position lookup is a
binary search in each track's segment of the flat time array. Doing the bisection for
all tracks at once (about 20 numpy steps) keeps a frame of 1,000 tracks well under a
millisecond, with no Python loop over tracks or samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .trackset import DEFAULT_GAP_S, TrackSet


def last_index_at_or_before(
    t: np.ndarray, offsets: np.ndarray, tq: float | np.ndarray
) -> np.ndarray:
    """For each track k, the largest sample index i in its segment with ``t[i] <= tq[k]``.

    Returns ``offsets[k] - 1`` when the query precedes the track's first sample. ``tq`` is a
    scalar or one time per track.
    """
    lo = offsets[:-1].astype(np.int64)  # invariant: answer >= lo - 1
    hi = offsets[1:].astype(np.int64)  # invariant: answer < hi
    tq = np.broadcast_to(np.asarray(tq, dtype=np.float64), lo.shape)
    # Bisection on [lo, hi): find first index with t > tq, answer is that minus one.
    left, right = lo.copy(), hi.copy()
    n = len(t)
    while True:
        active = left < right
        if not active.any():
            break
        mid = (left + right) // 2
        tm = t[np.minimum(mid, n - 1)] if n else np.zeros_like(tq)
        go_right = active & (tm <= tq)
        go_left = active & ~(tm <= tq)
        left = np.where(go_right, mid + 1, left)
        right = np.where(go_left, mid, right)
    return left - 1


@dataclass
class Positions:
    """State of every track at one instant; NaN (and ``present`` False) where absent."""

    time: float
    lat: np.ndarray
    lon: np.ndarray
    alt: np.ndarray
    speed: np.ndarray
    heading: np.ndarray
    present: np.ndarray


def _lerp_angle(a0: np.ndarray, a1: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Interpolate angles in degrees along the shorter way round."""
    d = (a1 - a0 + 180.0) % 360.0 - 180.0
    return (a0 + f * d) % 360.0


def positions_at(ts: TrackSet, time: float, gap_s: float = DEFAULT_GAP_S) -> Positions:
    """Linear interpolation of all tracks at ``time``.

    A track is absent before its first and after its last sample, and inside a gap longer
    than ``gap_s`` (so it is never drawn through missing data). A sample exactly at
    ``time`` is present even if it borders a gap.
    """
    n_tracks = len(ts)
    if n_tracks == 0:
        z = np.zeros(0)
        return Positions(time, z, z, z, z, z, np.zeros(0, dtype=bool))
    i0 = last_index_at_or_before(ts.t, ts.offsets, time)
    first, last = ts.offsets[:-1], ts.offsets[1:] - 1
    inside = (i0 >= first) & (i0 <= last)
    i0c = np.clip(i0, first, last)
    i1c = np.minimum(i0c + 1, last)
    t0, t1 = ts.t[i0c], ts.t[i1c]
    exact = inside & (t0 == time)
    span = t1 - t0
    present = inside & (exact | ((i0c < last) & (span <= gap_s)))
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(span > 0, (time - t0) / span, 0.0)
    f = np.where(exact, 0.0, np.clip(f, 0.0, 1.0))

    def lerp(a: np.ndarray) -> np.ndarray:
        return a[i0c] + f * (a[i1c] - a[i0c])

    lon = _lerp_angle(ts.lon[i0c] + 180.0, ts.lon[i1c] + 180.0, f) - 180.0
    heading = _lerp_angle(ts.heading[i0c], ts.heading[i1c], f)
    out = Positions(
        time=time,
        lat=lerp(ts.lat),
        lon=lon,
        alt=lerp(ts.alt),
        speed=lerp(ts.speed),
        heading=heading,
        present=present,
    )
    for name in ("lat", "lon", "alt", "speed", "heading"):
        arr = getattr(out, name)
        arr[~present] = np.nan
    return out


def trail_indices(
    ts: TrackSet, t_start: float, t_end: float, gap_s: float = DEFAULT_GAP_S
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sample indices of every track inside ``[t_start, t_end]``, for drawing trails.

    Returns ``(idx, track, break_before)``: the sample indices in track order, the track of
    each, and a flag that is True where the drawing must lift the pen before that sample
    (a new track or a gap longer than ``gap_s``). Callers insert NaN rows there to draw all
    trails as one ``connect="finite"`` item.
    """
    hi = last_index_at_or_before(ts.t, ts.offsets, t_end) + 1
    lo = last_index_at_or_before(ts.t, ts.offsets, np.nextafter(t_start, -np.inf)) + 1
    lo = np.maximum(lo, ts.offsets[:-1])
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    track = np.repeat(np.arange(len(ts), dtype=np.int64), counts)
    starts = np.repeat(lo - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    idx = starts + np.arange(total, dtype=np.int64)
    brk = np.ones(total, dtype=bool)
    if total > 1:
        same_track = track[1:] == track[:-1]
        small_gap = (ts.t[idx[1:]] - ts.t[idx[:-1]]) <= gap_s
        brk[1:] = ~(same_track & small_gap)
    return idx, track, brk

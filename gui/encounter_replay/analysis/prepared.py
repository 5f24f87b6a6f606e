"""Tracks made ready for analysis: the paired classes only, ECEF positions, short
altitude dropouts bridged, and a search key that finds any (track, time) in one call.

Everything downstream works on these flat arrays, so this is done once per run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..geo import ecef_ground_and_normal
from ..model import DataWarning, ObjectClass, TrackSet
from ..model.labels import short_label, short_labels

SOURCE = "analysis"
#: Plausible POSIX times (years 1653–2286, the readers' bound): a sample outside has no
#: usable time. Absurd times (1e20) would wreck the float precision of every other sample
#: and overflow the integer bucket numbers of the pruning.
T_ABS_MAX = 1e10
#: Altitudes (m) beyond this (infinite, or 1e300) are unknown, not positions: squares of
#: such coordinates overflow. Implausible but finite altitudes below it are kept (the
#: pruning copes with them, see :mod:`.pruning`).
ALT_ABS_MAX = 1e9
_MAX_EXAMPLES = 3


@dataclass
class PreparedTracks:
    """Analysis view of the paired tracks (index ``j`` here is ``track[j]`` in the set).

    ``alt`` has short NaN runs filled (see :func:`fill_short_altitude_gaps`); ``p`` is the
    ECEF position (NaN where altitude is still unknown) and ``g`` the ECEF ground point
    (altitude 0), both shape ``(3, n)`` (coordinate-major: gathers and arithmetic on
    contiguous rows are about twice as fast as on ``(n, 3)``). ``seg_ok[i]`` says the segment from sample ``i``
    to ``i + 1`` is part of the track (same track, no gap longer than ``gap_s``).
    ``key = j·span_key + (t − t_ref)`` increases through the whole flat array, so
    ``np.searchsorted(key, …)`` finds a time inside any track in one vectorised call.
    """

    track: np.ndarray
    offsets: np.ndarray
    t: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    alt: np.ndarray
    p: np.ndarray
    g: np.ndarray
    seg_ok: np.ndarray
    key: np.ndarray
    t_ref: float
    span_key: float
    visual_range: np.ndarray
    names: list[str]
    ids: list[str]
    warnings: list[DataWarning]

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def first(self) -> np.ndarray:
        return self.t[self.offsets[:-1]]

    @property
    def last(self) -> np.ndarray:
        return self.t[self.offsets[1:] - 1]

    def keys(self, j: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Search keys of times ``t`` in tracks ``j`` (same formula as :attr:`key`)."""
        return j * self.span_key + (t - self.t_ref)

    def last_at_or_before(self, j: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Index of the last sample of track ``j`` at or before ``t`` (``offsets[j] − 1``
        when ``t`` precedes the track)."""
        return np.searchsorted(self.key, self.keys(j, t), side="right") - 1

    def first_after(self, j: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Index of the first sample of track ``j`` after ``t``."""
        return np.searchsorted(self.key, self.keys(j, t), side="right")

    def first_at_or_after(self, j: np.ndarray, t: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.key, self.keys(j, t), side="left")


def label(meta_row: pd.Series) -> str:
    """How the analysis names a track: who it is, as the recording names it
    (:func:`..model.labels.short_label`)."""
    return short_label(meta_row.to_dict())


def labels(meta: pd.DataFrame) -> list[str]:
    """:func:`label` for every row."""
    return short_labels(meta)


def _examples(labels: list[str]) -> str:
    more = f" and {len(labels) - _MAX_EXAMPLES} more" if len(labels) > _MAX_EXAMPLES else ""
    return ", ".join(labels[:_MAX_EXAMPLES]) + more


def fill_short_altitude_gaps(
    t: np.ndarray, alt: np.ndarray, offsets: np.ndarray, gap_s: float | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Altitude with NaN runs bridged linearly where the known samples around the run are
    at most ``gap_s`` apart (a number, or one per sample); returns ``(alt, filled_mask)``.

    Why this rule: had the recorder simply skipped those samples, the motion model would
    interpolate straight across exactly such a stretch, so bridging adds no assumption the
    model does not already make. Longer runs (and runs at a track's ends) stay NaN and the
    analysis treats them as horizontal-only.
    """
    n = len(t)
    alt = alt.copy()
    valid = np.isfinite(alt)
    if valid.all() or n == 0:
        return alt, np.zeros(n, dtype=bool)
    idx = np.arange(n)
    track = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    start = offsets[:-1][track]
    end = offsets[1:][track]
    prev = np.maximum.accumulate(np.where(valid, idx, -1))
    nxt = np.minimum.accumulate(np.where(valid, idx, n)[::-1])[::-1]
    has_prev = prev >= start
    has_next = nxt < end
    cand = ~valid & has_prev & has_next
    p, q = prev[cand], nxt[cand]
    span = t[q] - t[p]
    ok = span <= (gap_s[cand] if np.ndim(gap_s) else gap_s)
    where = np.flatnonzero(cand)[ok]
    p, q, span = p[ok], q[ok], span[ok]
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(span > 0, (t[where] - t[p]) / span, 0.0)
    alt[where] = alt[p] + f * (alt[q] - alt[p])
    filled = np.zeros(n, dtype=bool)
    filled[where] = True
    return alt, filled


def prepare(
    ts: TrackSet,
    include: frozenset[str],
    gap_s: float,
    visual: np.ndarray,
    *,
    brk: np.ndarray | None = None,
    track_gap: np.ndarray | None = None,
) -> PreparedTracks:
    """Select the paired tracks and build the analysis arrays (see :class:`PreparedTracks`).

    ``visual`` is the visual range of every track of ``ts``. Samples without a position
    are dropped with a warning; reference points are never paired whatever ``include``
    says. ``track_gap`` (per track of ``ts``) replaces ``gap_s`` as each track's gap limit;
    ``brk`` (per sample) marks samples with no motion from the one before (split tracks).
    """
    warnings: list[DataWarning] = []
    cls = ts.meta["cls"].to_numpy(dtype=object) if len(ts) else np.zeros(0, dtype=object)
    wanted = np.array(
        [str(c) in include and str(c) != ObjectClass.REFERENCE.value for c in cls], dtype=bool
    )
    chosen = np.flatnonzero(wanted)
    lengths = np.diff(ts.offsets)[chosen]
    sample_mask = np.repeat(wanted, np.diff(ts.offsets))
    t = ts.t[sample_mask]
    lat = ts.lat[sample_mask]
    lon = ts.lon[sample_mask]
    alt = ts.alt[sample_mask]
    track_of = np.repeat(np.arange(len(chosen)), lengths)
    cut = brk[sample_mask] if brk is not None else np.zeros(len(t), dtype=bool)
    gaps = (
        np.asarray(track_gap, dtype=np.float64)[chosen]
        if track_gap is not None
        else np.full(len(chosen), float(gap_s))
    )

    good = (np.abs(t) < T_ABS_MAX) & np.isfinite(lat) & np.isfinite(lon)  # NaN: False
    if not good.all():
        bad_tracks = np.unique(track_of[~good])
        warnings.append(
            DataWarning(
                SOURCE,
                f"{int((~good).sum())} sample(s) without a plausible time or a position left "
                f"out of the analysis (tracks "
                f"{_examples([label(ts.meta.iloc[chosen[k]]) for k in bad_tracks])})",
                count=int((~good).sum()),
            )
        )
        t, lat, lon, alt, track_of = t[good], lat[good], lon[good], alt[good], track_of[good]
        cut = cut[good]
        lengths = np.bincount(track_of, minlength=len(chosen))
    keep_tracks = lengths > 0
    chosen = chosen[keep_tracks]
    gaps = gaps[keep_tracks]
    lengths = lengths[keep_tracks]
    offsets = np.zeros(len(chosen) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    track_of = np.repeat(np.arange(len(chosen)), lengths)

    # Samples of a track may share a time stamp; order is already by time within tracks.
    with np.errstate(invalid="ignore"):
        alt = np.where(np.abs(alt) <= ALT_ABS_MAX, alt, np.nan)  # counted as missing below
    alt, filled = fill_short_altitude_gaps(t, alt, offsets, gaps[track_of])
    missing = ~np.isfinite(alt)
    if filled.any() or missing.any():
        touched = np.unique(track_of[filled | missing])
        names = [label(ts.meta.iloc[chosen[k]]) for k in touched]
        parts = []
        if filled.any():
            parts.append(
                f"{int(filled.sum())} bridged by interpolation (known altitudes no further "
                "apart than the track's gap limit)"
            )
        if missing.any():
            parts.append(
                f"{int(missing.sum())} in {len(np.unique(track_of[missing]))} track(s) left "
                "unknown: there slant range, visual contact and vertical separation are not "
                "assessed (horizontal only)"
            )
        warnings.append(
            DataWarning(
                SOURCE,
                f"altitude missing in {int((filled | missing).sum())} sample(s) of "
                f"{len(touched)} track(s) ({_examples(names)}): " + "; ".join(parts),
                count=int((filled | missing).sum()),
            )
        )

    n = len(t)
    seg_ok = np.zeros(n, dtype=bool)
    if n > 1:
        same = track_of[1:] == track_of[:-1]
        dt = t[1:] - t[:-1]
        seg_ok[:-1] = same & (dt <= gaps[track_of[:-1]]) & (dt > 0) & ~cut[1:]
    t_ref = float(t.min()) if n else 0.0
    span = float(t.max() - t_ref) if n else 0.0
    span_key = float(2.0 ** np.ceil(np.log2(span + 2.0)))
    key = track_of * span_key + (t - t_ref)
    meta = ts.meta.iloc[chosen] if len(chosen) else ts.meta.iloc[:0]
    g, normal = ecef_ground_and_normal(lat, lon)
    p = normal
    p *= alt  # P = G + h·n exactly (NaN where the altitude is unknown)
    p += g
    return PreparedTracks(
        track=chosen.astype(np.int64),
        offsets=offsets,
        t=t,
        lat=lat,
        lon=lon,
        alt=alt,
        p=p,
        g=g,
        seg_ok=seg_ok,
        key=key,
        t_ref=t_ref,
        span_key=span_key,
        visual_range=np.asarray(visual, dtype=np.float64)[chosen],
        names=labels(meta),
        ids=[str(x) for x in meta["id"]],
        warnings=warnings,
    )

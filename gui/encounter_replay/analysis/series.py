"""Separation of one pair over time, for the window's plot (same motion model as the
analysis, so the plotted curve touches the reported CPA when that time is on the grid)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ..geo import geodesic_distance
from ..model import TrackSet
from .cleaning import clean
from .prepared import PreparedTracks, prepare
from .settings import AnalysisSettings


def _track_at(prep: PreparedTracks, j: int, times: np.ndarray) -> tuple[np.ndarray, ...]:
    """``(p (n,3), lat, lon, alt)`` of prepared track ``j`` at ``times``; NaN where absent.

    Inside a segment (no gap) the track moves linearly; exactly at a sample it is there
    even if that sample ends the track or borders a gap.
    """
    n_s = len(prep.t)
    i = prep.last_at_or_before(np.full(len(times), j, dtype=np.int64), times)
    first, last = int(prep.offsets[j]), int(prep.offsets[j + 1]) - 1
    inside = (i >= first) & (i <= last)
    i = np.clip(i, first, last)
    nxt = np.minimum(i + 1, n_s - 1)
    moving = inside & (i < last) & prep.seg_ok[i]
    exact = inside & (prep.t[i] == times)
    present = moving | exact
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(moving, (times - prep.t[i]) / (prep.t[nxt] - prep.t[i]), 0.0)
    p = (prep.p[:, i] + f * (prep.p[:, nxt] - prep.p[:, i])).T
    lat = prep.lat[i] + f * (prep.lat[nxt] - prep.lat[i])
    dlon = (prep.lon[nxt] - prep.lon[i] + 180.0) % 360.0 - 180.0
    lon = (prep.lon[i] + f * dlon + 180.0) % 360.0 - 180.0
    alt = prep.alt[i] + f * (prep.alt[nxt] - prep.alt[i])
    for arr in (lat, lon, alt):
        arr[~present] = np.nan
    p[~present] = np.nan
    return p, lat, lon, alt


def separation_series(
    ts: TrackSet,
    a: int,
    b: int,
    t0: float,
    t1: float,
    n: int = 2000,
    *,
    settings: AnalysisSettings | None = None,
    extra_times: np.ndarray | None = None,
) -> pd.DataFrame:
    """Columns ``time, slant_m, horizontal_m, vertical_m, dalt_m`` for tracks ``a`` and
    ``b`` (indices in ``ts``) on ``n`` evenly spaced times in ``[t0, t1]``, plus any
    ``extra_times`` (e.g. the CPA instant, so the curve's dip is drawn exactly).

    NaN where either track is absent (before/after it, in a gap). ``vertical_m`` is the
    absolute altitude difference (comparable with the separation minimum), ``dalt_m`` the
    signed one (b − a). Altitude dropouts are bridged as in :func:`analyze`.
    """
    settings = settings or AnalysisSettings()
    times = np.linspace(float(t0), float(t1), max(int(n), 2))
    if extra_times is not None:
        extra = np.asarray(extra_times, dtype=np.float64)
        extra = extra[(extra >= t0) & (extra <= t1)]
        times = np.union1d(times, extra)
    keep = np.zeros(len(ts), dtype=bool)
    keep[[a, b]] = True
    sub = ts.subset(keep)
    include = frozenset(str(c) for c in sub.meta["cls"])
    # The tracks as the analysis sees them (excluded samples out, gap limits, held ACMI
    # objects), so that the curve shows what the figures were computed on.
    view = clean(sub, dataclasses.replace(settings, include=include))
    prep = prepare(
        view.ts, include, settings.gap_s, np.zeros(len(sub)), brk=view.brk, track_gap=view.gap_s
    )
    # In the two-track subset, a and b are tracks 0 and 1 in index order.
    where = {int(k): j for j, k in enumerate(prep.track)}
    ka, kb = where.get(0 if a < b else 1, -1), where.get(1 if a < b else 0, -1)
    nan = np.full(len(times), np.nan)
    if a == b or ka < 0 or kb < 0:
        return pd.DataFrame(
            {"time": times, "slant_m": nan, "horizontal_m": nan, "vertical_m": nan, "dalt_m": nan}
        )
    pa, lat_a, lon_a, alt_a = _track_at(prep, ka, times)
    pb, lat_b, lon_b, alt_b = _track_at(prep, kb, times)
    slant = np.sqrt(np.sum((pb - pa) ** 2, axis=1))
    horiz = geodesic_distance(lat_a, lon_a, lat_b, lon_b)
    dalt = alt_b - alt_a
    return pd.DataFrame(
        {
            "time": times,
            "slant_m": slant,
            "horizontal_m": horiz,
            "vertical_m": np.abs(dalt),
            "dalt_m": dalt,
        }
    )


__all__ = ["separation_series"]

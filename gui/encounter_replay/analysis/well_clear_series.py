"""Well clear of one pair at given instants: range, τmod, projected miss distance, verdict.

For the window's pair readout, the Tote and the separation plot: the same state and
formulas as the exact intervals of :mod:`.well_clear` (ground points linear between
samples, right-continuous velocity, the pair's local horizontal plane), so a readout
never contradicts the reported intervals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..model import TrackSet
from .prepared import PreparedTracks, prepare
from .settings import AnalysisSettings
from .well_clear import Thresholds, horizontal, horizontal_state, horizontal_violation, local_up


def _state_at(
    prep: PreparedTracks, j: int, times: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(ground point (3, n), ground velocity (3, n), altitude, present)`` of prepared
    track ``j`` at ``times``. Velocity: the segment the track is on (at a sample time the
    one starting there; at a track's end or before a gap the one ending there), NaN at an
    isolated instant; everything NaN where the track is absent."""
    n_s = len(prep.t)
    first, last = int(prep.offsets[j]), int(prep.offsets[j + 1]) - 1
    i = prep.last_at_or_before(np.full(len(times), j, dtype=np.int64), times)
    inside = (i >= first) & (i <= last)
    i = np.clip(i, first, last)
    nxt = np.minimum(i + 1, n_s - 1)
    moving = inside & (i < last) & prep.seg_ok[i]
    exact = inside & (prep.t[i] == times)
    prev = np.maximum(i - 1, first)
    back = exact & ~moving & (i > first) & prep.seg_ok[prev]
    seg = np.where(moving, i, prev)
    has_v = moving | back
    seg1 = np.minimum(seg + 1, n_s - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        vel = (prep.g[:, seg1] - prep.g[:, seg]) / (prep.t[seg1] - prep.t[seg])
        f = np.where(moving, (times - prep.t[i]) / (prep.t[nxt] - prep.t[i]), 0.0)
    vel[:, ~has_v] = np.nan
    g = prep.g[:, i] + f * (prep.g[:, nxt] - prep.g[:, i])
    alt = prep.alt[i] + f * (prep.alt[nxt] - prep.alt[i])
    present = moving | exact
    g[:, ~present] = np.nan
    alt = np.where(present, alt, np.nan)
    return g, vel, alt, present


def well_clear_series(
    ts: TrackSet,
    a: int,
    b: int,
    times: np.ndarray,
    settings: AnalysisSettings | None = None,
) -> pd.DataFrame:
    """Columns ``time, range_m, hmd_m, tau_mod_s, violated`` for tracks ``a`` and ``b``
    (indices in ``ts``) at ``times``.

    ``range_m`` is the horizontal range, ``hmd_m`` the projected horizontal miss distance
    (NaN where there is no velocity), ``tau_mod_s`` the modified tau (NaN unless closing;
    negative inside DTHR), ``violated`` DO-365 well clear lost (False where either track is
    absent or an altitude is unknown). Thresholds from ``settings``.
    """
    settings = settings or AnalysisSettings()
    times = np.asarray(times, dtype=np.float64)
    nan = np.full(len(times), np.nan)
    out = {"time": times, "range_m": nan, "hmd_m": nan, "tau_mod_s": nan}
    keep = np.zeros(len(ts), dtype=bool)
    keep[[a, b]] = True
    sub = ts.subset(keep)
    prep = prepare(sub, frozenset(str(c) for c in sub.meta["cls"]), settings.gap_s, np.zeros(2))
    where = {int(k): j for j, k in enumerate(prep.track)}
    ka, kb = where.get(0 if a < b else 1, -1), where.get(1 if a < b else 0, -1)
    if a == b or ka < 0 or kb < 0 or len(times) == 0:
        return pd.DataFrame({**out, "violated": np.zeros(len(times), dtype=bool)})
    ga, va, ha, ok_a = _state_at(prep, ka, times)
    gb, vb, hb, ok_b = _state_at(prep, kb, times)
    present = ok_a & ok_b
    ga, gb = np.where(present, ga, 1.0), np.where(present, gb, 1.0)  # absent: any finite
    up = local_up(ga, gb)
    s = horizontal(gb - ga, up)
    v = horizontal(vb - va, up)
    has_v = np.isfinite(v[0])
    v = np.where(has_v, v, 0.0)
    thr = Thresholds(settings.dthr_m, settings.zthr_m, settings.tthr_s)
    one = np.ones(len(times))
    st = horizontal_state(s, s + v, one, thr.dthr)
    lo, hi = horizontal_violation(st, one, thr)
    h_ok = (lo == 0.0) & (hi >= 0.0)
    dz = np.abs(hb - ha)
    violated = present & h_ok & (dz <= thr.zthr)
    x = st.t_cpa  # time to go to the horizontal CPA (velocity over one second)
    closing = has_v & (x > 0) & (st.w2 > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = np.where(closing, x - st.h / (st.w2 * np.where(closing, x, 1.0)), np.nan)
    out["range_m"] = np.where(present, np.sqrt(st.r2), np.nan)
    out["hmd_m"] = np.where(present & has_v, st.dcpa, np.nan)
    out["tau_mod_s"] = np.where(present, tau, np.nan)
    return pd.DataFrame({**out, "violated": violated})


__all__ = ["well_clear_series"]

"""DAA well clear (RTCA DO-365, DAIDALUS's ``WCV_TAUMOD`` with TCOA = 0), exact per interval.

For horizontal relative position **s** (intruder − ownship), horizontal relative velocity
**v**, range ``r = |s|`` and vertical separation ``dz``, well clear is violated when

* horizontally ``r ≤ DTHR``, or the projected horizontal miss distance ``dcpa`` (distance
  at the horizontal closest point of approach, projecting **s** along **v**) is ≤ DTHR
  while closing (``s·v < 0``) with ``0 ≤ τmod ≤ TTHR``, ``τmod = (DTHR² − r²)/(s·v)``;
* and vertically ``|dz| ≤ ZTHR``, at the same instant.

On a union interval both aircraft move linearly (ground points in ECEF, altitude), so
**v** is constant and the state is affine in time. Write ``x`` for the time still to go
to the horizontal CPA (``x > 0`` while closing), ``h = DTHR² − dcpa²`` and ``w = |v|``:
then ``r² = dcpa² + w²x²`` and ``s·v = −w²x``, so

* ``τmod = x − h/(w²x)``: increasing in ``x`` when ``h ≥ 0``, convex with its least value
  at ``x = √(−h)/w`` when ``h < 0``;
* the horizontal clause holds exactly when ``h ≥ 0`` and ``−√h/w ≤ x ≤ T/2 + √(T²/4 +
  h/w²)``: the first bound is leaving DTHR (``r ≤ DTHR``), the second ``τmod = T``, and in
  between either ``r ≤ DTHR`` or ``0 ≤ τmod ≤ T`` (with ``dcpa ≤ DTHR``) — one interval,
  the roots DAIDALUS's ``horizontal_WCV_interval`` solves, here in a form without
  cancellation;
* the vertical clause is linear in time.

Horizontal quantities use the vector between the ground points (ECEF, altitude 0)
projected on the local horizontal plane of the pair (perpendicular to the ellipsoid normal
between the two segment starts of the interval; projection is linear, so the state stays
affine). The projection matters: the two ground velocities are tangent to the Earth at
points kilometres apart, and the unprojected relative velocity tilts out of the
horizontal by ``v·r/R``, which in a slow overtake at range moves the projected miss
distance by metres. The velocity at an instant is that of the current segments
(right-continuous at sample times; at the end of a track or before a gap the last
segment's). An instant of common presence that no interval covers (a sample
between gaps) has no velocity: there only ``r ≤ DTHR`` counts.

Per pair :class:`WellClearChunk` also gives the least ``τmod`` in ``[0, TTHR]`` reached
while within ZTHR vertically (``min_tau_mod_s``), the projected horizontal miss distance
at that instant (``hmd_m``), and whether the violation reached an NMAC (horizontal
< 500 ft and vertical < 100 ft inside it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..geo.geodesy import WGS84_E2
from .cpa import within_range
from .thresholds import DTHR_M, NMAC_H_M, NMAC_V_M, TTHR_S, ZTHR_M

if TYPE_CHECKING:
    from .settings import AnalysisSettings


@dataclass(frozen=True)
class Thresholds:
    """DTHR (m), ZTHR (m), TTHR (s) of one run."""

    dthr: float = DTHR_M
    zthr: float = ZTHR_M
    tthr: float = TTHR_S


def slack(d: float | np.ndarray) -> float | np.ndarray:
    """A bound on a well-clear distance widened for the horizontal-plane projection,
    which is shorter than the ground chord by far less than 0.1 % + 1 m below 100 km."""
    return d * 1.001 + 1.0


def candidates(
    dmin_chord: np.ndarray,
    a: np.ndarray,
    dt: np.ndarray,
    dz0: np.ndarray,
    dz1: np.ndarray,
    thr: Thresholds,
) -> np.ndarray:
    """Indices of the intervals where well clear can be lost or τmod reach TTHR.

    Both need ``r ≤ DTHR + TTHR·|ṙ|`` (from ``r² + TTHR·r·ṙ ≤ DTHR²``) and ``|dz| ≤
    ZTHR`` somewhere on the interval: ``dmin_chord`` is the least ground chord there,
    ``a = |e|²`` its squared change over the interval (so ``|ṙ| ≤ √a/dt``). Most
    intervals of a run fail this and cost nothing more.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(dt > 0, np.sqrt(a) / np.where(dt > 0, dt, 1.0), 0.0)
        reach = slack(thr.dthr + thr.tthr * w)
        cross = (dz0 > 0) != (dz1 > 0)
        dz_min = np.where(cross, 0.0, np.minimum(np.abs(dz0), np.abs(dz1)))
        return np.flatnonzero((dmin_chord <= reach) & (dz_min <= thr.zthr))


def _dot(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return u[0] * v[0] + u[1] * v[1] + u[2] * v[2]


def _cross2(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    x = u[1] * v[2] - u[2] * v[1]
    y = u[2] * v[0] - u[0] * v[2]
    z = u[0] * v[1] - u[1] * v[0]
    return x * x + y * y + z * z


def vertical_within(
    dz0: np.ndarray, dz1: np.ndarray, dt: np.ndarray, limit: float
) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)`` seconds from the interval start where ``|dz| ≤ limit`` (``dz`` linear
    from ``dz0`` to ``dz1`` over ``dt``); empty where ``lo > hi``, and where ``dz`` is
    unknown (NaN)."""
    rate = np.where(dt > 0, (dz1 - dz0) / np.where(dt > 0, dt, 1.0), 0.0)
    moving = rate != 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        ta = np.where(moving, (-limit - dz0) / rate, 0.0)
        tb = np.where(moving, (limit - dz0) / rate, 0.0)
    inside = np.abs(dz0) <= limit  # NaN: False
    lo = np.where(moving, np.minimum(ta, tb), np.where(inside, 0.0, np.inf))
    hi = np.where(moving, np.maximum(ta, tb), np.where(inside, dt, -np.inf))
    unknown = ~(np.isfinite(dz0) & np.isfinite(dz1))
    lo[unknown], hi[unknown] = np.inf, -np.inf
    return np.maximum(lo, 0.0), np.minimum(hi, dt)


@dataclass
class HorizontalState:
    """Per interval: the constant relative velocity's square ``w2`` (m²/s²), the time of
    the horizontal CPA from the interval start ``t_cpa`` (s), ``dcpa`` (m), ``h =
    DTHR² − dcpa²``, and the start range squared ``r2`` (used where ``w2 == 0``)."""

    w2: np.ndarray
    t_cpa: np.ndarray
    dcpa: np.ndarray
    h: np.ndarray
    r2: np.ndarray


def horizontal_state(
    g0: np.ndarray, g1: np.ndarray, dt: np.ndarray, dthr: float
) -> HorizontalState:
    """:class:`HorizontalState` from the relative ground-chord vectors at the interval's
    start and end (``(3, n)``) and its length ``dt``."""
    e = g1 - g0
    a = _dot(e, e)
    moving = (a > 0.0) & (dt > 0.0)
    safe_a = np.where(moving, a, 1.0)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        w2 = np.where(moving, a / np.where(dt > 0, dt * dt, 1.0), 0.0)
        t_cpa = np.where(moving, -_dot(g0, e) / safe_a * dt, 0.0)
        dcpa2 = np.where(moving, _cross2(g0, e) / safe_a, _dot(g0, g0))
    return HorizontalState(w2, t_cpa, np.sqrt(dcpa2), dthr * dthr - dcpa2, _dot(g0, g0))


def horizontal_violation(
    st: HorizontalState, dt: np.ndarray, thr: Thresholds
) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)`` seconds from the interval start where the horizontal clause holds."""
    w2, h, T = st.w2, st.h, thr.tthr
    moving = w2 > 0.0
    w2s = np.where(moving, w2, 1.0)
    hp = np.maximum(h, 0.0)
    # x (time to go to the CPA) from −√h/w (leaving DTHR) to T/2 + √(T²/4 + h/w²) (τmod = T).
    with np.errstate(over="ignore"):  # creeping pairs: the interval is all of dt
        x_out = -np.sqrt(hp / w2s)
        x_in = 0.5 * T + np.sqrt(0.25 * T * T + hp / w2s)
    lo = np.where(moving, st.t_cpa - x_in, np.where(st.r2 <= thr.dthr**2, 0.0, np.inf))
    hi = np.where(moving, st.t_cpa - x_out, np.where(st.r2 <= thr.dthr**2, dt, -np.inf))
    none = moving & (h < 0.0)
    lo[none], hi[none] = np.inf, -np.inf
    return np.maximum(lo, 0.0), np.minimum(hi, dt)


def least_tau_mod(st: HorizontalState, lo: np.ndarray, hi: np.ndarray, tthr: float) -> np.ndarray:
    """Least ``τmod`` in ``[0, TTHR]`` over ``[lo, hi]`` (seconds from the interval start)
    while closing; ``+inf`` where it never is."""
    w2, h = st.w2, st.h
    moving = w2 > 0.0
    w2s = np.where(moving, w2, 1.0)
    # Allowed x: τmod ≥ 0 (x ≥ √h/w), τmod ≤ T (x between the roots of x² − T x − h/w²).
    with np.errstate(over="ignore"):
        disc = 0.25 * tthr * tthr + h / w2s
        root = np.sqrt(np.maximum(disc, 0.0))
        x_lo = np.maximum(np.sqrt(np.maximum(h, 0.0) / w2s), 0.5 * tthr - root)
    x_hi = 0.5 * tthr + root
    xa = np.maximum(x_lo, st.t_cpa - hi)
    xb = np.minimum(x_hi, st.t_cpa - lo)
    ok = moving & (disc >= 0.0) & (xb >= xa) & (xb > 0.0) & (hi >= lo)
    # τmod is unimodal in x: least at √(−h)/w (h < 0), else at the smallest x.
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        x = np.clip(np.sqrt(np.maximum(-h, 0.0) / w2s), xa, xb)
        tau = np.where(x > 0.0, x - h / (w2s * np.where(x > 0.0, x, 1.0)), 0.0)
    return np.where(ok, np.clip(tau, 0.0, tthr), np.inf)


@dataclass
class WellClearPieces:
    """Per interval evaluation: violation pieces ``(index, lo, hi)`` in seconds from the
    interval start, the least ``τmod`` per interval (``+inf`` where none) with its
    ``dcpa``, and which pieces hold an NMAC."""

    idx: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    nmac: np.ndarray
    tau: np.ndarray
    dcpa: np.ndarray


def local_up(g_a: np.ndarray, g_b: np.ndarray) -> np.ndarray:
    """Unit vector (``(3, n)``) along the ellipsoid normal between two ground points
    (ECEF, ``(3, n)``): the gradient ``(x, y, z/(1 − e²))`` of the ellipsoid at their
    midpoint, no trigonometry."""
    up = g_a + g_b
    up[2] /= 1.0 - WGS84_E2
    return up / np.sqrt(_dot(up, up))


def horizontal(g: np.ndarray, up: np.ndarray) -> np.ndarray:
    """``g`` without its component along ``up``."""
    return g - _dot(g, up) * up


def well_clear_pieces(
    g0: np.ndarray,
    g1: np.ndarray,
    dz0: np.ndarray,
    dz1: np.ndarray,
    dt: np.ndarray,
    thr: Thresholds,
) -> WellClearPieces:
    """Evaluate every interval (vectorised): relative horizontal vectors ``g0``/``g1``
    (``(3, n)``, B − A, see :func:`horizontal`) and altitude differences ``dz0``/``dz1``
    at its start and end, length ``dt`` (0 for an instant)."""
    st = horizontal_state(g0, g1, dt, thr.dthr)
    hlo, hhi = horizontal_violation(st, dt, thr)
    vlo, vhi = vertical_within(dz0, dz1, dt, thr.zthr)
    lo, hi = np.maximum(hlo, vlo), np.minimum(hhi, vhi)
    # Positive-length pieces, and instants of presence no interval covers.
    keep = (hi > lo) | ((dt == 0.0) & (hi >= lo))
    idx = np.flatnonzero(keep)
    tau = least_tau_mod(st, vlo, vhi, thr.tthr)

    # NMAC inside the violation: horizontal chord < 500 ft and |dz| < 100 ft.
    e = g1[:, idx] - g0[:, idx]
    d0 = g0[:, idx]
    a, b, c = _dot(e, e), _dot(d0, e), _dot(d0, d0)
    nlo, nhi = within_range(a, b, c, NMAC_H_M, _cross2(d0, e))
    dti = dt[idx]
    zlo, zhi = vertical_within(dz0[idx], dz1[idx], dti, NMAC_V_M)
    n_lo = np.maximum(np.maximum(nlo * dti, zlo), lo[idx])
    n_hi = np.minimum(np.minimum(nhi * dti, zhi), hi[idx])
    nmac = n_hi >= n_lo
    return WellClearPieces(idx, lo[idx], hi[idx], nmac, tau, st.dcpa)


@dataclass
class PairWellClear:
    """Per pair of a chunk (arrays of length ``n_pairs``): least ``τmod`` (NaN where it
    never fell to TTHR within ZTHR), ``hmd_m`` at that instant, NMAC inside a violation;
    and the violation intervals ``(pair, start, end)`` in absolute time, in time order."""

    min_tau_mod_s: np.ndarray
    hmd_m: np.ndarray
    nmac: np.ndarray
    intervals: tuple[np.ndarray, np.ndarray, np.ndarray]


def pair_well_clear(
    pair: np.ndarray,
    tau0: np.ndarray,
    dt: np.ndarray,
    g0: np.ndarray,
    g1: np.ndarray,
    dz0: np.ndarray,
    dz1: np.ndarray,
    up: np.ndarray,
    thr: Thresholds,
    n_pairs: int,
) -> PairWellClear:
    """:func:`well_clear_pieces` on the union intervals of a chunk (``pair`` sorted, each
    pair's intervals in time order), reduced per pair; ``g0``/``g1`` are the relative
    ground-point vectors, ``up`` the local vertical (:func:`local_up`)."""
    wc = well_clear_pieces(horizontal(g0, up), horizontal(g1, up), dz0, dz1, dt, thr)
    tau_min = np.full(n_pairs, np.nan)
    hmd = np.full(n_pairs, np.nan)
    has = np.flatnonzero(np.isfinite(wc.tau))
    if len(has):
        order = np.lexsort((wc.tau[has], pair[has]))
        k = has[order]
        first = np.r_[True, pair[k][1:] != pair[k][:-1]]
        k = k[first]
        tau_min[pair[k]] = wc.tau[k]
        hmd[pair[k]] = wc.dcpa[k]
    nmac = np.zeros(n_pairs, dtype=bool)
    nmac[pair[wc.idx[wc.nmac]]] = True
    start = tau0[wc.idx] + wc.lo
    end = tau0[wc.idx] + wc.hi
    return PairWellClear(tau_min, hmd, nmac, (pair[wc.idx], start, end))


def well_clear_thresholds(settings: AnalysisSettings) -> tuple[float, float, float] | None:
    """``(DTHR, ZTHR, TTHR)`` of a run, or None when well clear is off."""
    if settings.well_clear == "off":
        return None
    return (settings.dthr_m, settings.zthr_m, settings.tthr_s)


class WellClearColumns:
    """Collects the chunks' per-pair well-clear figures for the result table."""

    def __init__(self, n_pairs: int) -> None:
        self.min_tau = np.full(n_pairs, np.nan)
        self.hmd = np.full(n_pairs, np.nan)
        self.nmac = np.zeros(n_pairs, dtype=bool)
        self.violated = np.zeros(n_pairs, dtype=bool)
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(self, chunk: PairWellClear | None, p0: int) -> None:
        """Take one chunk's figures (its pairs start at global pair ``p0``)."""
        if chunk is None:
            return
        sl = slice(p0, p0 + len(chunk.min_tau_mod_s))
        self.min_tau[sl] = chunk.min_tau_mod_s
        self.hmd[sl] = chunk.hmd_m
        self.nmac[sl] = chunk.nmac
        pair, start, end = chunk.intervals
        self.violated[pair + p0] = True
        self.parts.append((pair + p0, start, end))

    def columns(self, idx: np.ndarray, intervals: list[list[tuple[float, float]]]) -> dict:
        """The result table's well-clear columns for the reported pairs ``idx``."""
        return {
            "well_clear_violation": pd.Series(intervals, dtype="object"),
            "min_tau_mod_s": self.min_tau[idx],
            "hmd_m": self.hmd[idx],
            "well_clear_nmac": self.nmac[idx],
        }

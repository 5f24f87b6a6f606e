"""Exact evaluation of candidate windows: every union interval solved in closed form.

For a block of windows (whole pairs), :func:`.union.union_intervals` lists every interval
between consecutive sample times of either track; on each, the slant (ECEF chord) and
ground-chord separations are quadratics whose minima, and whose sub-intervals below the
visual range or the separation minimum, have closed forms (:mod:`.cpa`,
:mod:`.intervals`). Per pair results come from segmented numpy reductions.
"""

from __future__ import annotations

import numpy as np

from ..geo import geodesic_inverse
from .cpa import cross_norm2, quadratic_minimum
from .intervals import chord_of_arc, merge_touching, separation_loss, visual_pieces
from .prepared import PreparedTracks
from .settings import AnalysisSettings
from .union import Intervals, along, relative, union_intervals
from .well_clear import PairWellClear, Thresholds, candidates, local_up, pair_well_clear


def _dot(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return u[0] * v[0] + u[1] * v[1] + u[2] * v[2]


def _group_starts(group: np.ndarray) -> np.ndarray:
    """Start index of every run of equal values in a sorted array."""
    if len(group) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, group[1:] != group[:-1]])


def group_argmin(
    group: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(groups, first index of the minimum, minimum)`` per run of a sorted group array
    (``+inf`` values allowed; an all-inf group reports its first element)."""
    starts = _group_starts(group)
    if len(starts) == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0)
    mins = np.minimum.reduceat(values, starts)
    counts = np.diff(np.append(starts, len(values)))
    hit = np.flatnonzero(values == np.repeat(mins, counts))
    _, first = np.unique(group[hit], return_index=True)
    return group[starts], hit[first], mins


def _lon_along(lon: np.ndarray, idx: np.ndarray, nxt: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Longitude along a segment the short way round (as the display interpolates)."""
    l0 = lon[idx]
    d = (lon[nxt] - l0 + 180.0) % 360.0 - 180.0
    return (l0 + f * d + 180.0) % 360.0 - 180.0


def _positions(
    prep: PreparedTracks, iv: Intervals, k: np.ndarray, s: np.ndarray
) -> tuple[np.ndarray, ...]:
    """``(lat_a, lon_a, alt_a, lat_b, lon_b, alt_b)`` at fraction ``s`` of entries ``k``,
    interpolated in latitude/longitude/altitude as the display moves the aircraft."""
    fa = iv.fa0[k] + s * (iv.fa1[k] - iv.fa0[k])
    fb = iv.fb0[k] + s * (iv.fb1[k] - iv.fb0[k])
    ia, na, ib, nb = iv.ia[k], iv.na[k], iv.ib[k], iv.nb[k]
    return (
        along(prep.lat, ia, na, fa),
        _lon_along(prep.lon, ia, na, fa),
        along(prep.alt, ia, na, fa),
        along(prep.lat, ib, nb, fb),
        _lon_along(prep.lon, ib, nb, fb),
        along(prep.alt, ib, nb, fb),
    )


class ExactChunk:
    """Exact evaluation of the windows of a contiguous block of pairs."""

    def __init__(
        self,
        prep: PreparedTracks,
        settings: AnalysisSettings,
        ja: np.ndarray,
        jb: np.ndarray,
        w0: np.ndarray,
        w1: np.ndarray,
        pair_of_window: np.ndarray,
        n_pairs: int,
    ) -> None:
        iv = union_intervals(prep, ja, jb, w0, w1)
        pair = pair_of_window[iv.win]
        dt = iv.tau1 - iv.tau0
        self.n_intervals = len(iv)

        # Slant: ECEF chord.
        dp0, dp1 = relative(prep.p, iv)
        ep = dp1 - dp0
        quad_p = (_dot(ep, ep), _dot(dp0, ep), _dot(dp0, dp0), cross_norm2(dp0, ep))
        sp, dmin_p = quadratic_minimum(dp0, ep, quad_p[0], quad_p[1])
        known = np.isfinite(dmin_p)
        # Horizontal: chord between the ground points.
        dg0, dg1 = relative(prep.g, iv)
        eg = dg1 - dg0
        quad_g = (_dot(eg, eg), _dot(dg0, eg), _dot(dg0, dg0), cross_norm2(dg0, eg))
        sg, dmin_g = quadratic_minimum(dg0, eg, quad_g[0], quad_g[1])

        # --- closest point of approach per pair
        groups, k, best = group_argmin(pair, np.where(known, dmin_p, np.inf))
        # At a sample time prefer the interval that ends there (the approach side).
        prev = np.maximum(k - 1, 0)
        use_prev = (
            (sp[k] == 0.0)
            & (k > 0)
            & (pair[prev] == pair[k])
            & (iv.tau1[prev] == iv.tau0[k])
            & (dt[prev] > 0)
            & known[prev]
        )
        s_at = np.where(use_prev, 1.0, sp[k])
        k = np.where(use_prev, prev, k)
        slant_ok = np.isfinite(best)
        t_cpa = iv.tau0[k] + s_at * dt[k]
        with np.errstate(invalid="ignore", divide="ignore"):
            # Unknown (NaN) only for a CPA at an instant between two gaps.
            v_rel = np.where(dt[k] > 0, ep[:, k] / dt[k], np.nan)
        d_cpa = dp0[:, k] + s_at * ep[:, k]
        rng = np.sqrt(_dot(d_cpa, d_cpa))
        closure = np.sqrt(_dot(v_rel, v_rel))
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(rng > 0, _dot(d_cpa, v_rel) / rng, 0.0 * closure)
        lat_a, lon_a, alt_a, lat_b, lon_b, alt_b = _positions(prep, iv, k, s_at)
        az_ab, az_ba, hdist = geodesic_inverse(lat_a, lon_a, lat_b, lon_b)

        # --- least horizontal separation per pair
        _, kh, _ = group_argmin(pair, dmin_g)
        th = iv.tau0[kh] + sg[kh] * dt[kh]
        hlat_a, hlon_a, _, hlat_b, hlon_b, _ = _positions(prep, iv, kh, sg[kh])
        haz_ab, haz_ba, hmin = geodesic_inverse(hlat_a, hlon_a, hlat_b, hlon_b)
        # Where slant is unknown, the horizontal minimum there bounds what it could be.
        _, _, unknown_h = group_argmin(pair, np.where(known, np.inf, dmin_g))

        self.per_pair = {
            "pair": groups,
            "cpa_time": np.where(slant_ok, t_cpa, th),
            "cpa_slant_m": np.where(slant_ok, best, np.nan),
            "cpa_horizontal_m": np.where(slant_ok, hdist, hmin),
            "cpa_vertical_m": np.where(slant_ok, np.abs(alt_b - alt_a), np.nan),
            "closure_mps": np.where(slant_ok, closure, np.nan),
            "range_rate_mps": np.where(slant_ok, rate, np.nan),
            # Slant unknown throughout: bearings at the horizontal minimum instead.
            "bearing_ab_deg": np.where(slant_ok, az_ab, haz_ab),
            "bearing_ba_deg": np.where(slant_ok, az_ba, haz_ba),
            "min_horizontal_m": hmin,
            "min_horizontal_time": th,
            "unknown_h": unknown_h,
            "alt_unknown_s": np.bincount(pair, weights=np.where(known, 0.0, dt), minlength=n_pairs)[
                groups
            ],
        }

        # --- visual contact (an instant of presence between gaps counts as [t, t])
        vis_pair = np.maximum(prep.visual_range[ja], prep.visual_range[jb])[iv.win]
        ha = (along(prep.alt, iv.ia, iv.na, iv.fa0), along(prep.alt, iv.ia, iv.na, iv.fa1))
        hb = (along(prep.alt, iv.ib, iv.nb, iv.fb0), along(prep.alt, iv.ib, iv.nb, iv.fb1))
        vi, vlo, vhi = visual_pieces(quad_p, vis_pair, dg0, dg1, ha, hb, settings.earth_k)
        self.visual = merge_touching(
            pair[vi], iv.tau0[vi] + vlo * dt[vi], iv.tau0[vi] + vhi * dt[vi]
        )
        # --- loss of separation
        dh0, dh1 = hb[0] - ha[0], hb[1] - ha[1]
        self.los = self._separation(
            pair, iv, quad_g, dh0, dh1, settings.hsep_m, settings.vsep_m, dt
        )
        # --- near mid-air collision: the same test with the NMAC limits
        self.nmac = self._separation(
            pair, iv, quad_g, dh0, dh1, settings.nmac_h_m, settings.nmac_v_m, dt
        )
        # --- DAA well clear (see :mod:`.well_clear`)
        self.well_clear: PairWellClear | None = None
        if settings.well_clear != "off":
            thr = Thresholds(settings.dthr_m, settings.zthr_m, settings.tthr_s)
            c = candidates(dmin_g, quad_g[0], dt, dh0, dh1, thr)
            up = local_up(prep.g[:, iv.ia[c]], prep.g[:, iv.ib[c]])
            self.well_clear = pair_well_clear(
                pair[c], iv.tau0[c], dt[c], dg0[:, c], dg1[:, c], dh0[c], dh1[c], up, thr, n_pairs
            )

    @staticmethod
    def _separation(
        pair: np.ndarray,
        iv: Intervals,
        quad_g: tuple[np.ndarray, ...],
        dh0: np.ndarray,
        dh1: np.ndarray,
        h_m: float,
        v_m: float,
        dt: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Intervals with horizontal < ``h_m`` and vertical < ``v_m``, merged per pair
        (zero-length entries, instants between gaps, come out as ``[t, t]``)."""
        li, llo, lhi = separation_loss(quad_g, chord_of_arc(h_m), dh0, dh1, v_m)
        return merge_touching(pair[li], iv.tau0[li] + llo * dt[li], iv.tau0[li] + lhi * dt[li])

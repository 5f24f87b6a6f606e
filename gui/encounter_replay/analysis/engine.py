"""All-pairs separation analysis: prune, then solve every union interval exactly.

Pipeline (design §5):

1. :func:`.prepared.prepare` — paired classes only (``settings.include``; reference points
   never), ECEF positions, altitude dropouts bridged when the known altitudes around them
   are at most ``gap_s`` apart; longer dropouts stay unknown (horizontal only) and are
   named in a warning.
2. :func:`.pruning.candidate_windows` — (pair, time window)s whose bounding boxes and
   straight-line bounds say something can happen there; whole buckets certainly in visual
   contact or loss of separation come back as intervals without exact work. Cost follows
   the number of close pairs.
3. In chunks of windows (bounded memory; progress and cancel between chunks):
   :func:`.union.union_intervals` builds every interval between consecutive sample times
   of either track, and on each one the closed forms of :mod:`.cpa` and :mod:`.intervals`
   give the minimum, the visual-contact pieces and the loss-of-separation pieces. Per pair
   reductions are segmented numpy reductions; nothing loops over pairs or samples.

Motion model: linear in WGS84 ECEF between consecutive samples of a track; no motion
across gaps longer than ``gap_s`` (an isolated sample between two gaps is an instant of
presence, which the CPA search includes). Slant range is the ECEF chord. Horizontal
separation is minimised on the chord between ground points and reported as the pyproj
geodesic at that moment (the two differ by < 1 m below 100 km).

Closure (``closure_mps``) is the relative speed ``|v_B − v_A|`` at the CPA, on the
interval ending at the CPA when it falls on a sample time: how fast the two passed each
other. The range rate is zero at an interior minimum and says nothing there; it is given
separately (``range_rate_mps``) and is non-zero only when the closest moment is the start
or end of the common data. Both are unknown (NaN) when the CPA is an instant between gaps.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pandas as pd

from ..geo import geodesic_inverse
from ..model import DataWarning, TrackSet
from .cpa import quadratic_minimum
from .intervals import chord_of_arc, merge_touching, separation_loss, visual_pieces
from .prepared import SOURCE, PreparedTracks, prepare
from .pruning import all_overlapping_windows, candidate_windows
from .result import PAIR_COLUMNS, AnalysisCancelled, AnalysisResult, empty_pairs
from .settings import AnalysisSettings
from .union import Intervals, along, inside_counts, relative, union_intervals

Progress = Callable[[float], bool | None]

#: Union points per chunk: about 0.5 KB of working memory each.
CHUNK_POINTS = 250_000


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


class _Chunk:
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
        quad_p = (_dot(ep, ep), _dot(dp0, ep), _dot(dp0, dp0))
        sp, dmin_p = quadratic_minimum(dp0, ep, quad_p[0], quad_p[1])
        known = np.isfinite(dmin_p)
        # Horizontal: chord between the ground points.
        dg0, dg1 = relative(prep.g, iv)
        eg = dg1 - dg0
        quad_g = (_dot(eg, eg), _dot(dg0, eg), _dot(dg0, dg0))
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

        # --- visual contact (intervals of positive length only)
        vis_pair = np.maximum(prep.visual_range[ja], prep.visual_range[jb])[iv.win]
        ha = (along(prep.alt, iv.ia, iv.na, iv.fa0), along(prep.alt, iv.ia, iv.na, iv.fa1))
        hb = (along(prep.alt, iv.ib, iv.nb, iv.fb0), along(prep.alt, iv.ib, iv.nb, iv.fb1))
        vi, vlo, vhi = visual_pieces(quad_p, vis_pair, dg0, dg1, ha, hb, settings.earth_k)
        pos = dt[vi] > 0
        vi, vlo, vhi = vi[pos], vlo[pos], vhi[pos]
        self.visual = merge_touching(
            pair[vi], iv.tau0[vi] + vlo * dt[vi], iv.tau0[vi] + vhi * dt[vi]
        )
        # --- loss of separation
        dh0, dh1 = hb[0] - ha[0], hb[1] - ha[1]
        li, llo, lhi = separation_loss(
            quad_g, chord_of_arc(settings.hsep_m), dh0, dh1, settings.vsep_m
        )
        pos = dt[li] > 0
        li, llo, lhi = li[pos], llo[pos], lhi[pos]
        self.los = merge_touching(pair[li], iv.tau0[li] + llo * dt[li], iv.tau0[li] + lhi * dt[li])


def _spans_by_pair(
    spans: tuple[np.ndarray, np.ndarray, np.ndarray], n_pairs: int
) -> list[list[tuple[float, float]]]:
    """Intervals grouped per pair (sorted by pair) as lists of ``(start, end)`` tuples.

    Building the table's list column is the one per-pair Python step; it runs over the
    reported pairs only, after all numerical work.
    """
    pair, start, end = spans
    counts = np.bincount(pair, minlength=n_pairs).tolist()
    rows = list(zip(start.tolist(), end.tolist(), strict=True))
    out: list[list[tuple[float, float]]] = []
    pos = 0
    for c in counts:
        out.append(rows[pos : pos + c])
        pos += c
    return out


def analyze(
    ts: TrackSet,
    settings: AnalysisSettings | None = None,
    progress: Progress | None = None,
    *,
    chunk_points: int = CHUNK_POINTS,
    prune: bool = True,
) -> AnalysisResult:
    """CPA, least horizontal separation, visual-contact and loss-of-separation intervals
    for every pair of paired-class tracks whose CPA slant range is within
    ``settings.within_m`` (see :class:`AnalysisResult` for the columns).

    ``progress(fraction)`` is called between stages and chunks; returning ``False``
    cancels with :class:`AnalysisCancelled`. ``prune=False`` examines every pair over its
    whole overlap (quadratic; for checking the pruning).
    """
    settings = settings or AnalysisSettings()

    def report(fraction: float) -> None:
        if progress is not None and progress(min(max(fraction, 0.0), 1.0)) is False:
            raise AnalysisCancelled()

    report(0.0)
    vis = settings.visual_ranges(ts.meta)
    prep = prepare(ts, settings.include, settings.gap_s, vis)
    warnings: list[DataWarning] = list(prep.warnings)
    report(0.05)
    windows, margin = candidate_windows(
        prep,
        gap_s=settings.gap_s,
        within_m=settings.within_m,
        hsep_m=settings.hsep_m,
        vsep_m=settings.vsep_m,
        earth_k=settings.earth_k,
    )
    if not prune:
        windows = all_overlapping_windows(prep)
    stats = {
        "tracks": len(prep),
        "samples": len(prep.t),
        "box_pairs": windows.n_box_pairs,
        "fine_buckets": windows.n_fine,
        "kept_buckets": windows.n_kept,
        "windows": len(windows),
        "intervals": 0,
        "margin_eps": margin.eps,
        "margin_delta_m": margin.delta,
    }
    report(0.15)
    if len(windows) == 0:
        return AnalysisResult(settings, empty_pairs(), warnings, stats)

    ja, jb, w0, w1 = windows.ja, windows.jb, windows.w0, windows.w1
    new_pair = np.r_[True, (ja[1:] != ja[:-1]) | (jb[1:] != jb[:-1])]
    pair_of_window = np.cumsum(new_pair) - 1
    n_pairs = int(pair_of_window[-1]) + 1
    pair_a = ja[new_pair]
    pair_b = jb[new_pair]
    _, n_a, _, n_b = inside_counts(prep, ja, jb, w0, w1)
    npts = n_a + n_b + 2
    # Chunks hold whole pairs: chunk number = points before the pair's first window // budget.
    before = np.cumsum(npts) - npts
    chunk_of_pair = before[new_pair] // max(int(chunk_points), 1)
    chunk_of_window = chunk_of_pair[pair_of_window]
    bounds = np.flatnonzero(np.r_[True, chunk_of_window[1:] != chunk_of_window[:-1], True])
    total_pts = float(npts.sum())

    per_keys = [
        "cpa_time",
        "cpa_slant_m",
        "cpa_horizontal_m",
        "cpa_vertical_m",
        "closure_mps",
        "range_rate_mps",
        "bearing_ab_deg",
        "bearing_ba_deg",
        "min_horizontal_m",
        "min_horizontal_time",
        "unknown_h",
        "alt_unknown_s",
    ]
    acc = {name: np.full(n_pairs, np.nan) for name in per_keys}
    seen = np.zeros(n_pairs, dtype=bool)
    vis_parts: list[tuple[np.ndarray, ...]] = []
    los_parts: list[tuple[np.ndarray, ...]] = []
    done = 0.0
    for c0, c1 in itertools.pairwise(bounds):
        sl = slice(int(c0), int(c1))
        p0 = int(pair_of_window[c0])
        chunk = _Chunk(
            prep,
            settings,
            ja[sl],
            jb[sl],
            w0[sl],
            w1[sl],
            pair_of_window[sl] - p0,
            int(pair_of_window[c1 - 1]) - p0 + 1,
        )
        stats["intervals"] += chunk.n_intervals
        g = chunk.per_pair["pair"] + p0
        seen[g] = True
        for name in per_keys:
            acc[name][g] = chunk.per_pair[name]
        vis_parts.append((chunk.visual[0] + p0, chunk.visual[1], chunk.visual[2]))
        los_parts.append((chunk.los[0] + p0, chunk.los[1], chunk.los[2]))
        done += float(npts[sl].sum())
        report(0.15 + 0.8 * done / total_pts)

    within = settings.within_m
    slant = acc["cpa_slant_m"]
    reported = seen & (
        (np.isfinite(slant) & (slant <= within))
        | (np.isfinite(acc["unknown_h"]) & (acc["unknown_h"] <= within))
    )
    idx = np.flatnonzero(reported)
    order = np.lexsort((acc["min_horizontal_m"][idx], np.nan_to_num(slant[idx], nan=np.inf)))
    idx = idx[order]
    remap = np.full(n_pairs, -1, dtype=np.int64)
    remap[idx] = np.arange(len(idx))

    # Whole buckets the pruning found certainly in contact / in loss of separation.
    n_tr = max(len(prep), 1)
    pair_keys = pair_a * n_tr + pair_b

    def direct(spans: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
        if not spans or len(spans[0]) == 0:
            return (np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0))
        da, db, s0, s1 = spans
        k = da * n_tr + db
        at = np.minimum(np.searchsorted(pair_keys, k), len(pair_keys) - 1)
        ok = pair_keys[at] == k
        return (at[ok], s0[ok], s1[ok])

    vis_parts.append(direct(windows.direct_vis))
    los_parts.append(direct(windows.direct_los))

    def gather(parts: list[tuple[np.ndarray, ...]]) -> list[list[tuple[float, float]]]:
        pair = np.concatenate([p[0] for p in parts]).astype(np.int64)
        start = np.concatenate([p[1] for p in parts])
        end = np.concatenate([p[2] for p in parts])
        row = remap[pair]
        keep = row >= 0
        row, start, end = row[keep], start[keep], end[keep]
        o = np.lexsort((start, row))
        return _spans_by_pair(merge_touching(row[o], start[o], end[o]), len(idx))

    visual = gather(vis_parts)
    los = gather(los_parts)
    ta = prep.track[pair_a[idx]]
    tb = prep.track[pair_b[idx]]
    names = np.array(prep.names, dtype=object)
    ids = np.array(prep.ids, dtype=object)
    pairs = pd.DataFrame(
        {
            "a": ta.astype(np.int64),
            "b": tb.astype(np.int64),
            "a_id": ids[pair_a[idx]],
            "b_id": ids[pair_b[idx]],
            "a_name": names[pair_a[idx]],
            "b_name": names[pair_b[idx]],
            **{name: acc[name][idx] for name in per_keys if name not in ("unknown_h",)},
            "visual_contact": pd.Series(visual, dtype="object"),
            "loss_of_separation": pd.Series(los, dtype="object"),
            "visual_s": np.array([sum(e - s for s, e in v) for v in visual], dtype=np.float64)
            if visual
            else np.zeros(0),
            "los": np.array([len(x) > 0 for x in los], dtype=bool),
        }
    )
    pairs = pairs[list(PAIR_COLUMNS)].reset_index(drop=True)
    partial = int((pairs["alt_unknown_s"] > 0).sum())
    if partial:
        warnings.append(
            DataWarning(
                SOURCE,
                f"{partial} reported pair(s) have stretches without altitude (alt_unknown_s): "
                "their slant CPA, visual contact and loss of separation cover only the rest",
                count=partial,
            )
        )
    stats["pairs"] = len(pairs)
    report(1.0)
    return AnalysisResult(settings, pairs, warnings, stats)


__all__ = ["AnalysisCancelled", "analyze", "group_argmin"]

"""Which pairs, when, can possibly matter: candidate windows without looking at N² pairs.

Two levels of time buckets. *Fine* buckets (``coarse / 6``, 10 s by default) carry, per
(track, bucket), the bounding box of the track's *ground points* (ECEF, altitude 0) over
its whole path in the bucket (samples in it, plus the neighbours across the edges when the
segment to them is not a gap, or the segment passing right through), the track's top speed
there, whether it is present throughout, and its exact position at the bucket's start.
*Coarse* buckets (``max(60 s, gap_s)``) are unions of six fine boxes.

1. Coarse boxes of one bucket are matched with a KD-tree on box centres (one tree for all
   buckets: the bucket number is a fourth coordinate, spaced further apart than the search
   radius), then the exact box-to-box distance decides: only pairs within the pruning
   radius survive. Cost follows the number of close pairs, not N².
2. Each surviving coarse pair is split into its fine buckets. There a lower bound of the
   separation is the box distance, or — when both are present throughout — the Lipschitz
   bound ``(d_start + d_end − (v_A + v_B)·Δt)/2`` from the exact separations at the two
   edges and the top speeds. An upper bound of the pair's minimum is the least exact
   separation at any edge. A fine bucket goes to the exact stage only if its lower bound
   is within the pair's visual range, the separation minimum, or that upper bound (capped
   at ``within``): the ring between 10 NM and 25 NM, and the long approaches of far
   pairs, never reach the exact stage.

Why ground boxes bound the slant range (the margin): for two points at heights ``h₁, h₂``
over their ground points ``G₁, G₂``, ``|P₁−P₂|² ≥ |c|²(1 + h̄/ρ)² − (n̄·c)²`` with ``c =
G₁−G₂``, ``ρ`` the smallest radius of curvature of the ellipsoid and ``|n̄·c| ≤ |c|²/2ρ``
(the chord dips under the tangent plane). So ``slant ≥ chord·(1 − ε)`` with
``ε = (r/ρ)²/8 + max(0, −h_min)/ρ``: on a sphere with non-negative heights the slant range
is never shorter than the ground chord at all. Between samples, linear interpolation of
``G + h·n`` differs from ``G(s) + h(s)·n(s)`` by at most ``¼·|ΔG|·|Δh|/ρ`` per segment,
which becomes an additive margin ``δ``. Both are computed from the data; tests check on
random and real tracks that pruning never loses a pair or changes a figure.

Altitudes outside the plausible band :data:`ALT_LOW`..:data:`ALT_HIGH` do not enter ``ε``
and ``δ``: one absurd altitude (−3·10⁷ m) would otherwise make ``ε`` ≥ ½ and switch
pruning off for the whole scene. Such a sample is instead handled where it is: writing
its height ``h = h_c + x`` with ``h_c`` clipped to the band, its position is off the
clipped one by ``|x|`` along the normal, so ``slant ≥ slant_c − x_A − x_B`` (linear
interpolation keeps this per segment). The ground boxes of the buckets it touches grow by
``x/(1 − ε)`` (at most the Earth's diameter, beyond which a box already holds every ground
point), so the bound stays exact and only those buckets lose their pruning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from ..geo import arc_of_chord, horizon_arc_m
from ..io.limits import check_analysis_budget
from ..model.units import FT
from .boxes import (
    ALT_HIGH,
    ALT_LOW,
    box_distance,
    close_box_pairs,
    fine_boxes,
    norm3,
    relative_speed_bound,
)
from .cpa import segment_minimum
from .prepared import PreparedTracks
from .thresholds import NMAC_H_M, NMAC_V_M
from .well_clear import slack

#: Smallest principal radius of curvature of WGS84 (meridional, at the equator), metres.
RHO_MIN = 6_335_439.0
#: More than the Earth's diameter (m): a ground box grown by this holds every ground point.
GROW_MAX = 13_000_000.0
#: Half the equator (m): no two points on Earth are farther apart along it, so a larger
#: pruning radius makes every pair a candidate just the same (and ε is then ≥ ½ anyway).
RADIUS_MAX = np.pi * 6_378_137.0
MIN_BUCKET_S = 60.0
#: Fine buckets per coarse bucket.
N_SUB = 6


@dataclass
class Windows:
    """Candidate windows, sorted by pair then time: prepared track indices ``ja < jb``
    and the time range ``[w0, w1]`` to examine exactly."""

    ja: np.ndarray
    jb: np.ndarray
    w0: np.ndarray
    w1: np.ndarray
    n_box_pairs: int = 0
    n_fine: int = 0
    n_kept: int = 0
    #: Whole fine buckets certainly in visual contact / loss of separation, not examined
    #: exactly: ``(ja, jb, start, end)``.
    direct_vis: tuple[np.ndarray, ...] = ()
    direct_los: tuple[np.ndarray, ...] = ()
    #: … and certainly in well-clear violation (within DTHR and ZTHR, no NMAC possible).
    direct_wc: tuple[np.ndarray, ...] = ()

    def __len__(self) -> int:
        return len(self.ja)


@dataclass
class Margin:
    """``slant ≥ chord·(1 − eps) − delta`` (see the module docstring)."""

    eps: float
    delta: float

    def chord_bound(self, slant: np.ndarray | float) -> np.ndarray | float:
        """The largest ground chord compatible with a slant range of ``slant``.

        The bound is meant for distances small against the Earth; for continental radii
        (ε ≥ ½) nothing is pruned.
        """
        if self.eps >= 0.5:
            return np.full(np.shape(slant), np.inf)
        return (np.asarray(slant) + self.delta) / (1.0 - self.eps)

    def slant_lower(self, chord_lower: np.ndarray) -> np.ndarray:
        """A lower bound of the slant range from one of the ground chord."""
        return chord_lower * (1.0 - self.eps) - self.delta


def slant_margin(prep: PreparedTracks, radius: float) -> Margin:
    """The data's ``slant ≥ chord·(1 − ε) − δ`` bound for pruning radius ``radius`` (m).

    The radius is clamped to :data:`RADIUS_MAX` before squaring: ``within = 1e300`` must
    mean "every pair", not an overflow.

    Altitudes are clipped to :data:`ALT_LOW`..:data:`ALT_HIGH` here; the samples outside
    are covered by growing their buckets' boxes (``FineBoxes.hexcess``).
    """
    radius = min(float(radius), RADIUS_MAX)
    clipped = np.clip(prep.alt, ALT_LOW, ALT_HIGH)  # NaN stays NaN
    alt = clipped[np.isfinite(clipped)]
    h_min = float(alt.min()) if len(alt) else 0.0
    eps = (radius / RHO_MIN) ** 2 / 8.0 + max(0.0, -h_min) / RHO_MIN + 1e-6
    lerp = 0.0
    if len(prep.t) > 1:
        ok = prep.seg_ok[:-1]
        dg = np.sqrt(np.sum((prep.g[:, 1:] - prep.g[:, :-1]) ** 2, axis=0))
        dh = np.abs(clipped[1:] - clipped[:-1])
        prod = np.where(ok & np.isfinite(dh), dg * dh, 0.0)
        lerp = float(prod.max()) * 0.3 / RHO_MIN if len(prod) else 0.0
    return Margin(eps=eps, delta=lerp + 0.5)


def _segmented_min(starts: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Minimum of ``values`` over each run beginning at ``starts`` (NaN as +inf)."""
    v = np.where(np.isfinite(values), values, np.inf)
    return np.minimum.reduceat(v, starts) if len(starts) else np.zeros(0)


def _in_span(t: np.ndarray, span: tuple[float, float]) -> np.ndarray:
    return (t >= span[0]) & (t <= span[1])


def _empty_windows(n_box_pairs: int = 0, n_fine: int = 0) -> Windows:
    z, zf = np.zeros(0, dtype=np.int64), np.zeros(0)
    return Windows(z, z, zf, zf, n_box_pairs=n_box_pairs, n_fine=n_fine, n_kept=0)


def candidate_windows(
    prep: PreparedTracks,
    *,
    gap_s: float,
    within_m: float,
    hsep_m: float,
    vsep_m: float = 1000 * FT,
    earth_k: float = 4.0 / 3.0,
    bucket_s: float | None = None,
    use_bounds: bool = True,
    well_clear: tuple[float, float, float] | None = None,
    nmac_h_m: float = 0.0,
    nmac_v_m: float = 0.0,
    span: tuple[float, float] | None = None,
) -> tuple[Windows, Margin]:
    """Candidate (pair, time window)s for the exact stage (see module docstring).

    The pruning radius is ``max(within, largest visual range, hsep)`` turned into a
    ground-chord bound with the data's slant margin. With ``use_bounds`` the fine buckets
    that cannot hold the pair's minimum or an interval boundary are taken out: dropped, or
    — when visual contact or loss of separation certainly lasts through them — returned as
    whole-bucket intervals in ``Windows.direct_*``. With ``span`` the upper bounds of a
    pair's minima come only from separations inside it (see ``analyze(span=...)``).

    ``well_clear = (DTHR, ZTHR, TTHR)`` keeps every bucket where well clear can be violated
    or τmod reach TTHR: that needs a ground chord ≤ ``DTHR + TTHR·|v_B − v_A|`` (the
    horizontal clause ``r² + TTHR·r·ṙ ≤ DTHR²`` bounds ``r`` so, as ``|ṙ| ≤ |v_B − v_A|``,
    bounded from the buckets' velocity ranges) and a vertical separation that can be ≤
    ZTHR. Where even ``DTHR + TTHR·(v_A + v_B)`` exceeds the pruning radius the coarse
    boxes are grown by ``TTHR·v`` (a box grown so holds every point within that
    distance) before they are matched, so fast movers are not lost.
    """
    vis = prep.visual_range
    radius_slant = max(within_m, float(vis.max()) if len(vis) else 0.0, hsep_m)
    margin = slant_margin(prep, radius_slant)
    radius = float(margin.chord_bound(radius_slant))
    coarse = max(MIN_BUCKET_S, float(gap_s)) if bucket_s is None else max(bucket_s, gap_s)
    width = coarse / N_SUB
    if len(prep.t) == 0:
        return _empty_windows(), margin
    fb = fine_boxes(prep, width)
    # Buckets with implausible altitudes: grow their ground boxes (see module docstring).
    # (with ε ≥ 1 the chord bound says nothing, so any growth will do)
    scale = 1.0 / (1.0 - margin.eps) if margin.eps < 1.0 else 1.0
    grow = np.minimum(fb.hexcess * scale, GROW_MAX)
    if grow.any():
        fb.lo = fb.lo - grow
        fb.hi = fb.hi + grow

    # Coarse boxes: unions of the fine boxes of one (track, coarse bucket).
    cq = fb.q // N_SUB
    cstart = np.flatnonzero(np.r_[True, (fb.track[1:] != fb.track[:-1]) | (cq[1:] != cq[:-1])])
    cend = np.append(cstart[1:], len(fb))
    c_lo = np.minimum.reduceat(fb.lo, cstart, axis=1)
    c_hi = np.maximum.reduceat(fb.hi, cstart, axis=1)
    c_track, c_bucket = fb.track[cstart], cq[cstart]
    if well_clear is not None:
        dthr, zthr, tthr = well_clear
        c_vlo = np.minimum.reduceat(fb.vlo, cstart, axis=1)
        c_vhi = np.maximum.reduceat(fb.vhi, cstart, axis=1)
        c_reach = tthr * norm3(np.maximum(np.abs(c_vlo), np.abs(c_vhi)))
    if well_clear is not None and slack(dthr + 2.0 * float(c_reach.max())) > radius:
        g_lo, g_hi = c_lo - c_reach, c_hi + c_reach
        reach = max(radius, slack(dthr))
        check_analysis_budget(box_pairs=count_close_box_pairs(g_lo, g_hi, c_bucket, reach))
        bi, bj = close_box_pairs(g_lo, g_hi, c_bucket, reach)
        near = box_distance(c_lo[:, bi], c_hi[:, bi], c_lo[:, bj], c_hi[:, bj]) <= radius
        near |= box_distance(g_lo[:, bi], g_hi[:, bi], g_lo[:, bj], g_hi[:, bj]) <= slack(dthr)
        bi, bj = bi[near], bj[near]
    else:
        check_analysis_budget(box_pairs=count_close_box_pairs(c_lo, c_hi, c_bucket, radius))
        bi, bj = close_box_pairs(c_lo, c_hi, c_bucket, radius)
    n_box_pairs = len(bi)
    if n_box_pairs == 0:
        return _empty_windows(), margin
    swap = c_track[bi] > c_track[bj]
    bi, bj = np.where(swap, bj, bi), np.where(swap, bi, bj)
    n_tr = max(len(prep), 1)
    pair_key = c_track[bi] * n_tr + c_track[bj]
    order = np.lexsort((c_bucket[bi], pair_key))
    bi, bj, pair_key = bi[order], bj[order], pair_key[order]
    if use_bounds:
        # A first cut at the coarse level: the separation at coarse bucket starts bounds
        # each pair's minima from above; coarse buckets farther than that (and than the
        # visual range and separation minimum) cannot matter.
        fa0, fb0 = cstart[bi], cstart[bj]
        at_edge = (fb.q[fa0] == c_bucket[bi] * N_SUB) & (fb.q[fb0] == c_bucket[bj] * N_SUB)
        if span is not None:
            at_edge &= _in_span(prep.t_ref + c_bucket[bi] * coarse, span)
        d_s = np.where(at_edge, norm3(fb.edge_p[:, fb0] - fb.edge_p[:, fa0]), np.nan)
        d_g = np.where(at_edge, norm3(fb.edge_g[:, fb0] - fb.edge_g[:, fa0]), np.nan)
        pstart = np.flatnonzero(np.r_[True, pair_key[1:] != pair_key[:-1]])
        pcount = np.diff(np.append(pstart, len(pair_key)))
        ub_s = np.repeat(_segmented_min(pstart, d_s), pcount)
        ub_g = np.repeat(_segmented_min(pstart, d_g), pcount)
        lb = box_distance(c_lo[:, bi], c_hi[:, bi], c_lo[:, bj], c_hi[:, bj])
        pair_vis = np.maximum(vis[c_track[bi]], vis[c_track[bj]])
        need = np.maximum.reduce(
            [
                margin.chord_bound(np.maximum(pair_vis, np.minimum(ub_s, within_m))),
                np.full(len(bi), hsep_m),
                np.minimum(ub_g, margin.chord_bound(within_m)),
            ]
        )
        keep = lb <= need
        if well_clear is not None:
            v_rel = relative_speed_bound(c_vlo[:, bi], c_vhi[:, bi], c_vlo[:, bj], c_vhi[:, bj])
            keep |= lb <= slack(dthr + tthr * v_rel)
        bi, bj, pair_key = bi[keep], bj[keep], pair_key[keep]

    # Fine entries: each fine bucket of A in the coarse bucket, matched with B's.
    cnt = cend[bi] - cstart[bi]
    fa = np.repeat(cstart[bi], cnt) + (
        np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    )
    ekey = np.repeat(pair_key, cnt)
    want = np.repeat(c_track[bj], cnt) * fb.n_keys + fb.q[fa]
    fbi = np.minimum(np.searchsorted(fb.key, want), len(fb) - 1)
    found = fb.key[fbi] == want
    fa, fbi, ekey = fa[found], fbi[found], ekey[found]
    n_fine = len(fa)
    if n_fine == 0:
        return _empty_windows(n_box_pairs), margin
    ja, jb, q = fb.track[fa], fb.track[fbi], fb.q[fa]
    direct_vis = direct_los = direct_wc = np.zeros(n_fine, dtype=bool)

    if use_bounds:
        lb_g = box_distance(fb.lo[:, fa], fb.hi[:, fa], fb.lo[:, fbi], fb.hi[:, fbi])
        # Separation at the start edge and, when both go on, at the end edge.
        r0p = fb.edge_p[:, fbi] - fb.edge_p[:, fa]
        r0g = fb.edge_g[:, fbi] - fb.edge_g[:, fa]
        na, nb = fb.nxt[fa], fb.nxt[fbi]
        has_end = (na >= 0) & (nb >= 0)
        na, nb = np.where(has_end, na, fa), np.where(has_end, nb, fbi)
        r1p = np.where(has_end, fb.edge_p[:, nb] - fb.edge_p[:, na], np.nan)
        r1g = np.where(has_end, fb.edge_g[:, nb] - fb.edge_g[:, na], np.nan)
        # Straight-line motion between the edges, within the two paths' deviations of it:
        # |d(t) − r(t)| ≤ dev_A + dev_B, r linear, so min|r| − dev ≤ d ≤ max|r| + dev.
        devp = fb.devp[fa] + fb.devp[fbi]
        devg = fb.devg[fa] + fb.devg[fbi]
        _, min_rp = segment_minimum(r0p, r1p)
        _, min_rg = segment_minimum(r0g, r1g)
        d0p, d1p, d0g, d1g = norm3(r0p), norm3(r1p), norm3(r0g), norm3(r1g)
        lb_g = np.fmax(lb_g, min_rg - devg - grow[fa] - grow[fbi])
        lb_s = np.fmax(margin.slant_lower(lb_g), min_rp - devp)
        max_s = np.fmax(d0p, d1p) + devp  # NaN unless usable
        max_g = np.fmax(d0g, d1g) + devg
        # Upper bounds of each pair's minima: any separation that certainly occurred.
        pstart = np.flatnonzero(np.r_[True, ekey[1:] != ekey[:-1]])
        pcount = np.diff(np.append(pstart, n_fine))
        ub_sep = [
            np.fmin(np.fmin(d0p, d1p), min_rp + devp),
            np.fmin(np.fmin(d0g, d1g), min_rg + devg),
        ]
        if span is not None:  # only separations that occurred inside the span bound its minima
            t_start = prep.t_ref + q * width
            at0, at1 = _in_span(t_start, span), _in_span(t_start + width, span)
            ub_sep = [
                np.where(at0 & at1, ub, np.where(at0, d0, np.where(at1, d1, np.nan)))
                for ub, d0, d1 in ((ub_sep[0], d0p, d1p), (ub_sep[1], d0g, d1g))
            ]
        ub_s = np.repeat(_segmented_min(pstart, ub_sep[0]), pcount)
        ub_g = np.repeat(_segmented_min(pstart, ub_sep[1]), pcount)
        pair_vis = np.maximum(vis[ja], vis[jb])
        # Altitude differences over the bucket (ranges are conservative; NaN = unknown).
        ha_lo, ha_hi, hb_lo, hb_hi = fb.hmin[fa], fb.hmax[fa], fb.hmin[fbi], fb.hmax[fbi]
        dh_max = np.fmax(hb_hi - ha_lo, ha_hi - hb_lo)
        dh_min = np.maximum(0.0, np.fmax(hb_lo - ha_hi, ha_lo - hb_hi))
        # Line of sight certain: the farthest possible ground arc is within the horizon
        # sum at the lowest altitudes (heights under the minimum eye height count as it).
        horizon = horizon_arc_m(ha_lo, earth_k) + horizon_arc_m(hb_lo, earth_k)
        los_sure = arc_of_chord(max_g) <= horizon
        vis_sure = (max_s <= pair_vis) & los_sure
        # Loss of separation certain: the geodesic exceeds the chord by c³/24ρ² at most
        # (ρ the ellipsoid's smallest radius of curvature); twice that as a margin.
        geo_max = max_g * (1.0 + (max_g / RHO_MIN) ** 2 / 12.0)
        sep_sure = (geo_max < hsep_m) & (dh_max < vsep_m)
        with np.errstate(invalid="ignore"):
            cpa = lb_s <= np.fmin(ub_s, within_m)
            hmin = lb_g <= np.fmin(ub_g, margin.chord_bound(within_m))
            vis_edge = (lb_s <= pair_vis) & ~vis_sure
            sep_edge = (lb_g < hsep_m) & ~(dh_min >= vsep_m) & ~sep_sure
            # NMAC (inside loss of separation) is only ever found exactly.
            nmac_edge = (lb_g < nmac_h_m) & ~(dh_min >= nmac_v_m)
        exact = cpa | hmin | vis_edge | sep_edge | nmac_edge
        if well_clear is not None:
            v_rel = relative_speed_bound(
                fb.vlo[:, fa], fb.vhi[:, fa], fb.vlo[:, fbi], fb.vhi[:, fbi]
            )
            reach = slack(dthr + tthr * v_rel)
            with np.errstate(invalid="ignore"):
                wc_edge = (lb_g <= reach) & ~(dh_min > zthr)
                # Certain throughout (r < DTHR: no τmod in [0, TTHR] there) and no NMAC.
                wc_sure = (max_g < dthr) & (dh_max <= zthr)
                wc_sure &= (lb_g >= slack(NMAC_H_M)) | (dh_min >= NMAC_V_M)
            exact |= wc_edge & ~wc_sure
            direct_wc = wc_sure & ~exact
        direct_vis = vis_sure & ~exact
        direct_los = sep_sure & ~exact
        keep = exact
    else:
        keep = np.ones(n_fine, dtype=bool)
    t_q = prep.t_ref + q * width
    windows = _windows_from(prep, ja[keep], jb[keep], q[keep], ekey[keep], width)
    windows.n_box_pairs, windows.n_fine = n_box_pairs, n_fine
    windows.direct_vis = (ja[direct_vis], jb[direct_vis], t_q[direct_vis], t_q[direct_vis] + width)
    windows.direct_los = (ja[direct_los], jb[direct_los], t_q[direct_los], t_q[direct_los] + width)
    windows.direct_wc = (ja[direct_wc], jb[direct_wc], t_q[direct_wc], t_q[direct_wc] + width)
    return windows, margin


def count_close_box_pairs(lo: np.ndarray, hi: np.ndarray, bucket: np.ndarray, radius: float) -> int:
    """An upper bound of ``len(close_box_pairs(lo, hi, bucket, radius)[0])``, counted
    without building the pairs, so that a scene of 30,000 co-located aircraft (450 million
    pairs) is refused before the pair list exhausts memory.

    Every pair of boxes closer than ``radius`` has centres closer than ``radius`` plus the
    two half-diagonals; a k-d tree counts such centre pairs node by node (dense clusters
    count whole nodes at once). Oversized boxes are counted against their whole bucket.
    """
    n = len(bucket)
    if n < 2:
        return 0
    if not np.isfinite(radius):
        counts = np.bincount(bucket - bucket.min())
        return int((counts * (counts - 1) // 2).sum())
    centre = 0.5 * (lo + hi)
    half = 0.5 * norm3(hi - lo)
    cap = max(float(np.percentile(half, 99.0)), 1.0)
    small = half <= cap
    total = 0
    if small.sum() > 1:
        query_r = radius + 2.0 * cap + 1.0
        spacing = 4.0 * query_r + 1e6
        pts = np.column_stack([centre[:, small].T, bucket[small] * spacing])
        tree = cKDTree(pts)
        total += (int(tree.count_neighbors(tree, query_r)) - len(pts)) // 2
    big = ~small
    if big.any():
        members = np.bincount(bucket - bucket.min())
        total += int(members[bucket[big] - bucket.min()].sum())
    return total


def _windows_from(
    prep: PreparedTracks,
    ja: np.ndarray,
    jb: np.ndarray,
    q: np.ndarray,
    ekey: np.ndarray,
    width: float,
) -> Windows:
    """Merge runs of consecutive fine buckets of a pair into windows."""
    n_kept = len(ja)
    if n_kept == 0:
        return _empty_windows()
    new = np.ones(n_kept, dtype=bool)
    new[1:] = (ekey[1:] != ekey[:-1]) | (q[1:] != q[:-1] + 1)
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], n_kept).astype(np.int64) - 1
    wa, wb = ja[starts], jb[starts]
    w0 = prep.t_ref + q[starts] * width
    w1 = prep.t_ref + (q[ends] + 1) * width
    first, last = prep.first, prep.last
    w0 = np.maximum(w0, np.maximum(first[wa], first[wb]))
    w1 = np.minimum(w1, np.minimum(last[wa], last[wb]))
    # A window may shrink to one instant (both present only at a shared sample time).
    ok = w1 >= w0
    return Windows(wa[ok], wb[ok], w0[ok], w1[ok], n_kept=n_kept)


def all_overlapping_windows(prep: PreparedTracks) -> Windows:
    """Every pair whose tracks overlap in time, over the whole overlap: no pruning.

    Quadratic in the number of tracks; it exists so tests (and doubters) can check that
    pruning never loses a pair.
    """
    n = len(prep)
    ja, jb = np.triu_indices(n, k=1)
    first, last = prep.first, prep.last
    w0 = np.maximum(first[ja], first[jb])
    w1 = np.minimum(last[ja], last[jb])
    ok = w1 >= w0
    return Windows(ja[ok].astype(np.int64), jb[ok].astype(np.int64), w0[ok], w1[ok])

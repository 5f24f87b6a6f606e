"""Which pairs, when, can possibly matter: candidate windows without looking at N² pairs.

Time is cut into buckets (at least ``gap_s`` long, so a segment of a track touches at most
two buckets, each holding one of its ends). For every (track, bucket) we keep the bounding
box of the track's *ground points* (ECEF, altitude 0) over its whole path in the bucket:
the samples in it plus the neighbours across the bucket edges, when the segment to them is
not a gap. Linear motion between samples stays inside that box (a box is convex).

A pair can only matter in a bucket where its two boxes come within the pruning radius.
Boxes of one bucket are matched with a KD-tree on box centres (one tree for all buckets:
the bucket number is a fourth coordinate, spaced further apart than the search radius),
then the exact box-to-box distance decides. Cost follows the number of close pairs.

Why ground boxes bound the slant range (the margin): for two points at heights ``h₁, h₂``
over their ground points ``G₁, G₂``, ``|P₁−P₂|² ≥ |c|²(1 + h̄/ρ)² − (n̄·c)²`` with ``c =
G₁−G₂``, ``ρ`` the smallest radius of curvature of the ellipsoid and ``|n̄·c| ≤ |c|²/2ρ``
(the chord dips under the tangent plane). So ``slant ≥ chord·(1 − ε)`` with
``ε = (r/ρ)²/8 + max(0, −h_min)/ρ``: on a sphere with non-negative heights the slant range
is never shorter than the ground chord at all. Between samples, linear interpolation of
``G + h·n`` differs from ``G(s) + h(s)·n(s)`` by at most ``¼·|ΔG|·|Δh|/ρ`` per segment,
which becomes an additive margin ``δ``. Both are computed from the data.

Buckets that cannot hold anything reported are dropped next: a pair's minimum is below
the distance at any instant both are present, so the pair's buckets farther (lower bound)
than that upper bound, its visual range and the separation minimum are skipped — most
of the ring between 10 NM and 25 NM never reaches the exact stage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .prepared import PreparedTracks

#: Smallest principal radius of curvature of WGS84 (meridional, at the equator), metres.
RHO_MIN = 6_335_439.0
MIN_BUCKET_S = 60.0


@dataclass
class Windows:
    """Candidate windows, sorted by pair then time: prepared track indices ``ja < jb``
    and the time range ``[w0, w1]`` to examine exactly."""

    ja: np.ndarray
    jb: np.ndarray
    w0: np.ndarray
    w1: np.ndarray
    n_box_pairs: int = 0
    n_kept: int = 0

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


def slant_margin(prep: PreparedTracks, radius: float) -> Margin:
    alt = prep.alt[np.isfinite(prep.alt)]
    h_min = float(alt.min()) if len(alt) else 0.0
    eps = (radius / RHO_MIN) ** 2 / 8.0 + max(0.0, -h_min) / RHO_MIN + 1e-6
    ok = np.flatnonzero(prep.seg_ok)
    if len(ok):
        dg = np.sqrt(np.sum((prep.g[:, ok + 1] - prep.g[:, ok]) ** 2, axis=0))
        dh = np.abs(prep.alt[ok + 1] - prep.alt[ok])
        lerp = float(np.nanmax(np.where(np.isfinite(dh), dg * dh, 0.0))) * 0.3 / RHO_MIN
    else:
        lerp = 0.0
    return Margin(eps=eps, delta=lerp + 0.5)


@dataclass
class Boxes:
    track: np.ndarray  # prepared track index of each box
    bucket: np.ndarray
    lo: np.ndarray  # (n, 3) ground ECEF
    hi: np.ndarray
    edge_p: np.ndarray  # (n, 3) position at the bucket's start edge (NaN if absent/unknown)
    edge_g: np.ndarray  # (n, 3) ground point at the start edge (NaN if absent)


def bucket_boxes(prep: PreparedTracks, width: float) -> Boxes:
    """One box per (track, bucket) the track is present in (see module docstring)."""
    n = len(prep.t)
    if n == 0:
        z3 = np.zeros((0, 3))
        zi = np.zeros(0, dtype=np.int64)
        return Boxes(zi, zi, z3, z3, z3, z3)
    track_of = np.repeat(np.arange(len(prep)), np.diff(prep.offsets))
    bucket = np.floor((prep.t - prep.t_ref) / width).astype(np.int64)
    change = np.ones(n, dtype=bool)
    change[1:] = (track_of[1:] != track_of[:-1]) | (bucket[1:] != bucket[:-1])
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], n)
    g = prep.g
    lo = np.minimum.reduceat(g, starts, axis=1).T
    hi = np.maximum.reduceat(g, starts, axis=1).T
    # Extend to the neighbours across the bucket edges when the path continues there.
    has_prev = np.zeros(len(starts), dtype=bool)
    has_prev[starts > 0] = prep.seg_ok[starts[starts > 0] - 1]
    has_next = prep.seg_ok[ends - 1]
    prev_g = g[:, np.maximum(starts - 1, 0)].T
    next_g = g[:, np.minimum(ends, n - 1)].T
    lo = np.where(has_prev[:, None], np.minimum(lo, prev_g), lo)
    hi = np.where(has_prev[:, None], np.maximum(hi, prev_g), hi)
    lo = np.where(has_next[:, None], np.minimum(lo, next_g), lo)
    hi = np.where(has_next[:, None], np.maximum(hi, next_g), hi)
    # Positions at the bucket's start edge, for the upper bounds.
    edge_t = prep.t_ref + bucket[starts] * width
    exact = prep.t[starts] == edge_t
    prev_i = np.maximum(starts - 1, 0)
    span = prep.t[starts] - prep.t[prev_i]
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(has_prev & (span > 0), (edge_t - prep.t[prev_i]) / span, 0.0)
    f = np.where(exact, 1.0, f)[:, None]
    present = (exact | has_prev)[:, None]
    p0, p1 = prep.p[:, prev_i].T, prep.p[:, starts].T
    g0, g1 = g[:, prev_i].T, g[:, starts].T
    edge_p = np.where(present, p0 + f * (p1 - p0), np.nan)
    edge_g = np.where(present, g0 + f * (g1 - g0), np.nan)
    exact_rows = np.flatnonzero(exact)
    edge_p[exact_rows] = p1[exact_rows]
    edge_g[exact_rows] = g1[exact_rows]
    # Every group is kept, even a lone sample between gaps: the track is there then.
    return Boxes(
        track=track_of[starts],
        bucket=bucket[starts],
        lo=lo,
        hi=hi,
        edge_p=edge_p,
        edge_g=edge_g,
    )


def box_distance(lo1: np.ndarray, hi1: np.ndarray, lo2: np.ndarray, hi2: np.ndarray) -> np.ndarray:
    """Least distance between points of two axis-aligned boxes (0 if they overlap)."""
    gap = np.maximum(0.0, np.maximum(lo2 - hi1, lo1 - hi2))
    return np.sqrt(np.sum(gap * gap, axis=1))


def close_box_pairs(boxes: Boxes, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs ``(i, j)`` of boxes in the same bucket at most ``radius`` apart."""
    n = len(boxes.track)
    if n < 2:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    centre = 0.5 * (boxes.lo + boxes.hi)
    half = 0.5 * np.sqrt(np.sum((boxes.hi - boxes.lo) ** 2, axis=1))
    cap = max(float(np.percentile(half, 99.0)), 1.0)
    # An unbounded radius (continental "within"): every box meets its whole bucket.
    small = half <= cap if np.isfinite(radius) else np.zeros(n, dtype=bool)
    i_s = np.flatnonzero(small)
    pairs_i: list[np.ndarray] = []
    pairs_j: list[np.ndarray] = []
    if len(i_s) > 1:
        query_r = radius + 2.0 * cap + 1.0
        spacing = 4.0 * query_r + 1e6
        pts = np.column_stack([centre[i_s], boxes.bucket[i_s] * spacing])
        tree = cKDTree(pts)
        pr = tree.query_pairs(query_r, output_type="ndarray")
        pairs_i.append(i_s[pr[:, 0]])
        pairs_j.append(i_s[pr[:, 1]])
    big = np.flatnonzero(~small)
    if len(big):
        # Few oversized boxes (fast movers, ADS-B jumps): test them against their whole bucket.
        order = np.argsort(boxes.bucket, kind="stable")
        sorted_b = boxes.bucket[order]
        first = np.searchsorted(sorted_b, boxes.bucket[big], side="left")
        last = np.searchsorted(sorted_b, boxes.bucket[big], side="right")
        counts = last - first
        rep = np.repeat(big, counts)
        pos = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        other = order[pos]
        keep = (other != rep) & (small[other] | (other > rep))
        pairs_i.append(rep[keep])
        pairs_j.append(other[keep])
    if not pairs_i:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    bi = np.concatenate(pairs_i)
    bj = np.concatenate(pairs_j)
    d = box_distance(boxes.lo[bi], boxes.hi[bi], boxes.lo[bj], boxes.hi[bj])
    keep = d <= radius
    return bi[keep], bj[keep]


def _group_min(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique keys and the minimum of ``values`` per key (NaN treated as +inf)."""
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    v = np.where(np.isfinite(values[order]), values[order], np.inf)
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]]) if len(k) else np.zeros(0, int)
    return k[starts], np.minimum.reduceat(v, starts) if len(k) else np.zeros(0)


def candidate_windows(
    prep: PreparedTracks,
    *,
    gap_s: float,
    within_m: float,
    hsep_m: float,
    bucket_s: float | None = None,
    use_upper_bounds: bool = True,
) -> tuple[Windows, Margin]:
    """Candidate (pair, time window)s for the exact stage (see module docstring).

    The pruning radius is ``max(within, largest visual range, hsep)`` turned into a
    ground-chord bound with the data's slant margin. With ``use_upper_bounds`` the
    buckets that cannot hold the pair's minimum or any interval are dropped.
    """
    vis = prep.visual_range
    radius_slant = max(within_m, float(vis.max()) if len(vis) else 0.0, hsep_m)
    margin = slant_margin(prep, radius_slant)
    radius = float(margin.chord_bound(radius_slant))
    width = max(MIN_BUCKET_S, float(gap_s)) if bucket_s is None else max(bucket_s, gap_s)
    boxes = bucket_boxes(prep, width)
    bi, bj = close_box_pairs(boxes, radius)
    n_box_pairs = len(bi)
    ta, tb = boxes.track[bi], boxes.track[bj]
    swap = ta > tb
    bi, bj = np.where(swap, bj, bi), np.where(swap, bi, bj)
    ja, jb = boxes.track[bi], boxes.track[bj]
    bucket = boxes.bucket[bi]
    n_tr = max(len(prep), 1)
    pair_key = ja * n_tr + jb
    if use_upper_bounds and len(bi):
        lb = box_distance(boxes.lo[bi], boxes.hi[bi], boxes.lo[bj], boxes.hi[bj])
        ub_slant = np.sqrt(np.sum((boxes.edge_p[bi] - boxes.edge_p[bj]) ** 2, axis=1))
        ub_ground = np.sqrt(np.sum((boxes.edge_g[bi] - boxes.edge_g[bj]) ** 2, axis=1))
        keys, best_slant = _group_min(pair_key, ub_slant)
        _, best_ground = _group_min(pair_key, ub_ground)
        where = np.searchsorted(keys, pair_key)
        pair_vis = np.maximum(vis[ja], vis[jb])
        need = np.maximum.reduce(
            [
                margin.chord_bound(pair_vis),
                np.full(len(bi), hsep_m),
                margin.chord_bound(np.minimum(best_slant[where], within_m)),
                np.minimum(best_ground[where], margin.chord_bound(within_m)),
            ]
        )
        keep = lb <= need
        ja, jb, bucket, pair_key = ja[keep], jb[keep], bucket[keep], pair_key[keep]
    n_kept = len(ja)
    if n_kept == 0:
        z, zf = np.zeros(0, dtype=np.int64), np.zeros(0)
        return Windows(z, z, zf, zf, n_box_pairs=n_box_pairs, n_kept=0), margin
    order = np.lexsort((bucket, pair_key))
    ja, jb, bucket, pair_key = ja[order], jb[order], bucket[order], pair_key[order]
    new = np.ones(len(ja), dtype=bool)
    new[1:] = (pair_key[1:] != pair_key[:-1]) | (bucket[1:] != bucket[:-1] + 1)
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], len(ja)).astype(np.int64) - 1
    wa, wb = ja[starts], jb[starts]
    w0 = prep.t_ref + bucket[starts] * width
    w1 = prep.t_ref + (bucket[ends] + 1) * width
    first, last = prep.first, prep.last
    w0 = np.maximum(w0, np.maximum(first[wa], first[wb]))
    w1 = np.minimum(w1, np.minimum(last[wa], last[wb]))
    ok = w1 > w0
    return (
        Windows(wa[ok], wb[ok], w0[ok], w1[ok], n_box_pairs=n_box_pairs, n_kept=n_kept),
        margin,
    )


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
    ok = w1 > w0
    return Windows(ja[ok].astype(np.int64), jb[ok].astype(np.int64), w0[ok], w1[ok])

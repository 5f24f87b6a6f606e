"""Per (track, time bucket) summaries of where a track can be, for pruning.

A fine bucket's entry bounds the track's path over the bucket in several ways: the
axis-aligned box of its ground points (ECEF, altitude 0; the path is linear between
samples, so the box of the samples in the bucket plus the neighbours across its edges
contains it), its exact position at the bucket's start, its largest deviation from the
straight line between its positions at the two edges (the path is linear between
samples, so the deviation peaks at a sample), and its altitude range. A segment longer
than a bucket also yields entries for the buckets it passes straight through.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .prepared import PreparedTracks

#: Plausible altitude band (m); the pruning margin is computed from altitudes clipped to it
#: and :attr:`FineBoxes.hexcess` says how far a bucket's altitudes reach beyond it.
ALT_LOW = -1_000.0
ALT_HIGH = 100_000.0


def norm3(v: np.ndarray) -> np.ndarray:
    return np.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])


@dataclass
class FineBoxes:
    """One entry per (track, fine bucket) the track is present in, sorted by track then
    bucket (see module docstring). Vectors are ``(3, n)``.

    ``edge_p``/``edge_g``: exact position / ground point at the bucket's start (NaN where
    absent). ``nxt``: index of the same track's next bucket entry (``q + 1``) or −1.
    ``devp``/``devg``: largest distance of the track's path in the bucket from the straight
    line between its two edge positions (NaN when not present throughout). ``hmin``/
    ``hmax``: altitude range over the bucket (conservative). ``hexcess``: how far any
    known altitude that bounds the bucket lies outside :data:`ALT_LOW`..:data:`ALT_HIGH`
    (0 when none does; unknown altitudes do not count).
    """

    track: np.ndarray
    q: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    full: np.ndarray
    edge_p: np.ndarray
    edge_g: np.ndarray
    nxt: np.ndarray
    devp: np.ndarray
    devg: np.ndarray
    hmin: np.ndarray
    hmax: np.ndarray
    key: np.ndarray
    n_keys: int
    hexcess: np.ndarray
    #: Per-axis range ``[vlo, vhi]`` (``(3, n)``, m/s) of the ground-point velocities of the
    #: segments moving the track in the bucket (0 where none): bounds the relative velocity
    #: of a pair, hence how far its well-clear look-ahead reaches.
    vlo: np.ndarray | None = None
    vhi: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.track)


def _extend(
    lo: np.ndarray, hi: np.ndarray, flag: np.ndarray, val: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    return np.where(flag, np.minimum(lo, val), lo), np.where(flag, np.maximum(hi, val), hi)


def fine_boxes(prep: PreparedTracks, width: float) -> FineBoxes:
    """Boxes, presence, edge positions, deviations from the straight line and altitude
    ranges per (track, fine bucket)."""
    n = len(prep.t)
    t, g, p, alt, seg_ok = prep.t, prep.g, prep.p, prep.alt, prep.seg_ok
    track_of = np.repeat(np.arange(len(prep)), np.diff(prep.offsets))
    q = np.floor((t - prep.t_ref) / width).astype(np.int64)

    # Buckets holding samples: runs of (track, bucket) in sample order.
    change = np.ones(n, dtype=bool)
    change[1:] = (track_of[1:] != track_of[:-1]) | (q[1:] != q[:-1])
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], n)
    counts = ends - starts
    has_prev = np.zeros(len(starts), dtype=bool)
    has_prev[starts > 0] = seg_ok[starts[starts > 0] - 1]
    has_next = seg_ok[ends - 1]
    prev_i, next_i = np.maximum(starts - 1, 0), np.minimum(ends, n - 1)
    lo = np.minimum.reduceat(g, starts, axis=1)
    hi = np.maximum.reduceat(g, starts, axis=1)
    lo, hi = _extend(lo, hi, has_prev, g[:, prev_i])
    lo, hi = _extend(lo, hi, has_next, g[:, next_i])
    hmin = np.minimum.reduceat(alt, starts)  # NaN (unknown) propagates
    hmax = np.maximum.reduceat(alt, starts)
    hmin, hmax = _extend(hmin, hmax, has_prev, alt[prev_i])
    hmin, hmax = _extend(hmin, hmax, has_next, alt[next_i])
    with np.errstate(invalid="ignore"):  # NaN altitudes: no excess
        xs = np.fmax(np.fmax(ALT_LOW - alt, alt - ALT_HIGH), 0.0)
    hexcess = np.maximum.reduceat(xs, starts)
    hexcess = np.where(has_prev, np.maximum(hexcess, xs[prev_i]), hexcess)
    hexcess = np.where(has_next, np.maximum(hexcess, xs[next_i]), hexcess)
    # Ground-point velocity of every segment (NaN across gaps and at track ends).
    seg_v = np.full((3, n), np.nan)
    if n > 1:
        ok = seg_ok[:-1]
        seg_v[:, :-1] = (g[:, 1:] - g[:, :-1]) / np.where(ok, t[1:] - t[:-1], np.nan)
    vlo = np.fmin.reduceat(seg_v, starts, axis=1)  # segments from the bucket's samples
    vhi = np.fmax.reduceat(seg_v, starts, axis=1)
    prev_v = np.where(has_prev, seg_v[:, prev_i], np.nan)
    vlo, vhi = np.fmin(vlo, prev_v), np.fmax(vhi, prev_v)
    b_q = q[starts]
    edge_t = prep.t_ref + b_q * width
    exact = t[starts] == edge_t
    inner_ok = np.minimum.reduceat(seg_ok.astype(np.int8), starts).astype(bool)
    full = inner_ok & (has_prev | exact)
    b_track = track_of[starts]
    # The start edge lies on the segment from the previous sample (or on the first one).
    e_i = np.where(exact, starts, prev_i)
    e_n = starts
    with np.errstate(invalid="ignore", divide="ignore"):
        e_f = np.where(exact | ~has_prev, 0.0, (edge_t - t[prev_i]) / (t[starts] - t[prev_i]))
    e_ok = exact | has_prev
    n_groups = len(starts)

    # Buckets a segment passes right through without a sample in them.
    if n > 1:
        span = np.where(seg_ok[:-1], q[1:] - q[:-1] - 1, 0)
        seg = np.flatnonzero(span > 0)
    else:
        seg = np.zeros(0, dtype=np.int64)
    if len(seg):
        cnt = span[seg]
        rep = np.repeat(seg, cnt)
        k = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        pq = q[rep] + 1 + k
        b_track = np.concatenate([b_track, track_of[rep]])
        b_q = np.concatenate([b_q, pq])
        lo = np.concatenate([lo, np.minimum(g[:, rep], g[:, rep + 1])], axis=1)
        hi = np.concatenate([hi, np.maximum(g[:, rep], g[:, rep + 1])], axis=1)
        hmin = np.concatenate([hmin, np.minimum(alt[rep], alt[rep + 1])])
        hmax = np.concatenate([hmax, np.maximum(alt[rep], alt[rep + 1])])
        hexcess = np.concatenate([hexcess, np.maximum(xs[rep], xs[rep + 1])])
        vlo = np.concatenate([vlo, seg_v[:, rep]], axis=1)
        vhi = np.concatenate([vhi, seg_v[:, rep]], axis=1)
        full = np.concatenate([full, np.ones(len(rep), dtype=bool)])
        e_i = np.concatenate([e_i, rep])
        e_n = np.concatenate([e_n, rep + 1])
        e_f = np.concatenate([e_f, (prep.t_ref + pq * width - t[rep]) / (t[rep + 1] - t[rep])])
        e_ok = np.concatenate([e_ok, np.ones(len(rep), dtype=bool)])
    n_keys = int(b_q.max()) + 2 if len(b_q) else 1
    key = b_track * n_keys + b_q
    order = np.argsort(key, kind="stable")
    where_sorted = np.empty(len(order), dtype=np.int64)
    where_sorted[order] = np.arange(len(order))
    key, b_track, b_q = key[order], b_track[order], b_q[order]
    lo, hi, full = lo[:, order], hi[:, order], full[order]
    hmin, hmax, hexcess = hmin[order], hmax[order], hexcess[order]
    vlo, vhi = np.nan_to_num(vlo[:, order]), np.nan_to_num(vhi[:, order])
    e_i, e_n, e_f, e_ok = e_i[order], e_n[order], e_f[order], e_ok[order]
    nb = len(key)

    # Exact position at each bucket's start edge (NaN where the track is not there).
    edge_p = p[:, e_i] + e_f * (p[:, e_n] - p[:, e_i])
    edge_g = g[:, e_i] + e_f * (g[:, e_n] - g[:, e_i])
    edge_p[:, ~e_ok] = np.nan
    edge_g[:, ~e_ok] = np.nan
    edge_h = alt[e_i] + e_f * (alt[e_n] - alt[e_i])
    hmin = np.where(e_ok, np.minimum(hmin, edge_h), hmin)
    hmax = np.where(e_ok, np.maximum(hmax, edge_h), hmax)
    nxt = np.arange(1, nb + 1)
    if nb:
        nxt[-1] = 0
        nxt = np.where(key[nxt] == key + 1, nxt, -1)
    usable = full & (nxt >= 0)

    # Deviation of the path from the straight line between the edges: the path is linear
    # between samples, so the largest deviation is at a sample in the bucket (0 if none).
    # Line per sample-holding bucket: x(t) = base + vel·(t − t_ref), repeated over its run.
    grp = where_sorted[:n_groups]
    nxt_g = np.maximum(nxt[grp], 0)
    t_rel = t - prep.t_ref
    devs = []
    for x, edge in ((p, edge_p), (g, edge_g)):
        vel = (edge[:, nxt_g] - edge[:, grp]) / width
        base = edge[:, grp] - vel * (b_q[grp] * width)
        sq = np.zeros(n)
        for c in range(3):  # one coordinate at a time: N-sized temporaries only
            d = x[c] - np.repeat(base[c], counts)
            d -= np.repeat(vel[c], counts) * t_rel
            d *= d
            sq += d
        dev = np.zeros(nb)
        dev[grp] = np.sqrt(np.maximum.reduceat(sq, starts))
        del sq, d
        devs.append(np.where(usable, dev, np.nan))
    return FineBoxes(
        b_track,
        b_q,
        lo,
        hi,
        full,
        edge_p,
        edge_g,
        nxt,
        devs[0],
        devs[1],
        hmin,
        hmax,
        key,
        n_keys,
        hexcess,
        vlo,
        vhi,
    )


def relative_speed_bound(
    vlo_a: np.ndarray, vhi_a: np.ndarray, vlo_b: np.ndarray, vhi_b: np.ndarray
) -> np.ndarray:
    """Largest ``|v_B − v_A|`` for velocities within the two per-axis ranges: for a pair
    flying together it is their small speed difference, not the sum of their speeds."""
    return norm3(np.maximum(np.abs(vhi_b - vlo_a), np.abs(vlo_b - vhi_a)))


def box_distance(lo1: np.ndarray, hi1: np.ndarray, lo2: np.ndarray, hi2: np.ndarray) -> np.ndarray:
    """Least distance between points of two axis-aligned boxes (0 if they overlap);
    corners are ``(3, n)``."""
    gap = np.maximum(0.0, np.maximum(lo2 - hi1, lo1 - hi2))
    return norm3(gap)


def close_box_pairs(
    lo: np.ndarray, hi: np.ndarray, bucket: np.ndarray, radius: float
) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs ``(i, j)`` of boxes in the same bucket at most ``radius`` apart."""
    n = len(bucket)
    if n < 2:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    centre = 0.5 * (lo + hi)
    half = 0.5 * norm3(hi - lo)
    cap = max(float(np.percentile(half, 99.0)), 1.0)
    # An unbounded radius (continental "within"): every box meets its whole bucket.
    small = half <= cap if np.isfinite(radius) else np.zeros(n, dtype=bool)
    i_s = np.flatnonzero(small)
    pairs_i: list[np.ndarray] = []
    pairs_j: list[np.ndarray] = []
    if len(i_s) > 1:
        query_r = radius + 2.0 * cap + 1.0
        spacing = 4.0 * query_r + 1e6
        pts = np.column_stack([centre[:, i_s].T, bucket[i_s] * spacing])
        pr = cKDTree(pts).query_pairs(query_r, output_type="ndarray")
        pairs_i.append(i_s[pr[:, 0]])
        pairs_j.append(i_s[pr[:, 1]])
    big = np.flatnonzero(~small)
    if len(big):
        # Few oversized boxes (fast movers, ADS-B jumps): test them against their whole bucket.
        order = np.argsort(bucket, kind="stable")
        sorted_b = bucket[order]
        first = np.searchsorted(sorted_b, bucket[big], side="left")
        last = np.searchsorted(sorted_b, bucket[big], side="right")
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
    d = box_distance(lo[:, bi], hi[:, bi], lo[:, bj], hi[:, bj])
    keep = d <= radius
    return bi[keep], bj[keep]

"""Union-of-sample-times intervals for many (pair, window)s at once, without sorting.

For a window ``[w0, w1]`` of pair (A, B) the interval boundaries are ``w0``, every sample
time of A or B strictly inside, and ``w1``; on each interval both tracks move linearly.
The two sorted sample lists are merged by rank, not by sort: a sample's place in the
merged list is its rank in its own track plus the number of the other track's samples
before it, which one ``searchsorted`` on the global track/time key gives for all samples
of all windows together. Each boundary also carries, for both tracks, the index of the
last sample at or before it: the start of the segment that moves the track there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .prepared import PreparedTracks


def _ranks(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(owner, rank)`` for ``counts[k]`` items of owner ``k``, flattened."""
    owner = np.repeat(np.arange(len(counts)), counts)
    start = np.cumsum(counts) - counts
    return owner, np.arange(int(counts.sum())) - start[owner]


def inside_counts(
    prep: PreparedTracks, ja: np.ndarray, jb: np.ndarray, w0: np.ndarray, w1: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(lo_a, n_a, lo_b, n_b)``: first index and number of samples strictly inside."""
    lo_a = prep.first_after(ja, w0)
    lo_b = prep.first_after(jb, w0)
    n_a = np.maximum(prep.first_at_or_after(ja, w1) - lo_a, 0)
    n_b = np.maximum(prep.first_at_or_after(jb, w1) - lo_b, 0)
    return lo_a, n_a, lo_b, n_b


@dataclass
class Intervals:
    """Union intervals where both tracks are present (gaps and zero lengths removed),
    plus zero-length entries (``tau0 == tau1``) for instants of common presence that no
    interval covers.

    A/B move from sample ``ia``/``ib`` towards ``na``/``nb`` (``ia + 1``, or ``ia`` itself
    for a point entry standing on a sample); ``fa0, fa1, fb0, fb1`` are the fractions along
    that segment at the entry's start and end.
    """

    win: np.ndarray
    tau0: np.ndarray
    tau1: np.ndarray
    ia: np.ndarray
    ib: np.ndarray
    na: np.ndarray
    nb: np.ndarray
    fa0: np.ndarray
    fa1: np.ndarray
    fb0: np.ndarray
    fb1: np.ndarray

    def __len__(self) -> int:
        return len(self.win)


def union_intervals(
    prep: PreparedTracks,
    ja: np.ndarray,
    jb: np.ndarray,
    w0: np.ndarray,
    w1: np.ndarray,
) -> Intervals:
    """All union intervals of the given windows (see module docstring)."""
    lo_a, n_a, lo_b, n_b = inside_counts(prep, ja, jb, w0, w1)
    npts = n_a + n_b + 2
    total = int(npts.sum())
    base = np.cumsum(npts) - npts
    times = np.empty(total)
    ia = np.empty(total, dtype=np.int64)
    ib = np.empty(total, dtype=np.int64)
    times[base] = w0
    ia[base] = lo_a - 1
    ib[base] = lo_b - 1
    end = base + npts - 1
    times[end] = w1
    ia[end] = prep.last_at_or_before(ja, w1)
    ib[end] = prep.last_at_or_before(jb, w1)

    # Samples of A: place = rank in A + B samples at or before it (ties: B first).
    wa, ra = _ranks(n_a)
    idx_a = lo_a[wa] + ra
    t_a = prep.t[idx_a]
    cnt_b = np.clip(prep.first_after(jb[wa], t_a) - lo_b[wa], 0, n_b[wa])
    pos = base[wa] + 1 + ra + cnt_b
    times[pos] = t_a
    ia[pos] = idx_a
    ib[pos] = lo_b[wa] - 1 + cnt_b
    # Samples of B: place = rank in B + A samples strictly before it.
    wb, rb = _ranks(n_b)
    idx_b = lo_b[wb] + rb
    t_b = prep.t[idx_b]
    cnt_a = np.clip(prep.first_at_or_after(ja[wb], t_b) - lo_a[wb], 0, n_a[wb])
    pos = base[wb] + 1 + rb + cnt_a
    times[pos] = t_b
    ib[pos] = idx_b
    ia[pos] = lo_a[wb] - 1 + cnt_a

    t, seg_ok = prep.t, prep.seg_ok
    win_of = np.repeat(np.arange(len(npts)), npts)
    not_last = np.ones(total, dtype=bool)
    not_last[end] = False
    nxt = np.minimum(np.arange(1, total + 1), total - 1)
    valid = not_last & (times[nxt] > times) & seg_ok[ia] & seg_ok[ib]

    # Instants where both are present but no interval covers them: a sample between two
    # gaps, or one track's last sample before a gap meeting the other's first after one.
    # They become zero-length entries (points) so the minimum can be found there too.
    same_prev = np.zeros(total, dtype=bool)
    same_prev[1:] = (times[1:] == times[:-1]) & (win_of[1:] == win_of[:-1])
    cluster_last = np.ones(total, dtype=bool)
    cluster_last[:-1] = ~same_prev[1:]
    first_of = np.maximum.accumulate(np.where(same_prev, 0, np.arange(total)))
    before = first_of - 1
    covered = valid | (
        (before >= 0) & valid[np.maximum(before, 0)] & (win_of[np.maximum(before, 0)] == win_of)
    )
    present_a = (t[ia] == times) | seg_ok[ia]
    present_b = (t[ib] == times) | seg_ok[ib]
    point = cluster_last & ~covered & present_a & present_b

    j = np.flatnonzero(valid | point)
    tau0 = times[j]
    tau1 = np.where(valid[j], times[nxt[j]], tau0)
    sa, sb = ia[j], ib[j]
    # Moving along a segment, or standing exactly on a sample (a point entry).
    mov_a, mov_b = seg_ok[sa], seg_ok[sb]
    na = np.where(mov_a, sa + 1, sa)
    nb = np.where(mov_b, sb + 1, sb)
    da = np.where(mov_a, t[na] - t[sa], 1.0)
    db = np.where(mov_b, t[nb] - t[sb], 1.0)
    return Intervals(
        win=win_of[j],
        tau0=tau0,
        tau1=tau1,
        ia=sa,
        ib=sb,
        na=na,
        nb=nb,
        fa0=np.where(mov_a, (tau0 - t[sa]) / da, 0.0),
        fa1=np.where(mov_a, (tau1 - t[sa]) / da, 0.0),
        fb0=np.where(mov_b, (tau0 - t[sb]) / db, 0.0),
        fb1=np.where(mov_b, (tau1 - t[sb]) / db, 0.0),
    )


def relative(x: np.ndarray, iv: Intervals) -> tuple[np.ndarray, np.ndarray]:
    """``(d0, d1)``: B − A of a per-sample quantity ``x`` (``(3, n)`` or ``(n,)``) at the
    start and end of every interval, under linear motion along each segment.

    The difference of the two segment starts is taken first, so the result carries the
    precision of the separation, not of the Earth-sized absolute coordinates.
    """
    xa, xb = x[..., iv.ia], x[..., iv.ib]
    va = x[..., iv.na] - xa
    vb = x[..., iv.nb] - xb
    base = xb - xa
    return base + iv.fb0 * vb - iv.fa0 * va, base + iv.fb1 * vb - iv.fa1 * va


def along(x: np.ndarray, idx: np.ndarray, nxt: np.ndarray, f: np.ndarray) -> np.ndarray:
    """A per-sample quantity at fraction ``f`` of the way from sample ``idx`` to ``nxt``."""
    x0 = x[..., idx]
    return x0 + f * (x[..., nxt] - x0)

"""Visual-contact and loss-of-separation intervals, exact under linear motion.

On every union interval the conditions are solved in closed form where one exists:

* slant range ≤ visual range, horizontal chord < H: roots of the quadratic (see
  :mod:`.cpa`); the geodesic minimum H is turned into the equivalent chord first;
* |vertical| < V: the altitude difference is linear, so its roots are exact;
* line of sight over the 4/3-Earth sphere: ``g(s) = arc(s) − H(h_A(s)) − H(h_B(s)) ≤ 0``
  with ``H`` the horizon distance. ``arc`` is a convex function of ``s`` (convex
  increasing ``asin`` of a norm of an affine vector) and ``H`` of a linear height is
  concave while the height is ≥ the minimum eye height (2 m, below which ``H`` is
  constant), so ``g`` is convex on each piece between the crossings of that height by
  the two heights: the visible set of a piece is one interval. Pieces that
  are visible at both ends with room to spare (max arc ≤ min horizon sum, valid because
  of the convexity) are accepted at once; the rest get a vectorised golden-section
  search for the minimum and bisection for the two boundaries (machine precision).

Intervals of consecutive union intervals that touch are merged per pair.
"""

from __future__ import annotations

import numpy as np

from ..geo import EARTH_MEAN_RADIUS_M, arc_of_chord, horizon_arc_m
from ..geo.geodesy import MIN_EYE_HEIGHT_M
from .cpa import linear_within, within_range

_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0
_ITER = 64


def chord_of_arc(arc_m: float) -> float:
    """Straight chord of a ground arc on the mean sphere (the chord is what the
    quadratic measures; the threshold is defined on the geodesic)."""
    r = EARTH_MEAN_RADIUS_M
    return float(2.0 * r * np.sin(min(arc_m, np.pi * r) / (2.0 * r)))


def _dot3(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return u[0] * v[0] + u[1] * v[1] + u[2] * v[2]


def _arc(chord: np.ndarray) -> np.ndarray:
    return arc_of_chord(chord)


def _los_margin(
    s: np.ndarray,
    g0: np.ndarray,
    e: np.ndarray,
    ha0: np.ndarray,
    dha: np.ndarray,
    hb0: np.ndarray,
    dhb: np.ndarray,
    k: float,
) -> np.ndarray:
    """``g(s)``: ground arc minus the two horizon distances (≤ 0: line of sight)."""
    d = g0 + s * e
    arc = _arc(np.sqrt(_dot3(d, d)))
    return arc - horizon_arc_m(ha0 + s * dha, k) - horizon_arc_m(hb0 + s * dhb, k)


def line_of_sight(
    lo: np.ndarray,
    hi: np.ndarray,
    g0: np.ndarray,
    g1: np.ndarray,
    ha: tuple[np.ndarray, np.ndarray],
    hb: tuple[np.ndarray, np.ndarray],
    k: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The visible part ``(lo', hi')`` of each piece ``[lo, hi]`` on which ``g`` is convex.

    ``g0``/``g1`` are the ground-point separation vectors at s = 0 and 1, ``ha``/``hb``
    the heights at s = 0 and 1.
    """
    e = g1 - g0
    ha0, dha = ha[0], ha[1] - ha[0]
    hb0, dhb = hb[0], hb[1] - hb[0]
    out_lo = np.ones_like(lo)
    out_hi = np.zeros_like(hi)
    todo = np.flatnonzero(hi > lo)
    if len(todo) == 0:
        return out_lo, out_hi

    def g_at(s: np.ndarray, ix: np.ndarray) -> np.ndarray:
        return _los_margin(s, g0[:, ix], e[:, ix], ha0[ix], dha[ix], hb0[ix], dhb[ix], k)

    s_lo, s_hi = lo[todo], hi[todo]

    # Convexity: if the larger end arc fits under the smaller end horizon sum, all fits.
    def parts(s: np.ndarray, ix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d = g0[:, ix] + s * e[:, ix]
        arc = _arc(np.sqrt(_dot3(d, d)))
        hs = horizon_arc_m(ha0[ix] + s * dha[ix], k) + horizon_arc_m(hb0[ix] + s * dhb[ix], k)
        return arc, hs

    arc_l, hs_l = parts(s_lo, todo)
    arc_h, hs_h = parts(s_hi, todo)
    easy = np.maximum(arc_l, arc_h) <= np.minimum(hs_l, hs_h)
    out_lo[todo[easy]] = s_lo[easy]
    out_hi[todo[easy]] = s_hi[easy]
    hard = ~easy
    if not hard.any():
        return out_lo, out_hi
    ix = todo[hard]
    s_lo, s_hi = s_lo[hard], s_hi[hard]
    # Golden-section search for the minimum of the convex g on the piece.
    a, b = s_lo.copy(), s_hi.copy()
    c = b - _GOLDEN * (b - a)
    d = a + _GOLDEN * (b - a)
    gc, gd = g_at(c, ix), g_at(d, ix)
    for _ in range(_ITER):
        left = gc < gd  # the minimum lies in [a, d]
        a = np.where(left, a, c)
        b = np.where(left, d, b)
        c_new = np.where(left, b - _GOLDEN * (b - a), d)
        d_new = np.where(left, c, a + _GOLDEN * (b - a))
        g_new = g_at(np.where(left, c_new, d_new), ix)
        gc, gd = np.where(left, g_new, gd), np.where(left, gc, g_new)
        c, d = c_new, d_new
    s_min = 0.5 * (a + b)
    g_min = g_at(s_min, ix)
    seen = g_min <= 0.0
    s_min = np.where(seen, s_min, s_lo)

    def boundary(lo_s: np.ndarray, hi_s: np.ndarray, visible_at_hi: bool) -> np.ndarray:
        """Bisection for the sign change of g between lo_s and hi_s."""
        x0, x1 = lo_s.copy(), hi_s.copy()
        for _ in range(_ITER):
            m = 0.5 * (x0 + x1)
            vis = g_at(m, ix) <= 0.0
            if visible_at_hi:
                x1 = np.where(vis, m, x1)
                x0 = np.where(vis, x0, m)
            else:
                x0 = np.where(vis, m, x0)
                x1 = np.where(vis, x1, m)
        return x1 if visible_at_hi else x0

    g_lo = g_at(s_lo, ix)
    g_hi = g_at(s_hi, ix)
    start = np.where(g_lo <= 0.0, s_lo, boundary(s_lo, s_min, True))
    stop = np.where(g_hi <= 0.0, s_hi, boundary(s_min, s_hi, False))
    out_lo[ix] = np.where(seen, start, 1.0)
    out_hi[ix] = np.where(seen, stop, 0.0)
    return out_lo, out_hi


def visual_pieces(
    quad: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    vis_range: np.ndarray,
    g0: np.ndarray,
    g1: np.ndarray,
    ha: tuple[np.ndarray, np.ndarray],
    hb: tuple[np.ndarray, np.ndarray],
    k: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(interval index, s_lo, s_hi)`` of every visual-contact piece, in time order.

    ``quad`` are the slant quadratic's coefficients ``(a, b, c, |d0 × e|²)`` per interval. Each interval is cut at
    the crossings of the minimum eye height by the two heights (at most three pieces) so
    that ``g`` is convex on each piece; lower heights count as that height.
    """
    a, b, c, cross2 = quad
    lo, hi = within_range(a, b, c, vis_range, cross2)
    cand = np.flatnonzero(hi > lo)
    if len(cand) == 0:
        z = np.zeros(0)
        return np.zeros(0, dtype=np.int64), z, z
    lo, hi = lo[cand], hi[cand]
    g0, g1 = g0[:, cand], g1[:, cand]
    ha = (ha[0][cand], ha[1][cand])
    hb = (hb[0][cand], hb[1][cand])
    # Most pairs fly high enough that the horizon never matters: the horizon sum at the
    # lower end of each altitude bounds it from below, the ground arc at the farther end
    # of [lo, hi] bounds the arc from above (convex).
    e = g1 - g0
    d_lo, d_hi = g0 + lo * e, g0 + hi * e
    far = _arc(np.sqrt(np.maximum(_dot3(d_lo, d_lo), _dot3(d_hi, d_hi))))
    low = horizon_arc_m(np.minimum(*ha), k) + horizon_arc_m(np.minimum(*hb), k)
    safe = far <= low
    if safe.all():
        return cand, lo, hi
    s_idx, s_lo, s_hi = cand[safe], lo[safe], hi[safe]
    rest = ~safe
    cand, lo, hi, g0, g1 = cand[rest], lo[rest], hi[rest], g0[:, rest], g1[:, rest]
    ha = (ha[0][rest], ha[1][rest])
    hb = (hb[0][rest], hb[1][rest])

    def zero_crossing(h0: np.ndarray, h1: np.ndarray) -> np.ndarray:
        h0, h1 = h0 - MIN_EYE_HEIGHT_M, h1 - MIN_EYE_HEIGHT_M
        with np.errstate(divide="ignore", invalid="ignore"):
            z = h0 / (h0 - h1)
        return np.where((h0 > 0) != (h1 > 0), z, lo)

    za = np.clip(zero_crossing(*ha), lo, hi)
    zb = np.clip(zero_crossing(*hb), lo, hi)
    cuts = np.sort(np.column_stack([lo, za, zb, hi]), axis=1)
    out_i, out_lo, out_hi = [], [], []
    for p in range(3):
        plo, phi = cuts[:, p], cuts[:, p + 1]
        vlo, vhi = line_of_sight(plo, phi, g0, g1, ha, hb, k)
        out_i.append(cand)
        out_lo.append(vlo)
        out_hi.append(vhi)
    # Interleave so pieces of one interval stay together and in order.
    idx = np.column_stack(out_i).ravel()
    slo = np.column_stack(out_lo).ravel()
    shi = np.column_stack(out_hi).ravel()
    keep = shi > slo
    idx = np.concatenate([s_idx, idx[keep]])
    slo = np.concatenate([s_lo, slo[keep]])
    shi = np.concatenate([s_hi, shi[keep]])
    order = np.lexsort((slo, idx))
    return idx[order], slo[order], shi[order]


def separation_loss(
    ground_quad: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    hsep_chord: float,
    dh0: np.ndarray,
    dh1: np.ndarray,
    vsep: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(interval index, s_lo, s_hi)`` where horizontal < H and |vertical| < V."""
    a, b, c, cross2 = ground_quad
    lo, hi = within_range(a, b, c, hsep_chord, cross2)
    vlo, vhi = linear_within(dh0, dh1, vsep)
    lo, hi = np.maximum(lo, vlo), np.minimum(hi, vhi)
    idx = np.flatnonzero(hi > lo)
    return idx, lo[idx], hi[idx]


def merge_touching(
    pair: np.ndarray, start: np.ndarray, end: np.ndarray, tol: float = 1e-6
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge intervals of the same pair that touch (``start ≤ previous end + tol``).

    Input must be in time order within each pair and non-overlapping, which the union
    construction guarantees; that makes the merge one vectorised pass.
    """
    if len(pair) == 0:
        return pair, start, end
    new = np.ones(len(pair), dtype=bool)
    new[1:] = (pair[1:] != pair[:-1]) | (start[1:] > end[:-1] + tol)
    first = np.flatnonzero(new)
    last = np.append(first[1:], len(pair)) - 1
    return pair[first], start[first], end[last]

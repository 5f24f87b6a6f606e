"""Closed forms on one interval of linear relative motion, vectorised over intervals.

On an interval where both objects move linearly, their separation vector is
``d(s) = d0 + s·e`` for ``s`` in [0, 1] (``e = d1 − d0``), so ``|d(s)|²`` is a quadratic
``a s² + 2 b s + c`` with ``a = e·e``, ``b = d0·e``, ``c = d0·d0``. Its minimum and the
sub-interval where it is below a threshold have closed forms; nothing here samples.

Conditioning: callers pass *relative* vectors (positions subtracted first), so the
coefficients are built from numbers of the size of the separation, not of the Earth's
radius; the minimum is evaluated as ``|d0 + s*·e|`` rather than from ``c − b²/a``, which
would cancel catastrophically for a near miss.
"""

from __future__ import annotations

import numpy as np


def _dot(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return u[0] * v[0] + u[1] * v[1] + u[2] * v[2]


def segment_minimum(d0: np.ndarray, d1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(s*, |d(s*)|)``: where on [0, 1] the separation is least, and that separation.

    ``d0``, ``d1`` have shape ``(k, n)``: coordinate-major, k = 3 for ECEF vectors. A
    constant separation (``e = 0``) reports ``s* = 0``, the start of the interval.
    """
    e = d1 - d0
    a = _dot(e, e)
    b = _dot(d0, e)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        s = np.where(a > 0.0, -b / a, 0.0)
    s = np.clip(np.nan_to_num(s, nan=0.0), 0.0, 1.0)
    d = d0 + s * e
    dmin = np.sqrt(_dot(d, d))
    return s, dmin


def quadratic_minimum(
    d0: np.ndarray, e: np.ndarray, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`segment_minimum` from already computed ``e = d1 − d0``, ``a``, ``b``."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        s = np.where(a > 0.0, -b / a, 0.0)
    s = np.clip(np.nan_to_num(s, nan=0.0), 0.0, 1.0)
    d = d0 + s * e
    return s, np.sqrt(_dot(d, d))


def quadratic_coefficients(
    d0: np.ndarray, d1: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(a, b, c)`` of ``|d(s)|² = a s² + 2 b s + c``."""
    e = d1 - d0
    return _dot(e, e), _dot(d0, e), _dot(d0, d0)


def cross_norm2(d0: np.ndarray, e: np.ndarray) -> np.ndarray:
    """``|d0 × e|²`` (= ``a·c − b²``) from the vectors, without the cancellation of the
    coefficient form: for a line passing close to the origin ``b² ≈ a·c``, and their
    difference from the coefficients keeps only ``ε·b²`` of accuracy."""
    x = d0[1] * e[2] - d0[2] * e[1]
    y = d0[2] * e[0] - d0[0] * e[2]
    z = d0[0] * e[1] - d0[1] * e[0]
    return x * x + y * y + z * z


def within_range(
    a: np.ndarray,
    b: np.ndarray,
    c: np.ndarray,
    r: np.ndarray | float,
    cross2: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)``: the part of [0, 1] where ``|d(s)| ≤ r``; empty where ``lo > hi``.

    The set is one interval because the quadratic is convex. The roots use the stable
    form (no subtraction of nearly equal numbers): with ``q = −(b + sign(b)·√disc)`` the
    roots are ``q/a`` and ``(c − r²)/q``. Give ``cross2`` (:func:`cross_norm2`) when the
    vectors are at hand: the discriminant is then ``a·r² − |d0 × e|²``, accurate even
    for a head-on pass far longer than ``r`` (``b² − a·(c − r²)`` loses ``ε·c/r²`` there).
    """
    r2 = np.broadcast_to(np.asarray(r, dtype=np.float64) ** 2, np.shape(a))
    cr = c - r2
    disc = b * b - a * cr if cross2 is None else a * r2 - cross2
    lo = np.ones(np.shape(a))
    hi = np.zeros(np.shape(a))
    # Constant separation (a == 0 means e == 0, hence b == 0): all or nothing.
    const = a <= 0.0
    inside = const & (cr <= 0.0)
    lo[inside] = 0.0
    hi[inside] = 1.0
    quad = ~const & (disc >= 0.0)
    if quad.any():
        aq, bq, cq, dq = a[quad], b[quad], cr[quad], disc[quad]
        sq = np.sqrt(dq)
        q = -(bq + np.where(bq >= 0.0, sq, -sq))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            r1 = q / aq
            r2_ = np.where(q != 0.0, cq / q, r1)
        lo[quad] = np.maximum(np.minimum(r1, r2_), 0.0)
        hi[quad] = np.minimum(np.maximum(r1, r2_), 1.0)
    return lo, hi


def linear_within(v0: np.ndarray, v1: np.ndarray, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)``: the part of [0, 1] where ``|v0 + s (v1 − v0)| < limit`` (a scalar
    quantity moving linearly, e.g. the altitude difference). Empty where ``lo > hi``.
    """
    dv = v1 - v0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        s_a = (-limit - v0) / dv
        s_b = (limit - v0) / dv
    lo = np.where(dv != 0.0, np.minimum(s_a, s_b), np.where(np.abs(v0) < limit, 0.0, 1.0))
    hi = np.where(dv != 0.0, np.maximum(s_a, s_b), np.where(np.abs(v0) < limit, 1.0, 0.0))
    return np.maximum(lo, 0.0), np.minimum(hi, 1.0)

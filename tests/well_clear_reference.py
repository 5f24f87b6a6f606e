"""Independent dense reference for DAA well clear: the definition evaluated instant by
instant in a local east-north-up frame, pyproj only.

Nothing here imports the package. Each track's ground points (altitude 0) go to ECEF with
pyproj's EPSG:4979 → EPSG:4978 transformer and move linearly between samples (the
analysis's motion model), altitudes linearly; the velocity at an instant is the current
segment's (right-continuous at sample times; the last segment's at a track's end or
before a gap). At every instant the relative ground position and velocity are rotated
into the east-north plane at the ownship's ground point (latitude/longitude from pyproj's
inverse transform) and DAIDALUS's ``WCV_TAUMOD`` horizontal test is applied to those 2-D
vectors exactly as written (``tcpa``, ``dcpa``, ``τmod``), with ``|dz| ≤ ZTHR``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyproj import Transformer

TO_ECEF = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
TO_GEODETIC = Transformer.from_crs("EPSG:4978", "EPSG:4979", always_xy=True)
FT = 0.3048
DTHR, ZTHR, TTHR = 4000 * FT, 450 * FT, 35.0


@dataclass
class DenseWellClear:
    time: np.ndarray
    present: np.ndarray
    violated: np.ndarray
    tau_mod: np.ndarray  # NaN unless closing
    dcpa: np.ndarray
    vertical_ok: np.ndarray
    nmac: np.ndarray


def _state(t, lat, lon, alt, times, gap_s):
    """Ground ECEF position and velocity, altitude, presence at ``times`` (one track)."""
    n = len(t)
    x, y, z = TO_ECEF.transform(lon, lat, np.zeros(n))
    g = np.column_stack([x, y, z])
    seg_ok = np.zeros(n, dtype=bool)
    seg_ok[:-1] = (np.diff(t) > 0) & (np.diff(t) <= gap_s)
    vel = np.full((n, 3), np.nan)
    vel[:-1][seg_ok[:-1]] = (g[1:] - g[:-1])[seg_ok[:-1]] / np.diff(t)[seg_ok[:-1], None]
    i = np.searchsorted(t, times, side="right") - 1
    inside = (i >= 0) & (i < n)
    ic = np.clip(i, 0, n - 1)
    moving = inside & seg_ok[ic]
    exact = inside & (t[ic] == times)
    present = moving | exact
    # Right-continuous velocity; at a track's end or before a gap the last segment's.
    prev = np.maximum(ic - 1, 0)
    back = exact & ~moving & (ic > 0) & seg_ok[prev]
    v = np.where(moving[:, None], vel[ic], np.where(back[:, None], vel[prev], np.nan))
    dt_in = np.where(moving, times - t[ic], 0.0)
    pos = g[ic] + np.where(moving[:, None], vel[ic], 0.0) * dt_in[:, None]
    nx = np.minimum(ic + 1, n - 1)
    f = np.where(moving, dt_in / np.where(moving, t[nx] - t[ic], 1.0), 0.0)
    h = alt[ic] + f * (alt[nx] - alt[ic])
    return pos, v, h, present


def dense_well_clear(
    ts,
    a: int,
    b: int,
    times: np.ndarray,
    *,
    dthr: float = DTHR,
    zthr: float = ZTHR,
    tthr: float = TTHR,
    gap_s: float | tuple[float, float] = 30.0,
) -> DenseWellClear:
    """The well-clear verdict of tracks ``a`` (ownship) and ``b`` of a TrackSet at ``times``
    (``gap_s`` one limit for both tracks, or one each)."""
    gap_a, gap_b = gap_s if isinstance(gap_s, tuple) else (gap_s, gap_s)
    sa, sb = ts.track_slice(a), ts.track_slice(b)
    pa, va, ha, ok_a = _state(ts.t[sa], ts.lat[sa], ts.lon[sa], ts.alt[sa], times, gap_a)
    pb, vb, hb, ok_b = _state(ts.t[sb], ts.lat[sb], ts.lon[sb], ts.alt[sb], times, gap_b)
    present = ok_a & ok_b
    lon0, lat0, _ = TO_GEODETIC.transform(pa[:, 0], pa[:, 1], pa[:, 2])
    phi, lam = np.radians(lat0), np.radians(lon0)
    east = np.column_stack([-np.sin(lam), np.cos(lam), np.zeros_like(lam)])
    north = np.column_stack([-np.sin(phi) * np.cos(lam), -np.sin(phi) * np.sin(lam), np.cos(phi)])
    d, w = pb - pa, vb - va
    s = np.column_stack([np.sum(d * east, axis=1), np.sum(d * north, axis=1)])
    v = np.column_stack([np.sum(w * east, axis=1), np.sum(w * north, axis=1)])
    r2 = np.sum(s * s, axis=1)
    sdotv = np.sum(s * v, axis=1)
    vv = np.sum(v * v, axis=1)
    has_v = np.isfinite(vv)
    with np.errstate(invalid="ignore", divide="ignore"):
        tcpa = np.where(has_v & (vv > 0), -sdotv / np.where(vv > 0, vv, 1.0), 0.0)
        at_cpa = s + np.nan_to_num(tcpa)[:, None] * np.nan_to_num(v)
        dcpa = np.sqrt(np.sum(at_cpa * at_cpa, axis=1))
        closing = has_v & (sdotv < 0)
        tau = np.where(closing, (dthr * dthr - r2) / np.where(closing, sdotv, 1.0), np.nan)
    horizontal = (r2 <= dthr * dthr) | (closing & (dcpa <= dthr) & (tau >= 0) & (tau <= tthr))
    dz = np.abs(hb - ha)
    vertical = dz <= zthr
    violated = present & horizontal & vertical
    nmac = violated & (np.sqrt(r2) < 500 * FT) & (dz < 100 * FT)
    return DenseWellClear(times, present, violated, tau, dcpa, present & vertical, nmac)


def transitions(times: np.ndarray, flag: np.ndarray) -> np.ndarray:
    """Times where ``flag`` changes between consecutive instants (midpoints)."""
    k = np.flatnonzero(flag[1:] != flag[:-1])
    return 0.5 * (times[k] + times[k + 1])

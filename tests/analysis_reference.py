"""Independent reference for the analysis tests: dense resampling, pyproj only.

Nothing here imports the package's geo or analysis code. Each track is interpolated
linearly in latitude, longitude and altitude (the way the display moves it) on a dense
time grid; slant range comes from pyproj's EPSG:4979 → EPSG:4978 transformer (ECEF),
horizontal separation from pyproj's Geod (WGS84). The dense minimum can only be above the
exact one, by at most ``relative speed × step / 2``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyproj import Geod, Transformer

GEOD = Geod(ellps="WGS84")
TO_ECEF = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
TO_GEODETIC = Transformer.from_crs("EPSG:4978", "EPSG:4979", always_xy=True)
R_MEAN = 6_371_008.8


def track_at(
    t: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    alt: np.ndarray,
    times: np.ndarray,
    gap_s: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linear interpolation of one track at ``times``; NaN outside it and inside gaps."""
    i = np.searchsorted(t, times, side="right") - 1
    n = len(t)
    ic = np.clip(i, 0, n - 1)
    nx = np.clip(i + 1, 0, n - 1)
    inside = (i >= 0) & (i <= n - 1)
    exact = inside & (t[ic] == times)
    span = t[nx] - t[ic]
    moving = inside & (i < n - 1) & (span <= gap_s) & (span > 0)
    f = np.where(moving, (times - t[ic]) / np.where(span > 0, span, 1.0), 0.0)
    dlon = (lon[nx] - lon[ic] + 180.0) % 360.0 - 180.0
    out_lat = lat[ic] + f * (lat[nx] - lat[ic])
    out_lon = (lon[ic] + f * dlon + 180.0) % 360.0 - 180.0
    out_alt = alt[ic] + f * (alt[nx] - alt[ic])
    present = moving | exact
    for arr in (out_lat, out_lon, out_alt):
        arr[~present] = np.nan
    return out_lat, out_lon, out_alt


@dataclass
class Dense:
    time: np.ndarray
    slant: np.ndarray
    horizontal: np.ndarray
    vertical: np.ndarray
    lat_a: np.ndarray
    lon_a: np.ndarray
    alt_a: np.ndarray
    lat_b: np.ndarray
    lon_b: np.ndarray
    alt_b: np.ndarray


def ecef(lat: np.ndarray, lon: np.ndarray, alt: np.ndarray) -> np.ndarray:
    x, y, z = TO_ECEF.transform(lon, lat, alt)
    return np.column_stack([x, y, z])


def dense_pair(ts, a: int, b: int, times: np.ndarray, gap_s: float = 30.0) -> Dense:
    """Separation of tracks ``a`` and ``b`` of a TrackSet at ``times`` (NaN where absent)."""
    sa, sb = ts.track_slice(a), ts.track_slice(b)
    la, oa, ha = track_at(ts.t[sa], ts.lat[sa], ts.lon[sa], ts.alt[sa], times, gap_s)
    lb, ob, hb = track_at(ts.t[sb], ts.lat[sb], ts.lon[sb], ts.alt[sb], times, gap_s)
    ok = np.isfinite(la) & np.isfinite(lb)
    slant = np.full(len(times), np.nan)
    horiz = np.full(len(times), np.nan)
    if ok.any():
        pa = ecef(la[ok], oa[ok], ha[ok])
        pb = ecef(lb[ok], ob[ok], hb[ok])
        slant[ok] = np.sqrt(np.sum((pb - pa) ** 2, axis=1))
        horiz[ok] = GEOD.inv(oa[ok], la[ok], ob[ok], lb[ok])[2]
    return Dense(times, slant, horiz, np.abs(hb - ha), la, oa, ha, lb, ob, hb)


def overlap(ts, a: int, b: int) -> tuple[float, float]:
    sa, sb = ts.track_slice(a), ts.track_slice(b)
    return max(ts.t[sa][0], ts.t[sb][0]), min(ts.t[sa][-1], ts.t[sb][-1])


def dense_minimum(
    ts, a: int, b: int, step: float = 0.01, coarse: float = 0.5, gap_s: float = 30.0
) -> tuple[float, float, float, float]:
    """``(min slant, its time, min horizontal, its time)`` on a ``step`` grid.

    A coarse pass over the whole overlap finds where the minima can be (any coarse point
    within ``v_rel·coarse`` of the coarse minimum), then the ``step`` grid covers those
    neighbourhoods. With a maximum relative speed ``v`` the dense minimum over the fine
    grid is then exactly the minimum over a full fine grid.
    """
    t0, t1 = overlap(ts, a, b)
    if t1 <= t0:
        return (np.nan,) * 4
    # Presence starts and ends on samples: put them on both grids.
    samples = np.concatenate([ts.t[ts.track_slice(a)], ts.t[ts.track_slice(b)]])
    samples = samples[(samples >= t0) & (samples <= t1)]
    grid = np.arange(t0, t1 + coarse, coarse)
    grid = np.union1d(grid[grid <= t1], samples)
    d = dense_pair(ts, a, b, grid, gap_s)
    out = []
    for values in (d.slant, d.horizontal):
        if not np.isfinite(values).any():
            out += [np.nan, np.nan]
            continue
        # Bound on how fast the separation can change: from the coarse samples.
        with np.errstate(invalid="ignore"):
            rates = np.abs(np.diff(values)) / np.maximum(np.diff(grid), 1e-3)
        rate = float(np.nanmax(rates)) if np.isfinite(rates).any() else 0.0
        slack = 3.0 * rate * coarse + 1.0
        near = np.flatnonzero(values <= np.nanmin(values) + slack)
        fine = np.unique(
            np.concatenate(
                [np.arange(grid[k] - coarse, grid[k] + coarse + step, step) for k in near]
                + [samples]
            )
        )
        fine = fine[(fine >= t0) & (fine <= t1)]
        df = dense_pair(ts, a, b, fine, gap_s)
        v = df.slant if values is d.slant else df.horizontal
        k = int(np.nanargmin(v))
        out += [float(v[k]), float(fine[k])]
    return tuple(out)


def enu_to_geodetic(
    lat0: float, lon0: float, h0: float, east: np.ndarray, north: np.ndarray, up: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points given in a local East-North-Up frame at (lat0, lon0, h0) → lat, lon, alt.

    Straight lines in ENU are straight lines in ECEF (a rotation and a shift), so tracks
    built this way move exactly as the analysis's ECEF-linear model assumes.
    """
    phi, lam = np.radians(lat0), np.radians(lon0)
    x0, y0, z0 = TO_ECEF.transform(lon0, lat0, h0)
    sl, cl, sp, cp = np.sin(lam), np.cos(lam), np.sin(phi), np.cos(phi)
    x = x0 - sl * east - sp * cl * north + cp * cl * up
    y = y0 + cl * east - sp * sl * north + cp * sl * up
    z = z0 + cp * north + sp * up
    lon, lat, alt = TO_GEODETIC.transform(x, y, z)
    return np.asarray(lat), np.asarray(lon), np.asarray(alt)

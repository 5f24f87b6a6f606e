"""WGS84 geodesy for analysis and drawing: ECEF positions, geodesics, radio horizon.

ECEF is computed in closed form with numpy (the standard geodetic-to-Cartesian formula, no
iteration), so millions of samples convert in milliseconds; tests check it against pyproj's
EPSG:4979 → EPSG:4978 transformer. Geodesic distances and azimuths come from pyproj's
:class:`~pyproj.Geod` (Karney's algorithm, accurate to nanometres), which is the reference
the product owner asked horizontal separation to be measured with.
"""

from __future__ import annotations

import numpy as np
from pyproj import Geod

#: WGS84 semi-major axis (m) and flattening.
WGS84_A = 6_378_137.0
WGS84_F = 1.0 / 298.257223563
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
#: Mean Earth radius (IUGG R1), used where a sphere is good enough (radio horizon).
EARTH_MEAN_RADIUS_M = 6_371_008.8

#: Least eye height (m) over the sea-level sphere in the line-of-sight test: a pilot
#: sitting in a cockpit on the ground (see :func:`horizon_arc_m`).
MIN_EYE_HEIGHT_M = 2.0

#: The shared WGS84 geodesic solver.
GEOD = Geod(ellps="WGS84")


def ecef(lat: np.ndarray, lon: np.ndarray, alt: np.ndarray | float = 0.0) -> np.ndarray:
    """Earth-centred Earth-fixed coordinates (m), shape ``(..., 3)``.

    ``alt`` is height above the ellipsoid; recorders give MSL, and the geoid separation
    (< 110 m) is common to both aircraft of a pair at the same place, so it changes a
    separation by far less than a metre. NaN altitude gives NaN coordinates.
    """
    lat_r = np.radians(np.asarray(lat, dtype=np.float64))
    lon_r = np.radians(np.asarray(lon, dtype=np.float64))
    alt = np.asarray(alt, dtype=np.float64)
    sin_lat, cos_lat = np.sin(lat_r), np.cos(lat_r)
    n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * sin_lat * sin_lat)
    out = np.empty((*np.broadcast_shapes(lat_r.shape, lon_r.shape, alt.shape), 3))
    out[..., 0] = (n + alt) * cos_lat * np.cos(lon_r)
    out[..., 1] = (n + alt) * cos_lat * np.sin(lon_r)
    out[..., 2] = (n * (1.0 - WGS84_E2) + alt) * sin_lat
    return out


def ecef_ground_and_normal(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(G, n)``, both ``(3, N)``: ECEF of the ground points (altitude 0) and the unit
    ellipsoid normals, so that the point at altitude ``h`` is exactly ``G + h·n``.

    Coordinate-major and computed with one set of trigonometric calls: the analysis needs
    both for millions of samples.
    """
    lat_r = np.radians(np.asarray(lat, dtype=np.float64))
    lon_r = np.radians(np.asarray(lon, dtype=np.float64))
    sin_lat, cos_lat = np.sin(lat_r), np.cos(lat_r)
    sin_lon, cos_lon = np.sin(lon_r), np.cos(lon_r)
    normal = np.empty((3, *lat_r.shape))
    np.multiply(cos_lat, cos_lon, out=normal[0])
    np.multiply(cos_lat, sin_lon, out=normal[1])
    normal[2] = sin_lat
    n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * sin_lat * sin_lat)
    ground = normal * n
    ground[2] *= 1.0 - WGS84_E2
    return ground, normal


def ecef_to_geodetic(xyz: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverse of :func:`ecef` (Bowring's method with two refinements: sub-millimetre
    anywhere near the Earth's surface). Returns ``(lat, lon, alt)`` in degrees and metres."""
    xyz = np.asarray(xyz, dtype=np.float64)
    x, y, z = xyz[..., 0], xyz[..., 1], xyz[..., 2]
    lon = np.arctan2(y, x)
    p = np.hypot(x, y)
    lat = np.arctan2(z, p * (1.0 - WGS84_E2))
    for _ in range(4):
        sin_lat = np.sin(lat)
        n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * sin_lat * sin_lat)
        lat = np.arctan2(z + WGS84_E2 * n * sin_lat, p)
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * sin_lat * sin_lat)
    # Of the two height formulas use the one that is well conditioned at this latitude.
    with np.errstate(divide="ignore", invalid="ignore"):
        alt = np.where(
            np.abs(cos_lat) > 0.5,
            p / cos_lat - n,
            z / sin_lat - n * (1.0 - WGS84_E2),
        )
    return np.degrees(lat), np.degrees(lon), alt


def geodesic_inverse(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(azimuth 1→2, azimuth 2→1, distance m)`` on WGS84, azimuths true in [0, 360).

    The back azimuth is the bearing *from point 2 to point 1* (pyproj returns the forward
    azimuth at point 2 reversed; we turn it round so both numbers answer "where is the
    other one"). NaN inputs give NaN outputs.
    """
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (lat1, lon1, lat2, lon2))
    )
    ok = np.isfinite(lat1) & np.isfinite(lon1) & np.isfinite(lat2) & np.isfinite(lon2)
    az12 = np.full(lat1.shape, np.nan)
    az21 = np.full(lat1.shape, np.nan)
    dist = np.full(lat1.shape, np.nan)
    if ok.any():
        f, b, d = GEOD.inv(lon1[ok], lat1[ok], lon2[ok], lat2[ok])
        az12[ok] = np.mod(f, 360.0)
        az21[ok] = np.mod(b, 360.0)
        dist[ok] = d
    return az12, az21, dist


def geodesic_distance(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Geodesic distance (m) between ground points on WGS84."""
    return geodesic_inverse(lat1, lon1, lat2, lon2)[2]


def geodesic_forward(
    lat: np.ndarray, lon: np.ndarray, azimuth_deg: np.ndarray, distance_m: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The point ``distance_m`` from ``(lat, lon)`` along ``azimuth_deg``: ``(lat, lon)``."""
    lon2, lat2, _ = GEOD.fwd(
        *np.broadcast_arrays(
            np.asarray(lon, dtype=np.float64),
            np.asarray(lat, dtype=np.float64),
            np.asarray(azimuth_deg, dtype=np.float64),
            np.asarray(distance_m, dtype=np.float64),
        )
    )
    return np.asarray(lat2), np.asarray(lon2)


def arc_of_chord(chord_m: np.ndarray, radius: float = EARTH_MEAN_RADIUS_M) -> np.ndarray:
    """Length of the arc of a sphere of ``radius`` spanned by a straight chord."""
    return 2.0 * radius * np.arcsin(np.minimum(np.asarray(chord_m) / (2.0 * radius), 1.0))


def horizon_arc_m(height_m: np.ndarray, earth_k: float = 4.0 / 3.0) -> np.ndarray:
    """Ground distance to the geometric horizon seen from ``height_m`` above a sphere of
    radius ``earth_k`` × mean Earth radius (the 4/3-Earth model folds standard atmospheric
    refraction into a larger sphere).

    Exact for the sphere: ``ρ·arccos(ρ/(ρ+h))`` with ρ = kR. Heights below
    :data:`MIN_EYE_HEIGHT_M` count as that height: altitudes are MSL, and an aircraft
    recorded at 0 m (ADS-B "on ground") or below sea level (Dead Sea, Schiphol) still has
    a pilot's eye above the ground it stands on. With a floor of 0 two aircraft 500 m apart
    on one apron would never be in visual contact.
    """
    rho = earth_k * EARTH_MEAN_RADIUS_M
    h = np.maximum(np.asarray(height_m, dtype=np.float64), MIN_EYE_HEIGHT_M)
    return rho * np.arccos(rho / (rho + h))

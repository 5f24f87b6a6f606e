"""Geodesy (geodesy.py), map projection (projection.py), basemap sources. No Qt and no
imports from the rest of the package."""

from .geodesy import (
    EARTH_MEAN_RADIUS_M,
    GEOD,
    WGS84_A,
    WGS84_E2,
    WGS84_F,
    arc_of_chord,
    ecef,
    ecef_ground_and_normal,
    ecef_to_geodetic,
    geodesic_distance,
    geodesic_forward,
    geodesic_inverse,
    horizon_arc_m,
)

__all__ = [
    "EARTH_MEAN_RADIUS_M",
    "GEOD",
    "WGS84_A",
    "WGS84_E2",
    "WGS84_F",
    "arc_of_chord",
    "ecef",
    "ecef_ground_and_normal",
    "ecef_to_geodetic",
    "geodesic_distance",
    "geodesic_forward",
    "geodesic_inverse",
    "horizon_arc_m",
]

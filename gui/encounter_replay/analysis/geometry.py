"""Separation between two positions: the figures an analyst writes into a report."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..geo import ecef, geodesic_inverse


@dataclass
class Geometry:
    """Separation of point 1 and point 2 (arrays broadcast from the inputs).

    ``slant_m`` is the straight line through the air (WGS84 ECEF chord), what a pilot would
    see; ``horizontal_m`` the geodesic between the ground points, what a controller's
    separation minimum is about; ``vertical_m`` is signed (alt2 − alt1). Bearings are true
    bearings from each aircraft to the other, 0–360°.
    """

    slant_m: np.ndarray
    horizontal_m: np.ndarray
    vertical_m: np.ndarray
    bearing_12_deg: np.ndarray
    bearing_21_deg: np.ndarray


def pair_geometry(
    lat1: np.ndarray,
    lon1: np.ndarray,
    alt1: np.ndarray,
    lat2: np.ndarray,
    lon2: np.ndarray,
    alt2: np.ndarray,
) -> Geometry:
    """Separation of two positions, vectorised; unknown altitude gives NaN slant/vertical."""
    lat1, lon1, alt1, lat2, lon2, alt2 = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (lat1, lon1, alt1, lat2, lon2, alt2))
    )
    p1 = ecef(lat1, lon1, alt1)
    p2 = ecef(lat2, lon2, alt2)
    slant = np.sqrt(np.sum((p2 - p1) ** 2, axis=-1))
    az12, az21, dist = geodesic_inverse(lat1, lon1, lat2, lon2)
    return Geometry(
        slant_m=slant,
        horizontal_m=dist,
        vertical_m=alt2 - alt1,
        bearing_12_deg=az12,
        bearing_21_deg=az21,
    )

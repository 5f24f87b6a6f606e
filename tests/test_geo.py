"""Geodesy helpers against pyproj's own transformations and textbook values."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod, Transformer

from encounter_replay.geo import (
    ecef,
    ecef_to_geodetic,
    geodesic_forward,
    geodesic_inverse,
    horizon_arc_m,
)

TO_ECEF = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
GEOD = Geod(ellps="WGS84")


def _random_points(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    lon = rng.uniform(-180, 180, n)
    alt = rng.uniform(-500, 20000, n)
    return lat, lon, alt


def test_ecef_matches_pyproj_everywhere():
    lat, lon, alt = _random_points(20000)
    lat[:4] = [90, -90, 0, 0]
    lon[:4] = [0, 123, 180, -180]
    got = ecef(lat, lon, alt)
    x, y, z = TO_ECEF.transform(lon, lat, alt)
    ref = np.column_stack([x, y, z])
    assert got.shape == (20000, 3)
    assert np.max(np.abs(got - ref)) < 1e-6


def test_ecef_nan_altitude_gives_nan():
    p = ecef(np.array([10.0, 20.0]), np.array([5.0, 6.0]), np.array([np.nan, 100.0]))
    assert np.isnan(p[0]).all()
    assert np.isfinite(p[1]).all()


def test_ecef_roundtrip():
    lat, lon, alt = _random_points(20000, seed=2)
    lat2, lon2, alt2 = ecef_to_geodetic(ecef(lat, lon, alt))
    assert np.max(np.abs(lat2 - lat)) < 1e-9
    dlon = (lon2 - lon + 180) % 360 - 180
    assert np.max(np.abs(dlon[np.abs(lat) < 89.9])) < 1e-9
    assert np.max(np.abs(alt2 - alt)) < 1e-4


def test_geodesic_inverse_matches_geod_and_normalises_azimuths():
    lat1, lon1, _ = _random_points(5000, seed=3)
    lat2, lon2, _ = _random_points(5000, seed=4)
    az12, az21, dist = geodesic_inverse(lat1, lon1, lat2, lon2)
    f, _b, d = GEOD.inv(lon1, lat1, lon2, lat2)
    np.testing.assert_allclose(dist, d, rtol=0, atol=1e-6)
    assert ((az12 >= 0) & (az12 < 360)).all() and ((az21 >= 0) & (az21 < 360)).all()
    np.testing.assert_allclose(np.mod(az12 - f + 180, 360) - 180, 0, atol=1e-9)
    # The back azimuth is the bearing from point 2 to point 1.
    f2, _, _ = GEOD.inv(lon2, lat2, lon1, lat1)
    np.testing.assert_allclose(np.mod(az21 - f2 + 180, 360) - 180, 0, atol=1e-6)


def test_geodesic_inverse_nan_and_known_bearings():
    az12, az21, d = geodesic_inverse(
        np.array([0.0, np.nan]), np.array([0.0, 0.0]), np.array([1.0, 1.0]), np.array([0.0, 0.0])
    )
    assert az12[0] == pytest.approx(0.0) and az21[0] == pytest.approx(180.0)
    assert d[0] == pytest.approx(110574.4, abs=1.0)  # one degree of latitude at the equator
    assert np.isnan(d[1]) and np.isnan(az12[1])
    az12, az21, _ = geodesic_inverse(0.0, 0.0, 0.0, 1.0)
    assert float(az12) == pytest.approx(90.0) and float(az21) == pytest.approx(270.0)


def test_geodesic_forward_inverts_inverse():
    lat, lon = geodesic_forward(47.0, 8.0, 33.0, 25_000.0)
    az, _, d = geodesic_inverse(47.0, 8.0, lat, lon)
    assert float(d) == pytest.approx(25_000.0, abs=1e-6)
    assert float(az) == pytest.approx(33.0, abs=1e-9)


def test_horizon_distance_textbook_values():
    # Radio horizon with k = 4/3: d ≈ 4.12 km · sqrt(h / m).
    for h in (10.0, 300.0, 3048.0, 10000.0):
        assert horizon_arc_m(h) / 1000 == pytest.approx(4.12 * np.sqrt(h), rel=0.005)
    # Geometric horizon (k = 1): d ≈ 3.57 km · sqrt(h / m).
    assert horizon_arc_m(1000.0, 1.0) / 1000 == pytest.approx(3.57 * np.sqrt(1000), rel=0.005)
    # At or below sea level the eye is still 2 m up: 4.12 km · sqrt(2) ≈ 5.83 km.
    eye = 4.12 * np.sqrt(2.0)
    for h in (2.0, 0.0, -5.0, -430.0):
        assert horizon_arc_m(h) / 1000 == pytest.approx(eye, rel=0.005)
    # Exact sphere form is a little shorter than the tangent length sqrt(2ρh + h²).
    rho = 4 / 3 * 6_371_008.8
    h = 12000.0
    tangent = np.sqrt(2 * rho * h + h * h)
    assert horizon_arc_m(h) < tangent
    assert horizon_arc_m(h) == pytest.approx(tangent, rel=1e-3)


def test_ground_and_normal_rebuild_ecef():
    lat, lon, alt = _random_points(5000, seed=5)
    from encounter_replay.geo import ecef_ground_and_normal

    g, n = ecef_ground_and_normal(lat, lon)
    assert g.shape == (3, 5000) and n.shape == (3, 5000)
    np.testing.assert_allclose(np.linalg.norm(n, axis=0), 1.0, atol=1e-12)
    x, y, z = TO_ECEF.transform(lon, lat, alt)
    np.testing.assert_allclose((g + alt * n).T, np.column_stack([x, y, z]), rtol=0, atol=1e-6)
    np.testing.assert_allclose(g.T, ecef(lat, lon, 0.0), rtol=0, atol=1e-6)

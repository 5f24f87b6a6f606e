"""The map projection must not lie about distances and bearings (checked against Geod)."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod

from encounter_replay.geo.projection import (
    UNIT_M,
    LocalProjection,
    geodesic_circle,
    scene_centre,
    wrap_lon,
)

GEOD = Geod(ellps="WGS84")
NM = 1852.0


def _random_points(lat0: float, lon0: float, n: int, max_m: float, seed: int = 0):
    rng = np.random.default_rng(seed)
    az = rng.uniform(0, 360, n)
    dist = rng.uniform(0, max_m, n)
    lon, lat, _ = GEOD.fwd(np.full(n, lon0), np.full(n, lat0), az, dist)
    return np.asarray(lat), np.asarray(lon), az, dist


@pytest.mark.parametrize("lat0, lon0", [(51.0, 5.0), (35.5, 35.8), (-33.9, 151.2), (65.0, 179.5)])
def test_round_trip(lat0: float, lon0: float) -> None:
    proj = LocalProjection(lat0, lon0)
    lat, lon, _, _ = _random_points(lat0, lon0, 500, 600_000)
    x, y = proj.forward(lat, lon)
    lat2, lon2 = proj.inverse(x, y)
    assert np.max(np.abs(lat2 - lat)) < 1e-9
    assert np.max(np.abs(wrap_lon(lon2 - lon))) < 1e-9


def test_distances_and_bearings_from_centre_are_geodesic() -> None:
    proj = LocalProjection(51.0, 5.0)
    lat, lon, az, dist = _random_points(51.0, 5.0, 500, 500_000, seed=1)
    x, y = proj.forward(lat, lon)
    np.testing.assert_allclose(np.hypot(x, y), dist, rtol=1e-9, atol=1e-6)
    bearing = np.degrees(np.arctan2(x, y)) % 360.0
    d = (bearing - az + 180.0) % 360.0 - 180.0
    assert np.max(np.abs(d[dist > 1000])) < 1e-7


@pytest.mark.parametrize(
    "offset_nm, azimuth", [(0.0, 0.0), (60.0, 30.0), (150.0, 100.0), (250.0, 225.0)]
)
@pytest.mark.parametrize("pair_azimuth", [0.0, 45.0, 90.0, 135.0])
def test_five_nm_pair_near_51n_measures_five_nm(
    offset_nm: float, azimuth: float, pair_azimuth: float
) -> None:
    """Anywhere within 250 NM of the centre a 5 NM separation reads 5 NM within 0.1 %."""
    proj = LocalProjection(51.0, 0.0)
    lon1, lat1, _ = GEOD.fwd(0.0, 51.0, azimuth, offset_nm * NM)
    lon2, lat2, _ = GEOD.fwd(lon1, lat1, pair_azimuth, 5 * NM)
    x, y = proj.forward(np.array([lat1, lat2]), np.array([lon1, lon2]))
    measured_nm = np.hypot(x[1] - x[0], y[1] - y[0]) / UNIT_M["nm"]
    assert measured_nm == pytest.approx(5.0, rel=1e-3)


def test_web_mercator_would_fail_the_same_check() -> None:
    """The test above can fail: a Mercator plane overstates the pair by ~59 % at 51°N."""
    from pyproj import Transformer

    merc = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    lon2, lat2, _ = GEOD.fwd(0.0, 51.0, 90.0, 5 * NM)
    x, y = merc.transform([0.0, lon2], [51.0, lat2])
    assert np.hypot(x[1] - x[0], y[1] - y[0]) / NM > 7.5


def test_scene_centre_is_bounding_box_centre_and_dateline_safe() -> None:
    lat0, lon0 = scene_centre(np.array([50.0, 52.0, 51.0]), np.array([4.0, 6.0, 10.0]))
    assert (lat0, lon0) == pytest.approx((51.0, 7.0))
    lat0, lon0 = scene_centre(np.array([60.0, 62.0]), np.array([179.0, -179.0]))
    assert lat0 == pytest.approx(61.0)
    assert abs(wrap_lon(lon0 - 180.0)) < 1e-9
    with pytest.raises(ValueError):
        scene_centre(np.array([np.nan]), np.array([np.nan]))


def test_map_angle_matches_projected_direction() -> None:
    """A heading drawn on the map points where the aircraft actually goes (≤ 0.1°)."""
    proj = LocalProjection(51.0, 5.0)
    rng = np.random.default_rng(2)
    n = 400
    lat = 51.0 + rng.uniform(-4, 4, n)
    lon = 5.0 + rng.uniform(-6, 6, n)
    az = rng.uniform(0, 360, n)
    lon2, lat2, _ = GEOD.fwd(lon, lat, az, np.full(n, 50.0))
    x1, y1 = proj.forward(lat, lon)
    x2, y2 = proj.forward(lat2, lon2)
    drawn = np.degrees(np.arctan2(x2 - x1, y2 - y1)) % 360.0
    err = (proj.map_angle(lat, lon, az) - drawn + 180.0) % 360.0 - 180.0
    assert np.max(np.abs(err)) < 0.1
    # …and the correction matters: true north is several degrees off map-up out there.
    assert np.max(np.abs(proj.convergence(lat, lon))) > 3.0


def test_geodesic_circle_radius() -> None:
    lat, lon = geodesic_circle(35.5, 35.8, 10 * NM, n=72)
    assert len(lat) == 73
    _, _, d = GEOD.inv(np.full(73, 35.8), np.full(73, 35.5), lon, lat)
    np.testing.assert_allclose(d, 10 * NM, rtol=1e-9)


def test_bad_centre_rejected() -> None:
    with pytest.raises(ValueError):
        LocalProjection(95.0, 0.0)

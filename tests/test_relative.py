"""Tote (analysis/relative.py) against hand-built geometries, pyproj and the analysis."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod

from conftest import SAMPLE_DIR
from encounter_replay.analysis import AnalysisSettings, analyze, pair_geometry
from encounter_replay.analysis.relative import tote
from encounter_replay.geo import ecef, ecef_to_geodetic, geodesic_forward
from encounter_replay.io.acmi import read_acmi
from encounter_replay.model import TrackSet
from encounter_replay.model.interpolate import positions_at

NM = 1852.0
FT = 0.3048
GEOD = Geod(ellps="WGS84")
P_LAT, P_LON, P_ALT = 35.0, 36.0, 6000.0
T_NOW = 30.0


def straight(lat, lon, alt, course, speed, name, t_now=T_NOW, half=1.0):
    """A track flying ``course`` at ``speed`` through (lat, lon, alt) at ``t_now``: two
    samples ``half`` s either side, placed by geodesic forward/back."""
    la0, lo0 = geodesic_forward(lat, lon, (course + 180.0) % 360.0, speed * half)
    la1, lo1 = geodesic_forward(lat, lon, course, speed * half)
    return {
        "t": np.array([t_now - half, t_now + half]),
        "lat": np.array([float(la0), float(la1)]),
        "lon": np.array([float(lo0), float(lo1)]),
        "alt": np.array([alt, alt]),
        "heading": np.array([course, course]),
        "id": name,
        "name": name,
        "cls": "aircraft",
    }


def scene(*targets):
    primary = straight(P_LAT, P_LON, P_ALT, 0.0, 200.0, "P")
    return TrackSet.from_tracks([primary, *targets])


def target_at(az, dist_m, course, speed, dalt=0.0, name="T"):
    lat, lon = geodesic_forward(P_LAT, P_LON, az, dist_m)
    return straight(float(lat), float(lon), P_ALT + dalt, course, speed, name)


def one(ts, **kw):
    return tote(ts, 0, T_NOW, **kw)


@pytest.mark.parametrize(
    ("name", "az", "course", "speed", "ata", "aspect", "hca", "rel"),
    [
        ("head-on", 0.0, 180.0, 150.0, 0.0, 180.0, 180.0, 0.0),
        ("tail chase", 0.0, 0.0, 250.0, 0.0, 0.0, 0.0, 0.0),
        ("beam right", 90.0, 0.0, 200.0, 90.0, 90.0, 0.0, 90.0),
        ("beam left", 270.0, 0.0, 200.0, 90.0, 90.0, 0.0, -90.0),
        ("crossing", 0.0, 90.0, 200.0, 0.0, 90.0, 90.0, 0.0),
        ("behind, same way", 180.0, 0.0, 200.0, 180.0, 180.0, 0.0, 180.0),
    ],
)
def test_hand_built_angles(name, az, course, speed, ata, aspect, hca, rel):
    tt = one(scene(target_at(az, 5 * NM, course, speed)))
    # 5 NM of Earth curvature tilts the line of sight by < 0.05°.
    assert tt.ata_deg[0] == pytest.approx(ata, abs=0.2), name
    assert tt.aspect_deg[0] == pytest.approx(aspect, abs=0.2), name
    assert tt.hca_deg[0] == pytest.approx(hca, abs=0.2), name
    assert tt.relative_bearing_deg[0] == pytest.approx(rel, abs=0.2), name


def test_closure_and_linear_cpa_head_on_and_tail():
    tt = one(
        scene(
            target_at(0.0, 5 * NM, 180.0, 150.0, name="H"), target_at(0, 3 * NM, 0, 250, name="T")
        )
    )
    assert tt.closure_mps[0] == pytest.approx(350.0, rel=2e-3)
    assert tt.cpa_in_s[0] == pytest.approx(5 * NM / 350.0, rel=2e-3)
    assert tt.cpa_range_m[0] < 30.0  # head-on along the line of sight: they meet
    # The faster target ahead is opening: CPA is now, at the present range.
    assert tt.closure_mps[1] == pytest.approx(-50.0, rel=5e-3)
    assert tt.cpa_in_s[1] == 0.0
    assert tt.cpa_range_m[1] == pytest.approx(tt.slant_m[1])


def test_bearings_and_ranges_against_pyproj_and_pair_geometry():
    rng = np.random.default_rng(7)
    az = rng.uniform(0, 360, 40)
    dist = rng.uniform(0.5, 60, 40) * NM
    dalt = rng.uniform(-3000, 3000, 40)
    targets = [
        target_at(a, d, rng.uniform(0, 360), 180.0, h, name=f"T{i}")
        for i, (a, d, h) in enumerate(zip(az, dist, dalt, strict=True))
    ]
    ts = scene(*targets)
    tt = one(ts)
    pos = positions_at(ts, T_NOW)
    fwd, _, d = GEOD.inv(np.full(40, pos.lon[0]), np.full(40, pos.lat[0]), pos.lon[1:], pos.lat[1:])
    assert np.allclose(tt.bearing_deg, np.mod(fwd, 360.0), atol=1e-9)
    assert np.allclose(tt.horizontal_m, d, rtol=1e-12)
    g = pair_geometry(pos.lat[0], pos.lon[0], pos.alt[0], pos.lat[1:], pos.lon[1:], pos.alt[1:])
    assert np.allclose(tt.slant_m, g.slant_m, rtol=1e-12)
    assert np.allclose(tt.vertical_m, g.vertical_m)
    assert list(tt.above()[:3]) == ["above" if h > 0 else "below" for h in dalt[:3]]
    # Relative bearing is the true bearing less the primary's course (north here).
    rel = (np.mod(fwd, 360.0) + 180.0) % 360.0 - 180.0
    assert np.allclose(tt.relative_bearing_deg, rel, atol=0.01)


def test_ata_against_local_east_north_up_vectors():
    """ATA of a target above and ahead: 3-D angle, checked in a local ENU frame."""
    tt = one(scene(target_at(0.0, 2 * NM, 0.0, 200.0, dalt=2 * NM)))
    assert tt.ata_deg[0] == pytest.approx(45.0, abs=0.3)
    assert tt.vertical_m[0] == pytest.approx(2 * NM)
    assert tt.above()[0] == "above"


def test_flags_use_the_analysis_settings():
    s = AnalysisSettings(visual_range_m=10 * NM, hsep_m=5 * NM, vsep_m=1000 * FT)
    ts = scene(
        target_at(90, 3 * NM, 0, 200, dalt=500 * FT, name="close"),
        target_at(90, 3 * NM, 0, 200, dalt=1500 * FT, name="stacked"),
        target_at(90, 9 * NM, 0, 200, name="visual"),
        target_at(90, 11 * NM, 0, 200, name="far"),
    )
    tt = one(ts, settings=s)
    assert list(tt.loss_of_separation) == [True, False, False, False]
    assert list(tt.in_visual_range) == [True, True, True, False]
    assert tt.line_of_sight.all()


def test_line_of_sight_over_the_horizon():
    """Two objects 10 m up: horizon sqrt(2kRh) ≈ 13 km each on the 4/3 Earth."""
    k_r = 4.0 / 3.0 * 6_371_008.8
    horizon = np.sqrt(2 * k_r * 10.0)
    lows = []
    for i, d in enumerate((1.8 * horizon, 2.2 * horizon)):
        lat, lon = geodesic_forward(P_LAT, P_LON, 90.0, d)
        lows.append(straight(float(lat), float(lon), 10.0, 0, 100, f"L{i}"))
    primary = straight(P_LAT, P_LON, 10.0, 0.0, 100.0, "P")
    ts = TrackSet.from_tracks([primary, *lows])
    tt = tote(ts, 0, T_NOW, settings=AnalysisSettings(visual_range_m=100 * NM))
    assert list(tt.line_of_sight) == [True, False]
    assert list(tt.in_visual_range) == [True, False]


def _ecef_line(p0, v, times, name):
    lat, lon, alt = ecef_to_geodetic(p0 + v * times[:, None])
    return {"t": times, "lat": lat, "lon": lon, "alt": alt, "id": name, "cls": "aircraft"}


def test_linear_cpa_against_brute_force_and_the_analysis():
    """Straight ECEF lines sampled every second: the projected CPA from t = 100 s must
    match a dense brute-force minimum and the analysis' exact CPA of the pair."""
    times = np.arange(0.0, 601.0)
    pa = ecef(35.0, 36.0, 7000.0)
    east = np.array([-np.sin(np.radians(36.0)), np.cos(np.radians(36.0)), 0.0])
    north = np.array(
        [
            -np.sin(np.radians(35.0)) * np.cos(np.radians(36.0)),
            -np.sin(np.radians(35.0)) * np.sin(np.radians(36.0)),
            np.cos(np.radians(35.0)),
        ]
    )
    va = 210.0 * north
    pb = pa + 60_000.0 * north + 45_000.0 * east + 900.0 * np.cross(east, north)
    vb = -160.0 * east - 30.0 * north
    ts = TrackSet.from_tracks([_ecef_line(pa, va, times, "A"), _ecef_line(pb, vb, times, "B")])
    tt = tote(ts, 0, 100.0)
    fine = np.arange(0.0, 600.0, 0.01)
    d = np.linalg.norm((pb - pa) + np.outer(fine, vb - va), axis=1)
    i = int(np.argmin(d))
    assert 100.0 + tt.cpa_in_s[0] == pytest.approx(fine[i], abs=0.02)
    assert tt.cpa_range_m[0] == pytest.approx(d[i], abs=0.5)
    assert tt.closure_mps[0] == pytest.approx(-(d[10001] - d[9999]) / 0.02, rel=1e-3)
    result = analyze(ts, AnalysisSettings(within_m=100 * NM))
    row = result.pair_row(0, 1)
    assert row is not None
    assert 100.0 + tt.cpa_in_s[0] == pytest.approx(row["cpa_time"], abs=0.05)
    assert tt.cpa_range_m[0] == pytest.approx(row["cpa_slant_m"], abs=1.0)
    with_result = tote(ts, 0, 100.0, result=result)
    assert with_result.pair_cpa_time[0] == row["cpa_time"]
    assert with_result.pair_cpa_slant_m[0] == row["cpa_slant_m"]


def test_absent_target_and_bad_primary():
    late = straight(P_LAT, P_LON + 0.1, P_ALT, 0, 200, "late", t_now=500.0)
    tt = one(scene(late))
    assert not tt.present[0]
    assert np.isnan(tt.slant_m[0]) and np.isnan(tt.ata_deg[0])
    assert not tt.in_visual_range[0]
    with pytest.raises(IndexError):
        tote(scene(late), 5, T_NOW)


def test_sample_at_reaper_sokol_cpa_agrees_with_the_analysis():
    ts = read_acmi(SAMPLE_DIR / "syria_oct2015_illustrative.txt.acmi")
    result = analyze(ts)
    a, b = ts.index_of("202"), ts.index_of("301")
    row = result.pair_row(a, b)
    tt = tote(ts, a, float(row["cpa_time"]), result=result)
    k = int(np.flatnonzero(tt.target == b)[0])
    assert tt.slant_m[k] == pytest.approx(row["cpa_slant_m"], rel=1e-6)
    assert tt.horizontal_m[k] == pytest.approx(row["cpa_horizontal_m"], rel=1e-6)
    assert abs(tt.vertical_m[k]) == pytest.approx(row["cpa_vertical_m"], abs=1e-6)
    from_a = "bearing_ab_deg" if row["a"] == a else "bearing_ba_deg"
    assert tt.bearing_deg[k] == pytest.approx(row[from_a], abs=1e-6)
    assert tt.pair_cpa_time[k] == row["cpa_time"]
    # At the exact minimum the projected CPA is (nearly) now and at (nearly) that range.
    assert tt.cpa_in_s[k] < 3.0
    assert tt.cpa_range_m[k] <= tt.slant_m[k] + 1e-6
    assert tt.loss_of_separation[k]  # the README's "loss of separation" moment
    same = tote(ts, a, float(row["cpa_time"]), positions=positions_at(ts, float(row["cpa_time"])))
    assert np.array_equal(same.slant_m, tt.slant_m, equal_nan=True)
    one_row = tt.row(b)
    assert one_row["slant_m"] == tt.slant_m[k] and one_row["target"] == b
    assert one_row["above"] in ("above", "below") and tt.row(a) is None
    frame = tt.to_frame()
    assert len(frame) == len(ts) - 1 and "aspect_deg" in frame


def test_swapping_primary_and_target_mirrors_the_angles():
    """Aspect seen from A equals 180° − ATA seen from B; range, HCA, closure, CPA agree."""
    rng = np.random.default_rng(11)
    targets = [
        target_at(
            rng.uniform(0, 360),
            rng.uniform(1, 40) * NM,
            rng.uniform(0, 360),
            220.0,
            rng.uniform(-2000, 2000),
            name=f"T{i}",
        )
        for i in range(12)
    ]
    ts = scene(*targets)
    from_p = one(ts)
    for k in range(1, len(ts)):
        back = tote(ts, k, T_NOW)
        j = int(np.flatnonzero(back.target == 0)[0])
        i = k - 1
        assert from_p.aspect_deg[i] == pytest.approx(180.0 - back.ata_deg[j], abs=1e-6)
        assert back.aspect_deg[j] == pytest.approx(180.0 - from_p.ata_deg[i], abs=1e-6)
        assert from_p.hca_deg[i] == pytest.approx(back.hca_deg[j], abs=1e-6)
        assert from_p.slant_m[i] == pytest.approx(back.slant_m[j], rel=1e-12)
        assert from_p.closure_mps[i] == pytest.approx(back.closure_mps[j], rel=1e-9)
        assert from_p.cpa_in_s[i] == pytest.approx(back.cpa_in_s[j], rel=1e-9, abs=1e-9)
        assert from_p.vertical_m[i] == pytest.approx(-back.vertical_m[j])
    for name in ("ata_deg", "aspect_deg", "hca_deg"):
        v = getattr(from_p, name)
        assert np.all((v >= 0) & (v <= 180))

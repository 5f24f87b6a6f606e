"""Closed forms on one interval, and whole analyses of encounters with analytic answers.

Synthetic tracks are built as straight lines in a local East-North-Up frame and turned into
latitude/longitude/altitude by pyproj (not by the package), so they move exactly as the
analysis's ECEF-linear model says and textbook vector geometry gives the truth.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from analysis_reference import GEOD, dense_pair, enu_to_geodetic, track_at
from encounter_replay.analysis import AnalysisSettings, analyze, pair_geometry
from encounter_replay.analysis.cpa import (
    cross_norm2,
    linear_within,
    quadratic_coefficients,
    segment_minimum,
    within_range,
)
from encounter_replay.model import TrackSet

LAT0, LON0 = 47.0, 8.0
T0 = 1_600_000_000.0
NM = 1852.0

coord = st.floats(-5e4, 5e4, allow_nan=False)
vec = arrays(np.float64, (3,), elements=coord)


# --------------------------------------------------------------------------- closed forms
@settings(max_examples=300, deadline=None)
@given(d0=vec, d1=vec)
def test_segment_minimum_against_dense_s(d0, d1):
    s, dmin = segment_minimum(d0[:, None], d1[:, None])
    grid = np.linspace(0, 1, 20001)
    dense = np.linalg.norm(d0[:, None] + grid * (d1 - d0)[:, None], axis=0)
    assert 0.0 <= s[0] <= 1.0
    assert dmin[0] <= dense.min() + 1e-6
    # The grid minimum is above the true one by at most |e|·Δs/2.
    assert dmin[0] >= dense.min() - np.linalg.norm(d1 - d0) * 0.5 / 20000 - 1e-6
    assert dmin[0] == pytest.approx(np.linalg.norm(d0 + s[0] * (d1 - d0)), abs=1e-6)


def test_segment_minimum_near_miss_is_well_conditioned():
    # 1 mm miss between two jets 50 km apart at the start: no cancellation.
    d0 = np.array([[-25_000.0], [0.001], [0.0]])
    d1 = np.array([[25_000.0], [0.001], [0.0]])
    s, dmin = segment_minimum(d0, d1)
    assert s[0] == pytest.approx(0.5)
    assert dmin[0] == pytest.approx(0.001, rel=1e-6)


def test_constant_separation_reports_the_start():
    d = np.array([[100.0], [0.0], [0.0]])
    s, dmin = segment_minimum(d, d)
    assert s[0] == 0.0 and dmin[0] == pytest.approx(100.0)


@settings(max_examples=300, deadline=None)
@given(d0=vec, d1=vec, r=st.floats(1.0, 6e4))
# A head-on pass 70 km long through the origin, r = 1 m: b² − a·(c − r²) from the
# coefficients was off by 1e-6 m at the edges; the cross-product form is not.
@example(d0=np.full(3, -40201.46847695), d1=np.ones(3), r=1.0)
def test_within_range_against_dense_s(d0, d1, r):
    a, b, c = quadratic_coefficients(d0[:, None], d1[:, None])
    lo, hi = within_range(a, b, c, r, cross_norm2(d0[:, None], (d1 - d0)[:, None]))
    grid = np.linspace(0, 1, 20001)
    dist = np.linalg.norm(d0[:, None] + grid * (d1 - d0)[:, None], axis=0)
    inside = (grid >= lo[0]) & (grid <= hi[0])
    # Membership may differ only where the distance is within a hair of r.
    tol = 1e-6 * max(r, 1.0) + np.linalg.norm(d1 - d0) * 1e-9
    wrong = inside != (dist <= r)
    assert not np.any(wrong & (np.abs(dist - r) > tol))
    if hi[0] > lo[0]:
        for s_edge in (lo[0], hi[0]):
            d = np.linalg.norm(d0 + s_edge * (d1 - d0))
            assert d <= r * (1 + 1e-9) + 1e-6
            if 0.0 < s_edge < 1.0:
                assert d == pytest.approx(r, rel=1e-9, abs=1e-6)


@settings(max_examples=300, deadline=None)
@given(v0=st.floats(-3e3, 3e3), v1=st.floats(-3e3, 3e3), lim=st.floats(1.0, 1e3))
def test_linear_within_against_dense(v0, v1, lim):
    lo, hi = linear_within(np.array([v0]), np.array([v1]), lim)
    grid = np.linspace(0, 1, 10001)
    v = v0 + grid * (v1 - v0)
    inside = (grid >= lo[0]) & (grid <= hi[0])
    wrong = inside != (np.abs(v) < lim)
    assert not np.any(wrong & (np.abs(np.abs(v) - lim) > 1e-6 * lim))


def test_pair_geometry_against_pyproj():
    g = pair_geometry(47.0, 8.0, 1000.0, 47.1, 8.1, 2500.0)
    from analysis_reference import ecef as ref_ecef

    p = ref_ecef(np.array([47.0, 47.1]), np.array([8.0, 8.1]), np.array([1000.0, 2500.0]))
    assert float(g.slant_m) == pytest.approx(np.linalg.norm(p[1] - p[0]), abs=1e-6)
    f, b, d = GEOD.inv(8.0, 47.0, 8.1, 47.1)
    assert float(g.horizontal_m) == pytest.approx(d, abs=1e-6)
    assert float(g.vertical_m) == pytest.approx(1500.0)
    assert float(g.bearing_12_deg) == pytest.approx(f % 360)
    assert float(g.bearing_21_deg) == pytest.approx((b + 360) % 360)
    assert np.isnan(pair_geometry(47.0, 8.0, np.nan, 47.1, 8.1, 0.0).slant_m)


# --------------------------------------------------------------------------- synthetic encounters
def enu_track(tid: str, t: np.ndarray, east, north, up, **meta) -> dict:
    t = np.asarray(t, dtype=float)
    e = np.broadcast_to(np.asarray(east(t) if callable(east) else east, dtype=float), t.shape)
    n = np.broadcast_to(np.asarray(north(t) if callable(north) else north, dtype=float), t.shape)
    u = np.broadcast_to(np.asarray(up(t) if callable(up) else up, dtype=float), t.shape)
    lat, lon, alt = enu_to_geodetic(LAT0, LON0, 0.0, e, n, u)
    return dict(t=T0 + t, lat=lat, lon=lon, alt=alt, id=tid, name=tid, cls="aircraft", **meta)


def straight_cpa(p_a, v_a, p_b, v_b) -> tuple[float, float, float]:
    """(time, distance, relative speed) of two straight lines, t measured from 0."""
    r0 = np.asarray(p_b, float) - np.asarray(p_a, float)
    v = np.asarray(v_b, float) - np.asarray(v_a, float)
    t = -r0 @ v / (v @ v) if v @ v > 0 else 0.0
    return t, float(np.linalg.norm(r0 + t * v)), float(np.linalg.norm(v))


def irregular(start: float, end: float, step: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.cumsum(rng.uniform(0.5 * step, 1.5 * step, int((end - start) / step * 1.5) + 10))
    t = start + t - t[0]
    return t[t <= end]


def run(tracks: list[dict], **kw) -> tuple[TrackSet, object]:
    ts = TrackSet.from_tracks(tracks)
    return ts, analyze(ts, AnalysisSettings(**kw))


def only_pair(result):
    assert len(result.pairs) == 1
    return result.pairs.iloc[0]


def test_head_on_with_vertical_offset():
    ta = irregular(0, 160, 1.0, 1)
    tb = irregular(0, 160, 0.7, 2)
    a = enu_track("A", ta, 0.0, lambda t: -20_000 + 250 * t, 3000.0)
    b = enu_track("B", tb, 0.0, lambda t: 20_000 - 250 * t, 3000.0 + 152.4)
    ts, res = run([a, b])
    row = only_pair(res)
    assert row.cpa_slant_m == pytest.approx(152.4, abs=1e-3)
    assert row.cpa_time - T0 == pytest.approx(80.0, abs=1e-4)
    # Altitude is interpolated linearly in time: within (v·dt)²/8R ≈ 1 mm of the ECEF line.
    assert row.cpa_vertical_m == pytest.approx(152.4, abs=5e-3)
    assert row.cpa_horizontal_m == pytest.approx(0.0, abs=1e-3)
    assert row.min_horizontal_m == pytest.approx(0.0, abs=1e-3)
    assert row.min_horizontal_time - T0 == pytest.approx(80.0, abs=1e-4)
    assert row.closure_mps == pytest.approx(500.0, rel=1e-6)
    assert row.range_rate_mps == pytest.approx(0.0, abs=1e-3)
    # Visual contact: slant ≤ 10 NM, high enough to see over the horizon.
    half = np.sqrt((10 * NM) ** 2 - 152.4**2) / 500.0
    (vis,) = row.visual_contact
    assert vis[0] - T0 == pytest.approx(80 - half, abs=1e-6)
    assert vis[1] - T0 == pytest.approx(80 + half, abs=1e-6)
    assert row.visual_s == pytest.approx(2 * half, abs=1e-6)
    # Loss of separation: |vertical| < 1000 ft throughout, so horizontal < 5 NM decides;
    # at the reported boundaries the geodesic (pyproj, from the lat/lon tracks) is 5 NM.
    assert row.los
    (los,) = row.loss_of_separation
    for edge in los:
        d = dense_pair(ts, 0, 1, np.array([edge]))
        assert d.horizontal[0] == pytest.approx(5 * NM, abs=0.05)
    assert los[0] - T0 == pytest.approx(80 - 5 * NM / 500, abs=0.02)


def test_crossing_at_right_angles():
    ta = irregular(0, 220, 1.0, 3)
    tb = irregular(0, 220, 2.0, 4)
    a = enu_track("A", ta, 0.0, lambda t: 200 * (t - 100), 5000.0)
    b = enu_track("B", tb, lambda t: 150 * (t - 110), 0.0, 5000.0)
    t_star, d_star, v_rel = straight_cpa(
        [0, -20000, 5000], [0, 200, 0], [-16500, 0, 5000], [150, 0, 0]
    )
    ts, res = run([a, b])
    row = only_pair(res)
    assert t_star == pytest.approx(103.6)
    assert d_star == pytest.approx(1200.0)
    assert row.cpa_slant_m == pytest.approx(d_star, abs=1e-3)
    assert row.cpa_time - T0 == pytest.approx(t_star, abs=1e-4)
    assert row.closure_mps == pytest.approx(v_rel, rel=1e-6)
    # Bearings: from the geodesic at the CPA instant (reference: pyproj on the tracks).
    d = dense_pair(ts, 0, 1, np.array([row.cpa_time]))
    f, b_, dist = GEOD.inv(d.lon_a, d.lat_a, d.lon_b, d.lat_b)
    assert row.bearing_ab_deg == pytest.approx(f[0] % 360, abs=1e-3)
    assert row.bearing_ba_deg == pytest.approx(b_[0] % 360, abs=1e-3)
    assert row.cpa_horizontal_m == pytest.approx(dist[0], abs=0.01)
    # Same level, 0.65 NM apart: a loss of separation.
    assert row.los and row.cpa_vertical_m < 1.0


def test_overtaking_with_lateral_offset():
    t = irregular(0, 120, 1.0, 5)
    a = enu_track("slow", t, 0.0, lambda t: 200 * t, 4000.0)
    b = enu_track("fast", t + 0.37, 1852.0, lambda t: -3000 + 260 * t, 4000.0)
    _, res = run([a, b])
    row = only_pair(res)
    assert row.cpa_slant_m == pytest.approx(1852.0, abs=1e-3)
    assert row.cpa_time - T0 == pytest.approx(50.0, abs=1e-4)
    assert row.closure_mps == pytest.approx(60.0, rel=1e-6)
    # Within 10 NM for the whole overlap: one visual interval covering it.
    (vis,) = row.visual_contact
    assert vis[0] == pytest.approx(T0 + 0.37)
    assert vis[1] == pytest.approx(T0 + t[-1])


def test_parallel_constant_separation():
    t = irregular(0, 100, 1.0, 6)
    a = enu_track("A", t, 0.0, lambda t: 220 * t, 3000.0)
    b = enu_track("B", t, 5000.0, lambda t: 220 * t, 3300.0)
    _, res = run([a, b])
    row = only_pair(res)
    assert row.cpa_slant_m == pytest.approx(np.hypot(5000, 300), abs=1e-3)
    assert row.closure_mps == pytest.approx(0.0, abs=1e-6)
    assert row.range_rate_mps == pytest.approx(0.0, abs=1e-6)


def test_climbing_through_the_level():
    t = irregular(0, 200, 1.0, 7)
    a = enu_track("level", t, 0.0, lambda t: 180 * (t - 100), 6000.0)
    b = enu_track(
        "climber",
        t + 0.5,
        lambda t: 300.0 - 2 * t,
        lambda t: -160 * (t - 95),
        lambda t: 5000 + 12 * t,
    )
    t_star, d_star, v_rel = straight_cpa(
        [0, -18000, 6000], [0, 180, 0], [300, 95 * 160, 5000], [-2, -160, 12]
    )
    _, res = run([a, b])
    row = only_pair(res)
    assert row.cpa_slant_m == pytest.approx(d_star, abs=1e-3)
    assert row.cpa_time - T0 == pytest.approx(t_star, abs=1e-4)
    assert row.closure_mps == pytest.approx(v_rel, rel=1e-6)


def test_cpa_at_start_while_opening():
    t = irregular(0, 60, 1.0, 8)
    a = enu_track("A", t, 0.0, lambda t: 200 * t, 3000.0)
    b = enu_track("B", t, 1000.0, lambda t: 500 + 300 * t, 3000.0)
    _, res = run([a, b])
    row = only_pair(res)
    assert row.cpa_time == pytest.approx(T0)
    assert row.cpa_slant_m == pytest.approx(np.hypot(1000, 500), abs=1e-3)
    # Opening from the first moment: d(range)/dt = 100 m/s · 500 / 1118 m.
    assert row.range_rate_mps == pytest.approx(100 * 500 / np.hypot(1000, 500), rel=1e-6)


def test_no_interpolation_across_a_gap():
    ta = irregular(0, 160, 1.0, 9)
    tb = irregular(0, 160, 1.0, 10)
    tb = tb[(tb < 60) | (tb > 100)]  # B silent for 40 s around the meeting (t = 80)
    a = enu_track("A", ta, 0.0, lambda t: -20_000 + 250 * t, 3000.0)
    b = enu_track("B", tb, 500.0, lambda t: 20_000 - 250 * t, 3000.0)
    _, res = run([a, b], gap_s=30.0)
    row = only_pair(res)
    # The CPA is at an edge of the gap, not at the meeting point 500 m abeam.
    edge = min(abs(tb[tb < 60][-1] - 80), abs(tb[tb > 100][0] - 80))
    assert row.cpa_slant_m == pytest.approx(np.hypot(500 * edge, 500), rel=1e-6)
    # …but with a long enough gap_s the model does bridge it.
    _, res2 = run([a, b], gap_s=60.0)
    assert only_pair(res2).cpa_slant_m == pytest.approx(500.0, abs=1e-3)
    # Intervals never span the gap either.
    for s, e in row.visual_contact:
        assert not (s < 70 + T0 < e)


def test_pairs_beyond_within_are_not_reported():
    t = irregular(0, 60, 1.0, 11)
    a = enu_track("A", t, 0.0, lambda t: 200 * t, 3000.0)
    b = enu_track("B", t, 30 * NM, lambda t: 200 * t, 3000.0)
    c = enu_track("C", t, 20 * NM, lambda t: 200 * t, 3000.0)
    _ts, res = run([a, b, c])
    got = {(r.a_id, r.b_id) for r in res.pairs.itertuples()}
    assert got == {("A", "C"), ("B", "C")}
    assert list(res.pairs.cpa_slant_m) == sorted(res.pairs.cpa_slant_m)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        (dict(within_m=1e300), "within_m must be at most 20,000 km"),
        (dict(within_m=2e7 + 1), "within_m must be at most 20,000 km"),
        (dict(visual_range_m=5e7), "visual_range_m must be at most 20,000 km"),
        (dict(hsep_m=1e10), "hsep_m must be at most"),
        (dict(vsep_m=1e10), "vsep_m must be at most"),
        (dict(gap_s=86_401.0), "gap_s must be at most 86400 s"),
        (dict(visual_range_by_type={"F-16": 3e7}), "visual range for 'F-16' must be at most"),
    ],
)
def test_settings_have_sane_upper_bounds(kw, message):
    with pytest.raises(ValueError, match=message):
        AnalysisSettings(**kw)


def test_settings_upper_bounds_are_inclusive():
    cfg = AnalysisSettings(within_m=2e7, visual_range_m=2e7, hsep_m=2e7, vsep_m=2e7, gap_s=86_400.0)
    assert cfg.pruning_radius_m == 2e7


def test_classes_and_visual_range_by_type():
    t = irregular(0, 60, 1.0, 12)
    a = enu_track("A", t, 0.0, lambda t: 200 * t, 3000.0, type="C-130")
    b = enu_track("B", t, 12 * NM, lambda t: 200 * t, 3000.0, type="F-16C")
    m = enu_track("M", t, 100.0, lambda t: 200 * t, 3000.0)
    m["cls"] = "weapon"
    r = enu_track("BULLS", t[:2], 50.0, 0.0, 0.0)
    r["cls"] = "reference"
    _ts, res = run([a, b, m, r])
    assert len(res.pairs) == 1
    assert res.pairs.iloc[0].visual_contact == []  # 12 NM apart, default range 10 NM
    _, res = run([a, b, m, r], visual_range_by_type={"c-130": 15 * NM})
    assert res.pairs.iloc[0].visual_s == pytest.approx(t[-1] - t[0])  # max of the two
    _, res = run([a, b, m, r], include=frozenset({"aircraft", "weapon", "reference"}))
    ids = {(p.a_id, p.b_id) for p in res.pairs.itertuples()}
    assert ("A", "M") in ids and not any("BULLS" in pair for pair in ids)


# --------------------------------------------------------------------------- missing altitude
def _with_nan(track: dict, mask: np.ndarray) -> dict:
    out = dict(track)
    out["alt"] = np.where(mask, np.nan, track["alt"])
    return out


def test_short_altitude_dropout_is_bridged():
    ta = irregular(0, 160, 1.0, 13)
    tb = irregular(0, 160, 1.0, 14)
    a = enu_track("A", ta, 0.0, lambda t: -20_000 + 250 * t, 3000.0)
    b = enu_track("B", tb, 0.0, lambda t: 20_000 - 250 * t, 3100.0)
    b["alt"] = np.full(len(tb), 3100.0)  # level: bridging the dropout then loses nothing
    _, ref = run([a, b])
    hole = (tb > 70) & (tb < 90)  # 20 s of NaN around the CPA, known ends 20 s apart
    _, res = run([a, _with_nan(b, hole)], gap_s=30.0)
    row = only_pair(res)
    assert row.cpa_slant_m == pytest.approx(only_pair(ref).cpa_slant_m, abs=1e-6)
    assert row.alt_unknown_s == 0.0
    (w,) = [w for w in res.warnings if "altitude missing" in w.message]
    assert "bridged" in w.message and "B" in w.message and w.count == int(hole.sum())


def test_long_altitude_dropout_is_horizontal_only():
    ta = irregular(0, 160, 1.0, 15)
    tb = irregular(0, 160, 1.0, 16)
    a = enu_track("A", ta, 0.0, lambda t: -20_000 + 250 * t, 3000.0)
    b = enu_track("B", tb, 300.0, lambda t: 20_000 - 250 * t, 3100.0)
    hole = (tb > 60) & (tb < 100)
    ts, res = run([a, _with_nan(b, hole)], gap_s=30.0)
    row = only_pair(res)
    assert np.isfinite(row.cpa_slant_m)
    # Slant only where altitude is known: the CPA is at the edge of the dropout.
    known_edge = min(abs(tb[tb <= 60][-1] - 80), abs(tb[tb >= 100][0] - 80))
    d = np.hypot(np.hypot(500 * known_edge, 300), 100)
    assert row.cpa_slant_m == pytest.approx(d, rel=1e-3)
    # Horizontal is still exact through the dropout (300 m abeam at t = 80).
    assert row.min_horizontal_m == pytest.approx(300.0 * (1 - 3000 / 6.4e6), abs=1.0)
    assert row.min_horizontal_time - T0 == pytest.approx(80.0, abs=0.01)
    assert row.alt_unknown_s > 30
    # Nothing in the result is NaN but what cannot be known.
    assert np.isfinite(
        row[["cpa_time", "cpa_horizontal_m", "cpa_vertical_m", "closure_mps"]].astype(float)
    ).all()
    msgs = " ".join(w.message for w in res.warnings)
    assert "left unknown" in msgs and "horizontal only" in msgs
    assert "stretches without altitude" in msgs
    doc = res.to_json_dict(ts)
    assert doc["pairs"][0]["alt_unknown_s"] > 30


def test_track_without_any_altitude_is_reported_horizontally():
    t = irregular(0, 160, 1.0, 17)
    a = enu_track("A", t, 0.0, lambda t: -20_000 + 250 * t, 3000.0)
    b = _with_nan(
        enu_track("B", t, 400.0, lambda t: 20_000 - 250 * t, 3000.0), np.ones(len(t), bool)
    )
    ts, res = run([a, b])
    row = only_pair(res)
    assert np.isnan(row.cpa_slant_m) and np.isnan(row.cpa_vertical_m)
    assert row.min_horizontal_m == pytest.approx(400 * (1 - 3000 / 6.4e6), abs=1.0)
    assert row.cpa_time == pytest.approx(row.min_horizontal_time)
    assert row.visual_contact == [] and row.loss_of_separation == []
    doc = res.to_json_dict(ts)
    assert doc["pairs"][0]["cpa_slant_m"] is None
    assert doc["pairs"][0]["min_horizontal_m"] == pytest.approx(row.min_horizontal_m)


def test_altitude_known_only_at_isolated_instants_gives_no_slant():
    """As AnalysisResult documents: altitude at isolated samples (dropouts longer than
    gap_s on both sides) is no stretch with slant known, so the slant CPA is NaN."""
    t = np.arange(0.0, 161.0, 1.0)
    a = enu_track("A", t, 0.0, lambda t: -20_000 + 250 * t, 3000.0)
    isolated = np.ones(len(t), bool)
    isolated[[0, 80, 160]] = False  # known at 0, 80 and 160 s only: 79 s dropouts
    b = _with_nan(enu_track("B", t, 400.0, lambda t: 20_000 - 250 * t, 3000.0), isolated)
    _ts, res = run([a, b])
    row = only_pair(res)
    assert np.isnan(row.cpa_slant_m) and np.isnan(row.cpa_vertical_m)
    assert row.alt_unknown_s > 0
    assert row.min_horizontal_m == pytest.approx(400 * (1 - 3000 / 6.4e6), abs=1.0)


@pytest.mark.parametrize(
    ("field", "index", "value"),
    [("t", 5, 1e20), ("t", 5, -1e12), ("alt", 0, np.inf), ("alt", 0, -np.inf), ("alt", 5, 1e300)],
)
def test_absurd_inputs_raise_no_numpy_warnings_and_change_nothing_else(field, index, value):
    """A sample with an absurd time is left out, an absurd altitude is unknown: the
    analysis equals the one without that sample (or with its altitude NaN), pruned or not,
    and no RuntimeWarning reaches the user."""
    t = np.arange(0.0, 60.0, 1.0)
    a = enu_track("A", t, lambda t: 100.0 * t, 0.0, 3000.0)
    b = enu_track("B", t + 0.5, lambda t: 6000.0 - 100.0 * t, 300.0, 3050.0)
    bad = {**a, field: a[field].copy()}
    bad[field][index] = value
    if field == "t":
        ref = {k: np.delete(v, index) if isinstance(v, np.ndarray) else v for k, v in a.items()}
    else:
        ref = {**a, "alt": a["alt"].copy()}
        ref["alt"][index] = np.nan
    want = analyze(TrackSet.from_tracks([ref, b])).pairs
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ts = TrackSet.from_tracks([bad, b])
        for prune in (True, False):
            res = analyze(ts, prune=prune)
            got = res.pairs
            for col in ("cpa_time", "cpa_slant_m", "min_horizontal_m", "visual_s"):
                np.testing.assert_allclose(got[col], want[col], atol=1e-6, err_msg=col)
    text = " ".join(w.message for w in res.warnings)
    assert ("plausible time" if field == "t" else "altitude missing in 1 sample") in text


# --------------------------------------------------------------------------- line of sight
def test_line_of_sight_limits_visual_contact_at_low_level():
    """Two helicopters at ~5 m over the sea: the 4/3-Earth horizon (≈ 9.2 km each) and not
    the 10 NM visual range decides. Reference: dense pyproj geodesic vs horizon sums."""
    t = irregular(0, 160, 1.0, 18)
    a = enu_track("A", t, 0.0, lambda t: -20_000 + 150 * t, 5.0)
    b = enu_track("B", t + 0.3, 0.0, lambda t: 20_000 - 150 * t, 5.0)
    ts, res = run([a, b])
    row = only_pair(res)
    (vis,) = row.visual_contact
    grid = np.arange(T0 + 1, T0 + 159, 0.01)
    d = dense_pair(ts, 0, 1, grid)
    rho = 4 / 3 * 6_371_008.8
    horizon = rho * np.arccos(rho / (rho + d.alt_a)) + rho * np.arccos(rho / (rho + d.alt_b))
    seen = (d.slant <= 10 * NM) & (d.horizontal <= horizon)
    first, last = grid[seen][0], grid[seen][-1]
    assert vis[0] == pytest.approx(first, abs=0.02)
    assert vis[1] == pytest.approx(last, abs=0.02)
    assert vis[1] - vis[0] < 2 * 10 * NM / 300  # shorter than the visual range allows


@pytest.mark.parametrize("alt", [0.0, -5.0, -430.0])
def test_visual_contact_at_or_below_sea_level(alt):
    """Two aircraft on one apron (ADS-B 0 m, or an airfield below sea level), 500 m apart,
    see each other: the line-of-sight test puts the eye at least 2 m up."""
    t = np.arange(0.0, 10.5, 1.0)
    a = enu_track("A", t, lambda t: 7.0 * t, 0.0, 0.0)
    b = enu_track("B", t, lambda t: 7.0 * t, 500.0, 0.0)
    a["alt"] = b["alt"] = np.full(len(t), alt)
    row = only_pair(run([a, b], include_ground=True)[1])  # taxiing: paired only on request
    assert row.visual_contact == [(pytest.approx(T0), pytest.approx(T0 + 10.0))]


def test_line_of_sight_from_below_the_minimum_eye_height():
    """A rises from −10 m to 100 m, B sits at 0 m, 12 km away: seen once the horizon sum
    with the 2 m eye floor covers the arc. Reference: dense pyproj geodesic vs horizons."""
    t = np.arange(0.0, 111.0, 10.0)
    a = enu_track("A", t, 0.0, 0.0, 0.0)
    a["alt"] = -10.0 + t  # MSL heights as given (ENU "up" would follow the tangent plane)
    b = enu_track("B", t + 0.3, 12_000.0, 0.0, 0.0)
    b["alt"] = 0.0 * t
    ts, res = run([a, b], visual_range_m=20_000.0, include_ground=True)
    (vis,) = only_pair(res).visual_contact
    grid = T0 + np.arange(0.3, 109.99, 0.005)
    d = dense_pair(ts, 0, 1, grid)
    rho = 4 / 3 * 6_371_008.8

    def hor(h):
        h = np.maximum(h, 2.0)
        return rho * np.arccos(rho / (rho + h))

    seen = d.horizontal <= hor(d.alt_a) + hor(d.alt_b)
    assert not seen[0] and seen[-1]
    assert vis[0] == pytest.approx(grid[seen][0], abs=0.01)
    assert vis[1] == pytest.approx(T0 + 110, abs=1e-6)  # to the end of the overlap


def test_json_document(tmp_path):
    t = irregular(0, 160, 0.25, 19)
    a = enu_track("A", t, 0.0, lambda t: -20_000 + 250 * t, 3000.0)
    b = enu_track("B", t, 0.0, lambda t: 20_000 - 250 * t, 3152.4)
    ts, res = run([a, b])
    doc = res.to_json_dict(ts)
    import json

    json.dumps(doc)  # plain JSON
    (p,) = doc["pairs"]
    assert p["a"] == "A" and p["b"] == "B"
    assert p["cpa_time"] == "2020-09-13T12:28:00Z"
    assert p["visual_contact"][0][0].startswith("2020-09-13T12:27:")
    assert p["visual_contact"][0][0].endswith("Z") and "." in p["visual_contact"][0][0]
    assert doc["settings"]["within_m"] == pytest.approx(25 * NM)
    assert set(doc) == {"settings", "pairs", "excluded_samples", "warnings"}


def test_progress_and_cancel():
    t = irregular(0, 100, 1.0, 20)
    tracks = [enu_track(f"T{k}", t, 1000.0 * k, lambda t: 200 * t, 3000.0) for k in range(6)]
    ts = TrackSet.from_tracks(tracks)
    seen: list[float] = []
    analyze(ts, progress=lambda f: seen.append(f) or True)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    from encounter_replay.analysis import AnalysisCancelled

    with pytest.raises(AnalysisCancelled):
        analyze(ts, progress=lambda f: f < 0.5)


def test_empty_and_single_sample_sets():
    res = analyze(TrackSet.empty())
    assert len(res.pairs) == 0 and res.to_json_dict(TrackSet.empty())["pairs"] == []
    # One report each, at the same instant: both were there then, so the pair counts (and
    # so does their contact at that instant, [t, t]), but nothing is known of how they moved.
    one = TrackSet.from_tracks(
        [
            dict(t=[T0], lat=[47.0], lon=[8.0], alt=[1000.0], id="a", cls="aircraft"),
            dict(t=[T0], lat=[47.0], lon=[8.01], alt=[1000.0], id="b", cls="aircraft"),
            dict(t=[T0 + 5], lat=[47.0], lon=[8.0], alt=[1000.0], id="c", cls="aircraft"),
        ]
    )
    res = analyze(one)
    assert len(res.pairs) == 1
    row = res.pairs.iloc[0]
    assert (row.a_id, row.b_id) == ("a", "b")
    assert row.cpa_time == T0
    d = dense_pair(one, 0, 1, np.array([T0]))
    assert row.cpa_slant_m == pytest.approx(d.slant[0], abs=1e-6)
    assert np.isnan(row.closure_mps) and row.visual_contact == [(T0, T0)]
    assert res.to_json_dict(one)["pairs"][0]["closure_mps"] is None


def test_reference_track_at_matches_numpy_interp():
    t = np.array([0.0, 1.0, 2.0, 50.0, 51.0])
    x = np.array([0.0, 10.0, 20.0, 30.0, 40.0])
    q = np.array([-1.0, 0.5, 1.5, 2.0, 20.0, 50.5, 52.0])
    lat, _, _ = track_at(t, x, x, x, q, gap_s=30.0)
    assert np.isnan(lat[[0, 4, 6]]).all()
    np.testing.assert_allclose(lat[[1, 2, 3, 5]], [5.0, 15.0, 20.0, 35.0])


def test_json_warnings_include_the_recordings_own():
    from encounter_replay.model import DataWarning

    t = irregular(0, 60, 1.0, 21)
    ts = TrackSet.from_tracks(
        [
            enu_track("A", t, 0.0, lambda t: 200 * t, 3000.0),
            _with_nan(enu_track("B", t, 500.0, lambda t: 200 * t, 3000.0), t > 20),
        ],
        warnings=[DataWarning("file.csv", "3 bad rows", line=7, count=3)],
    )
    res = analyze(ts)
    doc = res.to_json_dict(ts)
    assert doc["warnings"][0] == "file.csv:7: 3 bad rows (3 occurrences)"
    assert any("altitude missing" in w for w in doc["warnings"][1:])
    assert res.to_json_dict()["warnings"] == [str(w) for w in res.warnings]

"""The separation curve for the window's plot, against the dense reference."""

from __future__ import annotations

import numpy as np
import pytest

from analysis_reference import dense_pair, enu_to_geodetic
from encounter_replay.analysis import AnalysisSettings, analyze, separation_series
from encounter_replay.model import TrackSet

T0 = 1_600_000_000.0


def _scene() -> TrackSet:
    t = np.arange(0.0, 200.0, 1.0)
    tracks = []
    for k, (e0, sign, h) in enumerate([(0.0, 1, 3000.0), (800.0, -1, 3200.0), (5000.0, 1, 100.0)]):
        north = sign * (-20_000 + 220 * t)
        lat, lon, _ = enu_to_geodetic(47.0, 8.0, 0.0, e0 + 0 * t, north, 0 * t)
        alt = h + 2.0 * t
        keep = (t < 120) | (t > 150) if k == 1 else np.ones(len(t), bool)  # B has a gap
        alt = np.where((t > 20) & (t < 25), np.nan, alt) if k == 0 else alt  # short dropout
        tracks.append(
            dict(
                t=T0 + t[keep] + 0.4 * k,
                lat=lat[keep],
                lon=lon[keep],
                alt=alt[keep],
                id=f"X{k}",
                cls="aircraft",
            )
        )
    tracks[2]["cls"] = "ground"
    return TrackSet.from_tracks(tracks)


def test_series_matches_dense_reference():
    ts = _scene()
    df = separation_series(ts, 0, 1, T0 - 10, T0 + 210, n=500)
    assert list(df.columns) == ["time", "slant_m", "horizontal_m", "vertical_m", "dalt_m"]
    assert len(df) == 500
    ref = dense_pair(ts, 0, 1, df["time"].to_numpy())
    both = np.isfinite(ref.slant) & np.isfinite(ref.alt_a)
    # Absent (before, after, in B's gap) exactly where the reference says so; A's 4 s
    # altitude dropout is bridged as in the analysis, so slant is known there.
    absent = ~np.isfinite(ref.horizontal)
    assert np.isnan(df["slant_m"][absent]).all() and np.isnan(df["horizontal_m"][absent]).all()
    assert np.isfinite(df["horizontal_m"][~absent]).all()
    assert np.isfinite(df["slant_m"][~absent]).all()
    np.testing.assert_allclose(df["horizontal_m"][~absent], ref.horizontal[~absent], atol=1e-6)
    np.testing.assert_allclose(df["slant_m"][both], ref.slant[both], atol=0.01)
    np.testing.assert_allclose(df["vertical_m"][both], ref.vertical[both], atol=1e-6)
    np.testing.assert_allclose(df["dalt_m"][both], (ref.alt_b - ref.alt_a)[both], atol=1e-6)


def test_series_touches_the_reported_cpa():
    ts = _scene()
    res = analyze(ts, AnalysisSettings())
    row = res.pair_row(0, 1)
    assert row is not None
    df = separation_series(ts, 1, 0, T0, T0 + 200, n=100, extra_times=np.array([row.cpa_time]))
    assert df["slant_m"].min() == pytest.approx(row.cpa_slant_m, abs=1e-6)
    assert df["time"].iloc[int(df["slant_m"].idxmin())] == pytest.approx(row.cpa_time)
    # Order of a and b does not matter for the distances; dalt is b − a.
    fwd = separation_series(ts, 0, 1, T0, T0 + 200, n=50)
    back = separation_series(ts, 1, 0, T0, T0 + 200, n=50)
    np.testing.assert_allclose(fwd["slant_m"], back["slant_m"], equal_nan=True)
    np.testing.assert_allclose(fwd["dalt_m"], -back["dalt_m"], equal_nan=True)


def test_series_for_unpaired_class_and_degenerate_calls():
    ts = _scene()
    df = separation_series(ts, 0, 2, T0 + 1, T0 + 199, n=20)  # a ground object still plots
    assert np.isfinite(df["slant_m"]).all()
    same = separation_series(ts, 1, 1, T0, T0 + 10, n=5)
    assert same["slant_m"].isna().all()

"""The exact analysis against dense resampling (0.01 s, pyproj) on random tracks.

Tracks are random piecewise-linear paths (random turns, climbs, speed changes, sample
intervals and gaps) near one another. For every pair the dense reference gives the truth
up to its own resolution: the exact CPA may never be above the dense minimum (beyond the
tiny difference between the two interpolation models), nor below it by more than the
resampling bound ``relative speed × step / 2``. Interval membership must agree at every
dense instant except within a hair of a boundary.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis_reference import dense_pair, ecef, enu_to_geodetic, overlap
from encounter_replay.analysis import AnalysisSettings, analyze
from encounter_replay.model import TrackSet

T0 = 1_700_000_000.0
STEP = 0.01
#: ECEF-linear (analysis) vs lat/lon/alt-linear (reference) between samples ≤ 1 km apart:
#: both sag under the chord by at most L²/8R ≈ 2 cm, and the altitude of the reference is
#: linear where the chord's is not by the same amount.
MODEL_TOL = 0.06


def random_tracks(
    seed: int,
    n: int,
    *,
    spread: float = 3000.0,
    duration: float = 80.0,
    max_dt: float = 4.0,
    alt_range: tuple[float, float] = (500.0, 3000.0),
    gap_prob: float = 0.0,
) -> list[dict]:
    rng = np.random.default_rng(seed)
    tracks = []
    for k in range(n):
        t = [rng.uniform(0, 10)]
        while t[-1] < duration:
            dt = rng.uniform(0.05, max_dt)
            if rng.random() < gap_prob:
                dt = rng.uniform(31, 45)  # longer than gap_s: a hole in the track
            t.append(t[-1] + dt)
        t = np.array(t)
        m = len(t)
        # Random velocity changes at random samples: piecewise-linear motion.
        speed = rng.uniform(60, 250 / np.sqrt(3), (m, 3)) * rng.choice([-1, 1], (m, 3))
        speed[:, 2] *= 0.1
        keep = rng.random(m) < 0.7
        for i in range(1, m):
            if keep[i]:
                speed[i] = speed[i - 1]
        pos = np.zeros((m, 3))
        pos[0] = [
            rng.uniform(-spread, spread),
            rng.uniform(-spread, spread),
            rng.uniform(*alt_range),
        ]
        steps = np.diff(t)[:, None] * speed[:-1]
        steps[np.diff(t) > 30] = 0.0  # do not jump across the holes
        pos[1:] = pos[0] + np.cumsum(steps, axis=0)
        pos[:, 2] = np.clip(pos[:, 2], alt_range[0] - 200, alt_range[1] + 200)
        lat, lon, alt = enu_to_geodetic(46.5, 7.5, 0.0, pos[:, 0], pos[:, 1], pos[:, 2])
        alt = pos[:, 2].copy()  # altitude linear in the samples, as recorders give it
        tracks.append(
            dict(t=T0 + t, lat=lat, lon=lon, alt=alt, id=f"T{k}", name=f"T{k}", cls="aircraft")
        )
    return tracks


def max_closing(ts: TrackSet, a: int, b: int) -> float:
    """Upper bound of the relative speed, from the samples (for the resampling bound)."""
    out = 0.0
    for k in (a, b):
        s = ts.track_slice(k)
        if s.stop - s.start < 2:
            continue
        p = ecef(ts.lat[s], ts.lon[s], np.nan_to_num(ts.alt[s]))
        dt = np.diff(ts.t[s])
        v = np.linalg.norm(np.diff(p, axis=0), axis=1) / np.where(dt > 0, dt, np.inf)
        out += float(np.max(v))
    return out * 1.01


def in_spans(times: np.ndarray, spans) -> np.ndarray:
    out = np.zeros(len(times), dtype=bool)
    for s, e in spans:
        out |= (times >= s) & (times <= e)
    return out


def near_edges(times: np.ndarray, spans, tol: float) -> np.ndarray:
    out = np.zeros(len(times), dtype=bool)
    for s, e in spans:
        out |= (np.abs(times - s) <= tol) | (np.abs(times - e) <= tol)
    return out


def check_pair(ts: TrackSet, row, cfg: AnalysisSettings, gap_s: float | None = None) -> None:
    """``row`` against the dense reference on ``ts`` with gap limit ``gap_s`` (default
    ``cfg.gap_s``)."""
    gap = cfg.gap_s if gap_s is None else gap_s
    a, b = int(row.a), int(row.b)
    t0, t1 = overlap(ts, a, b)
    # The 0.01 s grid plus every sample time: presence starts and ends on samples.
    samples = np.concatenate([ts.t[ts.track_slice(a)], ts.t[ts.track_slice(b)]])
    grid = np.union1d(
        np.append(np.arange(t0, t1, STEP), t1), samples[(samples >= t0) & (samples <= t1)]
    )
    d = dense_pair(ts, a, b, grid, gap)
    assert np.isfinite(d.slant).any()
    v = max_closing(ts, a, b)
    dense_min = np.nanmin(d.slant)
    assert row.cpa_slant_m <= dense_min + MODEL_TOL
    assert row.cpa_slant_m >= dense_min - v * STEP / 2 - MODEL_TOL
    # The reported time really is that close (reference evaluated there).
    at = dense_pair(ts, a, b, np.array([row.cpa_time]), gap)
    assert at.slant[0] == pytest.approx(row.cpa_slant_m, abs=MODEL_TOL)
    assert at.horizontal[0] == pytest.approx(row.cpa_horizontal_m, abs=1e-4)
    assert at.vertical[0] == pytest.approx(row.cpa_vertical_m, abs=1e-4)
    hmin = np.nanmin(d.horizontal)
    assert row.min_horizontal_m <= hmin + MODEL_TOL
    assert row.min_horizontal_m >= hmin - v * STEP / 2 - MODEL_TOL
    # Intervals: agree at every dense instant but within a hair of a boundary. An instant
    # of common presence between gaps is reported as [t, t] (checked on its own below).
    both = np.isfinite(d.slant)
    lone = both & ~np.r_[False, both[:-1]] & ~np.r_[both[1:], False]
    rho = cfg.earth_k * 6_371_008.8
    eye = 2.0  # least eye height over the sea-level sphere (a pilot on the ground)
    hz = rho * np.arccos(rho / (rho + np.maximum(d.alt_a, eye))) + rho * np.arccos(
        rho / (rho + np.maximum(d.alt_b, eye))
    )
    vis_pair = cfg.visual_range_m
    want_vis = (d.slant <= vis_pair) & (d.horizontal <= hz)
    unsure_vis = (np.abs(d.slant - vis_pair) <= MODEL_TOL) | (np.abs(d.horizontal - hz) <= 1.0)
    got = in_spans(grid, row.visual_contact)
    bad = (
        (got != want_vis) & both & ~lone & ~unsure_vis & ~near_edges(grid, row.visual_contact, 0.02)
    )
    assert not bad.any(), f"visual contact differs at {grid[bad][:5] - T0}"
    want_los = (d.horizontal < cfg.hsep_m) & (d.vertical < cfg.vsep_m)
    unsure = (np.abs(d.horizontal - cfg.hsep_m) <= MODEL_TOL) | (
        np.abs(d.vertical - cfg.vsep_m) <= MODEL_TOL
    )
    got = in_spans(grid, row.loss_of_separation)
    bad = (
        (got != want_los) & both & ~lone & ~unsure & ~near_edges(grid, row.loss_of_separation, 0.02)
    )
    assert not bad.any(), f"loss of separation differs at {grid[bad][:5] - T0}"
    for spans, want, doubt in (
        (row.visual_contact, want_vis, unsure_vis),
        (row.loss_of_separation, want_los, unsure),
    ):
        # Instants between gaps count: [t, t] exactly where the condition holds there.
        instants = {s for s, e in spans if e == s}
        for t_lone in grid[lone & want & ~doubt]:
            assert any(s <= t_lone <= e for s, e in spans), f"instant {t_lone - T0} missing"
        assert all(t in set(grid[lone]) for t in instants)
        # Intervals are disjoint, ordered, and not touching (merged).
        for (_, e0), (s1, _) in itertools.pairwise(spans):
            assert e0 < s1
        assert all(e >= s for s, e in spans)


#: The engine on the tracks as given: a fixed gap limit (``max_gap_s``) as the reference
#: uses, and no cleaning (random tracks hold still across their holes, which the cleaning
#: would call stale). The adaptive limit and the cleaning stage have their own dense
#: reference (test_analysis_cleaning).
CFG = AnalysisSettings(
    visual_range_m=2000.0,
    hsep_m=1000.0,
    vsep_m=200.0,
    within_m=1e5,
    max_gap_s=30.0,
    keep_outliers=True,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 4), gaps=st.sampled_from([0.0, 0.05]))
def test_random_tracks_against_dense(seed, n, gaps):
    ts = TrackSet.from_tracks(random_tracks(seed, n, gap_prob=gaps))
    res = analyze(ts, CFG)
    for row in res.pairs.itertuples():
        check_pair(ts, row, CFG)
    # Every pair present together at some instant is reported (within is huge here).
    co_present = 0
    for a in range(len(ts)):
        for b in range(a + 1, len(ts)):
            t0, t1 = overlap(ts, a, b)
            if t1 < t0:
                continue
            samples = np.concatenate([ts.t[ts.track_slice(a)], ts.t[ts.track_slice(b)]])
            grid = np.union1d(np.arange(t0, t1, 0.5), samples[(samples >= t0) & (samples <= t1)])
            if np.isfinite(dense_pair(ts, a, b, grid, CFG.gap_s).slant).any():
                co_present += 1
    assert len(res.pairs) == co_present


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_low_level_line_of_sight_against_dense(seed):
    """Helicopters skimming the sea 25 km apart: the horizon, not the range, decides."""
    tracks = random_tracks(seed, 3, spread=15_000.0, max_dt=2.0, alt_range=(0.0, 40.0))
    ts = TrackSet.from_tracks(tracks)
    cfg = AnalysisSettings(
        visual_range_m=40_000.0, hsep_m=1000.0, vsep_m=200.0, within_m=1e5, max_gap_s=30.0
    )
    res = analyze(ts, cfg)
    for row in res.pairs.itertuples():
        check_pair(ts, row, cfg)


def test_dense_check_catches_a_wrong_answer():
    """The reference is sharp enough to notice a CPA off by a few metres."""
    ts = TrackSet.from_tracks(random_tracks(7, 2))
    res = analyze(ts, CFG)
    row = res.pairs.iloc[0].copy()
    row["cpa_slant_m"] += 3.0
    with pytest.raises(AssertionError):
        check_pair(ts, row.to_frame().T.astype({"a": int, "b": int}).itertuples().__next__(), CFG)

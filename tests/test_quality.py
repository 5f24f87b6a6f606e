"""Data-quality findings: each kind is reported, and clean data raises none."""

from __future__ import annotations

import numpy as np

from encounter_replay.model import TrackSet
from encounter_replay.model.quality import quality_warnings


def track(**kw) -> dict:
    n = 60
    base = dict(
        t=np.arange(n, dtype=float),
        lat=np.full(n, 48.0),
        lon=np.linspace(2.0, 2.0 + 60 * 250 / 74_000, n),  # ~250 m/s eastwards
        alt=np.full(n, 3000.0),
        id="x",
        callsign="TEST1",
        cls="aircraft",
    )
    base.update(kw)
    return base


def test_clean_track_has_no_findings():
    assert quality_warnings(TrackSet.from_tracks([track()]), "f") == []


def test_altitude_spike_position_jump_missing_altitude_duplicates():
    alt = np.full(60, 3000.0)
    alt[30] = 10_000.0  # like EJU875P's one-sample spike in the quickstart data
    lat = np.full(60, 48.0)
    lat[40] = 49.0  # 111 km in one second
    alt[50:53] = np.nan
    t = np.arange(60, dtype=float)
    t[20] = t[19]
    found = quality_warnings(TrackSet.from_tracks([track(alt=alt, lat=lat, t=t)]), "f.csv")
    text = "\n".join(map(str, found))
    assert "altitude changes faster" in text
    assert "position jumps" in text
    assert "3 aircraft samples without altitude" in text
    assert "1 duplicate time stamps" in text
    assert "TEST1" in text
    assert all(w.source == "f.csv" for w in found)


def test_weapons_are_not_judged_by_aircraft_limits():
    lat = np.linspace(48.0, 49.0, 60)  # 1.85 km/s: a missile, not an outlier
    ts = TrackSet.from_tracks([track(lat=lat, cls="weapon")])
    assert quality_warnings(ts, "f") == []


def test_findings_do_not_depend_on_block_boundaries(monkeypatch):
    import encounter_replay.model.quality as quality

    rng = np.random.default_rng(3)
    tracks = []
    for k in range(5):
        alt = np.full(60, 3000.0)
        alt[rng.integers(1, 59, 3)] = 9000.0
        lat = np.full(60, 48.0)
        lat[rng.integers(1, 59, 2)] = 49.0
        alt[rng.integers(0, 60, 2)] = np.nan
        tracks.append(track(alt=alt, lat=lat, id=f"x{k}", callsign=f"T{k}"))
    ts = TrackSet.from_tracks(tracks)
    whole = [str(w) for w in quality_warnings(ts, "f")]
    for block in (1, 2, 7, 60, 61):
        monkeypatch.setattr(quality, "_BLOCK", block)
        assert [str(w) for w in quality_warnings(ts, "f")] == whole
    assert len(whole) == 3

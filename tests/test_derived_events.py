"""Derived events (model/derived_events.py) on the real DCS dogfights, the sample and
hand-made scenes, checked against per-event brute force with positions_at."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import SAMPLE_DIR
from encounter_replay.analysis import pair_geometry
from encounter_replay.io.acmi import read_acmi
from encounter_replay.model import TrackSet
from encounter_replay.model.derived_events import (
    EVENT_COLUMNS,
    derived_events,
    merged_events,
    state_at,
)
from encounter_replay.model.interpolate import positions_at

DOGFIGHT = "pappavis__Tacview_ACMI__Tacview-20200207-194347-DCS-M-2000C_vs_F-15E_dogfight.txt.acmi"
GUNS = "pappavis__Tacview_ACMI__Tacview-20200207-200539-DCS-M-2000C_vs_F-15E_dogfight.txt.acmi"


def nearest_aircraft_brute(ts: TrackSet, obj: int, same_side: bool) -> int:
    """The shooter by a plain loop over aircraft with positions_at and pair_geometry."""
    k = ts.track_slice(obj).start
    t = ts.t[k]
    pos = positions_at(ts, t)
    best, best_d = -1, np.inf
    side = str(ts.meta["coalition"][obj]).lower()
    for a in np.flatnonzero(ts.classes == "aircraft"):
        if not pos.present[a]:
            continue
        if same_side and side and str(ts.meta["coalition"][a]).lower() != side:
            continue
        d = pair_geometry(ts.lat[k], ts.lon[k], ts.alt[k], pos.lat[a], pos.lon[a], pos.alt[a])
        if float(d.slant_m) < best_d:
            best, best_d = int(a), float(d.slant_m)
    return best


@pytest.fixture(scope="module")
def dogfight(request):
    from conftest import SHARED_DATA

    path = SHARED_DATA / "acmi" / DOGFIGHT
    if not path.is_file():
        pytest.skip("../shared/data is not present")
    return read_acmi(path)


def test_dogfight_missiles_chaff_and_removal(dogfight):
    ts = dogfight
    ev = derived_events(ts)
    assert list(ev.columns) == list(EVENT_COLUMNS)
    assert np.all(np.diff(ev["time"]) >= 0)
    launches = ev[ev["kind"] == "Launch"]
    assert sorted(ts.meta["id"][launches["track"]]) == ["701", "901"]
    for row in launches.itertuples():
        assert row.other == nearest_aircraft_brute(ts, row.track, True)
        assert ts.meta["id"][row.other] == "501"  # the M-2000C player fired both
        assert row.time == ts.first_times[row.track]
        assert row.lat == ts.lat[ts.offsets[row.track]]
    decoys = ev[ev["kind"] == "Decoy"]
    assert len(decoys) == 4
    for row in decoys.itertuples():
        assert row.other == nearest_aircraft_brute(ts, row.track, False)
    assert set(ts.meta["id"][decoys["other"]]) == {"301"}  # the F-15E dispensed chaff
    gone = ev[ev["kind"].isin(["Removed", "Destroyed"])]
    assert list(ts.meta["id"][gone["track"]]) == ["301"]
    k = ts.index_of("301")
    row = gone.iloc[0]
    assert row["time"] == pytest.approx(ts.start + 364.93)
    assert row["kind"] == "Removed"  # the file only removes it; it never says destroyed
    last = ts.offsets[k + 1] - 1
    assert row["lat"] == pytest.approx(ts.lat[last]) and row["alt"] == pytest.approx(ts.alt[last])
    assert "F-15E" in row["text"]
    # Nothing is said about aircraft that stay to the end (the A-10C, the M-2000Cs).
    assert len(ev) == 7


def test_guns_dogfight_groups_rounds_into_bursts(shared_data):
    ts = read_acmi(shared_data / "acmi" / GUNS)
    ev = derived_events(ts)
    guns = ev[ev["kind"] == "Guns"]
    shells = np.flatnonzero(
        (ts.classes == "weapon") & ts.meta["type"].str.contains("Shell").to_numpy()
    )
    rounds = guns["text"].str.extract(r"guns: (\d+) round")[0].astype(int)
    assert rounds.sum() == len(shells) == 34
    assert 1 <= len(guns) < 10
    for row in guns.itertuples():
        assert row.other == nearest_aircraft_brute(ts, row.track, True)


def test_sample_recorded_events_get_positions():
    ts = read_acmi(SAMPLE_DIR / "syria_oct2015_illustrative.txt.acmi")
    ev = merged_events(ts)
    assert len(ev) == len(ts.events) == 8
    assert (ev["origin"] == "recorded").all()
    assert np.all(np.diff(ev["time"]) >= 0)
    for row in ev.itertuples():
        pos = positions_at(ts, row.time)
        assert row.lat == pytest.approx(pos.lat[row.track], abs=1e-9)
        assert row.lon == pytest.approx(pos.lon[row.track], abs=1e-9)
    taken = ev[ev["kind"] == "TakenOff"]
    # Airborne from Hmeimim: within 2 km of OSLK (35.4011 N, 35.9487 E).
    d = pair_geometry(taken["lat"], taken["lon"], 0, 35.4011, 35.9487, 0).horizontal_m
    assert np.all(d < 2000)


def _track(tid, t, lat, lon, alt, cls="aircraft", coalition="", type_="", **extra):
    n = len(t)
    return {
        "t": np.asarray(t, float),
        "lat": np.full(n, lat) if np.isscalar(lat) else np.asarray(lat, float),
        "lon": np.full(n, lon) if np.isscalar(lon) else np.asarray(lon, float),
        "alt": np.full(n, alt, dtype=float),
        "id": tid,
        "name": tid,
        "cls": cls,
        "coalition": coalition,
        "type": type_,
        **extra,
    }


def test_side_decides_the_shooter_and_destroyed_event_names_it():
    events = pd.DataFrame(
        {
            "time": [50.0],
            "kind": ["Destroyed"],
            "ids": [("blue1",)],
            "text": [""],
            "source": ["x"],
        }
    )
    ts = TrackSet.from_tracks(
        [
            _track("blue1", np.arange(0, 51, 10), 35.0, 36.000, 5000, coalition="Blue"),
            _track("red1", np.arange(0, 101, 10), 35.0, 36.050, 5000, coalition="Red"),
            _track("red2", np.arange(0, 101, 10), 35.0, 36.500, 5000, coalition="Red"),
            # A red missile appears next to blue1: red1 (5 km) fired it, not blue1 (0 m).
            _track("m", [10, 20], 35.0, 36.0001, 5000, "weapon", "Red", "Weapon+Missile"),
            _track("n", [10, 20], 35.0, 36.0001, 5000, "weapon", "", "Weapon+Missile"),
        ],
        events=events,
    )
    ts.meta["removed"] = [50.0, np.nan, np.nan, 20.0, 20.0]
    ev = derived_events(ts)
    launch = ev[ev["kind"] == "Launch"].set_index("track")
    assert launch.loc[3, "other"] == 1  # same side
    assert launch.loc[4, "other"] == 0  # no side: the nearest of all
    gone = ev[ev["kind"] == "Destroyed"]
    assert list(gone["track"]) == [0] and gone.iloc[0]["text"].endswith("destroyed")
    assert merged_events(ts)["origin"].tolist().count("recorded") == 1


def test_blocks_give_the_same_shooters(dogfight, monkeypatch):
    import encounter_replay.model.derived_events as de

    whole = derived_events(dogfight)
    monkeypatch.setattr(de, "_PAIRS_PER_BLOCK", 3)  # one object per block
    pd.testing.assert_frame_equal(derived_events(dogfight), whole)


def test_track_ends_only_when_asked():
    ts = TrackSet.from_tracks(
        [
            _track("a", [0, 10], 48.0, 2.0, 1000),
            _track("b", np.arange(0, 101, 10), 48.1, 2.0, 1000),
        ]
    )
    assert len(derived_events(ts)) == 0
    ends = derived_events(ts, track_ends=True)
    assert list(ends["kind"]) == ["Track ends"] and ends.iloc[0]["time"] == 10.0


def test_state_at_matches_positions_at():
    rng = np.random.default_rng(3)
    tracks = [
        _track(
            f"t{i}",
            np.sort(rng.uniform(0, 100, 20)),
            rng.uniform(40, 41, 20),
            rng.uniform(170, 179, 20),
            3000,
        )
        for i in range(5)
    ]
    ts = TrackSet.from_tracks(tracks)
    times = rng.uniform(0, 100, 50)
    which = rng.integers(0, 5, 50)
    lat, lon, alt, present = state_at(ts, which, times, gap_s=1e9)
    assert np.allclose(alt, 3000.0)
    for i in range(50):
        pos = positions_at(ts, times[i], gap_s=1e9)
        inside = ts.first_times[which[i]] <= times[i] <= ts.last_times[which[i]]
        if inside:
            assert lat[i] == pytest.approx(pos.lat[which[i]], abs=1e-9)
            assert lon[i] == pytest.approx(pos.lon[which[i]], abs=1e-9)
        assert present[i]  # held at the ends within the (huge) gap allowance
    assert not state_at(ts, np.array([-1]), np.array([1.0]))[3][0]

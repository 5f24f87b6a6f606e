"""TrackSet construction, merging and interpolation, checked against hand computation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encounter_replay.model import (
    TrackSet,
    concat,
    last_index_at_or_before,
    positions_at,
    trail_indices,
)
from encounter_replay.model.timefmt import clock_utc, iso_utc, parse_time


def two_tracks() -> TrackSet:
    return TrackSet.from_tracks(
        [
            dict(
                t=[0.0, 10.0, 20.0, 100.0],
                lat=[0.0, 1.0, 2.0, 3.0],
                lon=[10.0, 10.0, 12.0, 12.0],
                alt=[1000.0, 2000.0, 2000.0, 3000.0],
                heading=[350.0, 10.0, 90.0, 90.0],
                id="a",
                cls="aircraft",
            ),
            dict(t=[5.0, 6.0], lat=[5.0, 6.0], lon=[179.0, -179.0], id="b"),
        ]
    )


def test_offsets_and_metadata():
    ts = two_tracks()
    assert len(ts) == 2 and ts.n_samples == 6
    assert list(ts.offsets) == [0, 4, 6]
    assert ts.ids == ["a", "b"]
    assert list(ts.meta["cls"]) == ["aircraft", "other"]
    assert ts.start == 0.0 and ts.end == 100.0
    assert np.isnan(ts.alt[4:]).all()  # absent altitude stays unknown, not zero


def test_unsorted_samples_are_sorted_per_track():
    ts = TrackSet.from_tracks([dict(t=[3.0, 1.0, 2.0], lat=[3.0, 1.0, 2.0], lon=[0, 0, 0], id="x")])
    assert list(ts.t) == [1.0, 2.0, 3.0]
    assert list(ts.lat) == [1.0, 2.0, 3.0]


def test_positions_by_hand():
    ts = two_tracks()
    p = positions_at(ts, 15.0)
    assert p.present.tolist() == [True, False]
    assert p.lat[0] == pytest.approx(1.5)
    assert p.lon[0] == pytest.approx(11.0)
    assert p.alt[0] == pytest.approx(2000.0)
    assert np.isnan(p.lat[1])
    # heading goes the short way round through north: 350 -> 10 at 25% is 355
    assert positions_at(ts, 2.5).heading[0] == pytest.approx(355.0)
    # across the antimeridian: 179 -> -179 halfway is ±180, not 0
    q = positions_at(ts, 5.5)
    assert abs(abs(q.lon[1]) - 180.0) < 1e-9
    assert q.lat[1] == pytest.approx(5.5)


def test_absent_outside_and_in_gaps():
    ts = two_tracks()
    assert not positions_at(ts, -1.0).present.any()
    assert not positions_at(ts, 101.0).present.any()
    # 20 -> 100 is an 80 s gap: absent inside it with the default 30 s threshold …
    assert not positions_at(ts, 50.0).present[0]
    # … present with a larger threshold, and present exactly on the samples bounding it
    assert positions_at(ts, 50.0, gap_s=100.0).present[0]
    assert positions_at(ts, 20.0).present[0] and positions_at(ts, 100.0).present[0]


def test_trail_indices_break_at_gaps_and_tracks():
    ts = two_tracks()
    idx, track, brk = trail_indices(ts, 0.0, 100.0)
    assert idx.tolist() == [0, 1, 2, 3, 4, 5]
    assert track.tolist() == [0, 0, 0, 0, 1, 1]
    assert brk.tolist() == [True, False, False, True, True, False]
    idx, _, _ = trail_indices(ts, 5.0, 15.0)
    assert idx.tolist() == [1, 4, 5]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=30),
        min_size=1,
        max_size=8,
    ),
    st.floats(-2e6, 2e6, allow_nan=False),
)
def test_bisection_matches_searchsorted(track_times, tq):
    tracks = [
        dict(t=sorted(ts), lat=np.zeros(len(ts)), lon=np.zeros(len(ts))) for ts in track_times
    ]
    ts = TrackSet.from_tracks(tracks)
    got = last_index_at_or_before(ts.t, ts.offsets, tq)
    for k in range(len(ts)):
        seg = ts.t[ts.track_slice(k)]
        assert got[k] == ts.offsets[k] + np.searchsorted(seg, tq, side="right") - 1


def test_concat_keeps_ids_unique_and_warns():
    a = two_tracks()
    b = two_tracks()
    b.meta["source"] = "second.acmi"
    merged = concat([a, b])
    assert merged.ids == ["a", "b", "a~2", "b~2"]
    assert merged.n_samples == 12
    assert any("renamed a~2" in str(w) for w in merged.warnings)
    assert list(merged.offsets) == [0, 4, 6, 10, 12]


def test_subset():
    ts = two_tracks()
    s = ts.subset(np.array([False, True]))
    assert s.ids == ["b"] and s.n_samples == 2 and list(s.offsets) == [0, 2]


def test_time_formats():
    assert iso_utc(0.0) == "1970-01-01T00:00:00Z"
    assert iso_utc(1444467600.25) == "2015-10-10T09:00:00.250Z"
    assert iso_utc(1444467600.123456) == "2015-10-10T09:00:00.123456Z"
    assert iso_utc(float("nan")) is None
    assert clock_utc(1444467600.26, 1) == "09:00:00.3Z"
    start = 1444467600.0
    assert parse_time("+90", start) == start + 90
    assert parse_time("+12:30", start) == start + 750
    assert parse_time("+1:00:00", start) == start + 3600
    assert parse_time("2015-10-10T09:00:10Z", start) == start + 10
    assert parse_time("2015-10-10T09:00:10", start) == start + 10
    with pytest.raises(ValueError, match="not a time"):
        parse_time("noon", start)


def test_concat_fills_reader_specific_columns():
    a = two_tracks()
    b = two_tracks()
    b.meta["icao24"] = ["abc123", "def456"]
    merged = concat([a, b])
    assert list(merged.meta["icao24"]) == ["", "", "abc123", "def456"]


def test_concat_never_reuses_an_id_a_file_already_has():
    a = TrackSet.from_tracks(
        [dict(t=[0.0], lat=[0.0], lon=[0.0], id=i, source="1.csv") for i in ("A", "A~2")]
    )
    b = TrackSet.from_tracks([dict(t=[0.0], lat=[0.0], lon=[0.0], id="A", source="2.csv")])
    merged = concat([a, b])
    assert merged.ids == ["A", "A~2", "A~3"]

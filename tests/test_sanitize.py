"""Impossible values never get past the readers, whatever the format."""

from __future__ import annotations

import numpy as np

from encounter_replay.io import read_file
from encounter_replay.io.sanitize import sanitize
from encounter_replay.model import TrackSet
from encounter_replay.model.timefmt import clock_utc, iso_utc


def test_impossible_samples_dropped_and_altitudes_unknown():
    ts = TrackSet.from_tracks(
        [
            dict(
                t=[0.0, 1.0, 2.0, 3.0, 1e20],
                lat=[10.0, 95.0, 10.0, 10.0, 10.0],
                lon=[20.0, 20.0, 200.0, 20.0, 20.0],
                alt=[1000.0, 1000.0, 1000.0, -1e300, 1000.0],
                id="a",
            ),
            dict(t=[1e15], lat=[0.0], lon=[0.0], id="only-bad"),
        ]
    )
    out = sanitize(ts, "f.acmi")
    assert out.ids == ["a"]
    assert out.t.tolist() == [0.0, 2.0, 3.0]
    assert out.lon.tolist() == [20.0, -160.0, 20.0]  # 200°E is 160°W
    assert np.isnan(out.alt[2])
    text = "\n".join(map(str, out.warnings))
    assert "2 samples with impossible times dropped" in text
    assert "1 samples with impossible positions dropped" in text
    assert "1 altitudes outside" in text


def test_clean_set_is_untouched():
    ts = TrackSet.from_tracks([dict(t=[0.0, 1.0], lat=[1.0, 2.0], lon=[3.0, 4.0], id="a")])
    assert sanitize(ts, "f") is ts and ts.warnings == []


def test_reader_output_is_sanitized(tmp_path):
    path = tmp_path / "alt.csv"
    path.write_text(
        "timestamp,id,latitude,longitude,alt_ft\n"
        "2021-10-07T12:00:00Z,A,48.0,2.0,3000\n"
        "2021-10-07T12:00:01Z,A,48.0,2.001,99999999999999999999999\n"
    )
    ts = read_file(path)
    assert np.isnan(ts.alt[1]) and ts.alt[0] == 3000 * 0.3048


def test_time_formatting_of_impossible_times():
    assert iso_utc(1e20) is None
    assert clock_utc(1e20) == "--:--:--Z"

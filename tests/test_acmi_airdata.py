"""ACMI air data (IAS/TAS/Mach per sample) and removal times, through TrackSet operations."""

from __future__ import annotations

import numpy as np
import pytest

from encounter_replay.io.acmi import read_acmi
from encounter_replay.model import TrackSet
from encounter_replay.model.trackset import concat

DOGFIGHT = "pappavis__Tacview_ACMI__Tacview-20200207-194347-DCS-M-2000C_vs_F-15E_dogfight.txt.acmi"

TEXT = """FileType=text/acmi/tacview
FileVersion=2.2
0,ReferenceTime=2020-01-01T00:00:00Z
#0
1,T=1|2|1000,Type=Air+FixedWing,Name=F-16C,IAS=150,Mach=0.5
2,T=1.1|2|1000,Type=Air+FixedWing,Name=Su-27
#1
1,T=1.01|2|1000
1,TAS=170
#2
1,T=1.02|2|1000,IAS=155
-2
#3
1,T=1.03|2|1000,Mach=oops
#4
1,T=1.04|2|1000
"""


@pytest.fixture
def small(tmp_path) -> TrackSet:
    path = tmp_path / "air.txt.acmi"
    path.write_text(TEXT, encoding="utf-8")
    return read_acmi(path)


def test_air_data_holds_until_changed(small):
    k = small.index_of("1")
    sl = small.track_slice(k)
    assert list(small.air["ias"][sl]) == [150.0, 150.0, 155.0, 155.0]
    # TAS given on a line without a transform applies from the next sample on.
    assert np.isnan(small.air["tas"][sl][:2]).all()
    assert list(small.air["tas"][sl][2:]) == [170.0, 170.0]
    assert list(small.air["mach"][sl]) == [0.5, 0.5, 0.5, 0.5]  # the bad line was skipped
    assert any("malformed" in str(w) for w in small.warnings)


def test_removal_time_in_metadata(small):
    removed = small.meta.set_index("id")["removed"]
    assert removed["2"] == pytest.approx(1577836800.0 + 2.0)
    assert np.isnan(removed["1"])


def test_subset_and_concat_carry_air_data(small):
    only = small.subset(small.meta["id"].to_numpy() == "1")
    assert list(only.air["ias"]) == [150.0, 150.0, 155.0, 155.0]
    other = TrackSet.from_tracks(
        [{"t": np.array([0.0, 1.0]), "lat": np.zeros(2), "lon": np.zeros(2), "id": "x"}]
    )
    assert other.air == {}
    both = concat([other, small])
    assert len(both.air["ias"]) == len(both.t)
    assert np.isnan(both.air["ias"][both.track_slice(0)]).all()
    assert list(both.air["ias"][both.track_slice(both.index_of("1"))]) == [150, 150, 155, 155]


def test_samples_out_of_order_keep_their_air_data():
    ts = TrackSet.from_tracks(
        [
            {
                "t": np.array([2.0, 0.0, 1.0]),
                "lat": np.zeros(3),
                "lon": np.zeros(3),
                "ias": np.array([30.0, 10.0, 20.0]),
                "id": "a",
            }
        ]
    )
    assert list(ts.air["ias"]) == [10.0, 20.0, 30.0]


def test_dogfight_player_ias_and_f15e_removal(shared_data):
    ts = read_acmi(shared_data / "acmi" / DOGFIGHT)
    meta = ts.meta.set_index("id")
    # Only DCS's player aircraft (501) carries IAS; it is in m/s (~216 at the start).
    ias = ts.air["ias"]
    player = ts.track_slice(ts.index_of("501"))
    assert np.isfinite(ias[player]).mean() > 0.99
    assert ias[player][0] == pytest.approx(216.7)
    assert np.isnan(ias[ts.track_slice(ts.index_of("301"))]).all()
    # The F-15E (301) is removed at 364.93 s; the others are never removed.
    start = 1306904400.0  # ReferenceTime 2011-06-01T05:00:00Z
    assert meta.loc["301", "removed"] == pytest.approx(start + 364.93)
    assert np.isnan(meta.loc["501", "removed"]) and np.isnan(meta.loc["401", "removed"])

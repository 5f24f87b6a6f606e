"""Default framing (model/framing.py) on the DCS dogfight, the sample and made-up scenes."""

from __future__ import annotations

import numpy as np
from pyproj import Geod

from conftest import SAMPLE_DIR
from encounter_replay.analysis import analyze
from encounter_replay.io.acmi import read_acmi
from encounter_replay.model import TrackSet
from encounter_replay.model.framing import (
    action_framing,
    action_tracks,
    first_aircraft_time,
    pair_box,
)
from encounter_replay.model.interpolate import positions_at

NM = 1852.0
GEOD = Geod(ellps="WGS84")
DOGFIGHT = "pappavis__Tacview_ACMI__Tacview-20200207-194347-DCS-M-2000C_vs_F-15E_dogfight.txt.acmi"


def box_width_m(box) -> float:
    mid = (box.south + box.north) / 2
    return GEOD.inv(box.west, mid, box.east, mid)[2]


def inside(box, lat, lon) -> bool:
    return bool(
        np.all((lat >= box.south) & (lat <= box.north) & (lon >= box.west) & (lon <= box.east))
    )


def test_dogfight_fit_leaves_out_the_far_a10_the_boat_and_the_bullseyes(shared_data):
    ts = read_acmi(shared_data / "acmi" / DOGFIGHT)
    ids = ts.meta["id"].to_numpy()
    fr = action_framing(ts)
    used = set(ids[fr.used])
    assert used == {"301", "501", "601"}  # the F-15E and the two M-2000Cs
    assert {"401", "101", "40000001", "40000002"} <= set(ids[fr.left_out])
    # The premise, measured independently: the A-10C never comes within 30 NM (65 km) of
    # the F-15E, whose fight spans less than 10 NM.
    a10, f15 = ts.track_slice(ts.index_of("401")), ts.track_slice(ts.index_of("301"))
    t_f15 = ts.t[f15]
    pos = [positions_at(ts, t) for t in t_f15[::50]]
    d = [
        GEOD.inv(
            p.lon[ts.index_of("401")],
            p.lat[ts.index_of("401")],
            p.lon[ts.index_of("301")],
            p.lat[ts.index_of("301")],
        )[2]
        for p in pos
        if p.present[ts.index_of("401")]
    ]
    assert min(d) > 30 * NM
    for k in fr.used:
        sl = ts.track_slice(k)
        assert inside(fr.box, ts.lat[sl], ts.lon[sl])
    assert not inside(fr.box, ts.lat[a10], ts.lon[a10])
    every = action_framing(ts, include_all=True)
    assert len(every.left_out) == 0
    assert box_width_m(fr.box) < 15 * NM < 30 * NM < box_width_m(every.box)
    assert fr.used_mask.sum() == 3


def test_dogfight_opens_with_an_aircraft(shared_data):
    ts = read_acmi(shared_data / "acmi" / DOGFIGHT)
    aircraft = ts.classes == "aircraft"
    assert not positions_at(ts, ts.start).present[aircraft].any()  # the empty map
    t0 = first_aircraft_time(ts)
    assert t0 == ts.first_times[aircraft].min() and t0 > ts.start
    assert positions_at(ts, t0).present[aircraft].any()


def test_sample_fit_keeps_every_aircraft_from_hmeimim_to_the_euphrates():
    ts = read_acmi(SAMPLE_DIR / "syria_oct2015_illustrative.txt.acmi")
    fr = action_framing(ts)
    assert set(ts.meta["cls"][fr.used]) == {"aircraft"}
    assert len(fr.used) == 6 and list(ts.meta["id"][fr.left_out]) == ["401"]
    take_off = ts.offsets[ts.index_of("201")]  # SOKOL 01 on Hmeimim's runway
    assert inside(fr.box, ts.lat[[take_off]], ts.lon[[take_off]])
    assert fr.box.south < 35.42 and fr.box.west < 35.95
    assert fr.box.east > 38.49  # the CAP east of the Euphrates
    assert first_aircraft_time(ts) == ts.start


def _still(tid, lat, lon, cls="aircraft"):
    t = np.arange(0.0, 100.0, 10.0)
    return {"t": t, "lat": np.full(10, lat), "lon": np.full(10, lon), "id": tid, "cls": cls}


def test_tight_formation_across_the_dateline_and_fallbacks():
    ts = TrackSet.from_tracks(
        [
            _still("a", 10.0, 179.99),
            _still("b", 10.0, -179.99),  # 2 km east, across the dateline
            _still("c", 10.01, 179.995),
            _still("far", 12.0, 175.0),
        ]
    )
    mask = action_tracks(ts)
    assert list(mask) == [True, True, True, False]  # the floor keeps the wingmen
    box = action_framing(ts).box
    assert box.west < 180.0 < box.east and box.east - box.west < 0.1
    refs = TrackSet.from_tracks([_still("r", 1, 1, "reference"), _still("o", 2, 2, "other")])
    assert list(action_tracks(refs)) == [False, True]
    assert action_framing(TrackSet.empty()).box is None


def test_pair_box_at_cpa_frames_both():
    ts = read_acmi(SAMPLE_DIR / "syria_oct2015_illustrative.txt.acmi")
    result = analyze(ts)
    a, b = ts.index_of("202"), ts.index_of("301")
    t = float(result.pair_row(a, b)["cpa_time"])
    box = pair_box(ts, a, b, t)
    pos = positions_at(ts, t)
    assert inside(box, pos.lat[[a, b]], pos.lon[[a, b]])
    assert box_width_m(box) >= 2 * NM - 1
    assert box_width_m(box) < 5 * NM  # a 1.5 NM pass fills the view, not a dot
    far = pair_box(ts, ts.index_of("101"), ts.index_of("201"), ts.start + 1300)
    pf = positions_at(ts, ts.start + 1300)
    assert inside(far, pf.lat[[0, 5]], pf.lon[[0, 5]])
    assert pair_box(ts, a, b, ts.start - 1000) is None

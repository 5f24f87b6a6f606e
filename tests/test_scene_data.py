"""Per-scene preparation for the map: derived speeds, map headings, trail decimation."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod

from encounter_replay.model import TrackSet, trail_indices
from encounter_replay.view.scene_data import (
    BLUE,
    NEUTRAL,
    RED,
    coalition_color,
    decimate,
    prepare_scene,
    track_label,
)

GEOD = Geod(ellps="WGS84")
T0 = 1_600_000_000.0


def _track(lat0, lon0, az, speed, t, **meta):
    lon, lat, _ = GEOD.fwd(
        np.full(len(t), lon0), np.full(len(t), lat0), np.full(len(t), az), speed * (t - t[0])
    )
    return dict(t=t, lat=lat, lon=lon, alt=np.full(len(t), 5000.0), **meta)


def test_derived_speed_and_heading() -> None:
    t = T0 + np.arange(0.0, 300.0, 4.0)  # irregular enough: 4 s steps, one 60 s hole
    t = np.r_[t[:30], t[45:]]
    ts = TrackSet.from_tracks([_track(46.0, 7.0, 60.0, 180.0, t, id="a", cls="aircraft")])
    scene = prepare_scene(ts)
    sp = scene.shadow.speed
    assert np.nanmax(np.abs(sp - 180.0)) < 0.5  # either side of the hole, no 60 s average
    # No recorded heading: the course over ground, as a map angle (true course + convergence).
    # The true course along the geodesic at each sample (it turns as the geodesic goes).
    _, _, back = GEOD.fwd(
        np.full(len(t), 7.0), np.full(len(t), 46.0), np.full(len(t), 60.0), 180.0 * (t - t[0])
    )
    course = (np.asarray(back) + 180.0) % 360.0
    conv = scene.proj.convergence(ts.lat, ts.lon)
    err = (scene.shadow.heading - (course + conv) + 180) % 360 - 180
    assert np.max(np.abs(err)) < 0.3


def test_decimation_keeps_gaps_and_ends() -> None:
    t = T0 + np.arange(0.0, 600.0, 1.0)
    keep = (np.arange(600) < 200) | (np.arange(600) >= 300)
    ts = TrackSet.from_tracks(
        [
            _track(46.0, 7.0, 0.0, 200.0, t[keep], id="g", cls="aircraft"),
            _track(46.5, 7.5, 90.0, 200.0, t + 0.5, id="h", cls="aircraft"),
        ]
    )
    scene = prepare_scene(ts)
    d = decimate(scene.shadow, scene.x, scene.y, 8.0, 30.0)
    assert len(d.ts.t) < len(ts.t) / 6
    for k in range(2):
        full, thin = ts.track_slice(k), d.ts.track_slice(k)
        assert d.ts.t[thin][0] == ts.t[full][0] and d.ts.t[thin][-1] == ts.t[full][-1]
        assert np.max(np.diff(d.ts.t[thin])[np.diff(d.ts.t[thin]) < 30]) <= 8.0 + 1.0
    # The hole is still a hole (both its edges kept), and nothing else became one.
    _, _, brk = trail_indices(d.ts, T0, T0 + 600.0, 30.0)
    assert brk.sum() == 3  # start of each track + the hole
    assert T0 + 199.0 in d.ts.t and T0 + 300.0 in d.ts.t
    # Buckets are aligned to absolute time: a later window keeps the same samples.
    assert np.all(np.isin(d.ts.t[d.ts.t > T0 + 400], ts.t))
    # Kept samples carry their own projected positions.
    full, thin = ts.track_slice(1), d.ts.track_slice(1)
    pos = np.searchsorted(ts.t[full], d.ts.t[thin])
    assert np.array_equal(d.x[thin], scene.x[full][pos]) and np.array_equal(
        d.y[thin], scene.y[full][pos]
    )


def test_colours_and_labels() -> None:
    assert coalition_color("Allies") == BLUE and coalition_color("Enemies") == RED
    assert coalition_color("", "") == NEUTRAL and coalition_color("Blue", "Red") == RED
    assert coalition_color("Neutrals", "#123456") == "#123456"
    assert track_label("", "Su-24M", "2") == "Su-24M"
    assert track_label("", "", "40000001", "Navaid+Static+Bullseye", "reference") == "Bullseye"
    assert track_label("VIPER11", "F-16C", "1") == "F-16C · VIPER11"
    assert track_label("SOKOL 01", "Su-30SM", "5", "Air+FixedWing") == "Su-30SM · SOKOL 01"
    # an unnamed aircraft is its id, not "A320" like every other airliner
    assert track_label("", "", "4ca7b2", "A320", "aircraft") == "4ca7b2"
    assert track_label("AFR12", "", "39c4d2", "A320", "aircraft") == "AFR12 · 39c4d2"


def test_one_label_rule_in_every_view() -> None:
    """The map, the track list and the exports name a track alike (a bullseye was
    "Bullseye" on the map and its id in the track list); shared labels get the id."""
    from encounter_replay.export.caption import track_label as caption_label
    from encounter_replay.model.labels import track_labels
    from encounter_replay.view.panels.track_list import unique_labels

    ts = TrackSet.from_tracks(
        [
            dict(t=[T0, T0 + 1], lat=[0, 0.01], lon=[0, 0], id="1", name="f16"),
            dict(t=[T0, T0 + 1], lat=[0, 0.01], lon=[0.1, 0.1], id="2", name="f16"),
            dict(t=[T0], lat=[0.2], lon=[0.2], id="40000001", type="Navaid+Static+Bullseye",
                 cls="reference"),
        ]
    )  # fmt: skip
    expected = ["f16 [1]", "f16 [2]", "Bullseye"]
    assert track_labels(ts.meta) == expected
    assert prepare_scene(ts).labels == expected
    assert unique_labels(ts.meta) == expected
    assert [caption_label(ts, k) for k in range(3)] == expected


def test_scene_without_positions_is_an_error() -> None:
    ts = TrackSet.from_tracks([dict(t=[T0], lat=[np.nan], lon=[np.nan], id="x")])
    with pytest.raises(ValueError):
        prepare_scene(ts)

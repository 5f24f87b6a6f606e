"""ReplayState rules (no Qt) and the unit helpers the window shows numbers with."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from encounter_replay.model.replay import SPEEDS, ReplayState
from encounter_replay.model.session import Session
from encounter_replay.model.units import (
    fmt_altitude,
    fmt_distance,
    fmt_duration,
    fmt_elapsed,
    fmt_flight_level,
    fmt_iso,
    fmt_speed,
    fmt_time_utc,
)
from encounter_replay.model.view_state import ViewState

T0 = 1_444_000_000.0  # 2015-10-04T23:06:40Z


def state(duration: float = 100.0) -> ReplayState:
    s = ReplayState()
    s.set_range(T0, T0 + duration)
    s.seek(T0)
    return s


def test_advance_uses_wall_time_times_speed_and_drops_frames():
    s = state()
    s.set_speed(4)
    s.play()
    assert s.advance(0.5)
    assert s.time == pytest.approx(T0 + 2.0)
    # one slow frame of 1.5 s wall time jumps 6 s of scene time: frames dropped, not lag
    s.advance(1.5)
    assert s.time == pytest.approx(T0 + 8.0)


def test_paused_does_not_advance():
    s = state()
    assert not s.advance(1.0)
    assert s.time == T0


def test_stops_at_end_and_play_restarts_from_start():
    s = state(10)
    s.set_speed(8)
    s.play()
    s.advance(5)
    assert s.time == T0 + 10
    assert not s.playing
    s.play()
    assert s.playing and s.time == T0


def test_loop_wraps_and_play_enters_loop_at_its_start():
    s = state(100)
    s.seek(T0 + 50)
    assert s.set_loop(T0 + 30, T0 + 10) == (T0 + 10, T0 + 30)  # any order
    s.play()
    assert s.time == T0 + 10
    s.set_speed(1)
    s.advance(25)  # 10 + 25 = 35 → wraps to 10 + 5
    assert s.time == pytest.approx(T0 + 15)
    assert s.playing


def test_loop_is_clamped_and_empty_loop_clears():
    s = state(100)
    assert s.set_loop(T0 - 50, T0 + 500) == (T0, T0 + 100)
    assert s.set_loop(T0 + 5, T0 + 5) is None
    assert s.loop is None


def test_seek_clamps_and_rejects_nan():
    s = state(100)
    assert s.seek(T0 - 5) == T0
    assert s.seek(T0 + 1e6) == T0 + 100
    assert s.seek(float("nan")) == T0


def test_speed_steps_cover_quarter_to_64():
    s = state()
    s.set_speed(0.25)
    seen = [s.speed]
    for _ in range(12):
        seen.append(s.faster())
    assert seen[: len(SPEEDS)] == list(SPEEDS)
    assert s.speed == 64
    s.set_speed(3)  # off-step speed: next steps are the neighbours
    assert s.faster() == 4
    s.set_speed(3)
    assert s.slower() == 2
    for _ in range(12):
        s.slower()
    assert s.speed == 0.25
    with pytest.raises(ValueError):
        s.set_speed(0)


def test_step_pauses_and_moves_by_step():
    s = state()
    s.play()
    s.step(3)
    assert not s.playing and s.time == T0 + 3
    s.step(-5)
    assert s.time == T0


def test_next_and_previous_mark_move_on_from_a_mark():
    s = state(100)
    marks = np.array([T0 + 40, T0 + 10, T0 + 70, T0 + 500])
    assert s.next_mark(marks) == T0 + 10
    assert s.next_mark(marks) == T0 + 40  # not stuck on the mark we stand on
    assert s.next_mark(marks) == T0 + 70
    assert s.next_mark(marks) is None  # the mark after the end is ignored
    assert s.time == T0 + 70
    assert s.prev_mark(marks) == T0 + 40
    assert s.prev_mark(marks) == T0 + 10
    assert s.prev_mark(marks) is None
    assert s.prev_mark(np.array([])) is None


def test_jump_start_end_respect_loop():
    s = state(100)
    assert s.jump_end() == T0 + 100
    assert s.jump_start() == T0
    s.set_loop(T0 + 20, T0 + 60)
    assert s.jump_end() == T0 + 60
    assert s.jump_start() == T0 + 20


def test_pair_selection_is_normalised():
    assert ViewState(pair=(5, 2)).pair == (2, 5)
    with pytest.raises(ValueError):
        ViewState(pair=(3, 3))
    assert ViewState(pair=(1, 2)).replace(pair=None).pair is None


def test_reset_scene_keeps_the_loop_out_and_time_at_start():
    s = state()
    s.set_loop(T0 + 20, T0 + 60)
    s.play()
    s.reset_scene(T0 + 10, T0 + 20)
    assert s.time == T0 + 10 and s.loop is None and not s.playing


def test_units_and_trail_validation():
    v = ViewState()
    assert v.replace(units="km").units == "km"
    with pytest.raises(ValueError):
        v.replace(units="furlong")
    assert v.replace(trail_s=None).trail_s is None
    with pytest.raises(ValueError):
        v.replace(trail_s=-1)


def test_view_state_is_frozen_and_compares_by_value():
    a = ViewState(time=T0, hidden_tracks={1, 4}, colors={2: "#ff0000"})
    b = ViewState(time=T0, hidden_tracks=[4, 1], colors={2: "#ff0000"})
    assert a == b and a.hidden_tracks == {1, 4} and a.colors == {2: "#ff0000"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.time = 0.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        a.colors[3] = "#000000"  # type: ignore[index]
    assert a.replace(colors={}) != a


def test_view_state_session_round_trip_by_track_id():
    ids = ["101", "202", "303", "404"]
    state = ViewState(
        time=T0 + 5,
        pair=(2, 0),
        selected_track=1,
        follow_track=3,
        trail_s=None,
        units="km",
        view=(-1.0, 1.0, -2.0, 2.0),
        hidden_classes={"weapon"},
        hidden_tracks={3},
        colors={1: "#00ff00"},
        speed=4.0,
        loop=(T0, T0 + 10),
    )
    session = Session(**state.session_fields(ids))
    assert session.selected_pair == ("101", "303") and session.hidden_tracks == ["404"]
    assert session.colors == {"202": "#00ff00"} and session.follow_track == "404"
    assert ViewState.from_session(session, ids, T0) == state
    # the same session on a scene in another order, lacking one track
    other = ["404", "303", "202"]
    moved = ViewState.from_session(session, other, T0)
    assert moved.pair is None and moved.selected_track == 2 and moved.hidden_tracks == {0}
    assert moved.colors == {2: "#00ff00"}
    # no time in the session: the scene's start
    assert ViewState.from_session(Session(), ids, T0).time == T0


# ---------------------------------------------------------------------------- units
def test_distance_altitude_speed_formatting():
    assert fmt_distance(1852 * 4.27, "nm") == "4.27 NM"
    assert fmt_distance(7910, "km") == "7.91 km"
    assert fmt_distance(float("nan"), "nm") == "—"
    assert fmt_altitude(0.3048 * 12300, "nm") == "12,300 ft"
    assert fmt_altitude(3749.4, "km") == "3,749 m"
    assert fmt_flight_level(0.3048 * 23480) == "FL235"
    assert fmt_speed(1852 / 3600 * 450, "nm") == "450 kt"
    assert fmt_speed(250 / 3.6, "km") == "250 km/h"


def test_time_formatting():
    assert fmt_time_utc(T0 + 0.72) == "23:06:40.7Z"
    assert fmt_time_utc(math.nan) == "--:--:--Z"
    assert fmt_iso(T0 + 0.5) == "2015-10-04T23:06:40.500Z"
    assert fmt_elapsed(192.9) == "T+03:12"
    assert fmt_elapsed(3723) == "T+1:02:03"
    assert fmt_elapsed(-5) == "T-00:05"
    assert fmt_duration(125) == "2:05"
    assert fmt_duration(3725) == "1:02:05"

"""The controller: one frozen ViewState, stateChanged(old, new) per change, the map drawn
once per state."""

from __future__ import annotations

import pytest
from PySide6 import QtCore, QtWidgets

import gui_scene
from encounter_replay.model.view_state import ViewState
from encounter_replay.view.map_canvas import MapCanvas
from encounter_replay.view.replay_controller import ReplayController

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def controller():
    parent = QtCore.QObject()
    c = ReplayController(parent)
    c.reset_scene(gui_scene.T0, gui_scene.T0 + gui_scene.DURATION)
    changes: list[tuple[ViewState, ViewState]] = []
    times: list[float] = []
    c.stateChanged.connect(lambda old, new: changes.append((old, new)))
    c.timeChanged.connect(times.append)
    yield c, changes, times
    c.stop()
    parent.deleteLater()


def test_one_signal_per_change_with_old_and_new(controller):
    c, changes, times = controller
    c.select_pair((3, 1))
    c.set_units("km")
    c.set_track_visible(2, False)
    c.set_track_color(0, "#123456")
    c.set_class_visible("weapon", False)
    assert len(changes) == 5 and times == []
    old, new = changes[0]
    assert old.pair is None and new.pair == (1, 3)
    assert changes[-1][1].hidden_classes == {"weapon"} and changes[-1][0].hidden_classes == set()
    assert c.state.hidden_tracks == {2} and c.state.colors == {0: "#123456"}
    c.select_pair((1, 3))  # no change, no signal
    c.set_track_color(0, None)  # back to the default: the override goes
    assert len(changes) == 6 and c.state.colors == {}


def test_the_clock_is_not_a_state_change(controller):
    c, changes, times = controller
    c.seek(gui_scene.T0 + 100)
    c.step(2)
    assert changes == [] and times == [gui_scene.T0 + 100, gui_scene.T0 + 102]
    c.set_speed(4)
    c.set_loop(gui_scene.T0 + 10, gui_scene.T0 + 50)
    assert [n.speed for _o, n in changes] == [4.0, 4.0]
    assert changes[-1][1].loop == (gui_scene.T0 + 10, gui_scene.T0 + 50)


def test_reset_scene_keeps_tracks_only_when_adding(controller):
    c, _changes, _times = controller
    c.update(pair=(0, 1), selected_track=2, hidden_tracks={1, 4}, colors={2: "#ff0000"})
    c.reset_scene(gui_scene.T0 + 10, gui_scene.T0 + 20, keep_tracks=True)
    s = c.state
    assert s.hidden_tracks == {1, 4} and s.colors == {2: "#ff0000"}
    assert s.pair is None and s.selected_track is None and s.time == gui_scene.T0 + 10
    c.reset_scene(gui_scene.T0, gui_scene.T0 + 5)
    assert c.state.hidden_tracks == set() and c.state.colors == {}


def test_restore_draws_the_map_once(controller, monkeypatch):
    """A whole state (a session) reaches a bound map as one draw at the state's time."""
    c, changes, times = controller
    canvas = MapCanvas()
    canvas.resize(640, 400)
    canvas.set_scene(gui_scene.trackset())
    canvas.bind(c)
    draws: list[float] = []
    set_time = MapCanvas.set_time
    monkeypatch.setattr(MapCanvas, "set_time", lambda self, t: (draws.append(t), set_time(self, t)))
    t = gui_scene.T0 + 250.0
    state = ViewState(
        time=t, pair=(0, 1), selected_track=2, units="km", trail_s=None, hidden_tracks={3},
        colors={0: "#22c55e"}, speed=16.0, view="pair",
    )  # fmt: skip
    c.restore(state)
    assert len(changes) == 1 and times == [t]
    assert draws == [t]
    held = canvas.state
    assert held.pair == (0, 1) and held.hidden_tracks == {3} and held.colors == {0: "#22c55e"}
    assert held.units == "km" and held.view is None  # the framing is the user's again
    assert c.state.view is None and c.state.speed == 16.0
    canvas.close()
    QtWidgets.QApplication.processEvents()

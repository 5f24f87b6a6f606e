"""The window's one source of display state and its one clock.

The controller owns a :class:`~encounter_replay.model.view_state.ViewState` (what is shown)
and a :class:`~encounter_replay.model.replay.ReplayState` (the clock), and is the only
thing that changes either. Widgets take the controller and connect themselves (napari's
``QtDims(dims)``): ``stateChanged(old, new)`` for anything but the running clock, and
``timeChanged(t)`` once per drawn frame. Nobody else runs a timer, so views never drift.

Each tick measures the wall time since the previous one and advances the clock by that
times the speed: a slow frame drops frames instead of slowing the replay down.
See ``docs/architecture.md`` ("a time value").
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6 import QtCore

from ..model.replay import ReplayState
from ..model.view_state import ViewState

#: Timer period. Frames are drawn at most this often; slow frames simply drop ticks.
FRAME_MS = 16


class ReplayController(QtCore.QObject):
    """Owns the ViewState and playback; see the module docstring."""

    #: (old, new) ViewState: selection, units, trail, visibility, colours, speed, loop…
    stateChanged = QtCore.Signal(object, object)
    #: The clock moved (every frame while playing, and on every seek).
    timeChanged = QtCore.Signal(float)
    playingChanged = QtCore.Signal(bool)

    def __init__(self, parent: QtCore.QObject) -> None:
        super().__init__(parent)
        self.clock = ReplayState()
        self._view = ViewState(view=None)
        self._marks = np.zeros(0)
        self._samples = np.zeros(0)  # sorted sample times ("next sample" steps)
        self._timer = QtCore.QTimer(self)
        self._timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)
        self._wall = QtCore.QElapsedTimer()
        self.frames = 0  # ticks that moved the clock (for diagnostics and tests)

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> ViewState:
        """The display now (a frozen value: compare it, keep it, never mutate it)."""
        c = self.clock
        return self._view.replace(time=c.time, speed=c.speed, loop=c.loop)

    def update(self, **changes: Any) -> None:
        """Change display fields of the state (``ViewState`` names); one signal if any
        changed. Time, speed and loop go through the clock methods."""
        old = self.state
        self._view = self._view.replace(**changes)
        self._emit(old)

    def _emit(self, old: ViewState) -> None:
        new = self.state
        if new != old:
            self.stateChanged.emit(old, new)

    def restore(self, state: ViewState) -> None:
        """Put a whole state in place (a session): one ``stateChanged``, then the time.
        The state's framing is handed to the map once and then released to the user."""
        old = self.state
        self.clock.set_speed(state.speed)
        self.clock.set_loop(*(state.loop or (None, None)))
        self.clock.seek(state.time)
        self._view = state
        self._emit(old)  # the new state carries the new time: the map draws once
        self._view = state.replace(view=None)
        if self.clock.time != old.time:
            self.timeChanged.emit(self.clock.time)

    # ------------------------------------------------------------------ selection & display
    def select_pair(self, pair: tuple[int, int] | None) -> None:
        self.update(pair=pair)

    def select_track(self, k: int | None) -> None:
        self.update(selected_track=k)

    def set_follow(self, k: int | None) -> None:
        self.update(follow_track=k)

    def set_units(self, units: str) -> None:
        self.update(units=units)

    def set_trail(self, seconds: float | None) -> None:
        self.update(trail_s=seconds)

    def set_class_visible(self, cls: str, visible: bool) -> None:
        hidden = set(self._view.hidden_classes)
        (hidden.discard if visible else hidden.add)(str(cls))
        self.update(hidden_classes=hidden)

    def set_track_visible(self, k: int, visible: bool) -> None:
        hidden = set(self._view.hidden_tracks)
        (hidden.discard if visible else hidden.add)(int(k))
        self.update(hidden_tracks=hidden)

    def set_track_color(self, k: int, color: str | None) -> None:
        """A colour override for track ``k``; None or '' returns it to its default."""
        colors = dict(self._view.colors)
        if color:
            colors[int(k)] = color
        else:
            colors.pop(int(k), None)
        self.update(colors=colors)

    def set_visual_range_m(self, r: float | None) -> None:
        self.update(visual_range_m=r)

    # ------------------------------------------------------------------ clock
    @property
    def time(self) -> float:
        return self.clock.time

    @property
    def playing(self) -> bool:
        return self.clock.playing

    def _tick(self) -> None:
        dt = self._wall.restart() / 1000.0
        if self.clock.advance(dt):
            self.frames += 1
            self.timeChanged.emit(self.clock.time)
        if not self.clock.playing:
            self._stop_timer()

    def _stop_timer(self) -> None:
        was = self._timer.isActive()
        self._timer.stop()
        if was:
            self.playingChanged.emit(False)

    def play(self) -> None:
        self._start(self.clock.play)

    def play_reverse(self) -> None:
        """Play backwards (at the same speed)."""
        self._start(self.clock.play_reverse)

    def _start(self, run) -> None:
        """Start the clock with ``run`` (forwards or backwards) and the frame timer."""
        before = self.clock.time
        run()
        if self.clock.time != before:
            self.timeChanged.emit(self.clock.time)
        if self.clock.playing and not self._timer.isActive():
            self._wall.start()
            self._timer.start()
            self.playingChanged.emit(True)

    def toggle_reverse(self) -> None:
        if self.clock.playing and self.clock.direction < 0:
            self.pause()
        else:
            self.play_reverse()

    @property
    def reversed(self) -> bool:
        return self.clock.direction < 0

    def set_step(self, seconds: float) -> None:
        """Step size of ←/→ in seconds; 0 steps from sample to sample."""
        self.clock.set_step(seconds)

    def set_sample_times(self, times: np.ndarray) -> None:
        self._samples = np.unique(np.asarray(times, dtype=np.float64))

    def pause(self) -> None:
        self.clock.pause()
        self._stop_timer()

    def toggle(self) -> None:
        if self.clock.playing:
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        """Stop the timer for good (window closing)."""
        self.pause()

    def seek(self, t: float) -> None:
        before = self.clock.time
        self.clock.seek(t)
        if self.clock.time != before:
            self.timeChanged.emit(self.clock.time)

    def _moved(self, before: float) -> None:
        if not self.clock.playing:
            self._stop_timer()
        if self.clock.time != before:
            self.timeChanged.emit(self.clock.time)

    def step(self, n: int = 1) -> None:
        before = self.clock.time
        self.clock.step(n, self._samples)
        self._moved(before)

    def jump_start(self) -> None:
        before = self.clock.time
        self.clock.jump_start()
        self._moved(before)

    def jump_end(self) -> None:
        before = self.clock.time
        self.clock.jump_end()
        self._moved(before)

    def set_marks(self, times: np.ndarray) -> None:
        """Times of events, notes and CPAs that Shift+←/→ jump between."""
        self._marks = np.unique(np.asarray(times, dtype=np.float64))

    @property
    def marks(self) -> np.ndarray:
        return self._marks

    def next_mark(self) -> bool:
        before = self.clock.time
        found = self.clock.next_mark(self._marks) is not None
        self._moved(before)
        return found

    def prev_mark(self) -> bool:
        before = self.clock.time
        found = self.clock.prev_mark(self._marks) is not None
        self._moved(before)
        return found

    def reset_scene(self, start: float, end: float, keep_tracks: bool = False) -> None:
        """A new scene: time to its start, selections dropped. ``keep_tracks`` is for files
        added to a scene (tracks keep their indices, so hidden tracks and colours still
        apply); a replaced scene forgets them."""
        self.pause()
        old = self.state
        self.clock.reset_scene(start, end)
        self._marks = np.zeros(0)
        changes: dict[str, Any] = {"pair": None, "selected_track": None, "follow_track": None}
        if not keep_tracks:
            changes.update(hidden_tracks=frozenset(), colors={})
        self._view = self._view.replace(**changes)
        new = self.state
        if new.replace(time=old.time) != old:
            self.stateChanged.emit(old.replace(time=new.time), new)
        self.timeChanged.emit(self.clock.time)

    # ------------------------------------------------------------------ speed and loop
    def set_speed(self, speed: float) -> None:
        old = self.state
        self.clock.set_speed(speed)
        self._emit(old)

    def faster(self) -> None:
        old = self.state
        self.clock.faster()
        self._emit(old)

    def slower(self) -> None:
        old = self.state
        self.clock.slower()
        self._emit(old)

    def set_loop(self, t0: float | None, t1: float | None = None) -> None:
        old = self.state
        self.clock.set_loop(t0, t1)
        self._emit(old)

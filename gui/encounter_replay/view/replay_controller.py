"""The one clock of the window: a parented QTimer that advances ReplayState by wall time.

Every view (map, timeline, clock, plots, table) listens to the controller's signals and
nobody else runs a timer, so they can never drift apart. Each tick measures the wall time
since the previous tick and advances the state by that times the speed: if a frame takes
long to draw, the next one lands where the replay should be (frames are dropped, the
replay never lags behind real time × speed).
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore

from ..model.replay import ReplayState

#: Timer period. Frames are drawn at most this often; slow frames simply drop ticks.
FRAME_MS = 16


class ReplayController(QtCore.QObject):
    """Qt adapter around :class:`ReplayState` (napari's Dims/QtDims split, for time)."""

    timeChanged = QtCore.Signal(float)
    playingChanged = QtCore.Signal(bool)
    speedChanged = QtCore.Signal(float)
    selectionChanged = QtCore.Signal()
    loopChanged = QtCore.Signal()

    def __init__(self, parent: QtCore.QObject, state: ReplayState | None = None) -> None:
        super().__init__(parent)
        self.state = state or ReplayState()
        self._marks = np.zeros(0)
        self._timer = QtCore.QTimer(self)
        self._timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)
        self._wall = QtCore.QElapsedTimer()
        self.frames = 0  # ticks that moved the clock (for diagnostics and tests)

    # ------------------------------------------------------------------ clock
    @property
    def time(self) -> float:
        return self.state.time

    @property
    def playing(self) -> bool:
        return self.state.playing

    def _tick(self) -> None:
        dt = self._wall.restart() / 1000.0
        if self.state.advance(dt):
            self.frames += 1
            self.timeChanged.emit(self.state.time)
        if not self.state.playing:
            self._stop_timer()

    def _stop_timer(self) -> None:
        was = self._timer.isActive()
        self._timer.stop()
        if was:
            self.playingChanged.emit(False)

    def play(self) -> None:
        before = self.state.time
        self.state.play()
        if self.state.time != before:
            self.timeChanged.emit(self.state.time)
        if self.state.playing and not self._timer.isActive():
            self._wall.start()
            self._timer.start()
            self.playingChanged.emit(True)

    def pause(self) -> None:
        self.state.pause()
        self._stop_timer()

    def toggle(self) -> None:
        if self.state.playing:
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        """Stop the timer for good (window closing)."""
        self.pause()

    def seek(self, t: float) -> None:
        before = self.state.time
        self.state.seek(t)
        if self.state.time != before:
            self.timeChanged.emit(self.state.time)

    def _moved(self, before: float) -> None:
        if not self.state.playing:
            self._stop_timer()
        if self.state.time != before:
            self.timeChanged.emit(self.state.time)

    def step(self, n: int = 1) -> None:
        before = self.state.time
        self.state.step(n)
        self._moved(before)

    def jump_start(self) -> None:
        before = self.state.time
        self.state.jump_start()
        self._moved(before)

    def jump_end(self) -> None:
        before = self.state.time
        self.state.jump_end()
        self._moved(before)

    def set_marks(self, times: np.ndarray) -> None:
        """Times of events and CPAs that Shift+←/→ jump between."""
        self._marks = np.unique(np.asarray(times, dtype=np.float64))

    @property
    def marks(self) -> np.ndarray:
        return self._marks

    def next_mark(self) -> bool:
        before = self.state.time
        found = self.state.next_mark(self._marks) is not None
        self._moved(before)
        return found

    def prev_mark(self) -> bool:
        before = self.state.time
        found = self.state.prev_mark(self._marks) is not None
        self._moved(before)
        return found

    def reset_scene(self, start: float, end: float, keep_tracks: bool = False) -> None:
        self.pause()
        self.state.reset_scene(start, end, keep_tracks)
        self._marks = np.zeros(0)
        self.loopChanged.emit()
        self.selectionChanged.emit()
        self.timeChanged.emit(self.state.time)

    # ------------------------------------------------------------------ speed and loop
    def set_speed(self, speed: float) -> None:
        self.state.set_speed(speed)
        self.speedChanged.emit(self.state.speed)

    def faster(self) -> None:
        self.state.faster()
        self.speedChanged.emit(self.state.speed)

    def slower(self) -> None:
        self.state.slower()
        self.speedChanged.emit(self.state.speed)

    def set_loop(self, t0: float | None, t1: float | None = None) -> None:
        self.state.set_loop(t0, t1)
        self.loopChanged.emit()

    # ------------------------------------------------------------------ selection
    def select_pair(self, pair: tuple[int, int] | None) -> None:
        if self.state.select_pair(pair) is not None or pair is None:
            self.selectionChanged.emit()

    def select_track(self, k: int | None) -> None:
        self.state.selected_track = k
        self.selectionChanged.emit()

    def set_follow(self, k: int | None) -> None:
        self.state.follow_track = k
        self.selectionChanged.emit()

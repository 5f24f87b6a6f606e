"""The replay clock: where the time is, how fast it runs, what loops — no Qt.

The window's controller owns the one timer and forwards wall-clock ticks here; keeping the
rules (clamping, looping, stopping at the end, speed steps, jumping between marks) in
plain Python means they are tested without a display and shared by video export, which
drives the same state frame by frame. What is *shown* (selection, units, hidden tracks…)
is a :class:`~.view_state.ViewState`; the controller combines the two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .view_state import DEFAULT_TRAIL_S

#: Playback speeds offered by +/−: powers of two from a quarter to 64 times real time.
SPEEDS: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0)
MIN_SPEED, MAX_SPEED = SPEEDS[0], SPEEDS[-1]

#: Step sizes offered (s); 0 is "next sample".
STEPS: tuple[float, ...] = (0.1, 1.0, 10.0, 0.0)

#: A mark closer than this to the current time counts as "here", so that pressing
#: "next event" twice moves on rather than landing on the same mark again.
MARK_TOLERANCE_S = 0.05

__all__ = ["DEFAULT_TRAIL_S", "MARK_TOLERANCE_S", "SPEEDS", "STEPS", "ReplayState"]


@dataclass
class ReplayState:
    """Where the replay clock is, in plain values (times are POSIX seconds)."""

    start: float = 0.0
    end: float = 0.0
    time: float = 0.0
    playing: bool = False
    speed: float = 1.0
    loop: tuple[float, float] | None = None
    step_s: float = 1.0
    #: +1 forward, −1 backward (reverse play); the speed stays a positive factor.
    direction: int = 1

    # ------------------------------------------------------------------ time
    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def elapsed(self) -> float:
        return self.time - self.start

    def set_range(self, start: float, end: float) -> None:
        """A new recording span: time and loop are clamped into it."""
        if not (math.isfinite(start) and math.isfinite(end)) or end < start:
            raise ValueError(f"bad time range {start!r}..{end!r}")
        self.start, self.end = float(start), float(end)
        self.time = self.clamp(self.time)
        if self.loop is not None:
            self.set_loop(*self.loop)

    def clamp(self, t: float) -> float:
        if not math.isfinite(t):
            return self.start
        return min(max(float(t), self.start), self.end)

    def seek(self, t: float) -> float:
        """Move the clock (clamped to the recording); returns the new time."""
        self.time = self.clamp(t)
        return self.time

    def advance(self, wall_dt: float) -> bool:
        """Move on by ``wall_dt`` seconds of wall-clock time at the current speed.

        Advancing by elapsed wall time (not by a fixed step per tick) is what makes a slow
        frame drop frames instead of slowing the replay down. Inside a loop range the time
        wraps; at the end of the recording playback stops. Returns True if time moved.
        """
        if not self.playing or wall_dt <= 0:
            return False
        before = self.time
        if self.direction < 0:
            return self._advance_back(wall_dt)
        t = self.time + wall_dt * self.speed
        if self.loop is not None:
            t0, t1 = self.loop
            length = t1 - t0
            if self.time < t0 - MARK_TOLERANCE_S or self.time > t1 + MARK_TOLERANCE_S:
                t = t0  # entering a loop from outside starts it at its beginning
            elif t > t1:
                t = t0 + (t - t1) % length if length > 0 else t0
            self.time = self.clamp(t)
        else:
            self.time = self.clamp(t)
            if self.time >= self.end:
                self.playing = False
        return self.time != before

    def _advance_back(self, wall_dt: float) -> bool:
        """Reverse play: like :meth:`advance` mirrored (wraps to the loop's end, stops at
        the recording's start)."""
        before = self.time
        t = self.time - wall_dt * self.speed
        if self.loop is not None:
            t0, t1 = self.loop
            length = t1 - t0
            if self.time < t0 - MARK_TOLERANCE_S or self.time > t1 + MARK_TOLERANCE_S:
                t = t1
            elif t < t0:
                t = t1 - (t0 - t) % length if length > 0 else t1
            self.time = self.clamp(t)
        else:
            self.time = self.clamp(t)
            if self.time <= self.start:
                self.playing = False
        return self.time != before

    def play_reverse(self) -> None:
        """Play backwards; from the start of a recording that means from its end."""
        self.direction = -1
        if self.loop is None and self.time <= self.start:
            self.time = self.end
        elif self.loop is not None and not (self.loop[0] <= self.time <= self.loop[1]):
            self.time = self.loop[1]
        self.playing = self.end > self.start

    def play(self) -> None:
        """Start playing; from the end of a recording that means from the start again."""
        self.direction = 1
        if self.loop is None and self.time >= self.end:
            self.time = self.start
        elif self.loop is not None and not (self.loop[0] <= self.time <= self.loop[1]):
            self.time = self.loop[0]
        self.playing = self.end > self.start

    def pause(self) -> None:
        self.playing = False

    def toggle(self) -> bool:
        """Play/pause; returns the new playing state."""
        if self.playing:
            self.pause()
        else:
            self.play()
        return self.playing

    def step(self, n: int = 1, samples: np.ndarray | None = None) -> float:
        """Pause and move ``n`` steps (``step_s`` each); stepping is for reading exact frames.
        With ``step_s`` 0 ("next sample") a step goes to the next (previous) of the sorted
        sample times ``samples`` instead."""
        self.playing = False
        if self.step_s <= 0:
            if samples is None or len(samples) == 0:
                return self.time
            if n > 0:
                i = np.searchsorted(samples, self.time + 1e-6, side="right")
                return self.seek(float(samples[min(i + n - 1, len(samples) - 1)]))
            i = np.searchsorted(samples, self.time - 1e-6, side="left")
            return self.seek(float(samples[max(i + n, 0)]))
        return self.seek(self.time + n * self.step_s)

    def set_step(self, seconds: float) -> float:
        """Step size in seconds (0: next sample)."""
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"bad step {seconds!r}")
        self.step_s = float(seconds)
        return self.step_s

    def jump_start(self) -> float:
        return self.seek(self.loop[0] if self.loop else self.start)

    def jump_end(self) -> float:
        self.playing = False
        return self.seek(self.loop[1] if self.loop else self.end)

    # ------------------------------------------------------------------ speed
    def set_speed(self, speed: float) -> float:
        """Clamp to 0.25×–64×; any value in between is allowed (video export uses others)."""
        if not math.isfinite(speed) or speed <= 0:
            raise ValueError(f"bad playback speed {speed!r}")
        self.speed = min(max(float(speed), MIN_SPEED), MAX_SPEED)
        return self.speed

    def faster(self) -> float:
        """Next speed step up (from an odd speed, the next step above it)."""
        up = [s for s in SPEEDS if s > self.speed * (1 + 1e-9)]
        return self.set_speed(up[0] if up else MAX_SPEED)

    def slower(self) -> float:
        down = [s for s in SPEEDS if s < self.speed * (1 - 1e-9)]
        return self.set_speed(down[-1] if down else MIN_SPEED)

    # ------------------------------------------------------------------ loop
    def set_loop(self, t0: float | None, t1: float | None = None) -> tuple[float, float] | None:
        """Loop between two times (any order, clamped); ``None`` or an empty range clears it."""
        if t0 is None or t1 is None:
            self.loop = None
            return None
        a, b = sorted((self.clamp(t0), self.clamp(t1)))
        self.loop = (a, b) if b - a > MARK_TOLERANCE_S else None
        return self.loop

    # ------------------------------------------------------------------ marks
    def next_mark(self, marks: np.ndarray) -> float | None:
        """Seek to the first mark (event or CPA time) after now; None (and no move) if none."""
        marks = np.asarray(marks, dtype=np.float64)
        later = marks[(marks > self.time + MARK_TOLERANCE_S) & (marks <= self.end)]
        if len(later) == 0:
            return None
        return self.seek(float(later.min()))

    def prev_mark(self, marks: np.ndarray) -> float | None:
        marks = np.asarray(marks, dtype=np.float64)
        earlier = marks[(marks < self.time - MARK_TOLERANCE_S) & (marks >= self.start)]
        if len(earlier) == 0:
            return None
        return self.seek(float(earlier.max()))

    # ------------------------------------------------------------------ scene
    def reset_scene(self, start: float, end: float) -> None:
        """A new scene: paused, time to its start, loop dropped."""
        self.playing = False
        self.direction = 1
        self.start, self.end = float(start), float(end)
        self.time = self.start
        self.loop = None

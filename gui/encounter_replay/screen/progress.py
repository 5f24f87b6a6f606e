"""A one-line progress bar on stderr: windows done / total, samples per second, ETA."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from ..model.units import fmt_duration


class ProgressBar:
    """Redrawn in place on a terminal; on a pipe or file, a line every ``every_s``."""

    def __init__(self, what: str, total: int, stream: TextIO | None = None, every_s: float = 10.0):
        self.what = what
        self.total = max(int(total), 0)
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every_s = every_s
        self.done = 0
        self.samples = 0
        self.start = time.perf_counter()
        self._last = 0.0
        self._skipped = 0

    def skip(self, n: int) -> None:
        """Work done by an earlier run: counted as done, not in the rate."""
        self.done += n
        self._skipped += n

    def update(self, n: int = 1, samples: int = 0) -> None:
        self.done += n
        self.samples += samples
        now = time.perf_counter()
        if self.tty or now - self._last >= self.every_s or self.done >= self.total:
            self._last = now
            self._draw(now)

    def text(self, now: float | None = None) -> str:
        now = time.perf_counter() if now is None else now
        elapsed = max(now - self.start, 1e-9)
        fresh = self.done - self._skipped
        width = 24
        filled = int(width * self.done / self.total) if self.total else width
        bar = "#" * filled + "-" * (width - filled)
        rate = self.samples / elapsed
        parts = [f"{self.what} [{bar}] {self.done}/{self.total}"]
        if self.samples:
            parts.append(f"{_si(rate)} samples/s")
        if fresh > 0 and self.done < self.total:
            eta = elapsed / fresh * (self.total - self.done)
            parts.append(f"ETA {fmt_duration(eta)}")
        elif self.done >= self.total:
            parts.append(f"in {fmt_duration(elapsed)}")
        return "  ".join(parts)

    def _draw(self, now: float) -> None:
        line = self.text(now)
        if self.tty:
            self.stream.write("\r" + line + "\x1b[K")
            if self.done >= self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self.done < self.total:
            self.stream.write("\n")
            self.stream.flush()


def _si(x: float) -> str:
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if x >= scale:
            return f"{x / scale:.1f} {unit}"
    return f"{x:.0f}"

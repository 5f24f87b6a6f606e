"""The big UTC clock a briefing audience reads from the back of the room."""

from __future__ import annotations

import math

from PySide6 import QtCore, QtWidgets

from ..model.timefmt import iso_utc
from ..model.units import fmt_elapsed, fmt_speed_factor, fmt_time_utc


class ClockWidget(QtWidgets.QFrame):
    """``12:34:56.7Z`` in large digits, with the date, ``T+mm:ss`` and the playback speed."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ClockWidget")
        self._start = math.nan
        self._text = ""
        self.time_label = QtWidgets.QLabel("--:--:--.-Z", objectName="ClockTime")
        self.date_label = QtWidgets.QLabel("", objectName="ClockDate")
        self.elapsed_label = QtWidgets.QLabel("T+--:--", objectName="ClockElapsed")
        self.speed_label = QtWidgets.QLabel("×1", objectName="ClockSpeed")
        self.time_label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.time_label.setToolTip("Replay time, UTC")
        self.elapsed_label.setToolTip("Time since the start of the recording")
        self.speed_label.setToolTip("Playback speed (+/− to change)")
        side = QtWidgets.QVBoxLayout()
        side.setSpacing(0)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.date_label)
        side.addWidget(self.elapsed_label)
        row = QtWidgets.QHBoxLayout(self)
        row.setContentsMargins(10, 2, 10, 2)
        row.setSpacing(12)
        row.addWidget(self.time_label)
        row.addLayout(side)
        row.addWidget(self.speed_label)
        mono = self.time_label.font()
        mono.setFamilies(["DejaVu Sans Mono", "Consolas", "Menlo", "monospace"])
        mono.setStyleHint(mono.StyleHint.Monospace)
        self.time_label.setFont(mono)
        for w in (self.elapsed_label, self.speed_label):
            f = w.font()
            f.setFamilies(["DejaVu Sans Mono", "Consolas", "Menlo", "monospace"])
            w.setFont(f)

    def set_start(self, start: float) -> None:
        self._start = start
        self._text = ""  # the next set_time rewrites T+ even at an unchanged time

    def set_time(self, t: float) -> None:
        text = fmt_time_utc(t)
        if text == self._text:  # ~60 ticks a second, tenths change 10 times: skip the rest
            return
        self._text = text
        self.time_label.setText(text)
        iso = iso_utc(t) if math.isfinite(t) else None
        self.date_label.setText(iso[:10] if iso else "")
        self.elapsed_label.setText(fmt_elapsed(t - self._start))

    def set_speed(self, speed: float) -> None:
        """The playback speed; negative while playing backwards ("◀ ×2")."""
        text = fmt_speed_factor(abs(speed))
        self.speed_label.setText(f"◀ {text}" if speed < 0 else text)

    def text(self) -> str:
        return self.time_label.text()

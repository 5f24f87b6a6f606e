"""The events dock and the notes dock.

Events: the recording's own and the derived ones (launches, decoys, removals), one row
each, in time order; clicking a row seeks the replay there. Notes: the analyst's notes,
edited in place (double-click the text) and deleted with the button or the Delete key;
every change goes back to the window, which keeps them (timeline, map, session, exports).
"""

from __future__ import annotations

import math

import pandas as pd
from PySide6 import QtCore, QtGui, QtWidgets

from ...model.session import Annotation
from ...model.timefmt import clock_utc
from ...model.units import fmt_elapsed
from ..events_text import event_who


def _time_text(t: float, start: float) -> str:
    rel = f"  {fmt_elapsed(t - start)}" if math.isfinite(start) else ""
    return f"{clock_utc(t)}{rel}"


class EventsPanel(QtWidgets.QTableWidget):
    """Events, one per row; ``seekRequested(t)`` on a click."""

    seekRequested = QtCore.Signal(float)
    HEADERS = ("Time", "Event", "Object", "Detail")

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(0, len(self.HEADERS), parent)
        self.setObjectName("EventsPanel")
        self.setHorizontalHeaderLabels(list(self.HEADERS))
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(20)
        self.horizontalHeader().setStretchLastSection(True)
        self.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.times: list[float] = []
        self.cellClicked.connect(self._clicked)

    def set_events(self, events: pd.DataFrame | None, names: list[str], start: float) -> None:
        events = events if events is not None else pd.DataFrame()
        self.setRowCount(0)
        self.setRowCount(len(events))
        self.times = []
        if not len(events):
            return
        rows = zip(
            events["time"], events["kind"], events["text"], events["track"], events["other"],
            strict=True,
        )  # fmt: skip
        for r, (t, kind, text, k, other) in enumerate(rows):
            self.times.append(float(t))
            cells = (
                _time_text(float(t), start),
                str(kind),
                event_who(names, int(k), int(other), str(kind)),
                str(text or ""),
            )
            for c, value in enumerate(cells):
                item = QtWidgets.QTableWidgetItem(value)
                item.setToolTip(value)
                self.setItem(r, c, item)
        self.resizeColumnsToContents()

    def _clicked(self, row: int, _col: int) -> None:
        if 0 <= row < len(self.times):
            self.seekRequested.emit(self.times[row])


class NotesPanel(QtWidgets.QWidget):
    """The analyst's notes; ``notesChanged(list[Annotation])`` after an edit or a delete,
    ``seekRequested(t)`` on a click."""

    notesChanged = QtCore.Signal(list)
    seekRequested = QtCore.Signal(float)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NotesPanel")
        self.list = QtWidgets.QListWidget(self)
        self.list.setEditTriggers(
            QtWidgets.QAbstractItemView.EditTrigger.DoubleClicked
            | QtWidgets.QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.list.setWordWrap(True)
        self.delete_button = QtWidgets.QPushButton("Delete", self)
        self.delete_button.setToolTip("Delete the selected note (Delete)")
        self.hint = QtWidgets.QLabel("Playback ▸ Add note (N) pins a note to the moment.", self)
        self.hint.setWordWrap(True)
        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(self.hint, 1)
        bar.addWidget(self.delete_button)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.list, 1)
        lay.addLayout(bar)
        self.notes: list[Annotation] = []
        self.start = float("nan")
        self._filling = False
        self.list.itemChanged.connect(self._edited)
        self.list.itemClicked.connect(self._clicked)
        self.delete_button.clicked.connect(self.delete_selected)
        shortcut = QtGui.QShortcut(QtGui.QKeySequence.StandardKey.Delete, self.list)
        shortcut.setContext(QtCore.Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self.delete_selected)

    def set_notes(self, notes: list[Annotation], start: float) -> None:
        self.notes, self.start = list(notes), start
        self._filling = True
        self.list.clear()
        for n in self.notes:
            item = QtWidgets.QListWidgetItem(n.text)
            item.setFlags(item.flags() | QtCore.Qt.ItemFlag.ItemIsEditable)
            item.setToolTip(f"{_time_text(n.time, start)} — double-click to edit")
            item.setData(QtCore.Qt.ItemDataRole.UserRole, n.time)
            self.list.addItem(item)
            item.setText(f"{n.text}")
        self._filling = False
        self.delete_button.setEnabled(bool(self.notes))

    def edit_note(self, row: int, text: str) -> None:
        """Change the text of note ``row`` (empty text deletes it)."""
        notes = list(self.notes)
        if not 0 <= row < len(notes):
            return
        text = text.strip()
        if text:
            notes[row] = Annotation(notes[row].time, text, notes[row].track)
        else:
            del notes[row]
        self.notesChanged.emit(notes)

    def delete_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.notes):
            self.notesChanged.emit([n for i, n in enumerate(self.notes) if i != row])

    def _edited(self, item: QtWidgets.QListWidgetItem) -> None:
        if not self._filling:
            self.edit_note(self.list.row(item), item.text())

    def _clicked(self, item: QtWidgets.QListWidgetItem) -> None:
        t = item.data(QtCore.Qt.ItemDataRole.UserRole)
        if t is not None:
            self.seekRequested.emit(float(t))

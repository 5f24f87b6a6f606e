"""The Tote: one primary against every other object, live with the clock.

Debrief's Tote and Tacview's relative telemetry: an analyst reads an encounter from one
seat. The figures come from :func:`~encounter_replay.analysis.relative.tote` (numpy over
all targets); this panel only chooses the primary, formats, sorts and refreshes. While
the replay runs the table is refreshed at most every :data:`REFRESH_MS`, so a 1,000-track
scene does not spend its frame budget on text. A row selects the pair primary–target.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6 import QtCore, QtWidgets

from ...analysis.relative import Tote, tote
from ...model.units import NM, fmt_altitude, fmt_distance, fmt_speed, speed_value

#: Least interval between two refreshes while playing (ms).
REFRESH_MS = 200
#: Modified tau (DO-365) is computed for targets within this horizontal range (m): far
#: beyond it no pair can come near losing well clear within a refresh.
TAU_RANGE_M = 10 * NM
#: Objects that never make a Tote row (clutter) unless they are the primary.
SKIP_CLASSES = ("decoy",)


def _deg(v: float) -> str:
    return f"{v:.0f}°" if math.isfinite(v) else "—"


def _signed_deg(v: float) -> str:
    if not math.isfinite(v):
        return "—"
    return f"{abs(v):.0f}° {'R' if v > 0 else 'L'}" if abs(v) >= 0.5 else "0°"


def _time(v: float) -> str:
    if not math.isfinite(v):
        return "—"
    return f"{v:.0f} s" if v < 600 else f"{v / 60:.0f} min"


def _flags(t: Tote, i: int) -> str:
    out = []
    if t.in_visual_range[i]:
        out.append("VIS")
    elif t.line_of_sight[i]:
        out.append("LOS")
    if t.loss_of_separation[i]:
        out.append("LOSS")
    return " ".join(out)


def _columns(
    units: str,
) -> list[tuple[str, Callable[[Tote, int], str], Callable[[Tote, int], Any]]]:
    """(header, text of row i, sort key of row i) per column."""

    def vert(t: Tote, i: int) -> str:
        v = t.vertical_m[i]
        if not math.isfinite(v):
            return "—"
        word = t.above()[i]
        return f"{fmt_altitude(abs(v), units)} {word}" if word != "level" else "level"

    def closure(t: Tote, i: int) -> str:
        v = t.closure_mps[i]
        if not math.isfinite(v):
            return "—"
        return ("+" if v >= 0 else "−") + fmt_speed(abs(v), units)

    return [
        ("Slant", lambda t, i: fmt_distance(t.slant_m[i], units), lambda t, i: t.slant_m[i]),
        (
            "Horiz",
            lambda t, i: fmt_distance(t.horizontal_m[i], units),
            lambda t, i: t.horizontal_m[i],
        ),
        ("Vert", vert, lambda t, i: t.vertical_m[i]),
        ("Brg", lambda t, i: _deg(t.bearing_deg[i]), lambda t, i: t.bearing_deg[i]),
        (
            "Rel",
            lambda t, i: _signed_deg(t.relative_bearing_deg[i]),
            lambda t, i: abs(t.relative_bearing_deg[i]),
        ),
        ("ATA", lambda t, i: _deg(t.ata_deg[i]), lambda t, i: t.ata_deg[i]),
        ("Aspect", lambda t, i: _deg(t.aspect_deg[i]), lambda t, i: t.aspect_deg[i]),
        ("HCA", lambda t, i: _deg(t.hca_deg[i]), lambda t, i: t.hca_deg[i]),
        ("Closure", closure, lambda t, i: speed_value(t.closure_mps[i], units)),
        ("CPA in", lambda t, i: _time(t.cpa_in_s[i]), lambda t, i: t.cpa_in_s[i]),
        (
            "CPA at",
            lambda t, i: fmt_distance(t.cpa_range_m[i], units),
            lambda t, i: t.cpa_range_m[i],
        ),
        (
            "Flags",
            _flags,
            lambda t, i: int(t.in_visual_range[i]) * 2 + int(t.loss_of_separation[i]),
        ),
    ]


class ToteModel(QtCore.QAbstractTableModel):
    """Rows of one :class:`Tote`; column 0 is the target's name."""

    SORT_ROLE = QtCore.Qt.ItemDataRole.UserRole + 1
    #: The rows changed (not only their figures): the view refits its columns.
    reshaped = QtCore.Signal()

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.tote: Tote | None = None
        self.rows = np.zeros(0, dtype=np.int64)  # indices into the tote's arrays
        self.names: list[str] = []
        self.units = "nm"
        self._cols = _columns(self.units)

    def set_units(self, units: str) -> None:
        self.units = units
        self._cols = _columns(units)
        self.layoutChanged.emit()

    def set_tote(self, t: Tote | None, rows: np.ndarray) -> None:
        same_rows = self.tote is not None and t is not None and np.array_equal(rows, self.rows)
        if same_rows:
            self.tote = t
            if len(rows):
                self.dataChanged.emit(self.index(0, 1), self.index(len(rows) - 1, len(self._cols)))
            return
        self.beginResetModel()
        self.tote, self.rows = t, rows
        self.endResetModel()
        self.reshaped.emit()

    def target(self, row: int) -> int:
        return int(self.tote.target[self.rows[row]])

    def rowCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.tote is None else len(self.rows)

    def columnCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cols) + 1

    def headerData(self, section: int, orientation, role=QtCore.Qt.ItemDataRole.DisplayRole):
        if orientation != QtCore.Qt.Orientation.Horizontal:
            return None
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            return "Object" if section == 0 else self._cols[section - 1][0]
        if role == QtCore.Qt.ItemDataRole.ToolTipRole and section > 0:
            return _TIPS.get(self._cols[section - 1][0])
        return None

    def data(self, index: QtCore.QModelIndex, role=QtCore.Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.tote is None:
            return None
        i, col = int(self.rows[index.row()]), index.column()
        t = self.tote
        if col == 0:
            if role in (QtCore.Qt.ItemDataRole.DisplayRole, self.SORT_ROLE):
                k = int(t.target[i])
                return self.names[k] if k < len(self.names) else str(k)
            return None
        _, text, key = self._cols[col - 1]
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            return text(t, i)
        if role == self.SORT_ROLE:
            v = float(key(t, i))
            return v if math.isfinite(v) else math.inf
        if role == QtCore.Qt.ItemDataRole.TextAlignmentRole:
            return int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
        return None


_TIPS = {
    "Slant": "Straight-line range",
    "Horiz": "Range between the ground points",
    "Vert": "Target altitude relative to the primary",
    "Brg": "True bearing primary → target",
    "Rel": "Bearing relative to the primary's course (R right of the nose, L left)",
    "ATA": "Antenna-train angle: off the primary's nose (0° dead ahead)",
    "Aspect": "Aspect angle: off the target's tail (0° on its tail, 180° head-on)",
    "HCA": "Heading-crossing angle between the two velocities",
    "Closure": "Rate the slant range shrinks (− opening)",
    "CPA in": "Time to the closest approach if both fly straight on",
    "CPA at": "Slant range at that closest approach",
    "τmod": "DAA modified tau (DO-365): time to the well-clear boundary while closing "
    "(negative inside DTHR); computed within 10 NM",
    "Flags": "VIS in visual range with line of sight; LOS line of sight only; "
    "LOSS loss of separation",
}


class TotePanel(QtWidgets.QWidget):
    """Primary chooser and the sortable table; ``bind(controller)`` makes it live."""

    #: (primary, target): a row was clicked.
    pairActivated = QtCore.Signal(int, int)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TotePanel")
        self.primary_box = QtWidgets.QComboBox(self)
        self.primary_box.setToolTip("The object whose seat the table is read from")
        self.primary_box.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.primary_box.setMinimumContentsLength(4)
        self.model = ToteModel(self)
        self.proxy = QtCore.QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(ToteModel.SORT_ROLE)
        self.view = QtWidgets.QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(1, QtCore.Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(20)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.clicked.connect(self._clicked)
        header = self.view.horizontalHeader()
        header.setMinimumSectionSize(36)
        self.model.reshaped.connect(self.view.resizeColumnsToContents)
        top = QtWidgets.QHBoxLayout()
        top.setContentsMargins(4, 2, 4, 2)
        top.addWidget(QtWidgets.QLabel("Primary", self))
        top.addWidget(self.primary_box, 1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)
        self.ts = None
        self.analysis = None
        self.time = float("nan")
        self._cls = np.zeros(0, dtype=object)
        self._controller = None
        self._since = QtCore.QElapsedTimer()
        self._since.start()
        self.primary_box.currentIndexChanged.connect(lambda _i: self.refresh())

    # ------------------------------------------------------------------ wiring
    def bind(self, controller) -> None:
        self._controller = controller
        controller.timeChanged.connect(self._on_time)
        controller.stateChanged.connect(self._on_state)

    def _on_state(self, old, new) -> None:
        if new.units != old.units:
            self.model.set_units(new.units)
        k = new.selected_track
        if k is not None and k != old.selected_track:
            self.set_primary(k)  # the selected object becomes the seat
        elif new.pair is not None and new.pair != old.pair and self.primary not in new.pair:
            self.set_primary(new.pair[0])
        if not math.isfinite(self.time) and math.isfinite(new.time):
            self.time = new.time

    def _on_time(self, t: float) -> None:
        self.time = float(t)
        playing = self._controller is not None and self._controller.playing
        if playing and self._since.elapsed() < REFRESH_MS:
            return
        if self.isVisible() or not playing:
            self.refresh()

    def _clicked(self, index: QtCore.QModelIndex) -> None:
        row = self.proxy.mapToSource(index).row()
        if self.primary is not None and 0 <= row < self.model.rowCount():
            self.pairActivated.emit(self.primary, self.model.target(row))

    # ------------------------------------------------------------------ scene
    def set_scene(self, ts, names: list[str]) -> None:
        """A new scene: its objects in the chooser, aircraft first."""
        self.ts = ts
        self.analysis = None
        self.model.names = list(names)
        self._cls = ts.meta["cls"].to_numpy(dtype=object).astype(str) if ts else np.zeros(0)
        self.primary_box.blockSignals(True)
        self.primary_box.clear()
        if ts is not None:
            order = np.argsort(self._cls != "aircraft", kind="stable")
            for k in order:
                if self._cls[k] not in SKIP_CLASSES and self._cls[k] != "reference":
                    self.primary_box.addItem(names[k], int(k))
        self.primary_box.blockSignals(False)
        self.time = ts.start if ts is not None and len(ts) else float("nan")
        self.refresh()

    def set_analysis(self, analysis) -> None:
        self.analysis = analysis
        self.refresh()

    @property
    def primary(self) -> int | None:
        k = self.primary_box.currentData()
        return int(k) if k is not None else None

    def set_primary(self, k: int) -> None:
        i = self.primary_box.findData(int(k))
        if i >= 0:
            self.primary_box.setCurrentIndex(i)

    # ------------------------------------------------------------------ figures
    def refresh(self) -> None:
        """Recompute the Tote at the panel's time and show it (sort order kept)."""
        self._since.restart()
        ts, k = self.ts, self.primary
        if ts is None or k is None or not math.isfinite(self.time) or len(ts) < 2:
            self.model.set_tote(None, np.zeros(0, dtype=np.int64))
            return
        settings = self.analysis.settings if self.analysis is not None else None
        t = tote(ts, k, self.time, settings, self.analysis)
        cls = self._cls[t.target]
        rows = np.flatnonzero(t.present & ~np.isin(cls, SKIP_CLASSES))
        t.tau_mod_s = self._tau_mod(t, rows, settings)
        self.model.set_tote(t, rows)

    def _tau_mod(self, t: Tote, rows: np.ndarray, settings) -> np.ndarray:
        """τmod of the near targets, from the analysis's own well-clear series."""
        from ...analysis.well_clear_series import well_clear_series

        out = np.full(len(t.target), np.nan)
        near = rows[np.nan_to_num(t.horizontal_m[rows], nan=np.inf) <= TAU_RANGE_M]
        when = np.array([t.time])
        for i in near:  # a handful of near objects, not every target
            s = well_clear_series(self.ts, t.primary, int(t.target[i]), when, settings)
            out[i] = float(s["tau_mod_s"].iloc[0])
        return out

    @property
    def tote(self) -> Tote | None:
        return self.model.tote

"""The encounter table: every reported pair, in briefing (rank) order — the analyst's index.

Numbers are formatted only for display (the model keeps metres and seconds, and sorts on
them), so switching NM↔km re-labels the table without re-running anything.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd
from PySide6 import QtCore, QtGui, QtWidgets

from ... import palette
from ...model.units import (
    altitude_label,
    altitude_value,
    distance_label,
    distance_value,
    fmt_duration,
    fmt_time_utc,
    speed_label,
    speed_value,
)

SORT_ROLE = QtCore.Qt.ItemDataRole.UserRole + 1
LOS_COLOR = QtGui.QColor(palette.LOS)
VISUAL_COLOR = QtGui.QColor(palette.VISUAL)


def _num(x: Any, digits: int) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "—"
    return f"{v:,.{digits}f}" if math.isfinite(v) else "—"


#: Severity as the table writes it (``analysis.pair_facts.SEVERITY_LEVELS``).
SEVERITY_TEXT = {
    "nmac": "NMAC",
    "well_clear": "well clear lost",
    "loss_of_separation": "sep. lost",
    "visual_contact": "visual",
}
#: Most severe first, for sorting the column.
_SEVERITY_ORDER = {level: k for k, level in enumerate(SEVERITY_TEXT)}


def _kind_text(r: Any) -> str:
    """Relation and caveats: 'cross-side', 'same-side · formation', 'excl.*'…"""
    parts = [] if getattr(r, "relation", "unknown") == "unknown" else [r.relation]
    if getattr(r, "formation", False):
        parts.append("formation")
    if getattr(r, "affected_by_excluded", False):
        parts.append("excl.*")
    if getattr(r, "implausible_closure", False):
        parts.append("IMPLAUSIBLE closure")
    return " · ".join(parts) or "—"


def _rank_key(r: Any) -> float:
    rank = getattr(r, "rank", math.nan)
    return float(rank) if rank is not None and math.isfinite(rank) else math.inf


def _well_clear_text(r: Any) -> str:
    """The well-clear cell: LOST/NMAC and the least τmod, '' when never close to it."""
    lost = bool(getattr(r, "well_clear_violation", None))
    nmac = bool(getattr(r, "well_clear_nmac", False))
    tau = getattr(r, "min_tau_mod_s", float("nan"))
    word = "NMAC" if nmac else ("LOST" if lost else "")
    tau_text = f"τ {tau:.0f} s" if tau is not None and math.isfinite(tau) else ""
    return " ".join(w for w in (word, tau_text) if w)


class EncounterTableModel(QtCore.QAbstractTableModel):
    """Rows of ``AnalysisResult.pairs``; display text in the chosen units, raw values to sort."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        #: Pairs ticked in the Pair column (for a briefing of several encounters).
        self.ticked: set[tuple[int, int]] = set()
        self.labels: list[str] = []
        self.units = "nm"
        self._columns = self._make_columns()

    def _make_columns(self) -> list[tuple[str, Callable[[Any], str], Callable[[Any], Any], str]]:
        u = self.units
        d, a, s = distance_label(u), altitude_label(u), speed_label(u)
        return [
            # header, display text, sort key, tooltip
            (
                "Pair",
                lambda r: f"{self.label(r, 'a')}  –  {self.label(r, 'b')}",
                lambda r: f"{self.label(r, 'a')} {self.label(r, 'b')}".lower(),
                "The two tracks",
            ),
            (
                "CPA\nUTC",
                lambda r: fmt_time_utc(r.cpa_time),
                lambda r: r.cpa_time,
                "Time of the closest point of approach",
            ),
            (
                f"Slant\n{d}",
                lambda r: _num(distance_value(r.cpa_slant_m, u), 2),
                lambda r: r.cpa_slant_m,
                "Slant range at CPA (straight line, WGS84)",
            ),
            (
                f"Horiz.\n{d}",
                lambda r: _num(distance_value(r.cpa_horizontal_m, u), 2),
                lambda r: r.cpa_horizontal_m,
                "Horizontal (geodesic) separation at CPA",
            ),
            (
                f"Vert.\n{a}",
                lambda r: _num(altitude_value(r.cpa_vertical_m, u), 0),
                lambda r: r.cpa_vertical_m,
                "Vertical separation at CPA",
            ),
            (
                f"Closure\n{s}",
                lambda r: _num(speed_value(r.closure_mps, u), 0),
                lambda r: r.closure_mps,
                "Closing speed just before CPA (positive = closing)",
            ),
            (
                "Visual\nm:ss",
                lambda r: fmt_duration(r.visual_s) if r.visual_s > 0 else "—",
                lambda r: r.visual_s,
                "Total time within visual range with line of sight",
            ),
            (
                "Sep.\nloss",
                lambda r: "LOSS" if r.los else "",
                lambda r: int(bool(r.los)),
                "Loss of separation (horizontal AND vertical below the minima)",
            ),
            (
                "Well\nclear",
                _well_clear_text,
                lambda r: (
                    (2 if getattr(r, "well_clear_nmac", False) else 0)
                    + (1 if getattr(r, "well_clear_violation", None) else 0)
                ),
                "DAA well clear (DO-365): LOST when violated (NMAC when it came to a near "
                "mid-air collision), with the least modified tau τmod",
            ),
            (
                "Severity",
                lambda r: SEVERITY_TEXT.get(getattr(r, "severity", ""), ""),
                lambda r: _SEVERITY_ORDER.get(getattr(r, "severity", ""), len(_SEVERITY_ORDER)),
                "Most severe level reached: NMAC, well clear lost, separation lost, visual",
            ),
            (
                "Kind",
                _kind_text,
                _kind_text,
                "Relation of the two sides, formation flight, and caveats: excl.* = a sample "
                "left out as implausible or stale lies near this encounter",
            ),
            (
                "Rank",
                lambda r: "—" if not math.isfinite(_rank_key(r)) else str(int(_rank_key(r))),
                _rank_key,
                "Briefing order: non-formation, cross-side, most severe, closest first",
            ),
        ]

    def label(self, r: Any, side: str) -> str:
        """Track label as the track list shows it (unique), else the analysis's name."""
        k = int(getattr(r, side))
        if k < len(self.labels):
            return self.labels[k]
        return str(getattr(r, f"{side}_name") or getattr(r, f"{side}_id"))

    # ------------------------------------------------------------------ data
    def set_pairs(self, pairs: pd.DataFrame | None, labels: list[str] | None = None) -> None:
        self.labels = list(labels or [])
        self.beginResetModel()
        self._rows = list(pairs.itertuples(index=False)) if pairs is not None else []
        self.ticked &= {(int(r.a), int(r.b)) for r in self._rows}
        self.endResetModel()

    def set_units(self, units: str) -> None:
        self.units = units
        self._columns = self._make_columns()
        self.headerDataChanged.emit(QtCore.Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, len(self._columns) - 1)
            )

    def pair_at(self, row: int) -> tuple[int, int, float]:
        r = self._rows[row]
        return int(r.a), int(r.b), float(r.cpa_time)

    def row_of(self, pair: tuple[int, int]) -> int | None:
        for i, r in enumerate(self._rows):
            if (int(r.a), int(r.b)) == pair:
                return i
        return None

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def flags(self, index: QtCore.QModelIndex) -> QtCore.Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == 0:
            return base | QtCore.Qt.ItemFlag.ItemIsUserCheckable
        return base

    def setData(self, index: QtCore.QModelIndex, value: Any, role: int = 0) -> bool:
        """Tick or untick a pair (the box in the Pair column)."""
        if not index.isValid() or index.column() != 0:
            return False
        if role != QtCore.Qt.ItemDataRole.CheckStateRole:
            return False
        a, b, _ = self.pair_at(index.row())
        on = QtCore.Qt.CheckState(value) == QtCore.Qt.CheckState.Checked
        (self.ticked.add if on else self.ticked.discard)((a, b))
        self.dataChanged.emit(index, index, [role])
        return True

    def ticked_pairs(self) -> list[tuple[int, int]]:
        """The ticked pairs in the analysis's (ranked) order."""
        return [(int(r.a), int(r.b)) for r in self._rows if (int(r.a), int(r.b)) in self.ticked]

    def headerData(self, section: int, orientation: QtCore.Qt.Orientation, role: int = 0) -> Any:
        if orientation != QtCore.Qt.Orientation.Horizontal:
            return None
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            return self._columns[section][0]
        if role == QtCore.Qt.ItemDataRole.ToolTipRole:
            return self._columns[section][3]
        return None

    def data(self, index: QtCore.QModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            return self._columns[col][1](r)
        if role == SORT_ROLE:
            return self._columns[col][2](r)
        if role == QtCore.Qt.ItemDataRole.TextAlignmentRole:
            if col == 0:
                return int(QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignVCenter)
            return int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
        if role == QtCore.Qt.ItemDataRole.ForegroundRole:
            if col == 7 and r.los:
                return LOS_COLOR
            if col == 6 and r.visual_s > 0:
                return VISUAL_COLOR
        if role == QtCore.Qt.ItemDataRole.CheckStateRole and col == 0:
            on = (int(r.a), int(r.b)) in self.ticked
            return QtCore.Qt.CheckState.Checked if on else QtCore.Qt.CheckState.Unchecked
        if role == QtCore.Qt.ItemDataRole.ToolTipRole and col == 0:
            return f"{r.a_id} / {r.b_id} (tick pairs to brief them together: Export ▸ Briefing)"
        return None


#: Which pairs the table lists, as ``analyze --pairs`` says it.
PAIR_KINDS = {"all": "All pairs", "cross-side": "Cross-side", "no-formation": "No formation"}


class PairFilter(QtCore.QSortFilterProxyModel):
    """Rows whose pair names contain the typed text; optionally only losses of separation,
    only cross-side pairs or no formations (``pairs``, as ``analyze --pairs``)."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.los_only = False
        self.pairs = "all"

    def set_filter(
        self, text: str | None = None, los_only: bool | None = None, pairs: str | None = None
    ) -> None:
        self.beginFilterChange()
        if text is not None:
            self.text = text.strip().lower()
        if los_only is not None:
            self.los_only = los_only
        if pairs is not None:
            self.pairs = pairs
        self.endFilterChange(QtCore.QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QtCore.QModelIndex) -> bool:
        model = self.sourceModel()
        r = model._rows[row]
        if self.los_only and not r.los:
            return False
        if self.pairs == "cross-side" and getattr(r, "relation", "") != "cross-side":
            return False
        if self.pairs == "no-formation" and getattr(r, "formation", False):
            return False
        if self.text:
            return self.text in f"{model.label(r, 'a')} {model.label(r, 'b')}".lower()
        return True


class EncounterTable(QtWidgets.QWidget):
    """Click a pair: select it and go to its CPA. Double-click: zoom the map onto it."""

    pairActivated = QtCore.Signal(int, int, float)
    pairZoomRequested = QtCore.Signal(int, int, float)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = EncounterTableModel(self)
        self.proxy = PairFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.filter_edit = QtWidgets.QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter by callsign…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(lambda t: self.proxy.set_filter(text=t))
        self.los_button = QtWidgets.QToolButton(self)
        self.los_button.setText("Sep. lost only")
        self.los_button.setToolTip("Only pairs that lost separation")
        self.los_button.setCheckable(True)
        self.los_button.setObjectName("FilterToggle")
        self.los_button.toggled.connect(lambda on: self.proxy.set_filter(los_only=on))
        self.kind_box = QtWidgets.QComboBox(self)
        for key, text in PAIR_KINDS.items():
            self.kind_box.addItem(text, key)
        self.kind_box.setToolTip("Which pairs to list (as analyze --pairs)")
        # Narrow when the dock is: the window's minimum width must not grow for it.
        self.kind_box.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.kind_box.setMinimumContentsLength(4)
        self.filter_edit.setMinimumWidth(40)
        self.kind_box.currentIndexChanged.connect(
            lambda _i: self.proxy.set_filter(pairs=self.kind_box.currentData())
        )
        self.view = QtWidgets.QTableView(self)
        self.view.setObjectName("EncounterTable")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        # Rank order first: the encounter to brief is the top row (the last column holds it).
        self.view.sortByColumn(self.model.columnCount() - 1, QtCore.Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(40)
        self.summary = QtWidgets.QLabel("No analysis yet", objectName="PanelSummary")
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        # The summary may be clipped rather than widen the dock (and the window's minimum).
        self.summary.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred
        )
        self.summary.setToolTip("Pairs reported, in visual contact, with loss of separation")
        head = QtWidgets.QHBoxLayout()
        head.setSpacing(4)
        head.addWidget(self.summary, 1)
        head.addWidget(self.kind_box)
        lay.addLayout(head)
        row = QtWidgets.QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(self.filter_edit, 1)
        row.addWidget(self.los_button)
        lay.addLayout(row)
        lay.addWidget(self.view)
        self._quiet = False
        self.view.clicked.connect(self._on_clicked)
        self.view.doubleClicked.connect(self._on_double_clicked)
        # selection, not the current index: focusing the table sets a current row without
        # selecting it, and that must not move the clock
        self.view.selectionModel().selectionChanged.connect(self._on_selection)

    def bind(self, controller) -> None:
        """Highlight the controller's pair and show its units (clicks go to the window,
        which also seeks to the CPA)."""
        self._controller = controller
        controller.stateChanged.connect(self._on_state)

    def _on_state(self, old, new) -> None:
        if new.units != old.units:
            self.set_units(new.units)
        if new.pair != old.pair:
            self.select_pair(new.pair)

    def set_pairs(
        self, pairs: pd.DataFrame | None, summary: str = "", labels: list[str] | None = None
    ) -> None:
        """Rows of ``AnalysisResult.pairs``; ``labels``: the track list's name per track."""
        self._quiet = True
        try:
            self.model.set_pairs(pairs, labels)
        finally:
            self._quiet = False
        self.fit_columns()
        controller = getattr(self, "_controller", None)
        if controller is not None:
            self.select_pair(controller.state.pair)
        n = 0 if pairs is None else len(pairs)
        self.summary.setText(summary or f"{n} pair{'s' if n != 1 else ''}")

    def set_units(self, units: str) -> None:
        self.model.set_units(units)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Columns to their contents (pair names capped so numbers stay in view)."""
        self.view.resizeColumnsToContents()
        self.view.setColumnWidth(0, min(self.view.columnWidth(0), 220))

    def row_count(self) -> int:
        return self.proxy.rowCount()

    def ticked_pairs(self) -> list[tuple[int, int]]:
        """Pairs ticked for a briefing, in the analysis's order."""
        return self.model.ticked_pairs()

    def pair_at_view_row(self, row: int) -> tuple[int, int, float]:
        return self.model.pair_at(self.proxy.mapToSource(self.proxy.index(row, 0)).row())

    def select_pair(self, pair: tuple[int, int] | None) -> None:
        """Highlight a pair chosen elsewhere (map, session) without re-emitting."""
        self._quiet = True
        try:
            row = self.model.row_of(pair) if pair is not None else None
            if row is None:
                self.view.clearSelection()
                return
            idx = self.proxy.mapFromSource(self.model.index(row, 0))
            self.view.selectRow(idx.row())
            self.view.scrollTo(idx)
        finally:
            self._quiet = False

    def _emit_for(self, index: QtCore.QModelIndex, signal: QtCore.SignalInstance) -> None:
        if not index.isValid():
            return
        a, b, t = self.model.pair_at(self.proxy.mapToSource(index).row())
        signal.emit(a, b, t)

    def _on_clicked(self, index: QtCore.QModelIndex) -> None:
        self._emit_for(index, self.pairActivated)

    def _on_selection(self, selected: QtCore.QItemSelection, _old: QtCore.QItemSelection) -> None:
        rows = selected.indexes()
        if rows and not self._quiet:
            self._emit_for(rows[0], self.pairActivated)

    def _on_double_clicked(self, index: QtCore.QModelIndex) -> None:
        self._emit_for(index, self.pairZoomRequested)

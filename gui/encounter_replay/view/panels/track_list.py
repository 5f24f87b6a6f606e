"""Track list: show/hide, follow, colour, and class filters.

A model/view table rather than one widget per row, so a 1,200-flight ADS-B day lists as
fast as a two-ship dogfight; a text filter finds a callsign among them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PySide6 import QtCore, QtGui, QtWidgets

from ... import palette
from ...model.identity import clean_types
from ...model.labels import track_labels
from ..scene_data import coalition_color, side_shades

CLASS_ORDER = ("aircraft", "weapon", "decoy", "ground", "sea", "reference", "other")

COL_SHOW, COL_NAME, COL_TYPE, COL_CLASS, COL_SIDE, COL_FOLLOW = range(6)
HEADERS = ("", "Name", "Type", "Class", "Side", "Follow")


def default_color(row: Any) -> str:
    """The colour a track is drawn in before the user picks one (the map's own rule)."""
    return coalition_color(
        str(getattr(row, "coalition", "") or ""), str(getattr(row, "color", "") or "")
    )


def unique_labels(meta: pd.DataFrame) -> list[str]:
    """Track labels as every view shows them (:func:`~encounter_replay.model.labels.track_labels`)."""
    return track_labels(meta)


class TrackListModel(QtCore.QAbstractTableModel):
    visibilityChanged = QtCore.Signal(int, bool)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._labels: list[str] = []
        self._types: list[str] = []
        self.visible = np.zeros(0, dtype=bool)
        self.colors: list[str] = []
        self.defaults: list[str] = []
        self.hidden_classes: set[str] = set()
        self.follow: int | None = None

    def set_meta(self, meta: pd.DataFrame) -> None:
        self.beginResetModel()
        self._rows = list(meta.itertuples(index=False))
        self._labels = unique_labels(meta)
        self.visible = np.ones(len(self._rows), dtype=bool)
        cls = meta["cls"].to_numpy(dtype=object).astype(str) if len(meta) else np.zeros(0, str)
        self.defaults = side_shades([default_color(r) for r in self._rows], cls)
        self._types = clean_types(meta)
        self.colors = list(self.defaults)
        self.follow = None
        self.endResetModel()

    def label(self, k: int) -> str:
        return self._labels[k]

    def cls(self, k: int) -> str:
        return str(self._rows[k].cls)

    def _changed(self, k: int, col: int | None = None) -> None:
        first = self.index(k, 0 if col is None else col)
        last = self.index(k, self.columnCount() - 1 if col is None else col)
        self.dataChanged.emit(first, last)

    def set_visible(self, k: int, on: bool) -> None:
        if bool(self.visible[k]) != on:
            self.visible[k] = on
            self._changed(k, COL_SHOW)
            self.visibilityChanged.emit(k, on)

    def set_color(self, k: int, color: str) -> None:
        self.colors[k] = color
        self._changed(k, COL_NAME)

    def set_follow(self, k: int | None) -> None:
        old, self.follow = self.follow, k
        for row in {old, k} - {None}:
            self._changed(row, COL_FOLLOW)

    def set_hidden_classes(self, classes: set[str]) -> None:
        self.hidden_classes = set(classes)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 5))

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: QtCore.Qt.Orientation, role: int = 0) -> Any:
        if orientation == QtCore.Qt.Orientation.Horizontal:
            if role == QtCore.Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == QtCore.Qt.ItemDataRole.ToolTipRole:
                return (
                    "Show on the map",
                    "Callsign or name (double-click the swatch: colour)",
                    "Type",
                    "Object class",
                    "Coalition",
                    "The map keeps this track centred",
                )[section]
        return None

    def flags(self, index: QtCore.QModelIndex) -> QtCore.Qt.ItemFlag:
        f = QtCore.Qt.ItemFlag.ItemIsEnabled | QtCore.Qt.ItemFlag.ItemIsSelectable
        if index.column() == COL_SHOW:
            f |= QtCore.Qt.ItemFlag.ItemIsUserCheckable
        return f

    def data(self, index: QtCore.QModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        k, col = index.row(), index.column()
        r = self._rows[k]
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            if col == COL_NAME:
                return self._labels[k]
            if col == COL_TYPE:
                return self._types[k]
            if col == COL_CLASS:
                return str(r.cls)
            if col == COL_SIDE:
                return str(r.coalition or "")
            if col == COL_FOLLOW:
                return "●" if self.follow == k else "○"
            return None
        if role == QtCore.Qt.ItemDataRole.CheckStateRole and col == COL_SHOW:
            return (
                QtCore.Qt.CheckState.Checked if self.visible[k] else QtCore.Qt.CheckState.Unchecked
            )
        if role == QtCore.Qt.ItemDataRole.DecorationRole and col == COL_NAME:
            return QtGui.QColor(self.colors[k])
        if role == QtCore.Qt.ItemDataRole.ForegroundRole and (
            str(r.cls) in self.hidden_classes or not self.visible[k]
        ):
            return QtGui.QColor(palette.HIDDEN_ROW)
        if role == QtCore.Qt.ItemDataRole.ToolTipRole:
            return f"id {r.id} · {r.source}"
        if role == QtCore.Qt.ItemDataRole.TextAlignmentRole and col == COL_FOLLOW:
            return int(QtCore.Qt.AlignmentFlag.AlignCenter)
        return None

    def setData(self, index: QtCore.QModelIndex, value: Any, role: int = 0) -> bool:
        if index.column() == COL_SHOW and role == QtCore.Qt.ItemDataRole.CheckStateRole:
            on = QtCore.Qt.CheckState(value) == QtCore.Qt.CheckState.Checked
            self.set_visible(index.row(), on)
            return True
        return False


class TrackList(QtWidgets.QWidget):
    """Emits what the user asked for; the window applies it to the map and the state."""

    trackVisibilityChanged = QtCore.Signal(int, bool)
    trackColorChanged = QtCore.Signal(int, str)
    followRequested = QtCore.Signal(int)  # -1: follow nothing
    classVisibilityChanged = QtCore.Signal(str, bool)
    trackActivated = QtCore.Signal(int)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TrackListModel(self)
        self.proxy = QtCore.QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(COL_NAME)
        self.proxy.setFilterCaseSensitivity(QtCore.Qt.CaseSensitivity.CaseInsensitive)
        self.filter_edit = QtWidgets.QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter by name…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.class_bar = QtWidgets.QHBoxLayout()
        self.class_bar.setSpacing(4)
        self.class_buttons: dict[str, QtWidgets.QToolButton] = {}
        self.view = QtWidgets.QTableView(self)
        self.view.setObjectName("TrackTable")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, QtCore.Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.setAlternatingRowColors(True)
        self.view.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(COL_TYPE, QtWidgets.QHeaderView.ResizeMode.Stretch)
        for col in (COL_SHOW, COL_NAME, COL_CLASS, COL_SIDE, COL_FOLLOW):
            header.setSectionResizeMode(col, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(3)
        lay.addWidget(self.filter_edit)
        lay.addLayout(self.class_bar)
        lay.addWidget(self.view)
        self.model.visibilityChanged.connect(self.trackVisibilityChanged)
        self.view.clicked.connect(self._on_clicked)
        self.view.doubleClicked.connect(self._on_double_clicked)

    def bind(self, controller) -> None:
        """Show the controller's visibility, colours and followed track; send the user's
        changes back (a colour equal to the track's default clears the override)."""
        self._controller = controller
        controller.stateChanged.connect(lambda _old, new: self.show_state(new))
        self.trackVisibilityChanged.connect(controller.set_track_visible)
        self.followRequested.connect(lambda k: controller.set_follow(None if k < 0 else k))
        self.classVisibilityChanged.connect(controller.set_class_visible)
        self.trackActivated.connect(controller.select_track)
        self.trackColorChanged.connect(self._color_chosen)

    def _color_chosen(self, k: int, color: str) -> None:
        defaults = self.model.defaults
        default = k < len(defaults) and color == defaults[k]
        self._controller.set_track_color(k, None if default else color)

    def show_state(self, state) -> None:
        """Make the list show ``state`` (without emitting requests)."""
        m = self.model
        m.set_hidden_classes(set(state.hidden_classes))
        for cls, b in self.class_buttons.items():
            b.blockSignals(True)
            b.setChecked(cls not in state.hidden_classes)
            b.blockSignals(False)
        for k in range(len(m.visible)):
            if bool(m.visible[k]) == (k in state.hidden_tracks):
                m.set_visible(k, k not in state.hidden_tracks)
            color = state.colors.get(k, m.defaults[k] if k < len(m.defaults) else "")
            if k < len(m.colors) and m.colors[k] != color:
                m.set_color(k, color)
        if m.follow != state.follow_track:
            m.set_follow(state.follow_track)

    # ------------------------------------------------------------------ data
    def set_meta(self, meta: pd.DataFrame) -> None:
        self.model.set_meta(meta)
        while self.class_bar.count():
            item = self.class_bar.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.class_buttons.clear()
        present = set(meta["cls"].astype(str)) if len(meta) else set()
        counts = meta["cls"].astype(str).value_counts() if len(meta) else {}
        for cls in [c for c in CLASS_ORDER if c in present] + sorted(present - set(CLASS_ORDER)):
            b = QtWidgets.QToolButton(self)
            b.setText(f"{cls} {counts[cls]}")
            b.setToolTip(f"Show or hide every {cls} track")
            b.setCheckable(True)
            b.setChecked(cls not in self.model.hidden_classes)
            b.setObjectName("ClassToggle")
            b.toggled.connect(lambda on, c=cls: self._class_toggled(c, on))
            self.class_bar.addWidget(b)
            self.class_buttons[cls] = b
        self.class_bar.addStretch(1)
        controller = getattr(self, "_controller", None)
        if controller is not None:
            self.show_state(controller.state)

    def _class_toggled(self, cls: str, on: bool) -> None:
        hidden = set(self.model.hidden_classes)
        (hidden.discard if on else hidden.add)(cls)
        self.model.set_hidden_classes(hidden)
        self.classVisibilityChanged.emit(cls, on)

    def set_class_visible(self, cls: str, on: bool) -> None:
        """Programmatic toggle (menu, session); emits like a click."""
        b = self.class_buttons.get(cls)
        if b is not None and b.isChecked() != on:
            b.setChecked(on)
        elif b is None:
            self._class_toggled(cls, on)

    def set_track_visible(self, k: int, on: bool) -> None:
        self.model.set_visible(k, on)

    def set_color(self, k: int, color: str) -> None:
        self.model.set_color(k, color)
        self.trackColorChanged.emit(k, color)

    def set_follow(self, k: int | None) -> None:
        self.model.set_follow(k)

    def select_track(self, k: int | None) -> None:
        if k is None:
            self.view.clearSelection()
            return
        idx = self.proxy.mapFromSource(self.model.index(k, 0))
        if idx.isValid():
            self.view.selectRow(idx.row())
            self.view.scrollTo(idx)

    def current_track(self) -> int | None:
        idx = self.view.currentIndex()
        return self.proxy.mapToSource(idx).row() if idx.isValid() else None

    # ------------------------------------------------------------------ interaction
    def _source_row(self, index: QtCore.QModelIndex) -> int:
        return self.proxy.mapToSource(index).row()

    def _on_clicked(self, index: QtCore.QModelIndex) -> None:
        k = self._source_row(index)
        if index.column() == COL_FOLLOW:
            self.followRequested.emit(-1 if self.model.follow == k else k)
        elif index.column() != COL_SHOW:
            self.trackActivated.emit(k)

    def _on_double_clicked(self, index: QtCore.QModelIndex) -> None:
        if index.column() == COL_NAME:
            self.pick_color(self._source_row(index))

    def pick_color(self, k: int) -> None:
        """Colour dialog for track ``k`` (non-blocking: opened window-modal)."""
        dlg = QtWidgets.QColorDialog(QtGui.QColor(self.model.colors[k]), self)
        dlg.setWindowTitle(f"Colour of {self.model.label(k)}")
        dlg.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.colorSelected.connect(lambda c: self.set_color(k, c.name()))
        dlg.open()

    def _context_menu(self, pos: QtCore.QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        k = self._source_row(index)
        menu = QtWidgets.QMenu(self)
        if self.model.follow == k:
            menu.addAction("Stop following", lambda: self.followRequested.emit(-1))
        else:
            menu.addAction("Follow", lambda: self.followRequested.emit(k))
        menu.addAction("Colour…", lambda: self.pick_color(k))
        menu.addAction(
            "Reset colour", lambda: self.set_color(k, self.model.defaults[k])
        ).setEnabled(self.model.colors[k] != self.model.defaults[k])
        shown = bool(self.model.visible[k])
        menu.addAction("Hide" if shown else "Show", lambda: self.set_track_visible(k, not shown))
        menu.exec(self.view.viewport().mapToGlobal(pos))

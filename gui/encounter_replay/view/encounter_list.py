"""File ▸ Open encounter list…: the list a screen wrote, as a table in a dock; a double-click
replays that pair.

The list is read whole (one row per pair, a few kB each). A double-click loads only the
pair's neighbourhood from the archive named by the row's ``source_files`` — the same code
as ``--encounter LIST:ROW`` (:mod:`..screen.neighbourhood`), DuckDB reading just that
time — in a thread, so the window keeps painting; the scene is swapped in one step once
it is there (:func:`..screen.replay_window.show_encounter`), analysed in the background
like any scene, and the pair is selected at its CPA when the analysis is in. A missing
archive or a missing ``screen`` extra is said in a message; the scene on screen stays.

The screen modules are imported on first use: the window starts without pandas' Parquet
reader work or DuckDB, and works without the extra.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from PySide6 import QtCore, QtGui, QtWidgets

from .. import palette
from ..model.labels import short_label
from ..model.units import (
    altitude_label,
    altitude_value,
    distance_label,
    distance_value,
    fmt_iso,
    fmt_time_utc,
)
from .panels.encounter_table import SEVERITY_TEXT, SORT_ROLE

if TYPE_CHECKING:
    from .main_window import MainWindow

INSTALL_HINT = "pip install 'encounter-replay[screen]'"
NEEDS_EXTRA = (
    "Replaying an encounter list from its archive needs DuckDB, part of the optional "
    f"'screen' extra. Install it with:\n\n    {INSTALL_HINT}"
)
_SEVERITY_ORDER = {level: k for k, level in enumerate(SEVERITY_TEXT)}


def screen_extra_installed() -> bool:
    """Whether DuckDB can be imported (checked without importing it)."""
    return importlib.util.find_spec("duckdb") is not None


def _num(x: Any, digits: int) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "—"
    return f"{v:,.{digits}f}" if math.isfinite(v) else "—"


def _finite_key(x: Any) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return math.inf
    return v if math.isfinite(v) else math.inf


def when_text(t: Any) -> str:
    """'2024-01-03 14:29:08.6Z': a list spans days, so the date leads the clock."""
    day = fmt_iso(t)[:10]
    return f"{day} {fmt_time_utc(t)}" if len(day) == 10 else fmt_iso(t)


def pair_text(r: Any) -> str:
    """'AFR123 – EZY45': each side as the analysis names it (callsign, else name, else id)."""
    a = short_label({"callsign": r.a_name, "id": r.a_id})
    b = short_label({"callsign": r.b_name, "id": r.b_id})
    return f"{a}  –  {b}"


Column = tuple[str, Callable[[Any], str], Callable[[Any], Any], str]


class EncounterListModel(QtCore.QAbstractTableModel):
    """The rows of an encounter list; numbers in the window's units, raw values to sort."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.frame = pd.DataFrame()
        self._rows: list[Any] = []
        self.units = "nm"
        self._columns = self._make_columns()

    def _make_columns(self) -> list[Column]:
        u = self.units
        d, a = distance_label(u), altitude_label(u)
        return [
            ("Rank", lambda r: _num(r.rank, 0), lambda r: _finite_key(r.rank), "Briefing order"),
            ("Pair", pair_text, lambda r: pair_text(r).lower(), "The two aircraft"),
            (
                "Severity",
                lambda r: SEVERITY_TEXT.get(getattr(r, "severity", ""), ""),
                lambda r: _SEVERITY_ORDER.get(getattr(r, "severity", ""), len(_SEVERITY_ORDER)),
                "Most severe level reached: NMAC, well clear lost, separation lost, visual",
            ),
            (
                f"Slant\n{d}",
                lambda r: _num(distance_value(r.cpa_slant_m, u), 2),
                lambda r: _finite_key(r.cpa_slant_m),
                "Slant range at the closest point of approach",
            ),
            (
                f"Horiz.\n{d}",
                lambda r: _num(distance_value(r.cpa_horizontal_m, u), 2),
                lambda r: _finite_key(r.cpa_horizontal_m),
                "Horizontal separation at the closest point of approach",
            ),
            (
                f"Vert.\n{a}",
                lambda r: _num(altitude_value(r.cpa_vertical_m, u), 0),
                lambda r: _finite_key(r.cpa_vertical_m),
                "Vertical separation at the closest point of approach",
            ),
            (
                "CPA (UTC)",
                lambda r: when_text(r.cpa_time),
                lambda r: _finite_key(r.cpa_time),
                "Time of the closest point of approach",
            ),
            (
                "Source files",
                lambda r: ", ".join(Path(f).name for f in r.source_files),
                lambda r: ", ".join(Path(f).name for f in r.source_files),
                "Archive files the pair is replayed from",
            ),
        ]

    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        self.frame = frame.reset_index(drop=True)
        self._rows = list(self.frame.itertuples(index=False))
        self.endResetModel()

    def set_units(self, units: str) -> None:
        self.units = units
        self._columns = self._make_columns()
        self.headerDataChanged.emit(QtCore.Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        if self._rows:
            last = self.index(len(self._rows) - 1, len(self._columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def rowCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

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
        if role == QtCore.Qt.ItemDataRole.ToolTipRole:
            if col == 1:
                return f"{r.a_id} / {r.b_id} — double-click to replay"
            if col == len(self._columns) - 1:
                return "\n".join(map(str, r.source_files))
        if role == QtCore.Qt.ItemDataRole.ForegroundRole and col == 2:
            color = {
                "nmac": palette.NMAC,
                "well_clear": palette.WELL_CLEAR,
                "loss_of_separation": palette.LOS,
                "visual_contact": palette.VISUAL,
            }.get(getattr(r, "severity", ""))
            return QtGui.QColor(color) if color else None
        if role == QtCore.Qt.ItemDataRole.TextAlignmentRole and col not in (1, 2, 7):
            return int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
        return None


class EncounterListPanel(QtWidgets.QWidget):
    """The list's table, a line about it, and a message line for loads and problems.
    ``rowActivated(row)``: a row of the list (its position in the file) double-clicked."""

    rowActivated = QtCore.Signal(int)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = EncounterListModel(self)
        self.proxy = QtCore.QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.summary = QtWidgets.QLabel("No encounter list open", objectName="PanelSummary")
        self.summary.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred
        )
        self.message = QtWidgets.QLabel("", self)
        self.message.setObjectName("EncounterListMessage")
        self.message.setWordWrap(True)
        self.message.setContentsMargins(6, 0, 6, 2)
        self.message.setVisible(False)
        self.message.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.view = QtWidgets.QTableView(self)
        self.view.setObjectName("EncounterListTable")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, QtCore.Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(
            lambda index: self.rowActivated.emit(self.proxy.mapToSource(index).row())
        )
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.summary)
        lay.addWidget(self.message)
        lay.addWidget(self.view)

    def set_list(self, frame: pd.DataFrame, path: Path) -> None:
        self.model.set_frame(frame)
        self.view.resizeColumnsToContents()
        n = len(frame)
        self.summary.setText(
            f"{path.name}: {n} pair{'s' if n != 1 else ''} — double-click one to replay it"
        )
        self.summary.setToolTip(str(path))
        self.say("")

    def say(self, text: str, problem: bool = False) -> None:
        """A line under the summary: what is loading, or what went wrong (in the loss
        colour, so it is not missed)."""
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {palette.LOS};" if problem else "")
        self.message.setVisible(bool(text))

    def view_index_of(self, row: int) -> QtCore.QModelIndex:
        """The table's index of the list's ``row`` (for tests and selection)."""
        return self.proxy.mapFromSource(self.model.index(row, 1))


class NeighbourhoodLoad(QtCore.QThread):
    """Reads one row's neighbourhood off the GUI thread: ``loaded(ts)`` or ``failed(text)``."""

    loaded = QtCore.Signal(object)
    failed = QtCore.Signal(str)

    def __init__(self, parent: QtCore.QObject, row: pd.Series, info: dict, options) -> None:
        super().__init__(parent)
        self.row, self.info, self.options = row, info, options

    def run(self) -> None:  # worker thread
        from ..screen.extra import MissingExtra
        from ..screen.neighbourhood import EncounterError, row_neighbourhood

        try:
            ts = row_neighbourhood(self.row, self.info, (), self.options)
        except (EncounterError, MissingExtra, ValueError, OSError) as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # a bug, not the user's input: say it, keep the window
            self.failed.emit(f"loading the encounter failed: {type(exc).__name__}: {exc}")
            return
        self.loaded.emit(ts)


class EncounterList(QtCore.QObject):
    """The window's encounter list: the dock (made on first use), the loads it starts, and
    the messages it gives. One load at a time; a double-click during a load replaces any
    waiting one and its result is the one shown."""

    def __init__(self, window: MainWindow, action: QtGui.QAction) -> None:
        super().__init__(window)
        self.w = window
        self.action = action
        self.panel: EncounterListPanel | None = None
        self.dock: QtWidgets.QDockWidget | None = None
        self.path: Path | None = None
        self.info: dict = {}
        self.message_box: QtWidgets.QMessageBox | None = None
        self._worker: NeighbourhoodLoad | None = None
        self._waiting: int | None = None
        self._pending_pair: tuple[str, str, float] | None = None
        self.installed = screen_extra_installed()
        if self.installed:
            action.setStatusTip("Open an encounter list written by `encounter-replay screen`")
        else:
            action.setText("Open encounter list… (needs the 'screen' extra)")
            action.setStatusTip(f"Needs the optional 'screen' extra: {INSTALL_HINT}")
        action.setToolTip(action.statusTip())
        action.setEnabled(True)
        action.triggered.connect(self.open_dialog)
        window.sceneLoaded.connect(self._on_scene_loaded)
        window.installEventFilter(self)

    # ------------------------------------------------------------------ opening
    def open_dialog(self) -> None:
        if not self.installed:
            self._tell("Encounter list", NEEDS_EXTRA)
            return
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self.w,
            "Open encounter list",
            str(self.path.parent) if self.path else "",
            "Encounter lists (*.parquet *.csv);;All files (*)",
        )
        if path:
            self.open_list(path)

    def open_list(self, path: str | Path) -> bool:
        """Show the list in the dock; False (and a message) when it is not one."""
        from ..screen.output import read_list_file

        try:
            frame, info, parquet = read_list_file(path)
        except ValueError as exc:
            self._tell("Encounter list", str(exc))
            return False
        self.path, self.info = parquet, info
        panel = self._ensure_dock()
        panel.model.set_units(self.w.state.units)
        panel.set_list(frame, parquet)
        self.dock.show()
        self.dock.raise_()
        self.w.statusBar().showMessage(f"Encounter list {parquet.name}: {len(frame)} pairs", 5000)
        return True

    def _ensure_dock(self) -> EncounterListPanel:
        if self.panel is None:
            self.panel = EncounterListPanel(self.w)
            self.panel.rowActivated.connect(self.replay_row)
            self.dock = QtWidgets.QDockWidget("Encounter list", self.w)
            self.dock.setObjectName("EncounterListDock")
            self.dock.setWidget(self.panel)
            self.w.addDockWidget(QtCore.Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
            self.w.controller.stateChanged.connect(self._on_state)
        return self.panel

    def _on_state(self, old, new) -> None:
        if new.units != old.units and self.panel is not None:
            self.panel.model.set_units(new.units)

    # ------------------------------------------------------------------ replaying
    def replay_row(self, row: int) -> None:
        """Load row ``row``'s neighbourhood from its archive and replay it."""
        if self.panel is None or not 0 <= row < len(self.panel.model.frame):
            return
        if not self.installed:
            self._tell("Encounter list", NEEDS_EXTRA)
            return
        from ..screen.neighbourhood import missing_message, missing_sources

        record = self.panel.model.frame.iloc[row]
        missing = missing_sources(list(record["source_files"]))
        if missing:
            text = missing_message(missing) + ". The scene on screen is unchanged."
            self.panel.say(text, problem=True)
            self.w.statusBar().showMessage(text, 15000)
            self._tell("Encounter list", text)
            return
        if self._worker is not None:
            self._waiting = row  # started when the running load is done
            return
        self._start(row)

    def _start(self, row: int) -> None:
        record = self.panel.model.frame.iloc[row]
        self._pending_pair = None
        worker = NeighbourhoodLoad(self, record, self.info, self.w.options)
        worker.loaded.connect(lambda ts, r=record: self._on_loaded(ts, r))
        worker.failed.connect(self._on_failed)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        what = f"Loading {pair_text(record).replace('  ', ' ')} from the archive…"
        self.panel.say(what)
        self.w.statusBar().showMessage(what)
        worker.start()

    def busy(self) -> bool:
        return self._worker is not None

    def _on_loaded(self, ts, record: pd.Series) -> None:
        if self._waiting is not None:
            return  # the user asked for another row meanwhile
        from ..screen.replay_window import show_encounter

        cpa = float(record["cpa_time"])
        show_encounter(self.w, ts, cpa)
        self._pending_pair = (str(record["a_id"]), str(record["b_id"]), cpa)
        n = len(ts)
        self.panel.say(
            f"Replaying {pair_text(record).replace('  ', ' ')}: {n} track{'s' if n != 1 else ''}"
            " within visual range of the pair"
        )

    def _on_failed(self, text: str) -> None:
        if self._waiting is not None:
            return
        text = f"{text}. The scene on screen is unchanged."
        self.panel.say(text, problem=True)
        self.w.statusBar().showMessage(text, 15000)
        self._tell("Encounter list", text)

    def _on_finished(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.deleteLater()
        if self._waiting is not None:
            row, self._waiting = self._waiting, None
            self._start(row)

    def _on_scene_loaded(self) -> None:
        """The analysis of the replayed neighbourhood is in: select the pair at its CPA."""
        if self._pending_pair is None or self.w.analysis is None or self.w.ts is None:
            return
        a_id, b_id, cpa = self._pending_pair
        self._pending_pair = None
        ids = self.w.ts.ids
        if a_id in ids and b_id in ids:
            a, b = sorted((ids.index(a_id), ids.index(b_id)))
            self.w.nav.select_pair(a, b, cpa)

    # ------------------------------------------------------------------ messages
    def _tell(self, title: str, text: str) -> None:
        """A message that does not block the window (loads and playback go on)."""
        if self.message_box is not None:
            self.message_box.close()
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Information, title, text)
        box.setParent(self.w, QtCore.Qt.WindowType.Dialog)
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose, False)
        box.open()
        self.message_box = box

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        """A load still reading when the window closes is waited for (a running QThread
        must not be destroyed)."""
        if obj is self.w and event.type() == QtCore.QEvent.Type.Close:
            self._waiting = None
            if self._worker is not None:
                self._worker.wait()
        return False


def install(window: MainWindow) -> EncounterList:
    """Give ``window`` its File ▸ Open encounter list… (the action :mod:`.actions` made)."""
    window.encounter_list = EncounterList(window, window.commands.open_encounters)
    return window.encounter_list

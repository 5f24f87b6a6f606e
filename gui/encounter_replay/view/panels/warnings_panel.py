"""Data-quality findings, shown rather than hidden: what the readers and the analysis
noticed (jumps, duplicate times, missing altitudes, excluded tracks), with file and line."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from PySide6 import QtCore, QtWidgets

from ...model import DataWarning
from ...model.units import fmt_time_utc

#: Item data role holding an excluded sample's time (clicking the row seeks there).
TIME_ROLE = QtCore.Qt.ItemDataRole.UserRole + 1


class WarningsPanel(QtWidgets.QWidget):
    """Findings per file, then the samples the analysis left out; clicking an excluded
    sample asks to go to its time (``seekRequested``), so the analyst can see the spike
    or the stale position that was set aside."""

    countChanged = QtCore.Signal(int)
    seekRequested = QtCore.Signal(float)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QtWidgets.QTreeWidget(self)
        self.tree.setObjectName("WarningsTree")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Finding", "Line", "Count"])
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setWordWrap(False)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.summary = QtWidgets.QLabel("No data-quality findings", objectName="PanelSummary")
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.summary)
        lay.addWidget(self.tree)
        self._data: list[DataWarning] = []
        self._analysis: list[DataWarning] = []
        self._excluded = pd.DataFrame()
        self.tree.itemClicked.connect(self._on_clicked)

    def bind(self, controller) -> None:
        """A click on an excluded sample seeks the controller's clock to it."""
        self.seekRequested.connect(controller.seek)

    def set_excluded(self, excluded: pd.DataFrame | None) -> None:
        """The analysis's excluded samples (``AnalysisResult.excluded``)."""
        self._excluded = excluded if excluded is not None else pd.DataFrame()
        self._rebuild()

    def _on_clicked(self, item: QtWidgets.QTreeWidgetItem, _column: int) -> None:
        t = item.data(0, TIME_ROLE)
        if t is not None:
            self.seekRequested.emit(float(t))

    def set_data_warnings(self, warnings: Iterable[DataWarning]) -> None:
        self._data = list(warnings)
        self._rebuild()

    def set_analysis_warnings(self, warnings: Iterable[DataWarning]) -> None:
        self._analysis = list(warnings)
        self._rebuild()

    def count(self) -> int:
        return len(self._data) + len(self._analysis)

    def texts(self) -> list[str]:
        return [str(w) for w in self._data + self._analysis]

    def _add_excluded(self) -> None:
        ex = self._excluded
        if not len(ex):
            return
        top = QtWidgets.QTreeWidgetItem([f"Excluded samples ({len(ex)}): click to see one", "", ""])
        f = top.font(0)
        f.setBold(True)
        top.setFont(0, f)
        top.setToolTip(0, "Samples the analysis left out as implausible or stale (not used)")
        self.tree.addTopLevelItem(top)
        for r in ex.itertuples(index=False):
            line = "" if pd.isna(r.line) else str(int(r.line))
            row = QtWidgets.QTreeWidgetItem(
                [f"{r.name or r.id} {fmt_time_utc(r.time)}: {r.reason}", line, "1"]
            )
            row.setData(0, TIME_ROLE, float(r.time))
            row.setToolTip(0, f"{r.id}: {r.reason} (click to go to {fmt_time_utc(r.time)})")
            row.setTextAlignment(1, QtCore.Qt.AlignmentFlag.AlignRight)
            top.addChild(row)
        top.setExpanded(len(ex) <= 50)

    def _rebuild(self) -> None:
        """One group per file (and one for the analysis), the finding first: long file
        names go in the group title, not in a column that would push the findings away."""
        self.tree.clear()
        groups: dict[str, list[DataWarning]] = {}
        for w in self._data:
            groups.setdefault(f"{Path(w.source).name or 'data'}", []).append(w)
        if self._analysis:
            groups["Analysis"] = list(self._analysis)
        for title, items in groups.items():
            top = QtWidgets.QTreeWidgetItem([f"{title} ({len(items)})", "", ""])
            f = top.font(0)
            f.setBold(True)
            top.setFont(0, f)
            top.setFirstColumnSpanned(False)
            top.setToolTip(0, items[0].source)
            self.tree.addTopLevelItem(top)
            for w in items:
                row = QtWidgets.QTreeWidgetItem(
                    [w.message, "" if w.line is None else str(w.line), str(w.count)]
                )
                row.setToolTip(0, str(w))
                row.setTextAlignment(1, QtCore.Qt.AlignmentFlag.AlignRight)
                row.setTextAlignment(2, QtCore.Qt.AlignmentFlag.AlignRight)
                top.addChild(row)
            top.setExpanded(True)
        self._add_excluded()
        n = self.count()
        self.summary.setText(
            f"{n} finding{'s' if n != 1 else ''} — loading went on past each"
            if n
            else "No data-quality findings"
        )
        self.countChanged.emit(n)

"""Data-quality findings, shown rather than hidden: what the readers and the analysis
noticed (jumps, duplicate times, missing altitudes, excluded tracks), with file and line."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from ...model import DataWarning


class WarningsPanel(QtWidgets.QWidget):
    countChanged = QtCore.Signal(int)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QtWidgets.QTreeWidget(self)
        self.tree.setObjectName("WarningsTree")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["Source", "Line", "Count", "Finding"])
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setWordWrap(False)
        header = self.tree.header()
        header.setStretchLastSection(True)
        self.summary = QtWidgets.QLabel("No data-quality findings", objectName="PanelSummary")
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.summary)
        lay.addWidget(self.tree)
        self._data: list[DataWarning] = []
        self._analysis: list[DataWarning] = []

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

    def _rebuild(self) -> None:
        self.tree.clear()
        for title, items in (("Data quality", self._data), ("Analysis", self._analysis)):
            if not items:
                continue
            top = QtWidgets.QTreeWidgetItem([f"{title} ({len(items)})", "", "", ""])
            f = top.font(0)
            f.setBold(True)
            top.setFont(0, f)
            self.tree.addTopLevelItem(top)
            for w in items:
                row = QtWidgets.QTreeWidgetItem(
                    [
                        Path(w.source).name if w.source else "",
                        "" if w.line is None else str(w.line),
                        str(w.count),
                        w.message,
                    ]
                )
                row.setToolTip(0, w.source)
                row.setToolTip(3, str(w))
                row.setTextAlignment(1, QtCore.Qt.AlignmentFlag.AlignRight)
                row.setTextAlignment(2, QtCore.Qt.AlignmentFlag.AlignRight)
                top.addChild(row)
            top.setExpanded(True)
        for col in range(3):
            self.tree.resizeColumnToContents(col)
        n = self.count()
        self.summary.setText(
            f"{n} finding{'s' if n != 1 else ''} — loading went on past each"
            if n
            else "No data-quality findings"
        )
        self.countChanged.emit(n)

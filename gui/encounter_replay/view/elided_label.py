"""A label for the status bar that shortens its text rather than widen the window."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets


class ElidedLabel(QtWidgets.QLabel):
    """A label whose lines end in "…" when the window is too narrow, instead of being cut."""

    def minimumSizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        p = QtGui.QPainter(self)
        p.setPen(self.palette().color(QtGui.QPalette.ColorRole.WindowText))
        fm = self.fontMetrics()
        r = self.contentsRect()
        lines = self.text().split("\n")
        y = r.top() + (r.height() - fm.height() * len(lines)) // 2 + fm.ascent()
        for line in lines:
            p.drawText(
                r.left(), y, fm.elidedText(line, QtCore.Qt.TextElideMode.ElideRight, r.width())
            )
            y += fm.height()
        p.end()

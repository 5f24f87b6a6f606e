"""The map's legend: what its lines, rings and marks mean, toggled from View ▸ Map legend.

A box in the bottom-right corner, drawn in screen space over the map; its rectangle is a
keep-out area for labels, so the pair readout never sits under it. Painted from a cached
image: it only changes with its own visibility or the view's size.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from ... import palette
from . import style

#: (what is drawn, pen colour, pen style, width, meaning); "mark" entries are symbols.
ENTRIES = (
    ("line", palette.SELECT, "solid", 1.6, "selected pair"),
    ("line", palette.VISUAL, "dash", 1.6, "in visual contact"),
    ("line", palette.LOS, "solid", 2.4, "loss of separation"),
    ("ring", palette.VISUAL, "dash", 1.2, "visual range"),
    ("ring", palette.LOS, "dot", 1.2, "horizontal minimum"),
    ("ring", palette.SELECT, "solid", 1.6, "selected object"),
    ("mark", palette.CPA, "solid", 1.0, "closest approach (CPA)"),
    ("line", palette.CPA, "dot", 1.2, "CPA geometry"),
    ("mark", palette.EVENT_LAUNCH, "solid", 1.0, "launch / event"),
    ("mark", palette.NOTE, "solid", 1.0, "note"),
)
ROW_H = 16.0
PAD = 6.0
SWATCH_W = 26.0
MARGIN = 8.0
#: Room left at the bottom for the scale bar's row.
BOTTOM_GAP = 8.0


class MapLegend(pg.GraphicsObject):
    def __init__(self, viewbox: pg.ViewBox) -> None:
        super().__init__(viewbox)
        self._vb = viewbox
        self.setZValue(style.Z_FURNITURE)
        self._font = style.ui_font(8.0)
        fm = QtGui.QFontMetricsF(self._font)
        self._w = PAD * 3 + SWATCH_W + max(fm.horizontalAdvance(e[4]) for e in ENTRIES)
        self._h = PAD * 2 + ROW_H * len(ENTRIES)
        self._image: QtGui.QImage | None = None
        self.setVisible(False)

    def boundingRect(self) -> QtCore.QRectF:
        return self._vb.boundingRect()

    def rect(self) -> QtCore.QRectF:
        """Where the legend sits (screen px within the map), bottom-right."""
        r = self._vb.boundingRect()
        return QtCore.QRectF(
            r.right() - self._w - MARGIN,
            r.bottom() - self._h - MARGIN - BOTTOM_GAP,
            self._w,
            self._h,
        )

    def keep_out(self) -> list[QtCore.QRectF]:
        return [self.rect()] if self.isVisible() else []

    def paint(self, p: QtGui.QPainter, *args) -> None:
        # Drawn once into an image (antialiased round rect and text cost ~1 ms a frame).
        box = self.rect()
        dpr = float(p.device().devicePixelRatioF()) if p.device() is not None else 1.0
        if self._image is None or self._image.devicePixelRatio() != dpr:
            img = QtGui.QImage(
                int(self._w * dpr) + 1,
                int(self._h * dpr) + 1,
                QtGui.QImage.Format.Format_ARGB32_Premultiplied,
            )
            img.setDevicePixelRatio(dpr)
            img.fill(QtCore.Qt.GlobalColor.transparent)
            q = QtGui.QPainter(img)
            self._paint_box(q, QtCore.QRectF(0, 0, self._w, self._h))
            q.end()
            self._image = img
        p.drawImage(box.topLeft(), self._image)

    def _paint_box(self, p: QtGui.QPainter, box: QtCore.QRectF) -> None:
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        p.setPen(style.pen(palette.GRID, 1.0))
        p.setBrush(style.LABEL_BG)
        p.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        p.setFont(self._font)
        for i, (kind, color, dash, width, text) in enumerate(ENTRIES):
            y = box.top() + PAD + ROW_H * (i + 0.5)
            x0 = box.left() + PAD
            p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            if kind == "line":
                p.setPen(style.pen(color, width, dash))
                p.drawLine(QtCore.QPointF(x0, y), QtCore.QPointF(x0 + SWATCH_W, y))
            elif kind == "ring":
                p.setPen(style.pen(color, width, dash))
                p.drawEllipse(QtCore.QPointF(x0 + SWATCH_W / 2, y), 6.0, 6.0)
            else:
                p.setPen(style.pen(palette.OUTLINE, 1.0))
                p.setBrush(style.brush(color))
                p.drawEllipse(QtCore.QPointF(x0 + SWATCH_W / 2, y), 4.0, 4.0)
            p.setPen(QtGui.QColor(palette.TEXT_DIM))
            p.drawText(
                QtCore.QRectF(x0 + SWATCH_W + PAD, y - ROW_H / 2, self._w, ROW_H),
                QtCore.Qt.AlignmentFlag.AlignVCenter,
                text,
            )

"""An arrow at the map's edge pointing to the selected pair when it is off-screen.

After a pan or zoom the pair can leave the view and nothing would say where it went. The
arrow sits on the border on the line from the view's centre to the pair, with the pair's
distance from the centre, and disappears as soon as either aircraft is in view. Drawn in
screen space over the map (a child of the ViewBox), so it costs one triangle per frame.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from ... import palette
from . import style

#: Distance of the arrow's tip from the map's border (px).
MARGIN_PX = 18.0


class EdgeArrow(pg.GraphicsObject):
    def __init__(self, viewbox: pg.ViewBox) -> None:
        super().__init__(viewbox)
        self._vb = viewbox
        self.setZValue(style.Z_LABELS + 0.5)
        self.targets: list[tuple[float, float]] = []  # data coordinates of the pair
        self.text = ""
        self.tip: QtCore.QPointF | None = None  # where the last paint put it (tests)
        self.pre: QtGui.QTransform | None = None  # map → ViewBox when the map is turned
        self._brush = style.brush(palette.EDGE_ARROW)
        self._pen = style.pen(palette.OUTLINE, 1.0)
        self._font = style.ui_font(8.5, bold=True)

    def boundingRect(self) -> QtCore.QRectF:
        return self._vb.boundingRect()

    def set_targets(self, points: list[tuple[float, float]], text: str) -> None:
        self.targets = [p for p in points if all(map(math.isfinite, p))]
        self.text = text
        self.update()

    def placement(self) -> tuple[QtCore.QPointF, float] | None:
        """(tip in px, direction in radians, screen y down) or None when not needed."""
        if not self.targets:
            return None
        rect = self._vb.boundingRect()
        m = self._vb.childGroup.transform()
        if self.pre is not None:
            m = self.pre * m
        pts = [m.map(QtCore.QPointF(x, y)) for x, y in self.targets]
        if any(rect.contains(p) for p in pts):
            return None
        tx = sum(p.x() for p in pts) / len(pts)
        ty = sum(p.y() for p in pts) / len(pts)
        cx, cy = rect.center().x(), rect.center().y()
        dx, dy = tx - cx, ty - cy
        if abs(dx) < 1e-9 and abs(dy) < 1e-9:
            return None
        hw, hh = rect.width() / 2 - MARGIN_PX, rect.height() / 2 - MARGIN_PX
        scale = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf)
        return QtCore.QPointF(cx + dx * scale, cy + dy * scale), math.atan2(dy, dx)

    def paint(self, p: QtGui.QPainter, *args) -> None:
        place = self.placement()
        self.tip = place[0] if place else None
        if place is None:
            return
        tip, ang = place
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        p.save()
        p.translate(tip)
        p.rotate(math.degrees(ang))
        p.setPen(self._pen)
        p.setBrush(self._brush)
        p.drawPolygon(
            QtGui.QPolygonF([QtCore.QPointF(0, 0), QtCore.QPointF(-16, -8), QtCore.QPointF(-16, 8)])
        )
        p.restore()
        if self.text:
            p.setFont(self._font)
            fm = QtGui.QFontMetricsF(self._font)
            w, h = fm.horizontalAdvance(self.text) + 8, fm.height() + 2
            bx = tip.x() - 22 * math.cos(ang) - w / 2
            by = tip.y() - 22 * math.sin(ang) - h / 2
            rect = self._vb.boundingRect()
            bx = min(max(bx, rect.left() + 2), rect.right() - w - 2)
            by = min(max(by, rect.top() + 2), rect.bottom() - h - 2)
            box = QtCore.QRectF(bx, by, w, h)
            p.setPen(QtCore.Qt.PenStyle.NoPen)
            p.setBrush(style.LABEL_BG)
            p.drawRect(box)
            p.setPen(QtGui.QColor(palette.EDGE_ARROW))
            p.drawText(box, QtCore.Qt.AlignmentFlag.AlignCenter, self.text)

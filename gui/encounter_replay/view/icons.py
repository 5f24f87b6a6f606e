"""Transport icons painted at run time in the theme's colours.

The style's standard media icons are drawn dark-on-light and vanish on the dark theme;
painting a few triangles and bars here keeps them crisp at any DPI and needs no files.
"""

from __future__ import annotations

from functools import cache

from PySide6 import QtCore, QtGui

from .. import palette

ICON_COLOR = palette.ICON
DISABLED_COLOR = palette.ICON_DISABLED

# Shapes on a 24×24 grid: ("tri", x0, dir) is a triangle with its flat side at x0
# pointing right (+1) or left (−1); ("bar", x, w) is a vertical bar.
_SHAPES: dict[str, list[tuple]] = {
    "play": [("tri", 7, 1, 12)],
    "reverse": [("tri", 17, -1, 12)],
    "pause": [("bar", 6, 4), ("bar", 14, 4)],
    "step_back": [("bar", 5, 2.5), ("tri", 18, -1, 10)],
    "step_forward": [("tri", 6, 1, 10), ("bar", 16.5, 2.5)],
    "prev_mark": [("tri", 12, -1, 8), ("tri", 20, -1, 8)],
    "next_mark": [("tri", 4, 1, 8), ("tri", 12, 1, 8)],
    "start": [("bar", 3, 2.5), ("tri", 13, -1, 7.5), ("tri", 20.5, -1, 7.5)],
    "end": [("tri", 3.5, 1, 7.5), ("tri", 11, 1, 7.5), ("bar", 18.5, 2.5)],
}


def _paint(name: str, color: str, size: int) -> QtGui.QPixmap:
    pm = QtGui.QPixmap(size, size)
    pm.fill(QtCore.Qt.GlobalColor.transparent)
    p = QtGui.QPainter(pm)
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    p.scale(size / 24.0, size / 24.0)
    p.setPen(QtCore.Qt.PenStyle.NoPen)
    p.setBrush(QtGui.QColor(color))
    for shape in _SHAPES[name]:
        if shape[0] == "bar":
            _, x, w = shape
            p.drawRoundedRect(QtCore.QRectF(x, 5, w, 14), 0.8, 0.8)
        else:
            _, x0, direction, length = shape
            tip = x0 + direction * length
            half = 7.0
            p.drawPolygon(
                QtGui.QPolygonF(
                    [
                        QtCore.QPointF(x0, 12 - half),
                        QtCore.QPointF(tip, 12),
                        QtCore.QPointF(x0, 12 + half),
                    ]
                )
            )
    p.end()
    return pm


@cache
def transport_icon(name: str) -> QtGui.QIcon:
    """``play``, ``pause``, ``step_back``, ``step_forward``, ``prev_mark``, ``next_mark``,
    ``start``, ``end`` — normal and disabled states."""
    icon = QtGui.QIcon()
    for size in (16, 24, 32, 48):
        icon.addPixmap(_paint(name, ICON_COLOR, size), QtGui.QIcon.Mode.Normal)
        icon.addPixmap(_paint(name, DISABLED_COLOR, size), QtGui.QIcon.Mode.Disabled)
    return icon

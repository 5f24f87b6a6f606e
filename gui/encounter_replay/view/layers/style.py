"""The map's look: z-order and cached pens/brushes over the colours of :mod:`...palette`.

Dark navy sea, a slightly lighter land, muted lines: tracks and labels are what the
audience should see first. Pens and brushes are cached because pyqtgraph keys its symbol
atlas on object identity and because building them per frame is waste.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from ...palette import (
    AXIS_TEXT,
    BORDER,
    COAST,
    CPA,
    GRID,
    GRID_TEXT,
    LAKE_SHORE,
    LAND,
    LOS,
    OUTLINE,
    SEA,
    SELECT,
    TEXT,
    TEXT_DIM,
    VISUAL,
)
from ...palette import LABEL_BG as _LABEL_BG
from ...palette import LABEL_BG_ALPHA as _LABEL_BG_ALPHA

__all__ = ["AXIS_TEXT", "BORDER", "COAST", "CPA", "GRID", "GRID_TEXT", "LABEL_BG", "LAKE_SHORE"]
__all__ += ["LAND", "LOS", "OUTLINE", "SEA", "SELECT", "TEXT", "TEXT_DIM", "VISUAL", "qcolor"]

LABEL_BG = QtGui.QColor(_LABEL_BG)
LABEL_BG.setAlpha(_LABEL_BG_ALPHA)

# z-values inside the ViewBox's child group (data coordinates)
Z_TILES = -30
Z_LAND = -20
Z_COAST = -15
Z_GRID = -10
Z_RINGS = 0
Z_TRAILS = 5
Z_CONTACT = 8
Z_PAIR = 9
Z_CPA = 9.5  # under the heads: at the CPA time the marks sit exactly on them
Z_HEADS = 10
# z-values of screen-space items parented to the ViewBox itself
Z_LABELS = 1000
Z_FURNITURE = 1001


@functools.cache
def pen(color: str, width: float = 1.0, style: str = "solid", alpha: int = 255) -> QtGui.QPen:
    """A cosmetic pen (width in pixels whatever the zoom)."""
    c = QtGui.QColor(color)
    c.setAlpha(alpha)
    p = pg.mkPen(c, width=width)
    p.setCosmetic(True)
    if style == "dash":
        p.setStyle(QtCore.Qt.PenStyle.CustomDashLine)
        p.setDashPattern([6, 4])
    elif style == "dot":
        p.setStyle(QtCore.Qt.PenStyle.CustomDashLine)
        p.setDashPattern([1.5, 3])
    return p


def qcolor(color: str, alpha: int = 255) -> QtGui.QColor:
    """A palette colour as Qt wants it, with an alpha (0–255)."""
    c = QtGui.QColor(color)
    c.setAlpha(alpha)
    return c


@functools.cache
def brush(color: str, alpha: int = 255) -> QtGui.QBrush:
    c = QtGui.QColor(color)
    c.setAlpha(alpha)
    return QtGui.QBrush(c)


@functools.cache
def label_color(color: str) -> QtGui.QColor:
    """A track colour lifted towards white so small text stays legible on the dark map."""
    c = QtGui.QColor(color)
    h, s, l_, _a = c.getHslF()
    return QtGui.QColor.fromHslF(h, min(s, 0.9), max(l_, 0.72), 1.0)


def ui_font(point_size: float = 9.0, bold: bool = False) -> QtGui.QFont:
    f = QtGui.QFont()
    f.setStyleHint(QtGui.QFont.StyleHint.SansSerif)
    f.setPointSizeF(point_size)
    f.setBold(bold)
    return f


#: Map themes: ``screen`` (the dark window) and ``print`` (white paper, dark ink). A
#: ViewState names one (``state.theme``); exports build and paint their canvases inside
#: :func:`themed`, the window never leaves ``screen``.
from ...model.view_state import THEMES  # noqa: E402  (one home: the state names them)


def _darken_for_paper(color: str) -> QtGui.QColor:
    """A track colour pushed towards black so small text stays legible on white paper."""
    c = QtGui.QColor(color)
    h, s, l_, _a = c.getHslF()
    return QtGui.QColor.fromHslF(h, min(s, 0.9), min(l_, 0.38), 1.0)


@contextlib.contextmanager
def themed(name: str) -> Iterator[None]:
    """Draw with theme ``name`` while the block runs, then restore the screen look.

    Layers read their colours from this module when they are built and painted, so a
    canvas created and rendered inside the block draws in that theme. Exports are
    synchronous (no event loop runs in between), so the window is never painted in it.
    """
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}: use {' or '.join(THEMES)}")
    if name == "screen":
        yield
        return
    from ...palette import PRINT_MAP

    module = globals()
    saved = {k: module[k] for k in (*PRINT_MAP, "label_color")}
    try:
        for key, value in PRINT_MAP.items():
            module[key] = value
        bg = QtGui.QColor(PRINT_MAP["LABEL_BG"])
        bg.setAlpha(225)
        module["LABEL_BG"] = bg
        module["label_color"] = _darken_for_paper
        yield
    finally:
        module.update(saved)

"""The primary-oriented (heading-up) view: the map turned so the primary's nose points up,
centred on it, with range rings and bearing lines around it.

Every map layer hangs under one *rotor* item whose transform turns map metres about the
primary; the ViewBox keeps working in its own (turned) coordinates, so zoom, pan and the
scale bar are unchanged. Labels, the edge arrow and the furniture are drawn in screen space
and stay upright; they map points through :attr:`RelativeView.transform` first. Range rings
(a nice step for the zoom) and bearing lines every 30° relative to the nose are drawn in
the turned frame, so "12 o'clock" is always up.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from ... import palette
from ...model.units import NM, fmt_distance
from . import style

#: Range ring steps (NM) to choose from: about four rings across the view.
RING_STEPS_NM = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
#: Relative bearings of the bearing lines (degrees from the nose).
BEARINGS = tuple(range(0, 360, 30))


class RelativeView:
    """Owns the rotor; ``heading_up`` on/off; ``set_primary_pose`` per frame."""

    def __init__(self, vb: pg.ViewBox) -> None:
        self.vb = vb
        self.rotor = pg.ItemGroup()
        self.rotor.setParentItem(vb.childGroup)
        self.heading_up = False
        self.angle_deg = 0.0  # map rotation applied (degrees, the primary's map heading)
        self.centre = (0.0, 0.0)
        self.transform = QtGui.QTransform()  # map metres → ViewBox coordinates
        self.rings = pg.PlotCurveItem(pen=style.pen(palette.RANGE_RING, 1.0), connect="finite")
        self.spokes = pg.PlotCurveItem(
            pen=style.pen(palette.RANGE_RING, 1.0, "dot"), connect="pairs"
        )
        # In the turned frame, between the land (below) and the trails (above). Their own
        # transform undoes the turn about the primary, so in their local frame the nose
        # is always up: the geometry is built once per ring step, not every frame.
        for item in (self.rings, self.spokes):
            item.setZValue(style.Z_RINGS - 1)
            item.setParentItem(self.rotor)
            item.setVisible(False)
        self.ring_step_m = 0.0
        self._drawn: tuple = ()  # (step, units) the ring geometry and labels were built for
        self.units = "nm"
        #: Range of each ring, written on it just above the primary (upright text).
        self.ring_labels = [
            pg.TextItem("", color=palette.GRID_TEXT, anchor=(0.5, 1.0)) for _ in range(6)
        ]
        for item in self.ring_labels:
            item.setParentItem(self.rings)
            item.setVisible(False)

    def adopt(self, items: list[QtCore.QObject]) -> None:
        """Hang map layers under the rotor (their data stay in map metres)."""
        for item in items:
            if item is not self.rotor:
                item.setParentItem(self.rotor)

    def set_heading_up(self, on: bool) -> None:
        self.heading_up = bool(on)
        for item in (self.rings, self.spokes, *self.ring_labels):
            item.setVisible(self.heading_up)
        if not self.heading_up:
            self._set(0.0, self.centre)

    def _set(self, angle: float, centre: tuple[float, float]) -> None:
        self.angle_deg, self.centre = angle, centre
        cx, cy = centre
        t = QtGui.QTransform()
        if angle:
            t.translate(cx, cy)
            t.rotate(angle)
            t.translate(-cx, -cy)
        self.transform = t
        self.rotor.setTransform(t)

    def set_primary_pose(self, x: float, y: float, heading_deg: float) -> None:
        """Turn the map about the primary at (x, y) so ``heading_deg`` (map angle,
        clockwise from up) points up; draw the rings and bearing lines around it."""
        if not self.heading_up or not (math.isfinite(x) and math.isfinite(y)):
            return
        angle = heading_deg if math.isfinite(heading_deg) else self.angle_deg
        self._set(float(angle), (float(x), float(y)))
        self._draw_rings(x, y)

    def _draw_rings(self, x: float, y: float) -> None:
        r = self.vb.viewRect()
        span = max(min(r.width(), r.height()), 1.0)
        step = next((s * NM for s in RING_STEPS_NM if span / (s * NM) <= 8), RING_STEPS_NM[-1] * NM)
        self.ring_step_m = step
        if self._drawn != (step, self.units):
            self._build_rings(step)
        undo_turn = QtGui.QTransform().rotate(self.angle_deg).inverted()[0]
        for item in (self.rings, self.spokes):
            item.setTransform(undo_turn)
            item.setPos(x, y)

    def _build_rings(self, step: float) -> None:
        """Rings, bearing lines (relative to the nose, which is up) and ring labels, about
        the origin of the rings' own frame."""
        self._drawn = (step, self.units)
        th = np.linspace(0, 2 * np.pi, 97)
        n = len(self.ring_labels)
        circles = [np.r_[i * step * np.sin(th), np.nan] for i in range(1, n + 1)]
        circles_y = [np.r_[i * step * np.cos(th), np.nan] for i in range(1, n + 1)]
        self.rings.setData(np.concatenate(circles), np.concatenate(circles_y))
        for i, item in enumerate(self.ring_labels, start=1):
            item.setText(fmt_distance(i * step, self.units, 0 if step >= NM else 2))
            item.setPos(0.0, i * step)
        b = np.radians(np.array(BEARINGS, dtype=float))
        far = n * step
        zeros = np.zeros(len(b))
        self.spokes.setData(
            np.ravel(np.column_stack([zeros, far * np.sin(b)])),
            np.ravel(np.column_stack([zeros, far * np.cos(b)])),
        )

    def to_view(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Map metres → ViewBox coordinates (identity when north-up)."""
        t = self.transform
        if t.isIdentity():
            return x, y
        return t.m11() * x + t.m21() * y + t.m31(), t.m12() * x + t.m22() * y + t.m32()

    def to_map(self, pt: QtCore.QPointF) -> QtCore.QPointF:
        """ViewBox coordinates → map metres."""
        inv, ok = self.transform.inverted()
        return inv.map(pt) if ok else pt

    def map_rect(self, view: QtCore.QRectF) -> QtCore.QRectF:
        """The map-metre box that covers a ViewBox rectangle (for culling)."""
        inv, ok = self.transform.inverted()
        return inv.mapRect(view) if ok else view

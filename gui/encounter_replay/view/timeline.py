"""The timeline: the whole recording at a glance, and the way to move through it.

Custom-painted rather than a plot widget: it repaints on every clock tick, so everything
that does not move (bands, markers, axis) is drawn once into a cached pixmap and a frame
costs one blit plus the cursor line. Bands are the union of visual-contact and
loss-of-separation intervals — of the selected pair, or of all pairs — because the
question an analyst asks of it is "when did anything happen".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from PySide6 import QtCore, QtGui, QtWidgets

from .. import palette
from ..model.units import fmt_time_utc
from .layers.style import qcolor
from .timeline_content import Mark, merge_intervals, timeline_content, well_clear_bands

__all__ = ["COLORS", "LEFT", "Mark", "Timeline", "merge_intervals"]

LEFT = 90  # room for the row names
RIGHT = 12
MARK_PICK_PX = 5
ZOOM_STEP = 1.25
MIN_SPAN_S = 2.0

_NICE_STEPS = (
    *(1, 2, 5, 10, 15, 30),
    *(60 * m for m in (1, 2, 5, 10, 15, 30)),
    *(3600 * h for h in (1, 2, 3, 6, 12, 24)),
)

COLORS = {
    "bg": QtGui.QColor(palette.TIMELINE_BG),
    "row": QtGui.QColor(palette.TIMELINE_ROW),
    "grid": QtGui.QColor(palette.TIMELINE_GRID),
    "text": QtGui.QColor(palette.TIMELINE_TEXT),
    "visual": QtGui.QColor(palette.VISUAL),
    "los": QtGui.QColor(palette.LOS),
    "well_clear": QtGui.QColor(palette.WELL_CLEAR),
    "cpa": QtGui.QColor(palette.CPA),
    "cpa_sel": QtGui.QColor(palette.CPA_SELECTED),
    "event": QtGui.QColor(palette.EVENT),
    "note": QtGui.QColor(palette.NOTE),
    "cursor": QtGui.QColor(palette.CURSOR),
    "loop": qcolor(palette.LOOP, palette.LOOP_ALPHA),
    "loop_edge": QtGui.QColor(palette.LOOP_EDGE),
    "overview": QtGui.QColor(palette.TIMELINE_OVERVIEW),
    "unassessed": QtGui.QColor(palette.TIMELINE_TEXT),
}


class Timeline(QtWidgets.QWidget):
    """Scrubber over the recording. Emits requests; the controller decides."""

    seekRequested = QtCore.Signal(float)
    loopSelected = QtCore.Signal(float, float)
    loopCleared = QtCore.Signal()
    bandModeChanged = QtCore.Signal(bool)

    ROWS = (
        ("Visual", "visual"),
        ("Well clear", "well_clear"),
        ("Sep. loss", "los"),
        ("CPA / events", "marks"),
    )

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Timeline")
        self.setMinimumHeight(118)  # four rows and the time axis
        self.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed
        )
        self.setMouseTracking(True)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self.start = 0.0
        self.end = 0.0
        self.view = (0.0, 0.0)
        self.time = 0.0
        self.loop: tuple[float, float] | None = None
        self.all_pairs = False  # False: the selected pair's bands (all pairs while none is)
        self.units = "nm"
        self._pairs: pd.DataFrame | None = None
        self._assess_from: tuple | None = None  # (scene, analysis settings)
        self._unassessed_pair: tuple[int, int] | None = None
        self._unassessed = np.zeros((0, 2))
        self._selected: tuple[int, int] | None = None
        self._names: list[str] = []
        self._events: pd.DataFrame | None = None
        self._notes: list[tuple[float, str]] = []
        self._visual = np.zeros((0, 2))
        self._los = np.zeros((0, 2))
        self._well_clear = np.zeros((0, 2))  # DAA well-clear violations
        self._marks: list[Mark] = []
        self._mark_t = np.zeros(0)
        self._cache: QtGui.QPixmap | None = None
        self._drag: str | None = None  # "seek", "loop", "pan"
        self._drag_t0 = 0.0
        self._pan_x = 0.0
        self._pan_view = (0.0, 0.0)

    def bind(self, controller) -> None:
        """Follow the controller's time, selected pair, units and loop; send seeks and
        loop choices back."""
        controller.timeChanged.connect(self.set_time)
        controller.stateChanged.connect(self._on_state)
        self.seekRequested.connect(controller.seek)
        self.loopSelected.connect(controller.set_loop)
        self.loopCleared.connect(lambda: controller.set_loop(None))

    def _on_state(self, old, new) -> None:
        if new.pair != old.pair:
            self.set_selected_pair(new.pair)
        if new.units != old.units:
            self.set_units(new.units)
        if new.loop != old.loop:
            self.set_loop(new.loop)

    # ------------------------------------------------------------------ data
    def set_span(self, start: float, end: float) -> None:
        """The whole recording; resets the zoom."""
        self.start, self.end = float(start), float(max(end, start))
        self.view = (self.start, self.end if self.end > self.start else self.start + 1.0)
        self.time = min(max(self.time, self.start), self.end)
        self._invalidate()

    def set_scene(self, names: list[str], events: pd.DataFrame | None) -> None:
        """Track names (for tooltips) and ACMI events (ticks)."""
        self._names = list(names)
        self._events = events
        self._rebuild()

    def set_notes(self, notes: list[tuple[float, str]]) -> None:
        """Analyst notes (session annotations): flags in the marker row."""
        self._notes = list(notes)
        self._rebuild()

    def set_pairs(self, pairs: pd.DataFrame | None) -> None:
        self._pairs = pairs
        if pairs is None:  # a new scene: the old one's tracks are not this one's
            self._assess_from = None
        self._rebuild()

    def set_analysis(self, analysis, ts) -> None:
        """The analysis's pairs (bands, CPAs), and what the selected pair's unassessed
        stretches are computed from (the scene and the analysis settings)."""
        self._assess_from = (ts, analysis.settings) if analysis is not None else None
        self._unassessed_pair = None
        self.set_pairs(analysis.pairs if analysis is not None else None)

    def set_selected_pair(self, pair: tuple[int, int] | None) -> None:
        self._selected = pair
        self._rebuild()

    @property
    def unassessed_bands(self) -> np.ndarray:
        """The selected pair's common time the analysis could not assess (gaps, splits,
        unknown altitude): hatched across the band rows, so an empty band there reads as
        "no data", not "no contact"."""
        pair = self._selected if not self.all_pairs else None
        if pair is None or self._assess_from is None:
            return np.zeros((0, 2))
        if self._unassessed_pair != pair:
            from ..analysis.assessed import unassessed_intervals

            ts, settings = self._assess_from
            self._unassessed = unassessed_intervals(ts, *pair, settings)
            self._unassessed_pair = pair
        return self._unassessed

    def set_all_pairs(self, on: bool) -> None:
        """Bands of all pairs (True), or of the selected pair when there is one (False).

        A formation flies "in visual contact" all along, so the union over all pairs often
        covers the whole recording; the selected pair's bands are the useful default."""
        if on != self.all_pairs:
            self.all_pairs = on
            self._rebuild()
            self.bandModeChanged.emit(on)

    def set_units(self, units: str) -> None:
        self.units = units
        self._rebuild()

    def set_time(self, t: float) -> None:
        old_x = self.time_to_x(self.time)
        self.time = float(t)
        lo, hi = self.view
        if self.is_zoomed() and not lo <= t <= hi:
            span = hi - lo
            new_lo = min(max(t - 0.1 * span, self.start), self.end - span)
            self.set_view(new_lo, new_lo + span)
            return
        new_x = self.time_to_x(self.time)
        left, right = sorted((old_x, new_x))
        self.update(QtCore.QRect(int(left) - 8, 0, int(right - left) + 17, self.height()))

    def set_loop(self, loop: tuple[float, float] | None) -> None:
        self.loop = loop
        self._invalidate()

    # ------------------------------------------------------------------ view range
    def is_zoomed(self) -> bool:
        return self.view[0] > self.start + 1e-6 or self.view[1] < self.end - 1e-6

    def set_view(self, t0: float, t1: float) -> None:
        """Show ``t0..t1`` (clamped to the recording, at least MIN_SPAN_S wide)."""
        total = max(self.end - self.start, MIN_SPAN_S)
        span = min(max(t1 - t0, MIN_SPAN_S), total)
        t0 = min(max(t0, self.start), self.start + total - span)
        self.view = (t0, t0 + span)
        self._invalidate()

    def zoom(self, factor: float, around: float | None = None) -> None:
        """Zoom by ``factor`` (>1 zooms in) keeping the time ``around`` under the same x."""
        lo, hi = self.view
        c = self.time if around is None else around
        self.set_view(c - (c - lo) / factor, c + (hi - c) / factor)

    def reset_zoom(self) -> None:
        self.set_view(self.start, self.end)

    # ------------------------------------------------------------------ geometry
    def _plot_width(self) -> float:
        return max(self.width() - LEFT - RIGHT, 1)

    def time_to_x(self, t: float) -> float:
        lo, hi = self.view
        if hi <= lo:
            return float(LEFT)
        return LEFT + (t - lo) / (hi - lo) * self._plot_width()

    def x_to_time(self, x: float) -> float:
        lo, hi = self.view
        t = lo + (x - LEFT) / self._plot_width() * (hi - lo)
        return min(max(t, self.start), self.end)

    def _row_rect(self, i: int) -> QtCore.QRectF:
        top, h, gap = 6.0, 16.0, 4.0
        return QtCore.QRectF(LEFT, top + i * (h + gap), self._plot_width(), h)

    def _axis_top(self) -> float:
        return self._row_rect(len(self.ROWS) - 1).bottom() + 6

    # ------------------------------------------------------------------ derived data
    def _rebuild(self) -> None:
        self._visual, self._los, self._marks = timeline_content(
            self._pairs,
            self._selected,
            self.all_pairs,
            self._names,
            self._notes,
            self._events,
            self.units,
        )
        self._well_clear = well_clear_bands(self._pairs, self._selected, self.all_pairs)
        self._mark_t = np.array([m.time for m in self._marks], dtype=np.float64)
        self._invalidate()

    def mark_at(self, x: float) -> Mark | None:
        """The marker drawn nearest to ``x`` within a few pixels (for tooltips)."""
        if len(self._mark_t) == 0:
            return None
        xs = np.array([self.time_to_x(t) for t in self._mark_t])
        i = int(np.argmin(np.abs(xs - x)))
        return self._marks[i] if abs(xs[i] - x) <= MARK_PICK_PX else None

    @property
    def visual_bands(self) -> np.ndarray:
        return self._visual

    @property
    def los_bands(self) -> np.ndarray:
        return self._los

    @property
    def well_clear_bands(self) -> np.ndarray:
        return self._well_clear

    # ------------------------------------------------------------------ painting
    def _invalidate(self) -> None:
        self._cache = None
        self.update()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        self._cache = None
        super().resizeEvent(event)

    def _tick_step(self) -> float:
        lo, hi = self.view
        per_px = (hi - lo) / self._plot_width()
        for step in _NICE_STEPS:
            if step / per_px >= 90:
                return float(step)
        return float(_NICE_STEPS[-1])

    def _paint_static(self) -> QtGui.QPixmap:
        dpr = self.devicePixelRatioF()
        pm = QtGui.QPixmap(QtCore.QSize(int(self.width() * dpr), int(self.height() * dpr)))
        pm.setDevicePixelRatio(dpr)
        pm.fill(COLORS["bg"])
        p = QtGui.QPainter(pm)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
        font = p.font()
        font.setPointSizeF(max(font.pointSizeF() * 0.9, 7.5))
        p.setFont(font)
        lo, hi = self.view
        x0, x1 = self.time_to_x(self.start), self.time_to_x(self.end)
        # rows and their names
        for i, (name, _key) in enumerate(self.ROWS):
            r = self._row_rect(i)
            p.fillRect(r, COLORS["row"])
            p.setPen(COLORS["text"])
            p.drawText(
                QtCore.QRectF(4, r.top(), LEFT - 8, r.height()),
                int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter),
                name,
            )
        # everything time-placed stays inside the plot area (zoomed bands run past it)
        p.setClipRect(QtCore.QRectF(LEFT, 0, self._plot_width(), self.height()))
        # bands
        for i, bands, color in (
            (0, self._visual, "visual"),
            (1, self._well_clear, "well_clear"),
            (2, self._los, "los"),
        ):
            r = self._row_rect(i)
            p.setPen(QtCore.Qt.PenStyle.NoPen)
            p.setBrush(COLORS[color])
            vis = bands[(bands[:, 1] >= lo) & (bands[:, 0] <= hi)] if len(bands) else bands
            for a, b in vis:
                xa, xb = self.time_to_x(a), self.time_to_x(b)
                p.drawRect(QtCore.QRectF(xa, r.top() + 2, max(xb - xa, 2.0), r.height() - 4))
        # the selected pair's unassessed time, hatched over the three band rows
        hatch = QtGui.QBrush(COLORS["unassessed"], QtCore.Qt.BrushStyle.BDiagPattern)
        top, bottom = self._row_rect(0).top() + 2, self._row_rect(2).bottom() - 2
        p.setPen(QtCore.Qt.PenStyle.NoPen)
        p.setBrush(hatch)
        for a, b in self.unassessed_bands:
            if b >= lo and a <= hi:
                xa, xb = self.time_to_x(a), self.time_to_x(b)
                p.drawRect(QtCore.QRectF(xa, top, max(xb - xa, 2.0), bottom - top))
        # markers: events as thin ticks, CPAs as diamonds (selected one brighter, drawn last)
        r = self._row_rect(len(self.ROWS) - 1)
        order = sorted(range(len(self._marks)), key=lambda j: self._marks[j].kind == "cpa_sel")
        for j in order:
            m = self._marks[j]
            if not lo <= m.time <= hi:
                continue
            x = self.time_to_x(m.time)
            if m.kind == "event":
                p.setPen(QtGui.QPen(COLORS["event"], 1.5))
                p.drawLine(QtCore.QPointF(x, r.top() + 1), QtCore.QPointF(x, r.bottom() - 1))
            elif m.kind == "note":  # a small flag
                p.setPen(QtGui.QPen(COLORS["note"], 1.5))
                p.drawLine(QtCore.QPointF(x, r.top()), QtCore.QPointF(x, r.bottom()))
                p.setPen(QtCore.Qt.PenStyle.NoPen)
                p.setBrush(COLORS["note"])
                flag = [(x, r.top()), (x + 7, r.top() + 3.5), (x, r.top() + 7)]
                p.drawPolygon(QtGui.QPolygonF([QtCore.QPointF(a, b) for a, b in flag]))
            else:
                size = 6.5 if m.kind == "cpa_sel" else 4.5
                c = r.center().y()
                poly = QtGui.QPolygonF(
                    [
                        QtCore.QPointF(x, c - size),
                        QtCore.QPointF(x + size, c),
                        QtCore.QPointF(x, c + size),
                        QtCore.QPointF(x - size, c),
                    ]
                )
                p.setPen(QtGui.QPen(COLORS["bg"], 1))
                p.setBrush(COLORS[m.kind])
                p.drawPolygon(poly)
        # axis
        top = self._axis_top()
        p.setPen(COLORS["grid"])
        p.drawLine(QtCore.QPointF(LEFT, top), QtCore.QPointF(LEFT + self._plot_width(), top))
        if hi > lo:
            # Never more than a few hundred ticks, whatever the span (a corrupt file's decades).
            step = max(self._tick_step(), (hi - lo) / 400)
            first = math.ceil(lo / step) * step
            ticks = np.arange(first, hi + 1e-9, step)
            for t in ticks[:400]:
                x = self.time_to_x(t)
                p.setPen(COLORS["grid"])
                p.drawLine(QtCore.QPointF(x, 4), QtCore.QPointF(x, top + 4))
                p.setPen(COLORS["text"])
                label = fmt_time_utc(t, 0)
                if step >= 60:
                    label = label[:5] + "Z"
                # A label that would run past the plot's right edge is left out, not cut.
                if x + 3 + p.fontMetrics().horizontalAdvance(label) <= LEFT + self._plot_width():
                    p.drawText(QtCore.QPointF(x + 3, top + 15), label)
        # outside the recording: dimmed
        shade = qcolor(palette.SHADE, palette.SHADE_ALPHA)
        if x0 > LEFT:
            p.fillRect(QtCore.QRectF(LEFT, 0, x0 - LEFT, self.height()), shade)
        if x1 < LEFT + self._plot_width():
            p.fillRect(QtCore.QRectF(x1, 0, LEFT + self._plot_width() - x1, self.height()), shade)
        # loop range
        if self.loop is not None:
            a, b = (self.time_to_x(t) for t in self.loop)
            p.fillRect(QtCore.QRectF(a, 0, b - a, top), COLORS["loop"])
            p.setPen(QtGui.QPen(COLORS["loop_edge"], 1.5))
            p.drawLine(QtCore.QPointF(a, 0), QtCore.QPointF(a, top))
            p.drawLine(QtCore.QPointF(b, 0), QtCore.QPointF(b, top))
        p.setClipping(False)
        # overview strip when zoomed: where the visible window sits in the whole recording
        if self.is_zoomed() and self.end > self.start:
            w = self._plot_width()
            fa = (lo - self.start) / (self.end - self.start)
            fb = (hi - self.start) / (self.end - self.start)
            y = self.height() - 3
            p.fillRect(QtCore.QRectF(LEFT, y, w, 3), COLORS["row"])
            p.fillRect(
                QtCore.QRectF(LEFT + fa * w, y, max((fb - fa) * w, 3), 3), COLORS["overview"]
            )
        p.end()
        return pm

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        if (
            self._cache is None
            or self._cache.size() != self.size() * self._cache.devicePixelRatio()
        ):
            self._cache = self._paint_static()
        p = QtGui.QPainter(self)
        p.drawPixmap(0, 0, self._cache)
        if self.end > self.start or self.time == self.start:
            x = self.time_to_x(self.time)
            if LEFT - 1 <= x <= LEFT + self._plot_width() + 1:
                p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
                p.setPen(QtGui.QPen(COLORS["cursor"], 2))
                p.drawLine(QtCore.QPointF(x, 0), QtCore.QPointF(x, self._axis_top()))
                p.setPen(QtCore.Qt.PenStyle.NoPen)
                p.setBrush(COLORS["cursor"])
                p.drawPolygon(
                    QtGui.QPolygonF(
                        [QtCore.QPointF(x - 5, 0), QtCore.QPointF(x + 5, 0), QtCore.QPointF(x, 6)]
                    )
                )
        p.end()

    # ------------------------------------------------------------------ interaction
    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        x = event.position().x()
        if event.button() == QtCore.Qt.MouseButton.LeftButton:
            if event.modifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier:
                self._drag = "loop"
                self._drag_t0 = self.x_to_time(x)
            else:
                self._drag = "seek"
                self.seekRequested.emit(self.x_to_time(x))
        elif event.button() == QtCore.Qt.MouseButton.MiddleButton:
            self._drag = "pan"
            self._pan_x = x
            self._pan_view = self.view
        event.accept()

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        x = event.position().x()
        if self._drag == "seek":
            self.seekRequested.emit(self.x_to_time(x))
        elif self._drag == "loop":
            a, b = sorted((self._drag_t0, self.x_to_time(x)))
            self.loop = (a, b)
            self._invalidate()
        elif self._drag == "pan":
            lo, hi = self._pan_view
            dt = (self._pan_x - x) / self._plot_width() * (hi - lo)
            self.set_view(lo + dt, hi + dt)

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:
        if self._drag == "loop":
            a, b = sorted((self._drag_t0, self.x_to_time(event.position().x())))
            if b - a > 0.05:
                self.loopSelected.emit(a, b)
            else:
                self.loopCleared.emit()
        self._drag = None

    def wheelEvent(self, event: QtGui.QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom(ZOOM_STEP**steps, around=self.x_to_time(event.position().x()))
        event.accept()

    def event(self, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.ToolTip:
            pos = event.pos()
            mark = self.mark_at(pos.x())
            if mark is not None:
                text = mark.tooltip
            elif pos.x() >= LEFT:
                t = self.x_to_time(pos.x())
                text = fmt_time_utc(t)
                iv = self.unassessed_bands
                if len(iv) and ((iv[:, 0] <= t) & (t <= iv[:, 1])).any():
                    text += " · not assessed (gap, split or unknown altitude)"
            else:
                text = ""
            if text:
                QtWidgets.QToolTip.showText(event.globalPos(), text, self)
            else:
                QtWidgets.QToolTip.hideText()
            return True
        return super().event(event)

    def contextMenuEvent(self, event: QtGui.QContextMenuEvent) -> None:
        menu = self.build_context_menu()
        menu.exec(event.globalPos())

    def build_context_menu(self) -> QtWidgets.QMenu:
        menu = QtWidgets.QMenu(self)
        menu.addAction("Reset zoom", self.reset_zoom).setEnabled(self.is_zoomed())
        zoom_loop = menu.addAction("Zoom to loop range")
        zoom_loop.setEnabled(self.loop is not None)
        zoom_loop.triggered.connect(lambda: self.loop and self.set_view(*self.loop))
        menu.addAction("Clear loop range", self.loopCleared.emit).setEnabled(self.loop is not None)
        menu.addSeparator()
        all_pairs = menu.addAction("Bands for all pairs (not only the selected one)")
        all_pairs.setCheckable(True)
        all_pairs.setChecked(self.all_pairs)
        all_pairs.toggled.connect(self.set_all_pairs)
        return menu

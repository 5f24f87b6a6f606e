"""Plots synchronised with the clock: separation of the selected pair, altitude profiles.

The separation curve comes from the analysis (``separation_series``), the same geometry
the table's numbers come from, with the visual range and horizontal minimum drawn as
lines so "how close, for how long" reads at a glance. The cursor is the only thing that
moves per frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ... import palette
from ...analysis import AnalysisSettings
from ...model import TrackSet
from ...model.units import altitude_label, altitude_value, distance_label, distance_value
from .track_list import default_color, unique_labels

SLANT_COLOR = palette.SERIES_SLANT
HORIZ_COLOR = palette.SERIES_HORIZONTAL
VISUAL_COLOR = palette.VISUAL
HSEP_COLOR = palette.LOS
CURSOR_COLOR = palette.CURSOR
AXIS_COLOR = palette.PLOT_AXIS
PAIR_COLORS = palette.PAIR_TRACKS
LABEL_FILL = pg.mkBrush(palette.PLOT_BG)
CURSOR_MS = 100


def _series(ts: TrackSet, a: int, b: int, t0: float, t1: float) -> pd.DataFrame:
    from ...analysis import separation_series

    return separation_series(ts, a, b, t0, t1, n=2000)


#: What the lower plot can show, for the selected pair (or track).
QUANTITIES = ("altitude", "ground speed", "vertical rate", "heading", "bearing")


def track_quantity(
    ts: TrackSet, k: int, what: str, units: str, drop: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(time, value in display units) of one track's altitude, ground speed (recorded, else
    from consecutive positions along the geodesic), vertical rate (ft/min or m/s) or heading
    (recorded, else the course over ground). ``drop``: sample times left out first (what
    the analysis excluded: a one-sample altitude spike must not set the scale, nor make a
    vertical rate of its own)."""
    from ...geo import geodesic_inverse
    from ...model.units import FT, speed_value

    sl = ts.track_slice(k)
    keep = slice(None) if drop is None or not len(drop) else ~np.isin(ts.t[sl], drop)
    t, lat, lon, alt = ts.t[sl][keep], ts.lat[sl][keep], ts.lon[sl][keep], ts.alt[sl][keep]
    if what == "altitude":
        return t, altitude_value(alt, units)
    if len(t) < 2:
        return t, np.full(len(t), np.nan)
    dt = np.diff(t)
    az, _, dist = geodesic_inverse(lat[:-1], lon[:-1], lat[1:], lon[1:])
    with np.errstate(invalid="ignore", divide="ignore"):
        if what == "ground speed":
            rec = ts.speed[sl][keep]
            derived = np.r_[dist / dt, np.nan]
            v = np.where(np.isfinite(rec), rec, derived)
            return t, speed_value(v, units)
        if what == "vertical rate":
            rate = np.gradient(alt, t)  # m/s
            return t, rate / FT * 60.0 if units == "nm" else rate
        if what == "heading":
            rec = ts.heading[sl][keep]
            return t, np.where(np.isfinite(rec), rec, np.r_[az, np.nan]) % 360.0
    raise ValueError(f"unknown quantity {what!r}")


def quantity_label(what: str, units: str) -> str:
    from ...model.units import speed_label

    return {
        "altitude": f"alt ({altitude_label(units)})",
        "ground speed": f"GS ({speed_label(units)})",
        "vertical rate": "V/S (ft/min)" if units == "nm" else "V/S (m/s)",
        "heading": "hdg (°)",
        "bearing": "brg (°)",
    }[what]


#: Least separation drawn on the log axis (display units): a touching pair stays on the plot.
LOG_FLOOR = 0.01


class PlotsPanel(QtWidgets.QWidget):
    """Two stacked plots with linked time axes (UTC) and one cursor each."""

    seekRequested = QtCore.Signal(float)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.glw = pg.GraphicsLayoutWidget(self)
        self.glw.setBackground(palette.PLOT_BG)
        self.glw.ci.layout.setSpacing(4)
        self.glw.ci.setContentsMargins(2, 2, 6, 2)
        self.sep_plot = self.glw.addPlot(
            row=0, col=0, axisItems={"bottom": pg.DateAxisItem("bottom", utcOffset=0)}
        )
        self.alt_plot = self.glw.addPlot(
            row=1, col=0, axisItems={"bottom": pg.DateAxisItem("bottom", utcOffset=0)}
        )
        self.alt_plot.setXLink(self.sep_plot)
        for plot in (self.sep_plot, self.alt_plot):
            self._style_plot(plot)
        #: Plots added under the lower one, by quantity (:meth:`set_extra`).
        self.extra: dict[str, pg.PlotItem] = {}
        self._extra_curves: dict[str, list[pg.PlotDataItem]] = {}
        # No legends inside the plots (they covered curves and threshold labels): the panel's
        # header names the pair in the lower plot's colours and keys the two separations.
        self.slant_curve = self.sep_plot.plot(
            pen=pg.mkPen(SLANT_COLOR, width=2.5), name="slant", connect="finite"
        )
        # Slant solid and heavier, horizontal dashed: where they coincide (level flight)
        # both still show.
        self.horiz_curve = self.sep_plot.plot(
            pen=pg.mkPen(HORIZ_COLOR, width=1.5, style=QtCore.Qt.PenStyle.DashLine),
            name="horizontal",
            connect="finite",
        )
        self.visual_line = pg.InfiniteLine(
            angle=0,
            pen=pg.mkPen(VISUAL_COLOR, width=1, style=QtCore.Qt.PenStyle.DashLine),
            label="visual range",
            # Below the line in the upper half of the plot (clear of the legend at the top),
            # above it in the lower half (clear of the time axis).
            labelOpts={
                "color": VISUAL_COLOR,
                "position": 0.02,
                "anchors": [(0, 0), (0, 1)],
                "fill": LABEL_FILL,  # curves pass behind the words, not through them
            },
        )
        self.hsep_line = pg.InfiniteLine(
            angle=0,
            pen=pg.mkPen(HSEP_COLOR, width=1, style=QtCore.Qt.PenStyle.DashLine),
            label="horizontal minimum",
            # At the right-hand end: never on top of the visual-range label (left) when the two
            # thresholds sit close together on a wide scale.
            labelOpts={
                "color": HSEP_COLOR,
                "position": 0.98,
                "anchors": [(1, 0), (1, 1)],
                "fill": LABEL_FILL,
            },
        )
        #: Shaded spans where the pair has lost DAA well clear.
        self.wc_regions: list[pg.LinearRegionItem] = []
        self.sep_plot.addItem(self.visual_line, ignoreBounds=True)
        self.sep_plot.addItem(self.hsep_line, ignoreBounds=True)
        self.sep_plot.getViewBox().sigYRangeChanged.connect(self._show_threshold_labels)
        self.sep_plot.getViewBox().sigYRangeChanged.connect(self._log_ticks)
        self.sep_plot.getViewBox().sigResized.connect(self._log_ticks)
        self.alt_curves: list[pg.PlotDataItem] = []
        self.cursors = []
        for plot in (self.sep_plot, self.alt_plot):
            c = pg.InfiniteLine(angle=90, pen=pg.mkPen(CURSOR_COLOR, width=1.5), movable=False)
            plot.addItem(c, ignoreBounds=True)
            self.cursors.append(c)
        self.sep_plot.scene().sigMouseClicked.connect(self._clicked)
        self.message = QtWidgets.QLabel(
            "Select a pair in the encounter table to plot its separation.", self
        )
        self.message.setObjectName("PanelSummary")
        self.message.setWordWrap(True)
        self.message.setTextFormat(QtCore.Qt.TextFormat.RichText)
        # On the plots' own dark ground: it is their key, in their colours.
        self.message.setStyleSheet(
            f"background: {palette.PLOT_BG}; color: {palette.PLOT_AXIS}; padding: 2px 4px;"
        )
        self.message.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Fixed
        )
        # A log axis by default: a 1.5 NM minimum on a 0–120 NM scale is the floor; on a
        # log scale it has as much room as the 100 NM at the start.
        self.log_box = QtWidgets.QCheckBox("log", self)
        self.log_box.setToolTip(
            "Separation on a logarithmic scale, so a minimum of a mile is as readable as 100 NM"
        )
        self.log_box.setChecked(True)
        self.log_box.toggled.connect(self.set_log)
        self.log_y = True
        self.sep_plot.setLogMode(y=True)
        # Two rows: the pair's names (the lower plots' key) over the separation key and
        # the controls, so the names have the panel's whole width.
        self.key = QtWidgets.QLabel(self)
        self.key.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.key.setStyleSheet(self.message.styleSheet())
        self.key.setWordWrap(True)
        self.key.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred
        )
        self.key.setText(
            f'<span style="color:{SLANT_COLOR}">━━ slant</span>&nbsp;&nbsp;&nbsp;'
            f'<span style="color:{HORIZ_COLOR}">╍╍ horizontal</span>'
        )
        top = QtWidgets.QHBoxLayout()
        top.setContentsMargins(0, 0, 4, 0)
        top.addWidget(self.key, 1)
        self.quantity_box = QtWidgets.QComboBox(self)
        self.quantity_box.setToolTip(
            "What the lower plot shows: altitude, ground speed, vertical rate, heading of the "
            "selected objects, or the bearing from the first of the pair to the second"
        )
        for q in QUANTITIES:
            self.quantity_box.addItem(q, q)
        # Narrow (the panel shares a column with the tables): the list opens full width.
        self.quantity_box.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.quantity_box.setMinimumContentsLength(8)
        self.quantity = "altitude"
        self.quantity_box.currentIndexChanged.connect(
            lambda _i: self.set_quantity(self.quantity_box.currentData())
        )
        top.addWidget(self.quantity_box)
        self.more_button = QtWidgets.QToolButton(self)
        self.more_button.setText("+")
        self.more_button.setToolTip("More plots under these: one per quantity ticked")
        self.more_button.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QtWidgets.QMenu(self.more_button)
        self.extra_actions: dict[str, QtGui.QAction] = {}
        for q in QUANTITIES:
            act = menu.addAction(q)
            act.setCheckable(True)
            act.toggled.connect(lambda on, q=q: self.set_extra(q, on))
            self.extra_actions[q] = act
        self.more_button.setMenu(menu)
        self.more_button.setAutoRaise(True)
        self.more_button.setMaximumWidth(24)
        top.addWidget(self.more_button)
        top.addWidget(self.log_box)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.message)
        lay.addLayout(top)
        lay.addWidget(self.glw, 1)
        lay.addStretch(0)
        self._cursor_t = 0.0
        self._since_cursor = QtCore.QElapsedTimer()
        self._cursor_timer = QtCore.QTimer(self)
        self._cursor_timer.setSingleShot(True)
        self._cursor_timer.timeout.connect(self._apply_cursor)
        self.ts: TrackSet | None = None
        self.labels: list[str] = []
        self.units = "nm"
        defaults = AnalysisSettings()  # until an analysis says otherwise
        self.visual_range_m = defaults.visual_range_m
        self.hsep_m = defaults.hsep_m
        self.pair: tuple[int, int] | None = None
        self.track: int | None = None
        self.colors: dict[int, str] = {}
        self._defaults: list[str] = []
        self._controller = None
        self.series: pd.DataFrame | None = None
        self._excluded: pd.DataFrame | None = None
        self._set_labels()

    @staticmethod
    def _style_plot(plot: pg.PlotItem) -> None:
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        for name in ("left", "bottom"):
            ax = plot.getAxis(name)
            ax.setPen(pg.mkPen(AXIS_COLOR))
            ax.setTextPen(pg.mkPen(AXIS_COLOR))

    def bind(self, controller) -> None:
        """Follow the controller's time, selection, units and colours; clicks seek."""
        self._controller = controller
        controller.timeChanged.connect(self.set_time)
        controller.stateChanged.connect(self._on_state)
        self.seekRequested.connect(controller.seek)

    def _on_state(self, old, new) -> None:
        if new.units != old.units:
            self.set_units(new.units)
        if new.colors != old.colors:
            self._show_colors(new.colors)
        self.set_selection(new.pair, new.selected_track)

    def _show_colors(self, overrides) -> None:
        colors = dict(enumerate(self._defaults))
        colors.update(overrides)
        self.set_colors(colors)

    # ------------------------------------------------------------------ inputs
    def set_scene(self, ts: TrackSet | None, labels: list[str] | None = None) -> None:
        """A new scene; ``labels``: track names as the track list shows them."""
        self.ts = ts
        self._excluded = None  # the old analysis's track indices mean nothing here
        self.labels = list(labels) if labels else (unique_labels(ts.meta) if ts is not None else [])
        meta = ts.meta.itertuples(index=False) if ts is not None else ()
        self._defaults = [default_color(r) for r in meta]
        self.pair = None
        self.track = None
        self.series = None
        if self._controller is not None:
            state = self._controller.state
            self.pair, self.track = state.pair, state.selected_track
            self._show_colors(state.colors)
        self._redraw()

    def set_thresholds(self, visual_range_m: float, hsep_m: float) -> None:
        self.visual_range_m, self.hsep_m = visual_range_m, hsep_m
        self._redraw_thresholds()

    def set_units(self, units: str) -> None:
        self.units = units
        self._set_labels()
        self._redraw()

    def set_colors(self, colors: dict[int, str]) -> None:
        self.colors = dict(colors)
        self._redraw_altitudes()

    def set_selection(self, pair: tuple[int, int] | None, track: int | None = None) -> None:
        if pair == self.pair and track == self.track:
            return
        self.pair, self.track = pair, track
        self.series = None
        self._redraw()

    def set_time(self, t: float) -> None:
        """Move the cursors, at most every CURSOR_MS: repainting two plots with their axes
        costs ~10 ms, too much for every frame; a cursor 0.1 s behind is not."""
        self._cursor_t = t
        if not self.isVisible() or not self._tracks_shown():
            return
        if self._since_cursor.isValid() and self._since_cursor.elapsed() < CURSOR_MS:
            if not self._cursor_timer.isActive():
                self._cursor_timer.start(CURSOR_MS - self._since_cursor.elapsed())
            return
        self._apply_cursor()

    def stop(self) -> None:
        """Stop the cursor timer (the window is closing)."""
        self._cursor_timer.stop()

    def _apply_cursor(self) -> None:
        self._since_cursor.start()
        for c in self.cursors:
            c.setValue(self._cursor_t)

    # ------------------------------------------------------------------ drawing
    def _set_labels(self) -> None:
        self.sep_plot.setLabel("left", f"sep. ({distance_label(self.units)})")
        self.alt_plot.setLabel(
            "left", quantity_label(getattr(self, "quantity", "altitude"), self.units)
        )
        extra = getattr(self, "extra", {})
        for what, plot in extra.items():
            plot.setLabel("left", quantity_label(what, self.units))
        lowest = list(extra.values())[-1] if extra else self.alt_plot
        for plot in (self.alt_plot, *extra.values()):  # "UTC" under the lowest plot only
            plot.setLabel("bottom", "UTC" if plot is lowest else None)

    def set_well_clear(self, pairs) -> None:
        """The analysis's pairs, for the well-clear spans of the selected pair."""
        self._wc_pairs = pairs
        self._show_well_clear()

    def set_analysis(self, analysis) -> None:
        """The analysis: well-clear spans of the selected pair, and the samples it left
        out (drawn as marks, not joined into the curves)."""
        self._excluded = analysis.excluded if analysis is not None else None
        self.set_well_clear(analysis.pairs if analysis is not None else None)
        self._redraw_altitudes()

    def _show_well_clear(self) -> None:
        for item in self.wc_regions:
            self.sep_plot.removeItem(item)
        self.wc_regions = []
        pairs = getattr(self, "_wc_pairs", None)
        if self.pair is None or pairs is None or "well_clear_violation" not in pairs:
            return
        a, b = min(self.pair), max(self.pair)
        hit = pairs[(pairs["a"] == a) & (pairs["b"] == b)]
        color = QtGui.QColor(palette.WELL_CLEAR)
        color.setAlpha(60)
        for spans in hit["well_clear_violation"]:
            for t0, t1 in spans or []:
                region = pg.LinearRegionItem(
                    (float(t0), float(t1)), movable=False, brush=color, pen=pg.mkPen(None)
                )
                region.setZValue(-10)
                region.setToolTip("DAA well clear lost")
                self.sep_plot.addItem(region, ignoreBounds=True)
                self.wc_regions.append(region)

    def set_log(self, on: bool) -> None:
        """Separation on a log (on) or linear axis."""
        self.log_y = bool(on)
        self.sep_plot.setLogMode(y=self.log_y)
        if not self.log_y:
            self.sep_plot.getAxis("left").setTicks(None)  # pyqtgraph's own linear ticks
        self._redraw()

    def _y(self, v):
        """A threshold's position on the separation axis (log10 in log mode)."""
        return float(np.log10(max(v, LOG_FLOOR))) if self.log_y else float(v)

    def _redraw_thresholds(self) -> None:
        self.visual_line.setValue(self._y(distance_value(self.visual_range_m, self.units)))
        self.hsep_line.setValue(self._y(distance_value(self.hsep_m, self.units)))
        self._show_threshold_labels()

    def _log_ticks(self, *_: object) -> None:
        """Ticks of the log separation axis: 1-2-5 steps, or decades when the plot is too
        short for them (pyqtgraph's own minor labels — 2, 4, 0.8… — piled up in a small
        dock)."""
        if not self.log_y:
            return
        axis = self.sep_plot.getAxis("left")
        y0, y1 = self.sep_plot.getViewBox().viewRange()[1]
        room = max(int(self.sep_plot.getViewBox().height() // 18), 2)  # labels that fit
        ticks = []
        for steps in ((1, 2, 5), (1,)):
            decades = range(int(np.floor(y0)) - 1, int(np.ceil(y1)) + 1)
            ticks = [
                np.log10(m * 10.0**k)
                for k in decades
                for m in steps
                if y0 <= np.log10(m * 10.0**k) <= y1
            ]
            if len(ticks) <= room:
                break
        if len(ticks) > room:  # still too many: every n-th decade
            ticks = ticks[:: int(np.ceil(len(ticks) / room))]
        axis.setTicks([[(v, f"{10.0**v:g}") for v in ticks], []])

    def _show_threshold_labels(self, *_: object) -> None:
        """A threshold off the plot's range shows no label (pyqtgraph would leave it where
        the line last crossed the view, at the plot's edge)."""
        y0, y1 = self.sep_plot.getViewBox().viewRange()[1]
        for line in (self.visual_line, self.hsep_line):
            line.label.setVisible(y0 <= line.value() <= y1)

    def _tracks_shown(self) -> list[int]:
        if self.pair is not None:
            return list(self.pair)
        return [self.track] if self.track is not None else []

    def _redraw(self) -> None:
        ts, pair = self.ts, self.pair
        self._redraw_thresholds()
        if ts is None or pair is None:
            self.slant_curve.setData([], [])
            self.horiz_curve.setData([], [])
            self.message.setText(
                "Select a pair in the encounter table to plot its separation"
                + ("." if self.track is None else "; altitude of the selected track below.")
            )
        else:
            a, b = pair
            t0 = max(ts.first_times[a], ts.first_times[b])
            t1 = min(ts.last_times[a], ts.last_times[b])
            if self.series is None and t1 > t0:
                self.series = _series(ts, a, b, float(t0), float(t1))
            s = self.series
            if s is None or not len(s):
                self.slant_curve.setData([], [])
                self.horiz_curve.setData([], [])
            else:
                t = s["time"].to_numpy(dtype=float)
                floor = LOG_FLOOR if self.log_y else -np.inf
                self.slant_curve.setData(
                    t, np.maximum(distance_value(s["slant_m"].to_numpy(float), self.units), floor)
                )
                self.horiz_curve.setData(
                    t,
                    np.maximum(
                        distance_value(s["horizontal_m"].to_numpy(float), self.units), floor
                    ),
                )
            self.message.setText(self._pair_header(a, b))
        self.key.setVisible(pair is not None)
        self._show_well_clear()
        self._redraw_altitudes()
        self.glw.setVisible(bool(self._tracks_shown()))
        self._apply_cursor()
        self.sep_plot.setVisible(pair is not None)
        for plot in (self.sep_plot, self.alt_plot, *self.extra.values()):
            plot.enableAutoRange()

    def _pair_header(self, a: int, b: int) -> str:
        """The pair, each name in its colour in the lower plots."""
        from html import escape

        def run(text: str, color: str) -> str:
            return f'<span style="color:{color}">{escape(text)}</span>'

        return f"{run(self.labels[a], PAIR_COLORS[0])}  –  {run(self.labels[b], PAIR_COLORS[1])}"

    def set_quantity(self, what: str) -> None:
        """Show ``what`` (one of :data:`QUANTITIES`) in the lower plot."""
        self.quantity = what
        self.alt_plot.setLabel("left", quantity_label(what, self.units))
        self._redraw_altitudes()
        self.alt_plot.enableAutoRange()

    def _redraw_altitudes(self) -> None:
        self.alt_curves = self._draw_quantity(self.alt_plot, self.quantity, self.alt_curves)
        for what, plot in self.extra.items():
            self._extra_curves[what] = self._draw_quantity(
                plot, what, self._extra_curves.get(what, [])
            )

    def _draw_quantity(
        self, plot: pg.PlotItem, what: str, old: list[pg.PlotDataItem]
    ) -> list[pg.PlotDataItem]:
        """Replace ``old`` in ``plot`` by curves of ``what`` for the selected objects."""
        for c in old:
            plot.removeItem(c)
        ts = self.ts
        if ts is None:
            return []
        if what == "bearing":
            return self._draw_bearing(plot)
        shown = self._tracks_shown()
        curves = []
        for i, k in enumerate(shown):
            color = (
                PAIR_COLORS[i] if len(shown) == 2 else self.colors.get(k, palette.TRACK_FALLBACK)
            )
            dropped = self._excluded_times(k)
            qt, qv = track_quantity(ts, k, what, self.units, dropped)
            if len(dropped) and what == "altitude":
                curves.append(self._excluded_marks(plot, k, dropped, color))
            curves.append(
                plot.plot(
                    qt,
                    qv,
                    pen=pg.mkPen(QtGui.QColor(color), width=1.5),
                    name=str(self.labels[k]),
                    connect="finite",
                )
            )
        return curves

    def _draw_bearing(self, plot: pg.PlotItem) -> list[pg.PlotDataItem]:
        """True bearing from the pair's first object to its second, at common instants."""
        if self.pair is None or self.ts is None:
            return []
        from ...geo import geodesic_inverse
        from ...model.interpolate import positions_at

        a, b = self.pair
        ts = self.ts
        t0 = max(ts.first_times[a], ts.first_times[b])
        t1 = min(ts.last_times[a], ts.last_times[b])
        if not t1 > t0:
            return []
        keep = np.zeros(len(ts), dtype=bool)
        keep[[a, b]] = True
        sub = ts.subset(keep)  # the pair's two tracks, in track order
        ia, ib = (0, 1) if a < b else (1, 0)
        times = np.linspace(t0, t1, 600)
        la, lo, lb, lob = (np.full(len(times), np.nan) for _ in range(4))
        for j, t in enumerate(times):  # 600 instants of two tracks, on selection only
            p = positions_at(sub, float(t))
            la[j], lo[j], lb[j], lob[j] = p.lat[ia], p.lon[ia], p.lat[ib], p.lon[ib]
        ok = np.isfinite(la) & np.isfinite(lb)
        brg = np.full(len(times), np.nan)
        if ok.any():
            brg[ok] = geodesic_inverse(la[ok], lo[ok], lb[ok], lob[ok])[0]
        item = plot.plot(
            times,
            brg,
            pen=pg.mkPen(QtGui.QColor(PAIR_COLORS[0]), width=1.5),
            name=f"{self.labels[a]} → {self.labels[b]}",
            connect="finite",
        )
        return [item]

    def _excluded_times(self, k: int) -> np.ndarray:
        ex = self._excluded
        if ex is None or not len(ex):
            return np.zeros(0)
        return ex.loc[ex["track"] == k, "time"].to_numpy(dtype=float)

    def _excluded_marks(
        self, plot: pg.PlotItem, k: int, times: np.ndarray, color: str
    ) -> pg.ScatterPlotItem:
        """The excluded samples where they were recorded, as crosses that do not count
        for the axis range (a 30,000 ft spike stays off a 10,000 ft profile)."""
        sl = self.ts.track_slice(k)
        at = np.isin(self.ts.t[sl], times)
        marks = pg.ScatterPlotItem(
            self.ts.t[sl][at],
            altitude_value(self.ts.alt[sl][at], self.units),
            symbol="x",
            size=7,
            pen=pg.mkPen(QtGui.QColor(color)),
            brush=None,
        )
        marks.setToolTip("sample left out by the analysis (see Data quality)")
        plot.addItem(marks, ignoreBounds=True)
        return marks

    # ------------------------------------------------------------------ extra plots
    def set_extra(self, what: str, on: bool) -> None:
        """Show ``what`` (one of :data:`QUANTITIES`) in a plot of its own under the others
        (on), or remove that plot: speed, vertical rate and bearing watched together."""
        if on and what not in self.extra:
            plot = self.glw.addPlot(
                row=2 + len(self.extra),
                col=0,
                axisItems={"bottom": pg.DateAxisItem("bottom", utcOffset=0)},
            )
            self._style_plot(plot)
            plot.setXLink(self.sep_plot)
            plot.setLabel("left", quantity_label(what, self.units))
            cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen(CURSOR_COLOR, width=1.5), movable=False)
            plot.addItem(cursor, ignoreBounds=True)
            cursor.setValue(self._cursor_t)
            self.cursors.append(cursor)
            self.extra[what] = plot
            self._extra_curves[what] = self._draw_quantity(plot, what, [])
        elif not on and what in self.extra:
            plot = self.extra.pop(what)
            self._extra_curves.pop(what, None)
            self.cursors = [c for c in self.cursors if c.getViewBox() is not plot.getViewBox()]
            self.glw.removeItem(plot)
            # The plots left close up, in the order they were added.
            for row, p in enumerate(self.extra.values(), start=2):
                self.glw.removeItem(p)
                self.glw.addItem(p, row=row, col=0)
        self._set_labels()
        action = self.extra_actions.get(what)
        if action is not None and action.isChecked() != on:
            action.setChecked(on)

    def _clicked(self, event) -> None:
        """Click in a plot: go to that time (the plots are for reading moments too)."""
        if event.button() != QtCore.Qt.MouseButton.LeftButton or self.ts is None:
            return
        for plot in (self.sep_plot, self.alt_plot, *self.extra.values()):
            vb = plot.getViewBox()
            if vb.sceneBoundingRect().contains(event.scenePos()):
                self.seekRequested.emit(float(vb.mapSceneToView(event.scenePos()).x()))
                return


def curve_data(item: pg.PlotDataItem) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) of a curve in display units (not log10 on a log axis), for tests and export."""
    x, y = item.getOriginalDataset()
    return (np.zeros(0), np.zeros(0)) if x is None else (np.asarray(x), np.asarray(y))

"""The map: tracks replayed over an offline basemap in a true-distance projection.

A pyqtgraph PlotWidget with its aspect locked, in azimuthal-equidistant metres centred on
the encounter (axes labelled in NM or km), so distances and bearings read true and range
rings are round. The canvas holds no replay logic. What it shows is one
:class:`~encounter_replay.model.view_state.ViewState`, put in place by :meth:`MapCanvas.apply`,
which compares it with the last one and redraws once; the window, the offscreen exports,
``snapshot --window`` and session restore all go through it. :meth:`MapCanvas.set_time`
is the per-frame fast path. Everything per frame is numpy over all tracks (see
:mod:`.layers.tracks`); the data flow is drawn in ``docs/architecture.md``.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ..geo.projection import UNIT_M
from ..model import TrackSet, positions_at
from ..model.speeds import air_data_at
from ..model.units import FT, NM, fmt_distance, fmt_flight_level, fmt_speed
from ..model.view_state import ViewState
from .layers import style
from .layers.basemap_layer import BasemapLayer
from .layers.edge_arrow import EdgeArrow
from .layers.encounter import EncounterLayer
from .layers.events_layer import EventsLayer, note_labels
from .layers.furniture import Furniture, Graticule
from .layers.labels import ExtraLabel, LabelLayer, TrackLabels
from .layers.legend import MapLegend
from .layers.places_layer import PlacesLayer
from .layers.relative_view import RelativeView
from .layers.tiles_layer import TilesLayer
from .layers.tracks import Frame, TracksLayer
from .scene_data import SceneData, prepare_scene

#: Label priority by class (higher wins a crowded spot); weapons/decoys only when selected.
LABEL_PRIORITY = {"aircraft": 10.0, "sea": 6.0, "ground": 5.0, "reference": 4.0, "other": 3.0}
#: Objects that do not move between sparse updates: held at their last position, also
#: after it (an ACMI static object is written once and exists until the file ends).
HOLD_CLASSES = ("ground", "sea")
#: Coarsest trail decimation (s): keeps continuous data continuous with a 30 s gap rule.
MAX_TRAIL_STRIDE_S = 8
#: A click selects the nearest head within this many pixels.
CLICK_RADIUS_PX = 14.0


def alt_text(m: float, units: str) -> str:
    """Altitude as a label shows it: a flight level from 18,000 ft, else feet to the
    hundred (what a Mode C readout resolves), or metres to ten."""
    if not math.isfinite(m):
        return "alt —"
    if units == "km":
        return f"{round(m / 10.0) * 10:,} m"
    ft = m / FT
    if ft >= 18000:
        return fmt_flight_level(m)
    return f"{round(ft / 100) * 100:,} ft"


def speed_text(kind: str, value: float, units: str) -> str:
    """A speed named by its kind ("IAS 350 kt", "M0.92", "GS 420 kt"): a bare "24 kt" under
    a fighter in a vertical fight reads as its air speed and is not."""
    if not math.isfinite(value):
        return ""
    if kind == "Mach":
        return f"M{value:.2f}"
    return f"{kind} {fmt_speed(value, units)}"


def _drawn(state: ViewState) -> ViewState:
    """The part of a state the map draws (the clock's speed and loop are not)."""
    return state.replace(speed=1.0, loop=None)


class MapCanvas(QtWidgets.QWidget):
    """See the module docstring."""

    trackClicked = QtCore.Signal(int)
    #: Two objects picked on the map (click one, Ctrl+click the other): the new pair.
    pairPicked = QtCore.Signal(int, int)
    #: The visible map area changed (pan, zoom, resize, follow).
    viewChanged = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MapCanvas")
        self.plot_widget = pg.PlotWidget(background=style.SEA)
        self.plot_widget.setAntialiasing(False)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot_widget)
        self.plot: pg.PlotItem = self.plot_widget.getPlotItem()
        self.vb: pg.ViewBox = self.plot.getViewBox()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.vb.setAspectLocked(True, ratio=1.0)
        self.vb.disableAutoRange()
        self.vb.setDefaultPadding(0.0)
        for name in ("left", "bottom"):
            ax = self.plot.getAxis(name)
            ax.setPen(pg.mkPen(style.GRID))
            ax.setTextPen(pg.mkPen(style.AXIS_TEXT))
            ax.enableAutoSIPrefix(False)
            ax.setStyle(tickFont=style.ui_font(8.0))
        self.tiles = TilesLayer(self.plot)
        self.basemap = BasemapLayer(self.plot)
        self.places = PlacesLayer(self.plot, host=self.basemap.item)
        self.graticule = Graticule(self.plot)
        self.tracks = TracksLayer(self.plot)
        self.encounter = EncounterLayer(self.plot)
        self.events = EventsLayer(self.plot)
        #: The analyst's notes: (time, text, track index or None), drawn near their time.
        self.notes: list[tuple[float, str, int | None]] = []
        self.labels = LabelLayer(self.vb)
        self.edge_arrow = EdgeArrow(self.vb)
        self.legend = MapLegend(self.vb)
        # Every map layer under one rotor, so the heading-up view turns them all at once.
        self.relative = RelativeView(self.vb)
        self.relative.adopt(list(self.vb.childGroup.childItems()))
        self.furniture = Furniture(self.vb, self.graticule)

        self.scene_data: SceneData | None = None
        self.analysis = None
        self.time = float("nan")
        self.frame: Frame | None = None
        #: What is shown (its time is the last applied; ``self.time`` is the frame's).
        self.state = ViewState(view=None)
        self.visual_range_m = 10 * NM
        self._shown = np.zeros(0, dtype=bool)
        self._colors_list: list[str] = []
        self._label_colors_for: list[str] | None = None  # what _label_colors_list was made from
        self._label_colors_list: list[str] = []
        self._refs = np.zeros(0, dtype=np.int64)
        self._hold_ts: TrackSet | None = None
        self._hold_idx = np.zeros(0, dtype=np.int64)
        self._twin: MapCanvas | None = None
        self._air: dict[str, np.ndarray] = {}
        #: Fit every object (bullseyes, far tracks) rather than the aircraft action.
        self.fit_all = False
        #: The view is the fit (not zoomed or panned by the user): refit on resize.
        self.auto_fit = True
        self._fitting = False
        self._show_units("nm")
        self.vb.sigRangeChanged.connect(self._view_changed)
        self.vb.sigResized.connect(self._view_changed)
        self.vb.sigResized.connect(self._refit)
        self.vb.sigRangeChangedManually.connect(self._user_zoomed)
        self.plot_widget.scene().sigMouseClicked.connect(self._mouse_clicked)
        self.plot_widget.scene().sigMouseMoved.connect(self._mouse_moved)

    # ================================================================== state
    @property
    def selected_pair(self) -> tuple[int, int] | None:
        return self.state.pair

    @property
    def selected_track(self) -> int | None:
        return self.state.selected_track

    @property
    def follow_track(self) -> int | None:
        return self.state.follow_track

    @property
    def trail_s(self) -> float | None:
        return self.state.trail_s

    @property
    def units(self) -> str:
        return self.state.units

    def bind(self, controller) -> None:
        """Draw what the window's controller holds: each state change, each frame."""
        controller.stateChanged.connect(lambda _old, new: self.apply(new))
        controller.timeChanged.connect(self._on_time)

    def _on_time(self, t: float) -> None:
        if t != self.time or self.frame is None:
            self.set_time(t)

    def apply(self, state: ViewState) -> None:
        """Show ``state``: compare it with the state shown, update what differs, frame
        ``state.view`` if it is set, and draw the frame once.

        A framing is an instruction, not a lasting part of what is shown: once done the
        view belongs to the user (pan, zoom), so the state kept has ``view=None``.
        """
        old, self.state = self.state, state.replace(view=None)
        if state.view is None and _drawn(self.state) == _drawn(old) and self.frame is not None:
            return  # speed or loop changed: nothing on the map does
        if state.units != old.units:
            self._show_units(state.units)
        if state.pair != old.pair:
            self.encounter.set_pair(state.pair)
        self.encounter.selected = state.selected_track
        visual = state.visual_range_m
        if visual is None and self.analysis is not None:
            visual = self.analysis.settings.visual_range_m
        if visual is not None:
            self.visual_range_m = float(visual)
            self.encounter.visual_range_m = self.visual_range_m
        if (state.hidden_classes, state.hidden_tracks) != (old.hidden_classes, old.hidden_tracks):
            self._update_shown()
        if state.colors != old.colors:
            self._update_colors()
        if state.view is not None:
            self._frame_view(state)
        t = state.time if math.isfinite(state.time) else self.time
        if self.scene_data is not None and math.isfinite(t):
            self.set_time(t)

    def _frame_view(self, state: ViewState) -> None:
        """Frame ``state.view`` (a pair view without a pair frames everything)."""
        view = state.view
        if isinstance(view, tuple):
            self.set_view_rect(*view)
        elif view == "pair" and state.pair is not None:
            t = state.time if math.isfinite(state.time) else self.time
            self.zoom_to_pair(state.pair[0], state.pair[1], t)
        else:
            self.fit_to_tracks()

    def _change(self, **changes: object) -> None:
        """One field of the state changes (the ``set_*`` conveniences); keeps the framing."""
        self.apply(self.state.replace(view=None, time=float("nan"), **changes))

    # ================================================================== scene
    def set_scene(self, ts: TrackSet | None, analysis=None, state: ViewState | None = None) -> None:
        """Show a new scene: re-centre the projection on it and fit the view to its aircraft
        (or apply ``state``, which then says the framing too). Drawn once.

        Called again with the same TrackSet (only the analysis changed) it keeps the view.
        """
        if ts is not None and self.scene_data is not None and ts is self.scene_data.ts:
            self.analysis = analysis
            self.encounter.set_analysis(analysis)
            self.apply(state or self.state.replace(view=None, time=float("nan")))
            return
        self.state = self.state.replace(
            pair=None, selected_track=None, follow_track=None, hidden_tracks=(), colors={}
        )
        self.encounter.set_pair(None)
        empty = ts is None or len(ts) == 0
        self._install(None if empty else prepare_scene(ts), analysis)
        start = float("nan") if empty else ts.start
        self.apply(state or self.state.replace(view="all", time=start))

    def _install(self, scene: SceneData | None, analysis) -> None:
        self.scene_data = scene
        self.analysis = analysis
        if analysis is not None:
            self.visual_range_m = float(analysis.settings.visual_range_m)
        self.basemap.set_scene(scene)
        self.places.set_scene(scene)
        self.tracks.set_scene(scene)
        self.labels.reset()
        self.encounter.set_scene(scene, analysis)
        self.events.set_events(scene, None)
        self.encounter.visual_range_m = self.visual_range_m
        self.encounter.units = self.units
        self.furniture.proj = scene.proj if scene is not None else None
        self.tiles.set_projection(scene.proj if scene is not None else None)
        if scene is None:
            self.tracks.clear()
            self.encounter.clear()
            self.labels.set_frame(TrackLabels(), [], np.zeros(0), np.zeros(0))
            self.frame = None
            self.time = float("nan")
            self._view_changed()
            return
        n = scene.n_tracks
        self._refs = np.flatnonzero(scene.cls == "reference")
        hold = np.isin(scene.cls, HOLD_CLASSES)
        self._hold_idx = np.flatnonzero(hold)
        self._hold_ts = scene.shadow.subset(hold) if hold.any() else None
        self._update_shown()
        self._update_colors()
        self.time = scene.ts.start if n else float("nan")
        self._view_changed()

    def set_analysis(self, analysis) -> None:
        """New analysis results for the scene shown (contact lines, CPA marks, rings)."""
        self.analysis = analysis
        if analysis is not None:
            self.visual_range_m = float(analysis.settings.visual_range_m)
            self.encounter.visual_range_m = self.visual_range_m
        self.encounter.set_analysis(analysis)
        self._redraw()

    # ================================================================== frame
    def set_time(self, t: float) -> None:
        """Draw the scene at time ``t`` (POSIX s): the fast path, called every frame."""
        scene = self.scene_data
        self.time = float(t)
        if scene is None or not math.isfinite(self.time):
            return
        frame = self._frame_at(self.time)
        self.frame = frame
        self._air = air_data_at(scene.ts, self.time, scene.gap_s) if scene.ts.air else {}
        primary = self.primary_track
        if self.relative.heading_up and primary is not None and frame.visible[primary]:
            self.relative.set_primary_pose(
                float(frame.x[primary]), float(frame.y[primary]), float(frame.angle[primary])
            )
            self.furniture.rotation_deg = self.relative.angle_deg
            self._centre_on(frame, primary)
        elif self.follow_track is not None:
            self._follow(frame)  # first, so the trails are cut to the view they appear in
        self._set_label_transform()
        colors = self._colors_list
        view = self.relative.map_rect(self.vb.viewRect())
        self.tracks.update_trails(
            scene, frame, colors, self.trail_s, self._shown, view, self._trail_stride(view)
        )
        rings = [k for k in (self.selected_track, *(self.selected_pair or ())) if k is not None]
        self.tracks.update_heads(scene, frame, colors, frame.visible, rings)
        extras = self.encounter.update(frame, scene.labels)
        extras += self.events.update(self.time, self.trail_s)
        if self.notes:
            extras += note_labels(self.notes, self.time, frame, view)
        self._update_labels(frame, extras)
        self._update_edge_arrow(frame, view)

    def _update_edge_arrow(self, frame: Frame, view: QtCore.QRectF) -> None:
        pair = self.selected_pair
        pts = [(float(frame.x[k]), float(frame.y[k])) for k in pair or () if frame.visible[k]]
        text = ""
        if pts:
            mx = sum(x for x, _ in pts) / len(pts) - view.center().x()
            my = sum(y for _, y in pts) / len(pts) - view.center().y()
            text = fmt_distance(math.hypot(mx, my), self.units, 0)
        self.edge_arrow.set_targets(pts, text)

    def _frame_at(self, t: float) -> Frame:
        scene = self.scene_data
        pos = positions_at(scene.shadow, t, scene.gap_s)
        lat, lon, alt, speed, angle = pos.lat, pos.lon, pos.alt, pos.speed, pos.heading
        present = pos.present
        if self._hold_ts is not None:
            # Ground units and ships report rarely (ACMI writes a static object once):
            # between reports, and after the last one, they stay where they were.
            hts = self._hold_ts
            hp = positions_at(hts, t, gap_s=np.inf)
            h = self._hold_idx
            after = ~hp.present & (t >= hts.first_times)
            last = hts.offsets[1:] - 1
            for dst, src, arr in (
                (lat, hp.lat, hts.lat),
                (lon, hp.lon, hts.lon),
                (alt, hp.alt, hts.alt),
                (angle, hp.heading, hts.heading),
            ):
                dst[h] = np.where(after, arr[last], src)
            speed[h] = np.where(hp.present, np.nan_to_num(hp.speed), 0.0)
            present = present.copy()
            present[h] = hp.present | after
        if len(self._refs):
            # Reference points (bullseyes) are fixed marks, shown for the whole replay.
            first = scene.ts.offsets[self._refs]
            lat[self._refs] = scene.ts.lat[first]
            lon[self._refs] = scene.ts.lon[first]
            angle[self._refs] = 0.0
            present = present.copy()
            present[self._refs] = np.isfinite(lat[self._refs])
        visible = present & self._shown
        x = np.full(len(visible), np.nan)
        y = np.full(len(visible), np.nan)
        if visible.any():
            x[visible], y[visible] = scene.proj.forward(lat[visible], lon[visible])
        return Frame(t, visible, x, y, angle, alt, speed, lat, lon)

    def _trail_stride(self, view: QtCore.QRectF) -> int:
        """Decimation step (s) so trail samples are ~3 px apart at the current zoom."""
        width_px = max(self.vb.width(), 1.0)
        m_per_px = view.width() / width_px
        stride = 1
        while (
            stride < MAX_TRAIL_STRIDE_S
            and 2 * stride * self.scene_data.typical_speed <= 3.0 * m_per_px
        ):
            stride *= 2
        return stride

    def _update_labels(self, frame: Frame, extras: list[ExtraLabel]) -> None:
        scene = self.scene_data
        vis = frame.visible
        prio = np.zeros(scene.n_tracks)
        for cls, p in LABEL_PRIORITY.items():
            prio[scene.cls == cls] = p
        forced = np.zeros(scene.n_tracks, dtype=bool)
        for k, p in ((self.follow_track, 80.0), (self.selected_track, 90.0)):
            if k is not None and 0 <= k < len(prio):
                prio[k], forced[k] = p, True
        for k in self.selected_pair or ():
            prio[k], forced[k] = 100.0, True
        cand = np.flatnonzero(vis & (prio > 0))
        units = self.units
        colors = self._colors_list
        names = scene.labels
        cls = scene.cls

        air = self._air

        def speed(k: int) -> str:
            for key, kind in (("ias", "IAS"), ("tas", "TAS"), ("mach", "Mach")):
                col = air.get(key)
                if col is not None and math.isfinite(col[k]):
                    return speed_text(kind, float(col[k]), units)
            return speed_text("GS", float(frame.speed[k]), units)

        head_colors = self._label_colors(colors)

        def fmt(k: int) -> list[list[tuple[str, str]]]:
            head = [(names[k], head_colors[k])]
            if cls[k] == "reference":
                return [head]
            return [
                head,
                [
                    (alt_text(frame.alt[k], units), style.TEXT_DIM),
                    (speed(k), style.TEXT_DIM),
                ],
            ]

        tl = TrackLabels(
            x=frame.x[cand],
            y=frame.y[cand],
            track=cand,
            priority=prio[cand],
            forced=forced[cand],
            format=fmt,
            names=names,
        )
        self.labels.keep_out = self.furniture.keep_out() + self.legend.keep_out()
        self.labels.set_frame(tl, extras, frame.x[vis], frame.y[vis])

    def set_readout_shown(self, on: bool) -> None:
        """The selected pair's readout box on (the window) or off (a small context map)."""
        self.encounter.show_readout = bool(on)
        self._redraw()

    def _label_colors(self, colors: list[str]) -> list[str]:
        """Label text colour per track (lighter than the symbol), kept while colours stay."""
        if self._label_colors_for is not colors:
            self._label_colors_for = colors
            self._label_colors_list = [style.label_color(c).name() for c in colors]
        return self._label_colors_list

    def _redraw(self) -> None:
        if self.scene_data is not None and math.isfinite(self.time):
            self.set_time(self.time)

    def _update_shown(self) -> None:
        scene = self.scene_data
        if scene is None:
            return
        hidden = self.state.hidden_classes
        shown = ~np.isin(scene.cls, list(hidden)) if hidden else np.ones(scene.n_tracks, dtype=bool)
        for k in self.state.hidden_tracks:
            if 0 <= k < len(shown):
                shown[k] = False
        self._shown = shown

    def _update_colors(self) -> None:
        scene = self.scene_data
        if scene is None:
            return
        colors = self.state.colors
        self._colors_list = [colors.get(k, c) for k, c in enumerate(scene.base_colors)]

    # ================================================================== one-field changes
    def set_selected_pair(self, pair: tuple[int, int] | None) -> None:
        self._change(pair=pair)

    def set_selected_track(self, k: int | None) -> None:
        self._change(selected_track=k)

    def set_follow(self, k: int | None) -> None:
        self._change(follow_track=k)

    def set_trail_seconds(self, s: float | None) -> None:
        self._change(trail_s=None if s is None else max(float(s), 0.0))

    def set_class_visible(self, cls: str, visible: bool) -> None:
        hidden = set(self.state.hidden_classes)
        (hidden.discard if visible else hidden.add)(str(cls))
        self._change(hidden_classes=hidden)

    def set_track_visible(self, k: int, visible: bool) -> None:
        hidden = set(self.state.hidden_tracks)
        (hidden.discard if visible else hidden.add)(int(k))
        self._change(hidden_tracks=hidden)

    def set_track_color(self, k: int, color: str) -> None:
        colors = dict(self.state.colors)
        if color:
            colors[int(k)] = QtGui.QColor(color).name()
        else:
            colors.pop(int(k), None)
        self._change(colors=colors)

    def set_units(self, units: str) -> None:
        self._change(units=units)

    def set_visual_range_m(self, r: float) -> None:
        self._change(visual_range_m=float(r))

    def _show_units(self, units: str) -> None:
        unit = "NM" if units == "nm" else "km"
        for name, text in (("bottom", f"east, {unit}"), ("left", f"north, {unit}")):
            ax = self.plot.getAxis(name)
            ax.setScale(1.0 / UNIT_M[units])
            ax.setLabel(text, color=style.AXIS_TEXT)
        self.furniture.units = units
        self.encounter.units = units
        self.furniture.update()

    def set_events(self, events) -> None:
        """The scene's events (recorded and derived, ``merged_events`` columns) as markers."""
        self.events.set_events(self.scene_data, events)
        self._redraw()

    def set_notes(self, notes: list[tuple[float, str, int | None]]) -> None:
        """The analyst's notes, drawn on the map within a few seconds of their time."""
        self.notes = list(notes)
        self._redraw()

    def set_legend_visible(self, on: bool) -> None:
        """The map legend (what the lines, rings and marks mean) shown or hidden."""
        self.legend.setVisible(bool(on))
        self._redraw()

    def set_basemap_visible(self, on: bool) -> None:
        self.basemap.set_visible(on)

    @property
    def readout(self) -> dict[str, float]:
        """Figures of the selected pair at the current time (empty when none is drawn)."""
        return dict(self.encounter.readout)

    # ================================================================== view
    def fit_to_tracks(self) -> None:
        """Frame all aircraft tracks (the whole recording)."""
        scene = self.scene_data
        if scene is None:
            return
        x0, x1, y0, y1 = scene.bounds_all if self.fit_all else scene.bounds
        self._fitting = True
        try:
            self._set_range_centred(
                0.5 * (x0 + x1), 0.5 * (y0 + y1), 0.5 * (x1 - x0), 0.5 * (y1 - y0), pad=0.08
            )
        finally:
            self._fitting = False
        self.auto_fit = True

    def set_fit_all(self, on: bool) -> None:
        """Fit every object (on) or the aircraft action only (off, the default); refits."""
        self.fit_all = bool(on)
        self.fit_to_tracks()

    def _user_zoomed(self, *_: object) -> None:
        self.auto_fit = False

    def _refit(self, *_: object) -> None:
        if self.auto_fit and self.scene_data is not None and self.follow_track is None:
            self.fit_to_tracks()
            self._redraw()

    def zoom_to_pair(self, a: int, b: int, t: float) -> None:
        """Frame two aircraft at time ``t`` with room around them for labels."""
        scene = self.scene_data
        if scene is None:
            return
        pos = positions_at(scene.shadow, float(t), gap_s=np.inf)
        lat = np.array([pos.lat[a], pos.lat[b]])
        lon = np.array([pos.lon[a], pos.lon[b]])
        ok = np.isfinite(lat) & np.isfinite(lon)
        if not ok.any():
            return
        x, y = scene.proj.forward(lat[ok], lon[ok])
        half = max(0.5 * float(np.hypot(np.ptp(x), np.ptp(y))), 2.5 * NM)
        self._set_range_centred(float(x.mean()), float(y.mean()), half, half, pad=0.35)
        self.auto_fit = False

    def _set_range_centred(self, cx: float, cy: float, hx: float, hy: float, pad: float) -> None:
        hx = max(hx, 1.0 * NM)
        hy = max(hy, 1.0 * NM)
        hx, hy = hx * (1 + pad), hy * (1 + pad)
        self.vb.setRange(xRange=(cx - hx, cx + hx), yRange=(cy - hy, cy + hy), padding=0.0)

    def view_rect(self) -> tuple[float, float, float, float]:
        """Visible map area as (x0, x1, y0, y1) in map metres (for session files)."""
        r = self.vb.viewRect()
        return (r.left(), r.right(), r.top(), r.bottom())

    def set_view_rect(self, x0: float, x1: float, y0: float, y1: float) -> None:
        if all(math.isfinite(v) for v in (x0, x1, y0, y1)) and x1 > x0 and y1 > y0:
            self.auto_fit = False
            self.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)
            self.vb.updateViewRange()
            self.vb.updateMatrix()

    @property
    def primary_track(self) -> int | None:
        """The object the relative views are built around: the followed track, else the
        selected one, else the selected pair's first."""
        for k in (self.follow_track, self.selected_track, *(self.selected_pair or ())):
            if k is not None and self.scene_data is not None and 0 <= k < self.scene_data.n_tracks:
                return int(k)
        return None

    def set_heading_up(self, on: bool) -> None:
        """Primary-oriented view (on): centred on the primary, its nose up, range rings and
        bearing lines around it; off: north up."""
        self.relative.set_heading_up(on)
        self.relative.units = self.units
        self.graticule.set_visible(not on)
        self.graticule.update(self.scene_data.proj if self.scene_data else None, self.vb.viewRect())
        # East/north coordinates mean nothing on a turned map: the rings give the ranges.
        for name in ("left", "bottom"):
            self.plot.showAxis(name, not on)
        if not on:
            self.furniture.rotation_deg = 0.0
        self.furniture.show_grid_labels = not on
        self._set_label_transform()
        self._redraw()
        self.furniture.update()

    @property
    def heading_up(self) -> bool:
        return self.relative.heading_up

    def _set_label_transform(self) -> None:
        t = self.relative.transform
        self.labels.pre = None if t.isIdentity() else t
        self.edge_arrow.pre = self.labels.pre

    def _centre_on(self, frame: Frame, k: int) -> None:
        r = self.vb.viewRect()
        dx, dy = frame.x[k] - r.center().x(), frame.y[k] - r.center().y()
        if abs(dx) > 1e-6 or abs(dy) > 1e-6:
            self.vb.translateBy(x=dx, y=dy)

    def _follow(self, frame: Frame) -> None:
        k = self.follow_track
        if k is None or not (0 <= k < len(frame.visible)) or not frame.visible[k]:
            return
        r = self.vb.viewRect()
        dx, dy = frame.x[k] - r.center().x(), frame.y[k] - r.center().y()
        if abs(dx) > 1e-6 or abs(dy) > 1e-6:
            self.vb.translateBy(x=dx, y=dy)

    def _view_changed(self, *_: object) -> None:
        rect = self.vb.viewRect()
        proj = self.scene_data.proj if self.scene_data is not None else None
        extent = max(rect.width(), rect.height())
        if self.scene_data is not None:
            self.basemap.update_view(extent)
            self.places.update_view(extent)
        self.graticule.update(proj, rect)
        self.tiles.view_changed(rect, self.vb.width(), sync=False)
        self.furniture.update()
        self.labels.update()
        self.viewChanged.emit()

    # ================================================================== input
    def _mouse_clicked(self, ev) -> None:
        if ev.button() != QtCore.Qt.MouseButton.LeftButton or self.frame is None:
            return
        if not self.vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        k = self.track_at(self.relative.to_map(self.vb.mapSceneToView(ev.scenePos())))
        if k is not None:
            ev.accept()
            ctrl = bool(ev.modifiers() & QtCore.Qt.KeyboardModifier.ControlModifier)
            first = self.selected_track
            if ctrl and first is not None and first != k:
                self.pairPicked.emit(first, k)
                return
            self.trackClicked.emit(k)

    def _mouse_moved(self, scene_pos: QtCore.QPointF) -> None:
        """Hovering a crowded spot expands its group label ("SOKOL 01 +1") into a list."""
        if self.frame is None or not self.vb.sceneBoundingRect().contains(scene_pos):
            return
        k = self.track_at(self.relative.to_map(self.vb.mapSceneToView(scene_pos)))
        self.plot_widget.setToolTip(self.group_tooltip(k) if k is not None else "")

    def group_tooltip(self, k: int) -> str:
        """The names behind track ``k``'s label: itself and those its "+n" stands for
        (whichever of the group is hovered); '' when it is alone."""
        members = self.labels.group_members
        head = next((h for h, ms in members.items() if k == h or k in ms), None)
        if head is None or self.scene_data is None:
            return ""
        names = self.scene_data.labels
        return "\n".join(names[m] for m in [head, *members[head]])

    def track_at(self, pos: QtCore.QPointF) -> int | None:
        """Track whose head is nearest a map point, within the click radius, else None."""
        heads = self.tracks.heads
        i = heads.nearest(pos.x(), pos.y())
        if i < 0:
            return None
        px = self.vb.viewPixelSize()
        d = math.hypot((heads._x[i] - pos.x()) / px[0], (heads._y[i] - pos.y()) / px[1])
        return int(self.tracks.head_tracks[i]) if d <= CLICK_RADIUS_PX else None

    # ================================================================== export
    def render_image(self, width: int, height: int) -> QtGui.QImage:
        """The map as it is now, drawn at ``width`` × ``height`` pixels.

        Drawn by an offscreen twin canvas of exactly that size sharing this canvas's
        prepared scene, so labels, symbols and furniture are laid out for the target size
        (not a scaled screenshot) and the screen does not flicker. The twin covers the
        same map area (more of it along one axis if the aspect ratio differs).
        """
        width, height = int(width), int(height)
        if width <= 0 or height <= 0:
            raise ValueError(f"bad image size {width}×{height}")
        twin = self._twin
        if twin is None:
            twin = MapCanvas(self)
            twin.setWindowFlags(QtCore.Qt.WindowType.Window)
            twin.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            self._twin = twin
        twin.resize(width, height)
        if not twin.isVisible():
            twin.show()
        twin.layout().activate()
        QtCore.QCoreApplication.sendPostedEvents(twin, 0)
        twin.plot_widget.resize(width, height)
        twin._copy_state(self)
        image = QtGui.QImage(width, height, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QtGui.QColor(style.SEA))
        painter = QtGui.QPainter(image)
        try:
            twin.plot_widget.render(painter)
        finally:
            painter.end()
        return image

    def _copy_state(self, other: MapCanvas) -> None:
        """Mirror another canvas (the one on screen): scene, basemap, state, view, time."""
        if other.scene_data is not self.scene_data or other.analysis is not self.analysis:
            self._install(other.scene_data, other.analysis)
        self.basemap.set_visible(other.basemap.visible)
        self.basemap.set_rivers(other.basemap.item.show_rivers)
        self.places.set_shown(other.places.item.show_airfields, other.places.item.show_towns)
        if self.events.events is not other.events.events:
            self.events.set_events(self.scene_data, other.events.events)
        self.events.set_visible(other.events.visible)
        self.notes = list(other.notes)
        self.legend.setVisible(other.legend.isVisible())
        self.encounter.show_readout = other.encounter.show_readout
        if self.heading_up != other.heading_up:
            self.set_heading_up(other.heading_up)
        self.tiles.copy_source(other.tiles)
        self.basemap.set_fill_land(other.basemap.item.fill_land)
        view = other.view_rect() if other.scene_data is not None else None
        self.apply(other.state.replace(view=view, time=other.time))
        self.tiles.view_changed(self.vb.viewRect(), self.vb.width(), sync=True)

    def load_tiles(self, path: str) -> None:
        """Use a raster tile file (MBTiles or PMTiles) under the basemap; '' removes it."""
        self.tiles.load(path)
        self.basemap.set_fill_land(self.tiles.source is None)
        self.tiles.view_changed(self.vb.viewRect(), self.vb.width(), sync=True)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self.tiles.stop()
        if self._twin is not None:
            self._twin.close()
            self._twin.deleteLater()
            self._twin = None
        super().closeEvent(event)

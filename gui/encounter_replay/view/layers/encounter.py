"""The encounter overlay: the selected pair's geometry, rings, contacts and CPA marks.

What the analyst came for. The selected pair is joined by a line whose readout gives
slant range, horizontal and vertical separation, the true bearing each way and the
closure rate, all from :func:`encounter_replay.analysis.pair_geometry` (ECEF chord,
geodesic). Visual-range rings are geodesic circles, so a ring means that distance on the
ground wherever it sits. Pairs in visual contact or in loss of separation at the current
time are joined by amber dashed or red lines, from the analysis intervals.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg

from ... import palette
from ...analysis.thresholds import DTHR_M
from ...geo.projection import geodesic_circle
from ...model import positions_at
from ...model.timefmt import clock_utc
from ...model.units import NM, fmt_altitude, fmt_separation, fmt_speed
from . import style
from .labels import ExtraLabel
from .tracks import Frame

#: Time step for the closure rate, a symmetric difference around the current time (s).
CLOSURE_DT = 0.5
#: τmod is written in the readout only below this (s): a slow drift's hours say nothing.
TAU_SHOWN_S = 300.0
#: A time step larger than this (s) is a seek: slow readout figures are recomputed at once.
SEEK_S = 5.0
#: How often (per second of wall time) the readout's ATA/aspect/HCA/τmod are recomputed.
ANGLE_HZ = 4.0


def fmt_dist(m: float, units: str, digits: int = 2) -> str:
    """``"4.27 NM"``; below 0.1 NM (185 m) in feet or metres, where decimals of a mile hide
    what matters (a 42 m pass would read "0.0 NM")."""
    return fmt_separation(m, units, digits)


class EncounterLayer:
    """Owns the overlay items; the canvas calls :meth:`update` each frame."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.rings = pg.PlotCurveItem(
            pen=style.pen(style.VISUAL, 1.2, "dash", alpha=170), connect="finite"
        )
        self.hsep_rings = pg.PlotCurveItem(
            pen=style.pen(style.LOS, 1.0, "dot", alpha=150), connect="finite"
        )
        self.contact = pg.PlotCurveItem(
            pen=style.pen(style.VISUAL, 1.2, "dash", alpha=200), connect="pairs"
        )
        self.los = pg.PlotCurveItem(pen=style.pen(style.LOS, 2.2), connect="pairs")
        self.dthr_rings = pg.PlotCurveItem(
            pen=style.pen(palette.WELL_CLEAR, 1.4, "dash"), connect="finite"
        )
        self.well_clear_lost = False
        self._pair_pens = {
            "none": style.pen(style.SELECT, 1.6, alpha=230),
            "visual": style.pen(style.VISUAL, 2.0),
            "los": style.pen(style.LOS, 2.4),
        }
        self.pair_line = pg.PlotCurveItem(
            pen=style.pen(style.SELECT, 1.6, alpha=230), connect="finite"
        )
        self.cpa_line = pg.PlotCurveItem(pen=style.pen(style.CPA, 1.2, "dot"), connect="finite")
        self.cpa_marks = pg.ScatterPlotItem(
            symbol="x",
            size=13,
            pen=style.pen(style.OUTLINE, 1),
            brush=style.brush(style.CPA),
            pxMode=True,
        )
        for item, z in (
            (self.rings, style.Z_RINGS),
            (self.hsep_rings, style.Z_RINGS),
            (self.contact, style.Z_CONTACT),
            (self.los, style.Z_CONTACT),
            (self.dthr_rings, style.Z_RINGS),
            (self.pair_line, style.Z_PAIR),
            (self.cpa_line, style.Z_CPA),
            (self.cpa_marks, style.Z_CPA),
        ):
            item.setZValue(z)
            plot.addItem(item, ignoreBounds=True)
        self.scene = None
        self.analysis = None
        self.pair: tuple[int, int] | None = None
        self.selected: int | None = None
        self.visual_range_m = 10 * NM
        self.units = "nm"
        self._pair_ts = None
        self._cpa: dict | None = None
        self._vc = np.zeros((0, 4))  # a, b, t0, t1
        self._ls = np.zeros((0, 4))
        self.readout: dict[str, float] = {}  # last figures shown (tests, status bar)
        self._angles_key: tuple = ()
        self._tau_key: tuple = ()
        self._closure_key: tuple = ()
        self._closure = float("nan")
        #: The pair readout box (off on a briefing's overview map: its close-up has it).
        self.show_readout = True
        self._tau = float("nan")
        self._angles: dict[str, float] = {}
        self._ring_cache: dict[tuple[int, float], tuple] = {}

    # ------------------------------------------------------------------ configuration
    def set_scene(self, scene, analysis) -> None:
        self.scene = scene
        self._ring_cache = {}
        self.set_analysis(analysis)

    def set_analysis(self, analysis) -> None:
        self.analysis = analysis
        self._vc = self._intervals("visual_contact")
        self._ls = self._intervals("loss_of_separation")
        self._wc = self._intervals("well_clear_violation")
        if analysis is not None:
            self.visual_range_m = float(analysis.settings.visual_range_m)
        self.set_pair(self.pair)

    def _intervals(self, column: str) -> np.ndarray:
        """All (a, b, t0, t1) rows of one interval column, flattened once per analysis."""
        a = self.analysis
        if a is None or a.pairs is None or len(a.pairs) == 0 or column not in a.pairs:
            return np.zeros((0, 4))
        rows = a.intervals_of(column)  # [pair row, start, end]
        k = rows[:, 0].astype(np.int64)
        pa, pb = a.pairs["a"].to_numpy(np.float64), a.pairs["b"].to_numpy(np.float64)
        return np.column_stack([pa[k], pb[k], rows[:, 1], rows[:, 2]])

    def set_pair(self, pair: tuple[int, int] | None) -> None:
        self.pair = pair
        self._pair_ts = None
        self._cpa = None
        if pair is None or self.scene is None:
            return
        a, b = pair
        n = self.scene.n_tracks
        if not (0 <= a < n and 0 <= b < n) or a == b:
            self.pair = None
            return
        keep = np.zeros(n, dtype=bool)
        keep[[a, b]] = True
        # Two tracks' samples only, so per-frame interpolation for the readout is cheap.
        self._pair_ts = self.scene.ts.subset(keep)
        self._pair_order = (0, 1) if a < b else (1, 0)
        self._cpa = self._find_cpa(a, b)

    def _find_cpa(self, a: int, b: int) -> dict | None:
        an = self.analysis
        if an is None or an.pairs is None or len(an.pairs) == 0:
            return None
        lo, hi = min(a, b), max(a, b)
        rows = an.pairs[(an.pairs["a"] == lo) & (an.pairs["b"] == hi)]
        if len(rows) == 0:
            return None
        r = rows.iloc[0]
        t = float(r["cpa_time"])
        if not math.isfinite(t):
            return None
        pos = positions_at(self._pair_ts, t, self.scene.gap_s)
        ia, ib = self._pair_order
        lat = np.array([pos.lat[ia], pos.lat[ib]])
        lon = np.array([pos.lon[ia], pos.lon[ib]])
        if not np.all(np.isfinite(lat)):
            # The CPA may sit on a track end exactly; fall back to the nearest samples.
            pos = positions_at(self._pair_ts, t, gap_s=np.inf)
            lat = np.array([pos.lat[ia], pos.lat[ib]])
            lon = np.array([pos.lon[ia], pos.lon[ib]])
        x, y = self.scene.proj.forward(lat, lon)
        slant = float(r["cpa_slant_m"])
        return {
            "time": t,
            "x": x,
            "y": y,
            "slant": slant if math.isfinite(slant) else float(r["cpa_horizontal_m"]),
        }

    # ------------------------------------------------------------------ per frame
    def update(self, frame: Frame, names: list[str]) -> list[ExtraLabel]:
        """Redraw for the frame; returns the readout labels for the label layer."""
        scene = self.scene
        extras: list[ExtraLabel] = []
        if scene is None:
            self.clear()
            return extras
        vis = frame.visible
        # Contacts now: analysis intervals containing t, both heads drawn.
        los_pairs = self._active(self._ls, frame.time, vis)
        vc_pairs = self._active(self._vc, frame.time, vis)
        # The selected pair has its own line, coloured by the same rule.
        pair_state = "none"
        if self.pair is not None:
            key = (min(self.pair), max(self.pair))
            if any(tuple(p) == key for p in los_pairs.tolist()):
                pair_state = "los"
            elif any(tuple(p) == key for p in vc_pairs.tolist()):
                pair_state = "visual"
            los_pairs = los_pairs[~((los_pairs[:, 0] == key[0]) & (los_pairs[:, 1] == key[1]))]
            vc_pairs = vc_pairs[~((vc_pairs[:, 0] == key[0]) & (vc_pairs[:, 1] == key[1]))]
        if len(los_pairs) and len(vc_pairs):
            los_keys = set(map(tuple, los_pairs.tolist()))
            vc_pairs = np.array(
                [p for p in vc_pairs.tolist() if tuple(p) not in los_keys], dtype=np.int64
            ).reshape(-1, 2)
        self._pairs_line(self.los, los_pairs, frame)
        self._pairs_line(self.contact, vc_pairs, frame)

        # Rings around the selected aircraft.
        ring_tracks = []
        if self.pair is not None:
            ring_tracks += list(self.pair)
        if self.selected is not None and self.selected not in ring_tracks:
            ring_tracks.append(self.selected)
        ring_tracks = [k for k in ring_tracks if 0 <= k < len(vis) and vis[k]]
        self._rings(self.rings, ring_tracks, frame, self.visual_range_m)
        # DTHR around the selected pair while it has lost DAA well clear.
        self.well_clear_lost = False
        if self.pair is not None:
            key = (min(self.pair), max(self.pair))
            wc = self._active(self._wc, frame.time, vis)
            self.well_clear_lost = any(tuple(p) == key for p in wc.tolist())
        if self.well_clear_lost:
            self._rings(self.dthr_rings, [k for k in self.pair if vis[k]], frame, DTHR_M)
        else:
            self.dthr_rings.setData([], [])
        hsep = float(self.analysis.settings.hsep_m) if self.analysis is not None else None
        if hsep and self.pair is not None:
            self._rings(self.hsep_rings, [k for k in self.pair if vis[k]], frame, hsep)
        else:
            self.hsep_rings.setData([], [])

        # The selected pair: line and readout.
        self.readout = {}
        if self.pair is not None and all(vis[k] for k in self.pair):
            a, b = self.pair
            self.pair_line.setPen(self._pair_pens[pair_state])
            self.pair_line.setData(
                np.array([frame.x[a], frame.x[b]]), np.array([frame.y[a], frame.y[b]])
            )
            if self.show_readout:
                extras.append(self._readout(frame, names))
        else:
            self.pair_line.setData([], [])

        # CPA of the selected pair: marks on the trails and a note.
        if self._cpa is not None and self.pair is not None:
            c = self._cpa
            self.cpa_marks.setData(c["x"], c["y"])
            # At the CPA moment the dotted CPA line would lie on the pair line.
            if abs(frame.time - c["time"]) > 2.0:
                self.cpa_line.setData(c["x"], c["y"])
            else:
                self.cpa_line.setData([], [])
            extras.append(
                ExtraLabel(
                    float(c["x"].mean()),
                    float(c["y"].mean()),
                    [
                        (
                            f"CPA {fmt_dist(c['slant'], self.units, 1)} {clock_utc(c['time'])}",
                            style.CPA,
                        )
                    ],
                    priority=60.0,
                    forced=True,
                    dx=8,
                    dy=8,
                )
            )
            if abs(frame.time - c["time"]) <= 2.0 and self.readout:
                extras.pop()  # at the CPA the pair readout already gives these figures
        else:
            self.cpa_marks.setData([], [])
            self.cpa_line.setData([], [])
        return extras

    def _readout(self, frame: Frame, names: list[str]) -> ExtraLabel:
        a, b = self.pair
        ia, ib = self._pair_order
        t = frame.time
        # imported here, not at the top: the analysis package pulls in scipy (~0.25 s),
        # which the window need not wait for before it first shows
        from ...analysis import pair_geometry

        g = pair_geometry(
            *(np.array([v]) for v in (frame.lat[a], frame.lon[a], frame.alt[a])),
            *(np.array([v]) for v in (frame.lat[b], frame.lon[b], frame.alt[b])),
        )
        slant_known = np.isfinite(g.slant_m)
        # Closure changes slowly: refreshed with the angles, four times a second.
        if self._stale("_closure_key", t):
            now = g.slant_m[0] if slant_known[0] else g.horizontal_m[0]
            self._closure = self._closure_at(t, float(now))
        closure = self._closure
        u = self.units
        self.readout = {
            "slant_m": float(g.slant_m[0]),
            "horizontal_m": float(g.horizontal_m[0]),
            "vertical_m": float(g.vertical_m[0]),
            "bearing_ab_deg": float(g.bearing_12_deg[0]),
            "bearing_ba_deg": float(g.bearing_21_deg[0]),
            "closure_mps": float(closure),
        }
        r = self.readout
        head = (
            f"{fmt_dist(r['slant_m'], u)} slant"
            if slant_known[0]
            else (f"{fmt_dist(r['horizontal_m'], u)} horiz. (no alt.)")
        )
        word = "closing" if closure >= 0 else "opening"
        dz = r["vertical_m"]
        above = ""
        if math.isfinite(dz) and abs(dz) > 0.5:
            above = f"{names[b] if dz > 0 else names[a]} above"
        # Angles from a's seat (the Tote's definitions), on the pair's two tracks only.
        from ...analysis.relative import tote

        # Refreshed four times a second of replay time: a readout's angles need no more,
        # and the frame budget keeps the rest.
        if self._stale("_angles_key", t):
            seat = tote(self._pair_ts, ia, t, positions=None).row(ib) or {}
            self._angles = {
                k: float(seat.get(k, float("nan"))) for k in ("ata_deg", "aspect_deg", "hca_deg")
            }
        r.update(self._angles)
        tau = self._tau_mod(t)
        r["tau_mod_s"] = tau
        angles = "   ".join(
            f"{name} {r[key]:.0f}°"
            for name, key in (("ATA", "ata_deg"), ("AA", "aspect_deg"), ("HCA", "hca_deg"))
            if math.isfinite(r[key])
        )
        # (text, colour, optional): optional lines go first when the map is small.
        rows = [
            (head, style.TEXT, False),
            (
                f"H {fmt_dist(r['horizontal_m'], u)}   V {fmt_altitude(abs(dz), u)}",
                style.TEXT_DIM,
                False,
            ),
            (above, style.TEXT_DIM, False),
            (f"{angles}  (from {names[a]})" if angles else "", style.TEXT_DIM, True),
            (f"{names[a]}→{names[b]} {r['bearing_ab_deg']:05.1f}°", style.TEXT_DIM, True),
            (f"{names[b]}→{names[a]} {r['bearing_ba_deg']:05.1f}°", style.TEXT_DIM, True),
            (f"{word} {fmt_speed(abs(closure), u)}", style.TEXT_DIM, False),
        ]
        rows = [row for row in rows if row[0]]  # no "above" when level, no angles unknown
        if math.isfinite(tau) and tau <= TAU_SHOWN_S:
            wc = "  WELL CLEAR LOST" if self.well_clear_lost else ""
            rows.append((f"τmod {tau:.0f} s{wc}", palette.WELL_CLEAR, False))
        elif self.well_clear_lost:
            rows.append(("WELL CLEAR LOST", palette.WELL_CLEAR, False))
        lines = [(text, colour) for text, colour, _ in rows]
        optional = {i for i, row in enumerate(rows) if row[2]}
        mx = 0.5 * (frame.x[a] + frame.x[b])
        my = 0.5 * (frame.y[a] + frame.y[b])
        return ExtraLabel(
            float(mx),
            float(my),
            lines,
            priority=1000.0,
            forced=True,
            dx=14,
            dy=14,
            framed=style.SELECT,
            optional=frozenset(optional),
        )

    def _closure_at(self, t: float, now: float) -> float:
        """Range rate (m/s, positive closing) by symmetric difference over ±CLOSURE_DT,
        one-sided at a track's end; ``now`` is the range at ``t``."""
        from ...analysis import pair_geometry

        ia, ib = self._pair_order
        gap = self.scene.gap_s
        p0 = positions_at(self._pair_ts, t - CLOSURE_DT, gap)
        p1 = positions_at(self._pair_ts, t + CLOSURE_DT, gap)
        g = pair_geometry(
            np.array([p0.lat[ia], p1.lat[ia]]),
            np.array([p0.lon[ia], p1.lon[ia]]),
            np.array([p0.alt[ia], p1.alt[ia]]),
            np.array([p0.lat[ib], p1.lat[ib]]),
            np.array([p0.lon[ib], p1.lon[ib]]),
            np.array([p0.alt[ib], p1.alt[ib]]),
        )
        before, after = np.where(np.isfinite(g.slant_m), g.slant_m, g.horizontal_m)
        if np.isfinite(before) and np.isfinite(after):
            return float(-(after - before) / (2 * CLOSURE_DT))
        if np.isfinite(before):
            return float(-(now - before) / CLOSURE_DT)
        if np.isfinite(after):
            return float(-(after - now) / CLOSURE_DT)
        return float("nan")

    def _tau_mod(self, t: float) -> float:
        """DO-365 modified tau of the selected pair now (NaN unless closing), from the
        analysis's own series function; refreshed with the readout's angles."""
        if not self._stale("_tau_key", t):
            return self._tau
        from ...analysis.well_clear_series import well_clear_series

        ia, ib = self._pair_order  # the pair's own two-track set: cheap at any scene size
        settings = self.analysis.settings if self.analysis is not None else None
        try:
            row = well_clear_series(self._pair_ts, ia, ib, np.array([t]), settings)
            self._tau = float(row["tau_mod_s"].iloc[0])
        except (ValueError, IndexError, KeyError):
            self._tau = float("nan")
        return self._tau

    def _stale(self, name: str, t: float) -> bool:
        """Whether a slow readout figure must be recomputed at ``t``: another pair, a jump
        in time (a seek), or 1/ANGLE_HZ of wall time since the last one (while playing, at
        any speed, the figures refresh four times a second, not every frame)."""
        pair, last_t, last_wall = getattr(self, name) or (None, math.nan, -math.inf)
        now = time.monotonic()
        if pair == self.pair and abs(t - last_t) < SEEK_S and now - last_wall < 1 / ANGLE_HZ:
            return False
        setattr(self, name, (self.pair, t, now))
        return True

    @staticmethod
    def _active(rows: np.ndarray, t: float, vis: np.ndarray) -> np.ndarray:
        if len(rows) == 0:
            return np.zeros((0, 2), dtype=np.int64)
        on = (rows[:, 2] <= t) & (t <= rows[:, 3])
        pairs = rows[on, :2].astype(np.int64)
        if len(pairs):
            pairs = pairs[vis[pairs[:, 0]] & vis[pairs[:, 1]]]
        return np.unique(pairs, axis=0) if len(pairs) else pairs

    @staticmethod
    def _pairs_line(item: pg.PlotCurveItem, pairs: np.ndarray, frame: Frame) -> None:
        if len(pairs) == 0:
            item.setData([], [])
            return
        item.setData(frame.x[pairs].ravel(), frame.y[pairs].ravel())

    def _rings(
        self, item: pg.PlotCurveItem, tracks: list[int], frame: Frame, radius: float
    ) -> None:
        if not tracks or not (radius > 0):
            item.setData([], [])
            return
        xs, ys = [], []
        for k in tracks:  # at most three rings
            x, y = self._ring(k, radius, frame)
            xs += [x, [np.nan]]
            ys += [y, [np.nan]]
        item.setData(np.concatenate(xs), np.concatenate(ys))

    def _ring(self, k: int, radius: float, frame: Frame) -> tuple[np.ndarray, np.ndarray]:
        """A geodesic circle around track k, projected. Recomputed when the aircraft has
        moved 1 % of the radius; in between the projected ring is shifted with it (the
        shape changes far less than a pixel over such a move)."""
        hx, hy = float(frame.x[k]), float(frame.y[k])
        hit = self._ring_cache.get((k, radius))
        if hit is None or math.hypot(hx - hit[0], hy - hit[1]) > 0.01 * radius:
            lat, lon = geodesic_circle(float(frame.lat[k]), float(frame.lon[k]), radius, 96)
            x, y = self.scene.proj.forward(lat, lon)
            hit = (hx, hy, x, y)
            if len(self._ring_cache) > 32:
                self._ring_cache.clear()
            self._ring_cache[(k, radius)] = hit
        return hit[2] + (hx - hit[0]), hit[3] + (hy - hit[1])

    def clear(self) -> None:
        for item in (
            self.rings,
            self.hsep_rings,
            self.contact,
            self.los,
            self.dthr_rings,
            self.pair_line,
            self.cpa_line,
        ):
            item.setData([], [])
        self.cpa_marks.setData([], [])

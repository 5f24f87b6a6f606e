"""Relative geometry of one primary against every other object at one instant (the Tote).

A debrief reads an encounter from one aircraft's seat: where is each other object, is it
pointing at me, am I pointing at it, are we closing, when and how close will we pass. All
of it is computed here for all targets at once (numpy over the target axis, no Python loop),
fast enough to refresh a table on every frame of the replay.

Positions come from :func:`~..model.interpolate.positions_at` (the same linear
interpolation the map draws). Velocities are those of that interpolation: the ECEF
displacement across the sample interval that holds the instant, divided by its duration;
at a sample time the interval that ends there (the approach) is used, as the analysis
does for closure. Angles between directions (ATA, aspect, HCA) are 3-D angles between ECEF
vectors, so a target straight above a level primary has ATA 90°, as a pilot would see it;
bearings are geodesic (pyproj) and horizontal. Where an object does not move (speed below
:data:`STILL_MPS`) or has one sample only, its recorded heading stands in for its velocity
direction, horizontal.

Definitions (also in the README, "Relative geometry (Tote)"):

* ``slant_m`` straight-line (ECEF chord) range; ``horizontal_m`` geodesic between ground
  points; ``vertical_m`` target altitude minus primary altitude (positive: target above).
* ``bearing_deg`` true bearing primary → target (0–360); ``relative_bearing_deg`` that
  bearing minus the primary's course, in (−180, 180] (positive: right of the nose).
* ``ata_deg`` antenna-train angle: between the primary's velocity and the line of sight
  primary → target (0 target dead ahead, 180 dead astern).
* ``aspect_deg`` aspect angle: between the target's tail (its velocity reversed) and the
  line of sight target → primary (0 the primary sits on the target's tail, 180 head-on).
* ``hca_deg`` heading-crossing angle: between the two velocities (0 parallel, 180 opposite).
* ``closure_mps`` rate at which the slant range shrinks (−d(slant)/dt; negative opening).
* ``cpa_in_s`` / ``cpa_range_m``: time from now to the closest approach if both kept their
  current velocities in a straight line, and the slant range then (0 s and the current range
  when already opening).
* ``in_visual_range``: slant within the pair's visual range (the larger of the two, as the
  analysis uses) with line of sight over the 4/3-Earth horizon; ``line_of_sight`` alone;
  ``loss_of_separation``: horizontal < H and |vertical| < V (the analysis settings).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from ..geo import arc_of_chord, ecef, ecef_ground_and_normal, geodesic_inverse, horizon_arc_m
from ..model import TrackSet
from ..model.interpolate import Positions, last_index_at_or_before, positions_at
from .result import AnalysisResult
from .settings import AnalysisSettings

#: Below this ground speed (m/s) an object's velocity has no usable direction.
STILL_MPS = 0.5


@dataclass
class Tote:
    """One row per target (every track but the primary), in track order. Angles in
    degrees, distances in metres, rates in m/s; NaN where a value is unknown (target or
    primary absent at the instant, altitude unknown for slant/vertical/3-D angles)."""

    time: float
    primary: int
    target: np.ndarray  # track index of each row
    present: np.ndarray  # both objects present at the instant
    slant_m: np.ndarray
    horizontal_m: np.ndarray
    vertical_m: np.ndarray
    bearing_deg: np.ndarray
    relative_bearing_deg: np.ndarray
    ata_deg: np.ndarray
    aspect_deg: np.ndarray
    hca_deg: np.ndarray
    closure_mps: np.ndarray
    cpa_in_s: np.ndarray
    cpa_range_m: np.ndarray
    in_visual_range: np.ndarray
    line_of_sight: np.ndarray
    loss_of_separation: np.ndarray
    # The pair's exact CPA over the whole recording (from an analysis result), if known.
    pair_cpa_time: np.ndarray
    pair_cpa_slant_m: np.ndarray

    def above(self) -> np.ndarray:
        """``"above"``/``"below"``/``"level"``/``""`` per row, for the V column's wording."""
        v = self.vertical_m
        out = np.full(len(v), "", dtype=object)
        out[v > 0.5] = "above"
        out[v < -0.5] = "below"
        out[np.abs(v) <= 0.5] = "level"
        return out

    def row(self, track: int) -> dict | None:
        """The figures of one target as a dict (the pair readout of any two objects);
        None if ``track`` is the primary or not in the set."""
        hit = np.flatnonzero(self.target == track)
        if len(hit) == 0:
            return None
        k = int(hit[0])
        out = {"time": self.time, "primary": self.primary}
        for f in fields(self):
            if f.name not in ("time", "primary"):
                v = getattr(self, f.name)[k]
                out[f.name] = v.item() if hasattr(v, "item") else v
        out["above"] = self.above()[k]
        return out

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame (for a sortable table model)."""
        cols = {
            f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("time", "primary")
        }
        return pd.DataFrame(cols)


def _velocity_ecef(ts: TrackSet, time: float, gap_s: float) -> np.ndarray:
    """ECEF velocity (m/s) of every track at ``time`` from its bracketing samples, ``(N, 3)``.

    NaN where the track has no interval around ``time`` (absent, or a single sample).
    """
    first = ts.offsets[:-1]
    last = ts.offsets[1:] - 1
    i0 = last_index_at_or_before(ts.t, ts.offsets, time)
    # At a sample time use the interval that ends there; at the first sample the next one.
    on_sample = (i0 >= first) & (ts.t[np.clip(i0, 0, max(len(ts.t) - 1, 0))] == time)
    a = np.where(on_sample & (i0 > first), i0 - 1, i0)
    a = np.clip(a, first, np.maximum(last - 1, first))
    b = np.minimum(a + 1, last)
    dt = ts.t[b] - ts.t[a]
    ok = (b > a) & (dt > 0) & (dt <= gap_s)
    pa = ecef(ts.lat[a], ts.lon[a], ts.alt[a])
    pb = ecef(ts.lat[b], ts.lon[b], ts.alt[b])
    with np.errstate(invalid="ignore", divide="ignore"):
        v = (pb - pa) / dt[:, None]
    v[~ok] = np.nan
    return v


def _enu_basis(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit east, north, up vectors (ECEF, each ``(N, 3)``) at the given points."""
    la, lo = np.radians(lat), np.radians(lon)
    sl, cl, so, co = np.sin(la), np.cos(la), np.sin(lo), np.cos(lo)
    east = np.stack([-so, co, np.zeros_like(lo)], axis=-1)
    north = np.stack([-sl * co, -sl * so, cl], axis=-1)
    up = np.stack([cl * co, cl * so, sl], axis=-1)
    return east, north, up


def _direction(
    v: np.ndarray, heading: np.ndarray, east: np.ndarray, north: np.ndarray, up: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Unit direction of motion ``(N, 3)`` and course over ground (deg) of each object.

    Falls back to the recorded heading (horizontal) where the object stands still or its
    velocity is unknown.
    """
    ve = np.sum(v * east, axis=-1)
    vn = np.sum(v * north, axis=-1)
    vu = np.sum(v * up, axis=-1)
    ground = np.hypot(ve, vn)
    moving = np.isfinite(ground) & (ground >= STILL_MPS)
    course = np.where(moving, np.degrees(np.arctan2(ve, vn)) % 360.0, heading % 360.0)
    h = np.radians(heading)
    fallback = np.sin(h)[:, None] * east + np.cos(h)[:, None] * north
    speed = np.sqrt(ve * ve + vn * vn + vu * vu)
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = v / speed[:, None]
    unit = np.where(moving[:, None], unit, fallback)
    return unit, course


def _angle_deg(u: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Angle (0–180°) between direction vectors along the last axis (need not be unit)."""
    cross = np.linalg.norm(np.cross(u, w), axis=-1)
    dot = np.sum(u * w, axis=-1)
    return np.degrees(np.arctan2(cross, dot))


def tote(
    ts: TrackSet,
    primary: int,
    time: float,
    settings: AnalysisSettings | None = None,
    result: AnalysisResult | None = None,
    positions: Positions | None = None,
) -> Tote:
    """Relative geometry of track ``primary`` against every other track at ``time``.

    ``settings`` give the visual ranges, separation minima, gap length and Earth model
    (defaults when omitted); ``result``, when given, supplies each pair's exact CPA over the
    recording (``pair_cpa_time``/``pair_cpa_slant_m``; NaN for pairs it does not report).
    ``result`` must come from an analysis of this same TrackSet (its track indices).
    ``positions``: the frame's :func:`positions_at` for ``time`` if the caller has it
    (the window computes it anyway), saving one interpolation.
    """
    n = len(ts)
    if not 0 <= primary < n:
        raise IndexError(f"primary track {primary} not in a set of {n} tracks")
    settings = settings or AnalysisSettings()
    pos = positions if positions is not None else positions_at(ts, time, settings.gap_s)
    targets = np.delete(np.arange(n, dtype=np.int64), primary)
    m = len(targets)
    present = pos.present[targets] & bool(pos.present[primary])

    def rep(a: np.ndarray) -> np.ndarray:
        return np.full(m, a[primary])

    lat0, lon0, alt0 = rep(pos.lat), rep(pos.lon), rep(pos.alt)
    lat1, lon1, alt1 = pos.lat[targets], pos.lon[targets], pos.alt[targets]

    p0 = ecef(lat0, lon0, alt0)
    p1 = ecef(lat1, lon1, alt1)
    los = p1 - p0  # line of sight primary -> target
    slant = np.linalg.norm(los, axis=-1)
    bearing, _, horizontal = geodesic_inverse(lat0, lon0, lat1, lon1)
    vertical = alt1 - alt0

    vel = _velocity_ecef(ts, time, settings.gap_s)
    heading = pos.heading
    idx_all = np.r_[primary, targets]
    east, north, up = _enu_basis(pos.lat[idx_all], pos.lon[idx_all])
    unit, course = _direction(vel[idx_all], heading[idx_all], east, north, up)
    u0 = np.broadcast_to(unit[0], (m, 3))
    u1 = unit[1:]

    rel = (bearing - course[0] + 180.0) % 360.0 - 180.0
    rel = np.where(rel == -180.0, 180.0, rel)
    ata = _angle_deg(u0, los)
    aspect = _angle_deg(-u1, -los)
    hca = _angle_deg(u0, u1)

    # Closure and linear CPA from the relative velocity (unknown velocity: NaN).
    dv = vel[targets] - vel[primary]
    with np.errstate(invalid="ignore", divide="ignore"):
        closure = -np.sum(los * dv, axis=-1) / slant
        dv2 = np.sum(dv * dv, axis=-1)
        t_min = np.where(dv2 > 0, -np.sum(los * dv, axis=-1) / dv2, np.where(dv2 == 0, 0.0, np.nan))
    t_cpa = np.maximum(t_min, 0.0)
    cpa_range = np.linalg.norm(los + t_cpa[:, None] * dv, axis=-1)

    # Line of sight over the 4/3-Earth sphere: ground arc within both horizons.
    g0, _ = ecef_ground_and_normal(lat0, lon0)
    g1, _ = ecef_ground_and_normal(lat1, lon1)
    arc = arc_of_chord(np.sqrt(np.sum((g1 - g0) ** 2, axis=0)))
    k = settings.earth_k
    sight = arc <= horizon_arc_m(alt0, k) + horizon_arc_m(alt1, k)
    vis = settings.visual_ranges(ts.meta)
    pair_vis = np.maximum(vis[targets], vis[primary])
    in_visual = (slant <= pair_vis) & sight
    loss = (horizontal < settings.hsep_m) & (np.abs(vertical) < settings.vsep_m)

    pair_time = np.full(m, np.nan)
    pair_slant = np.full(m, np.nan)
    if result is not None and len(result.pairs):
        pa = result.pairs["a"].to_numpy(dtype=np.int64)
        pb = result.pairs["b"].to_numpy(dtype=np.int64)
        other = np.where(pa == primary, pb, np.where(pb == primary, pa, -1))
        hit = other >= 0
        slot = np.searchsorted(targets, other[hit])
        pair_time[slot] = result.pairs["cpa_time"].to_numpy(dtype=np.float64)[hit]
        pair_slant[slot] = result.pairs["cpa_slant_m"].to_numpy(dtype=np.float64)[hit]

    def gate(a: np.ndarray) -> np.ndarray:
        return np.where(present, a, np.nan)

    return Tote(
        time=float(time),
        primary=int(primary),
        target=targets,
        present=present,
        slant_m=gate(slant),
        horizontal_m=gate(horizontal),
        vertical_m=gate(vertical),
        bearing_deg=gate(bearing),
        relative_bearing_deg=gate(rel),
        ata_deg=gate(ata),
        aspect_deg=gate(aspect),
        hca_deg=gate(hca),
        closure_mps=gate(closure),
        cpa_in_s=gate(t_cpa),
        cpa_range_m=gate(cpa_range),
        in_visual_range=present & in_visual,
        line_of_sight=present & sight,
        loss_of_separation=present & loss,
        pair_cpa_time=pair_time,
        pair_cpa_slant_m=pair_slant,
    )

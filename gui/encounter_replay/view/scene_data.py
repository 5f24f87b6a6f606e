"""What the map needs from a TrackSet, computed once per scene so frames stay cheap.

Every sample is projected onto the map plane once (pyproj costs ~0.8 µs a point, far too
much per frame for trails), missing ground speeds are derived from the positions, and
headings are turned into map angles (true heading plus the projection's convergence, or
the course over ground where the recorder gave no heading). A shadow TrackSet carrying
the derived speed and map heading lets :func:`positions_at` interpolate them per frame.
No Qt here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..geo.basemap import LonLatBox
from ..geo.projection import LocalProjection
from ..model import DEFAULT_GAP_S, TrackSet
from ..model.framing import action_tracks
from ..model.labels import track_label, track_labels
from ..model.shades import shades
from ..palette import BLUE, NAMED_COLORS, NEUTRAL, RED

__all__ = ["BLUE", "NAMED_COLORS", "NEUTRAL", "RED", "SceneData", "coalition_color", "track_label"]
#: Classes that leave no trail: chaff and flares are clutter, references do not move.
NO_TRAIL = ("decoy", "reference")
#: Classes drawn with a thin trail.
THIN_TRAIL = ("weapon", "other")
_BLUE_NAMES = {"blue", "blues", "allies", "allied", "blufor", "friendly", "friend", "own"}
_RED_NAMES = {"red", "reds", "enemies", "enemy", "opfor", "hostile", "redfor"}


def coalition_color(coalition: str, color: str = "") -> str:
    """The default colour of a track: its recorded colour if any, else by coalition."""
    c = (color or "").strip()
    if c:
        if c.startswith("#") and len(c) in (4, 7, 9):
            return c
        named = NAMED_COLORS.get(c.lower())
        if named:
            return named
    co = (coalition or "").strip().lower()
    if co in _BLUE_NAMES:
        return BLUE
    if co in _RED_NAMES:
        return RED
    return NEUTRAL


def derived_speed(ts: TrackSet, x: np.ndarray, y: np.ndarray, gap_s: float) -> np.ndarray:
    """Ground speed (m/s) per sample from map positions, where the recorder gave none.

    Central differences inside a track, one-sided at its ends and next to gaps; the AEQD
    plane distorts distances by < 0.1 % within a few hundred NM of the centre, below what
    positions recorded to a few metres resolve anyway.
    """
    n = len(ts.t)
    speed = np.array(ts.speed, dtype=np.float64, copy=True)
    if n < 2:
        return speed
    track = ts.track_index_of_samples()
    dt = np.diff(ts.t)
    ds = np.hypot(np.diff(x), np.diff(y))
    ok = (track[1:] == track[:-1]) & (dt > 0) & (dt <= gap_s)
    with np.errstate(invalid="ignore", divide="ignore"):
        seg = np.where(ok, ds / dt, np.nan)  # speed on segment i -> i+1
    before = np.r_[np.nan, seg]  # segment ending at sample i
    after = np.r_[seg, np.nan]  # segment starting at sample i
    with np.errstate(invalid="ignore"):
        both = 0.5 * (before + after)
    est = np.where(np.isfinite(both), both, np.where(np.isfinite(before), before, after))
    missing = ~np.isfinite(speed)
    speed[missing] = est[missing]
    return speed


def course_map_angle(ts: TrackSet, x: np.ndarray, y: np.ndarray, gap_s: float) -> np.ndarray:
    """Direction of motion on the map (degrees clockwise from up) per sample; NaN when the
    object does not move or has no neighbour within ``gap_s``."""
    n = len(ts.t)
    out = np.full(n, np.nan)
    if n < 2:
        return out
    track = ts.track_index_of_samples()
    dx, dy, dt = np.diff(x), np.diff(y), np.diff(ts.t)
    ok = (track[1:] == track[:-1]) & (dt > 0) & (dt <= gap_s) & (np.hypot(dx, dy) > 0.5)
    ang = np.where(ok, np.degrees(np.arctan2(dx, dy)) % 360.0, np.nan)
    out[:-1] = ang  # heading of sample i: towards the next sample…
    last = np.r_[np.nan, ang]  # …or, at a track end/gap, from the previous one
    fill = ~np.isfinite(out)
    out[fill] = last[fill]
    return out


#: Most distinct shades of one coalition colour (more would not be told apart).
MAX_SHADES = 8


def side_shades(colors: list[str], cls: np.ndarray) -> list[str]:
    """Aircraft sharing a colour (one coalition) get distinct shades of it, in track
    order, so two trails of one side can be told apart; other objects keep the colour."""
    out = list(colors)
    air = np.flatnonzero(cls == "aircraft")
    by_color: dict[str, list[int]] = {}
    for k in air:
        by_color.setdefault(colors[k], []).append(int(k))
    for color, ks in by_color.items():
        if len(ks) > 1 and color.startswith("#") and len(color) == 7:
            # Eyes tell a handful of shades of one hue apart, not hundreds; the symbol
            # atlas is built per colour, so a 1,000-aircraft day must not get 1,000.
            palette_ = shades(color, min(len(ks), MAX_SHADES))
            for i, k in enumerate(ks):
                out[k] = palette_[i % len(palette_)]
    return out


@dataclass
class Decimated:
    """A thinned copy of the samples for drawing trails at coarse zoom."""

    ts: TrackSet  # only t and offsets are meaningful for trail_indices
    x: np.ndarray
    y: np.ndarray


def decimate(
    ts: TrackSet, x: np.ndarray, y: np.ndarray, stride_s: float, gap_s: float
) -> Decimated:
    """Keep one sample per ``stride_s`` time bucket per track, plus every track's first and
    last sample and both samples around a gap, so gaps stay gaps.

    Buckets are aligned to absolute time, so the kept samples do not change from frame to
    frame (a trail does not shimmer while it plays). Consecutive kept samples are at most
    ``stride_s`` + the original spacing apart, so with strides ≤ 8 s and ``gap_s`` 30 s no
    false gap appears in data sampled every ≤ 15 s.
    """
    n = len(ts.t)
    if n == 0 or stride_s <= 1:
        return Decimated(ts, x, y)
    track = ts.track_index_of_samples()
    new_track = np.r_[True, track[1:] != track[:-1]]
    last = np.r_[new_track[1:], True]
    bucket = np.floor(ts.t / stride_s)
    dt = np.diff(ts.t)
    keep = new_track | last | np.r_[True, bucket[1:] != bucket[:-1]]
    keep |= np.r_[True, dt > gap_s] | np.r_[dt > gap_s, True]
    counts = np.bincount(track[keep], minlength=len(ts))
    offsets = np.zeros(len(ts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    z = np.zeros(0)
    thin = dataclasses.replace(
        ts, t=ts.t[keep], lat=z, lon=z, alt=z, speed=z, heading=z, roll=z, pitch=z, offsets=offsets
    )
    return Decimated(thin, x[keep], y[keep])


@dataclass
class SceneData:
    """A TrackSet prepared for drawing. Shared between a canvas and its export twin."""

    ts: TrackSet
    shadow: TrackSet  # ts with derived speed and *map* heading, for positions_at
    proj: LocalProjection
    x: np.ndarray  # map metres, per sample
    y: np.ndarray
    cls: np.ndarray  # object class per track (str)
    base_colors: list[str]  # default colour per track
    labels: list[str]  # label text per track
    box: LonLatBox  # lon/lat box of the aircraft tracks (basemap clipping starts here)
    bounds: tuple[float, float, float, float]  # x0, x1, y0, y1 of the aircraft tracks (m)
    bounds_all: tuple[float, float, float, float]  # the same over every sample
    gap_s: float
    typical_speed: float  # m/s, median over aircraft samples (decimation step)
    trail_class: np.ndarray  # bool per track: draws a trail
    thin_class: np.ndarray  # int per track: 1 where the trail is thin
    _decimated: dict = dataclasses.field(default_factory=dict, repr=False)
    #: Per-scene artefacts the layers compute once (projected basemap), shared with twins.
    cache: dict = dataclasses.field(default_factory=dict, repr=False)

    @property
    def n_tracks(self) -> int:
        return len(self.ts)

    def decimated(self, stride_s: int) -> Decimated:
        """Samples thinned to one per ``stride_s`` seconds (1 = all), made once per stride."""
        d = self._decimated.get(stride_s)
        if d is None:
            d = decimate(self.shadow, self.x, self.y, float(stride_s), self.gap_s)
            self._decimated[stride_s] = d
        return d


def prepare_scene(ts: TrackSet, gap_s: float = DEFAULT_GAP_S) -> SceneData:
    """Project and derive once; raises ValueError for a scene with no finite position."""
    cls = ts.meta["cls"].to_numpy(dtype=object).astype(str) if len(ts) else np.zeros(0, str)
    ok = np.isfinite(ts.lat) & np.isfinite(ts.lon)
    if not ok.any():
        raise ValueError("the recording has no valid positions to draw")
    # The encounter is about aircraft: a long-range missile or a far bullseye should not
    # pull the map centre away from them.
    sample_cls = np.repeat(cls, np.diff(ts.offsets))
    focus = ok & (sample_cls == "aircraft")
    if not focus.any():
        focus = ok & (sample_cls != "reference")
    if not focus.any():
        focus = ok
    proj = LocalProjection.for_points(ts.lat[focus], ts.lon[focus])
    x, y = proj.forward(ts.lat, ts.lon)
    speed = derived_speed(ts, x, y, gap_s)
    heading = np.where(np.isfinite(ts.heading), proj.map_angle(ts.lat, ts.lon, ts.heading), np.nan)
    course = course_map_angle(ts, x, y, gap_s)
    heading = np.where(np.isfinite(heading), heading, course)
    shadow = dataclasses.replace(ts, speed=speed, heading=heading)
    meta = ts.meta
    base_colors = [
        coalition_color(str(co or ""), str(c or ""))
        for co, c in zip(meta["coalition"], meta["color"], strict=True)
    ]
    base_colors = side_shades(base_colors, cls)
    labels = track_labels(meta)
    # The fit: the aircraft action, not a far A-10C, a speedboat or the bullseyes.
    action = np.repeat(action_tracks(ts), np.diff(ts.offsets)) & ok
    fx, fy = (x[action], y[action]) if action.any() else (x[focus], y[focus])
    bounds = (float(fx.min()), float(fx.max()), float(fy.min()), float(fy.max()))
    bounds_all = (
        float(np.nanmin(x)),
        float(np.nanmax(x)),
        float(np.nanmin(y)),
        float(np.nanmax(y)),
    )
    fs = speed[focus]
    fs = fs[np.isfinite(fs)]
    typical = float(np.median(fs)) if len(fs) else 100.0
    box = LonLatBox.around(ts.lat[focus], ts.lon[focus], 0.05)
    return SceneData(
        ts=ts,
        shadow=shadow,
        proj=proj,
        x=x,
        y=y,
        cls=cls,
        base_colors=base_colors,
        labels=labels,
        box=box,
        bounds=bounds,
        bounds_all=bounds_all,
        gap_s=gap_s,
        typical_speed=max(typical, 30.0),
        trail_class=~np.isin(cls, NO_TRAIL),
        thin_class=np.isin(cls, THIN_TRAIL).astype(np.int64),
    )

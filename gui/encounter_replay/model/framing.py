"""What the map shows first: the aircraft action, not everything the file holds.

A DCS recording carries bullseyes, ships, ground units and aircraft far from the fight (the
dogfight's A-10C orbits 65 NM away); fitting all of them shows a fight of 3 NM as a dot.
The default fit therefore keeps only aircraft, and of those only the ones that come near
where the aircraft are: the centre is the median of the aircraft's own median positions (each
aircraft counts once, whatever its sampling rate), the action's size is the median of their
median distances from it, and an aircraft belongs to the action when it comes within
:data:`SPREAD_FACTOR` times that size (at least :data:`FLOOR_M`) of the centre at some point.
Medians ignore a minority of far-off aircraft however far they are. Sources without classes
(all ``other``) fall back to every track.

A recording should also open when something is there: :func:`first_aircraft_time`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..geo.basemap import LonLatBox
from ..geo.projection import LocalProjection, scene_centre, wrap_lon
from .interpolate import positions_at
from .trackset import DEFAULT_GAP_S, ObjectClass, TrackSet
from .units import NM

#: An aircraft within this many "action sizes" of the centre takes part.
SPREAD_FACTOR = 4.0
#: Least radius (m) of the action, so a tight formation never excludes its own wingman.
FLOOR_M = 5 * NM
#: Least width (m) of a pair's frame at its CPA.
PAIR_MIN_SPAN_M = 2 * NM


@dataclass(frozen=True)
class Framing:
    """The fit box and which tracks it was made of (``used``) or left out of it."""

    box: LonLatBox | None
    used: np.ndarray  # track indices
    left_out: np.ndarray  # track indices

    @property
    def used_mask(self) -> np.ndarray:
        n = len(self.used) + len(self.left_out)
        mask = np.zeros(n, dtype=bool)
        mask[self.used] = True
        return mask


def _box(ts: TrackSet, tracks: np.ndarray) -> LonLatBox | None:
    if len(tracks) == 0:
        return None
    keep = np.zeros(len(ts), dtype=bool)
    keep[tracks] = True
    sample = np.repeat(keep, np.diff(ts.offsets))
    lat, lon = ts.lat[sample], ts.lon[sample]
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any():
        return None
    return LonLatBox.around(lat[ok], lon[ok], 0.0)


def action_tracks(ts: TrackSet, include_all: bool = False) -> np.ndarray:
    """Per track, whether it belongs to the aircraft action (see the module notes)."""
    n = len(ts)
    if include_all or n == 0:
        return np.ones(n, dtype=bool)
    aircraft = ts.classes == ObjectClass.AIRCRAFT.value
    if not aircraft.any():
        return ts.classes != ObjectClass.REFERENCE.value
    track = ts.track_index_of_samples()
    sample = aircraft[track] & np.isfinite(ts.lat) & np.isfinite(ts.lon)
    lat, lon, trk = ts.lat[sample], ts.lon[sample], track[sample]
    if len(lat) == 0:
        return ts.classes != ObjectClass.REFERENCE.value
    _, lon0 = scene_centre(lat, lon)
    lon = wrap_lon(lon, lon0)
    per = pd.DataFrame({"lat": lat, "lon": lon, "k": trk}).groupby("k").median()
    c_lat, c_lon = float(per["lat"].median()), float(per["lon"].median())
    x, y = LocalProjection(c_lat, c_lon).forward(lat, lon)
    dist = pd.DataFrame({"d": np.hypot(x, y), "k": trk}).groupby("k")["d"]
    typical = dist.median()
    closest = dist.min()
    size = float(typical.median())
    radius = max(SPREAD_FACTOR * size, FLOOR_M)
    out = np.zeros(n, dtype=bool)
    out[closest.index.to_numpy()[closest.to_numpy() <= radius]] = True
    return out


def action_framing(ts: TrackSet, include_all: bool = False) -> Framing:
    """The default fit of a recording: the box of the aircraft action's samples (every
    track's with ``include_all``). ``box`` is None when nothing has a position."""
    mask = action_tracks(ts, include_all)
    used, left_out = np.flatnonzero(mask), np.flatnonzero(~mask)
    return Framing(_box(ts, used), used, left_out)


def first_aircraft_time(ts: TrackSet) -> float:
    """When the first aircraft appears (the recording's start if it has none): where a
    replay opens, so the map is not empty at time 0."""
    if len(ts) == 0:
        return float("nan")
    aircraft = ts.classes == ObjectClass.AIRCRAFT.value
    if not aircraft.any():
        return ts.start
    return float(ts.first_times[aircraft].min())


def pair_box(
    ts: TrackSet,
    a: int,
    b: int,
    time: float,
    min_span_m: float = PAIR_MIN_SPAN_M,
    gap_s: float = DEFAULT_GAP_S,
) -> LonLatBox | None:
    """A box around tracks ``a`` and ``b`` at ``time`` (their CPA, say), at least
    ``min_span_m`` wide and high so a pair at 0.1 NM still shows as two symbols. None when
    neither is present."""
    pos = positions_at(ts, time, gap_s)
    lat = pos.lat[[a, b]]
    lon = pos.lon[[a, b]]
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any():
        return None
    lat, lon = lat[ok], lon[ok]
    half = min_span_m / 2.0
    proj = LocalProjection(*scene_centre(lat, lon))
    x, y = proj.forward(lat, lon)
    cx, cy = (x.max() + x.min()) / 2, (y.max() + y.min()) / 2
    hx = max((x.max() - x.min()) / 2, half)
    hy = max((y.max() - y.min()) / 2, half)
    clat, clon = proj.inverse(
        np.array([cx - hx, cx + hx, cx + hx, cx - hx]),
        np.array([cy - hy, cy - hy, cy + hy, cy + hy]),
    )
    # The corners' box, and the two positions themselves so they are in it exactly.
    return LonLatBox.around(np.r_[clat, lat], np.r_[clon, lon], 0.0)

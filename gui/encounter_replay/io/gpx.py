"""GPX 1.0/1.1 reader: tracks, timed routes and waypoints → TrackSet.

What the TrackSet holds for GPX:

* each ``trk`` is one track, all its ``trkseg`` together: a break between segments is a
  gap in time, which replay and analysis already treat as a gap (> 30 s); each ``rte``
  with timed ``rtept`` is a track too. Both are aircraft (GPX is what gliders, drones and
  many loggers write).
* each ``wpt`` is a reference point: one sample at its own ``time``, or else at the first
  time of the file's tracks (reference points are drawn for the whole replay anyway).
* ``ele`` is metres (the schema's unit), whatever ``ReadOptions`` says; ``speed`` (m/s)
  and ``course`` (degrees true) are read where the file has them (GPX 1.0 elements, or
  Garmin's TrackPointExtension, found by local name at any depth inside a point).
* ids: the ``name`` of the track, route or waypoint, else ``trk1``, ``rte1``, ``wpt1``…
  by order in the file; repeats become ``name#2``…

A point without a time cannot be replayed: it is skipped, and counted in one warning.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..model import ObjectClass, TrackSet
from .errors import ReadError, as_read_error
from .limits import text_limit
from .options import ReadOptions
from .record_issues import Issues
from .track_build import iso_seconds, numbers, tidy_track, unique_ids, valid_position
from .xml_stream import XmlHandler, parse_xml
from .zip_safety import bounded_chunks

_POINTS = {"trk": "trkpt", "rte": "rtept"}
_FIELDS = ("ele", "time", "speed", "course")


@dataclass
class _Feature:
    kind: str  # 'trk', 'rte' or 'wpt'
    line: int
    name: str = ""
    type: str = ""
    desc: str = ""


@dataclass
class _Points:
    """Every point of the file as raw text, in document order."""

    feature: list[int] = field(default_factory=list)
    line: list[int] = field(default_factory=list)
    lat: list[str | None] = field(default_factory=list)
    lon: list[str | None] = field(default_factory=list)
    values: dict[str, list[str | None]] = field(default_factory=lambda: {k: [] for k in _FIELDS})


class _GpxHandler(XmlHandler):
    root = "gpx"
    what = "GPX"

    def __init__(self) -> None:
        super().__init__()
        self.features: list[_Feature] = []
        self.points = _Points()
        self.title = ""
        self.file_time: str | None = None
        self._feature: int | None = None  # open trk/rte/wpt
        self._point_depth = 0  # stack depth of the open point element, 0 = none

    def start(self, name: str, attrs: dict[str, str]) -> None:
        depth = len(self.stack)
        if self._point_depth:
            return
        if name in _POINTS and depth == 2:
            self.features.append(_Feature(name, self.line))
            self._feature = len(self.features) - 1
        elif name == "wpt" and depth == 2:
            self.features.append(_Feature(name, self.line))
            self._feature = len(self.features) - 1
            self._open_point(attrs, depth)
        elif self._feature is not None and name == _POINTS.get(self.features[self._feature].kind):
            self._open_point(attrs, depth)

    def _open_point(self, attrs: dict[str, str], depth: int) -> None:
        p = self.points
        p.feature.append(self._feature)
        p.line.append(self.line)
        p.lat.append(attrs.get("lat"))
        p.lon.append(attrs.get("lon"))
        for values in p.values.values():
            values.append(None)
        self._point_depth = depth

    def end(self, name: str, text: str) -> None:
        depth = len(self.stack)
        if self._point_depth:
            if depth == self._point_depth:
                self._point_depth = 0
                if name == "wpt":
                    self._feature = None
            elif name in _FIELDS and (
                name in ("speed", "course") or depth == self._point_depth + 1
            ):
                if name == "time" or self.points.values[name][-1] is None:
                    self.points.values[name][-1] = text
            elif (
                name in ("name", "type", "desc")
                and depth == self._point_depth + 1
                and self.features[self._feature].kind == "wpt"  # a trkpt's name is not the trk's
            ):
                self._describe(name, text)
            return
        parent = self.parent()
        if name in _POINTS and depth == 2:
            self._feature = None
        elif name in ("name", "type", "desc") and self._feature is not None and depth == 3:
            self._describe(name, text)
        elif name == "name" and parent in ("metadata", "gpx") and not self.title:
            self.title = text.strip()
        elif name == "time" and parent in ("metadata", "gpx"):
            self.file_time = text

    def _describe(self, name: str, text: str) -> None:
        setattr(self.features[self._feature], name, text.strip())


def read_gpx(path: Path, options: ReadOptions | None = None) -> TrackSet:
    """Read a GPX 1.0/1.1 file; raises :class:`ReadError` and nothing else for bad input.

    ``options`` is accepted for the reader interface; GPX states its own units.
    """
    path = Path(path)
    with as_read_error(path, "GPX"), open(path, "rb") as fh:
        handler = _GpxHandler()
        parse_xml(path, bounded_chunks(path, fh, text_limit("xml"), "GPX file"), handler)
        return _assemble(path, handler)


def _assemble(path: Path, h: _GpxHandler) -> TrackSet:
    source = str(path)
    issues = Issues(source)
    p = h.points
    if not h.features:
        raise ReadError(path, "no tracks, routes or waypoints in this GPX file")
    feature = np.asarray(p.feature, dtype=np.int64)
    lines = np.asarray(p.line, dtype=np.int64)
    kinds = np.asarray([f.kind for f in h.features], dtype=object)
    is_wpt = (kinds[feature] == "wpt") if len(feature) else np.zeros(0, dtype=bool)
    lat, lon = numbers(p.lat), numbers(p.lon)
    t = iso_seconds(p.values["time"])
    ele = numbers(p.values["ele"])
    speed, course = numbers(p.values["speed"]), numbers(p.values["course"])

    def quote(i: int, extra: str = "") -> str:
        tag = h.features[feature[i]].kind
        tag = _POINTS.get(tag, tag)
        return f'<{tag} lat="{p.lat[i]}" lon="{p.lon[i]}">{extra}'

    ok = valid_position(lat, lon)
    issues.add_mask(
        "skipped points without a valid lat/lon (need degrees within ±90/±180)",
        ~ok,
        lines,
        quote,
    )
    has_time = np.asarray([v is not None and v.strip() != "" for v in p.values["time"]], bool)
    timed = np.isfinite(t)
    issues.add_mask(
        "skipped track and route points without <time> (a point without time cannot be replayed)",
        ok & ~has_time & ~is_wpt,
        lines,
        quote,
    )
    unreadable = ok & has_time & ~timed
    issues.add_mask(
        "skipped points whose <time> is not an ISO-8601 time",
        unreadable & ~is_wpt,
        lines,
        lambda i: quote(i, f"<time>{p.values['time'][i]}</time>"),
    )
    issues.add_mask(
        "waypoint <time> is not an ISO-8601 time: placed at the file's first time",
        unreadable & is_wpt,
        lines,
        lambda i: quote(i, f"<time>{p.values['time'][i]}</time>"),
    )
    bad_ele = np.asarray([v is not None and v.strip() != "" for v in p.values["ele"]], bool)
    bad_ele &= ok & ~np.isfinite(ele)
    issues.add_mask(
        "<ele> is not a number (altitude unknown there)",
        bad_ele,
        lines,
        lambda i: quote(i, f"<ele>{p.values['ele'][i]}</ele>"),
    )

    use = ok & timed & ~is_wpt
    start = _first_time(t, use, ok & timed & is_wpt, h.file_time)
    wpt_late = ok & is_wpt & ~timed
    if wpt_late.any():
        if start is None:
            i = int(np.argmax(wpt_late))
            raise ReadError(
                path,
                "no time anywhere in the file: waypoints without <time> cannot be placed "
                "in a replay",
                line=int(lines[i]),
            )
        t = np.where(wpt_late, start, t)
    use |= ok & is_wpt

    tracks = _tracks(path, h, use, feature, lines, t, lat, lon, ele, speed, course, issues)
    if not tracks:
        raise issues.nothing_left(
            path, "no usable points", "no track, route or waypoint holds any point"
        )
    return TrackSet.from_tracks(tracks, warnings=issues.warnings(), title=h.title or path.name)


def _first_time(
    t: np.ndarray, track_ok: np.ndarray, wpt_ok: np.ndarray, file_time: str | None
) -> float | None:
    """The file's first time: its tracks', else its waypoints', else its metadata time."""
    for mask in (track_ok, wpt_ok):
        if mask.any():
            return float(t[mask].min())
    if file_time is not None:
        meta = iso_seconds([file_time])[0]
        if np.isfinite(meta):
            return float(meta)
    return None


def _tracks(path, h, use, feature, lines, t, lat, lon, ele, speed, course, issues) -> list[dict]:
    """One dict per feature from its usable points (points of a feature are contiguous)."""
    idx = np.flatnonzero(use)
    f_of = feature[idx]
    cuts = np.flatnonzero(np.r_[True, f_of[1:] != f_of[:-1], True]) if len(idx) else []
    ids = unique_ids(
        [
            f.name or f"{f.kind}{n}"
            for f, n in zip(h.features, _ordinals([f.kind for f in h.features]), strict=True)
        ]
    )
    source = str(path)
    out = []
    for a, b in itertools.pairwise(cuts):
        sel = idx[a:b]
        f = h.features[int(f_of[a])]
        k = int(f_of[a])
        track = {
            "t": t[sel],
            "lat": lat[sel],
            "lon": lon[sel],
            "alt": ele[sel],
            "speed": speed[sel],
            "heading": course[sel],
            "id": ids[k],
            "name": f.name or ids[k],
            "type": f.type,
            "cls": ObjectClass.REFERENCE if f.kind == "wpt" else ObjectClass.AIRCRAFT,
            "source": source,
        }
        track["line"] = np.asarray(lines[sel], dtype=np.float64)
        out.append(tidy_track(track, lines[sel], issues, ids[k]))
    return out


def _ordinals(kinds: list[str]) -> list[int]:
    """1-based position of each feature among those of its kind."""
    seen: dict[str, int] = {}
    out = []
    for k in kinds:
        seen[k] = seen.get(k, 0) + 1
        out.append(seen[k])
    return out

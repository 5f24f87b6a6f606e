"""KML 2.2 / KMZ reader: ``gx:Track``, ``gx:MultiTrack``, timed LineStrings, Points → TrackSet.

What the TrackSet holds for KML:

* each Placemark with track geometry is one aircraft track named by its ``<name>``: its
  ``gx:Track`` (``when`` paired in order with ``gx:coord`` "lon lat alt"; ``gx:angles``
  "heading tilt roll" gives heading, pitch and roll where every point has one), all the
  tracks of a ``gx:MultiTrack`` together (breaks are gaps in time, as in GPX segments),
  and LineStrings — which carry no per-point times, so they are loaded only when the
  Placemark has a ``TimeSpan`` with begin and end, their points spread evenly across it,
  and otherwise skipped; both are reported.
* each ``Point`` Placemark is a reference point: one sample at its ``TimeStamp`` (or
  ``TimeSpan`` begin), else at the first time of the file's tracks.
* altitudes are metres, read as above mean sea level whatever ``altitudeMode`` says
  (``clampToGround``, the default, and ``relativeToGround`` are reported, not applied:
  that needs terrain). ``ReadOptions`` are not used: KML states its units.
* ids: the Placemark's ``id`` attribute, else its name, else ``placemark1``…; repeats
  become ``name#2``…
* KML 2.3 (``Track`` in the OGC namespace) reads the same: names are matched without
  their namespace. A KMZ is read from its ``doc.kml`` (or its only ``.kml``), within a
  size limit, never extracted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
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
from .zip_safety import ZIP_ERRORS, bounded_chunks, check_member, open_zip

_ZIP_MAGIC = b"PK\x03\x04"
_GEOMETRY = ("Track", "LineString")
_IGNORED = ("Polygon", "Model")
_NAIVE = re.compile(r"T\d\d:\d\d(:\d\d(\.\d*)?)?$")  # a time of day with no zone
_COMMA = re.compile(r"\s*,\s*")


@dataclass
class _Geom:
    kind: str  # 'Track' or 'LineString'
    line: int
    mode: str | None = None
    whens: list[str] = field(default_factory=list)
    coords: list[str] = field(default_factory=list)
    coord_lines: list[int] = field(default_factory=list)
    angles: list[str] = field(default_factory=list)
    text: str = ""  # a LineString's coordinates
    text_line: int = 0  # line its coordinates element ends on


@dataclass
class _Placemark:
    line: int
    pid: str
    name: str = ""
    when: str | None = None
    begin: str | None = None
    end: str | None = None
    multi_mode: str | None = None
    geoms: list[_Geom] = field(default_factory=list)
    points: list[tuple[str, int]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


class _KmlHandler(XmlHandler):
    root = "kml"
    what = "KML"

    def __init__(self) -> None:
        super().__init__()
        self.placemarks: list[_Placemark] = []
        self.title = ""
        self._pm: _Placemark | None = None
        self._geom: _Geom | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "Placemark":
            self._pm = _Placemark(self.line, (attrs.get("id") or "").strip())
        elif self._pm is None:
            return
        elif name in _GEOMETRY:
            self._geom = _Geom(name, self.line)
            self._pm.geoms.append(self._geom)
        elif name in _IGNORED:
            self._pm.ignored.append(name)

    def end(self, name: str, text: str) -> None:
        pm, parent = self._pm, self.parent()
        if name == "name":
            if parent == "Placemark" and pm is not None:
                pm.name = text.strip()
            elif parent == "Document" and not self.title:
                self.title = text.strip()
            return
        if pm is None:
            return
        geom = self._geom
        if name == "Placemark":
            self.placemarks.append(pm)
            self._pm = self._geom = None
        elif name in _GEOMETRY:
            self._geom = None
        elif geom is not None and parent == "Track":
            if name == "when":
                geom.whens.append(text)
            elif name == "coord":
                geom.coords.append(text)
                geom.coord_lines.append(self.line)
            elif name == "angles":
                geom.angles.append(text)
            elif name == "altitudeMode":
                geom.mode = text.strip()
        elif name == "coordinates" and parent == "LineString" and geom is not None:
            geom.text, geom.text_line = text, self.line
        elif name == "coordinates" and parent == "Point":
            pm.points.append((text, self.line))
        elif name == "altitudeMode" and parent == "LineString" and geom is not None:
            geom.mode = text.strip()
        elif name == "altitudeMode" and parent == "MultiTrack":
            pm.multi_mode = text.strip()
        elif self.parent(2) == "Placemark":
            if name == "when" and parent == "TimeStamp":
                pm.when = text
            elif name == "begin" and parent == "TimeSpan":
                pm.begin = text
            elif name == "end" and parent == "TimeSpan":
                pm.end = text


# ----------------------------------------------------------------------------- reading
def read_kml(path: Path, options: ReadOptions | None = None) -> TrackSet:
    """Read a KML 2.2 document or a KMZ; raises :class:`ReadError` and nothing else.

    The container is recognised by its first bytes, not its name.
    """
    path = Path(path)
    with as_read_error(path, "KML"):
        handler = _KmlHandler()
        with _kml_bytes(path) as chunks:
            parse_xml(path, chunks, handler)
        return _assemble(path, handler)


@contextmanager
def _kml_bytes(path: Path) -> Iterator[Iterator[bytes]]:
    """The KML document's bytes in chunks, from a plain file or from inside a KMZ."""
    with open(path, "rb") as fh:
        if fh.read(4) != _ZIP_MAGIC:
            fh.seek(0)
            yield bounded_chunks(path, fh, text_limit("xml"), "KML document")
            return
    with open_zip(path) as zf:
        info = _kml_member(path, zf)
        check_member(path, info, text_limit("xml"))
        try:
            member = zf.open(info)
        except ZIP_ERRORS as exc:
            raise ReadError(path, f"cannot open {info.filename!r} in the KMZ ({exc})") from None
        with member:
            yield bounded_chunks(
                path,
                member,
                text_limit("xml"),
                f"{info.filename!r} in the KMZ",
                compressed=info.compress_size,
            )


def _kml_member(path: Path, zf):
    """The document a KMZ means: ``doc.kml`` at its root, else its only ``.kml``."""
    infos = [i for i in zf.infolist() if not i.is_dir()]
    kmls = [i for i in infos if i.filename.lower().endswith(".kml")]
    docs = [i for i in kmls if i.filename.lower() == "doc.kml"]
    if len(docs) == 1:
        return docs[0]
    if len(docs) > 1:
        raise ReadError(path, f"KMZ holds {len(docs)} members named doc.kml")
    if len(kmls) == 1:
        return kmls[0]
    if not kmls:
        raise ReadError(path, "KMZ holds no .kml document")
    names = ", ".join(repr(i.filename) for i in kmls[:3]) + (" …" if len(kmls) > 3 else "")
    raise ReadError(
        path, f"KMZ holds {len(kmls)} .kml documents ({names}) and no doc.kml: which one?"
    )


# ----------------------------------------------------------------------------- assembly
@dataclass
class _Rows:
    """Track samples of every Placemark as raw text, in document order."""

    feature: list[int] = field(default_factory=list)
    line: list[int] = field(default_factory=list)
    when: list[str | None] = field(default_factory=list)  # None: time given in t_spread
    t_spread: list[float] = field(default_factory=list)  # LineString times (NaN for Track)
    lon: list[str | None] = field(default_factory=list)
    lat: list[str | None] = field(default_factory=list)
    alt: list[str | None] = field(default_factory=list)
    coord: list[str] = field(default_factory=list)  # as written, for examples
    angles: list[tuple[str | None, str | None, str | None]] = field(default_factory=list)

    def add(self, k: int, line: int, when, t: float, coord: str, comma: bool, angles) -> None:
        parts = _COMMA.split(coord.strip()) if comma else coord.split()
        ok = 2 <= len(parts) <= 3
        self.feature.append(k)
        self.line.append(line)
        self.when.append(when)
        self.t_spread.append(t)
        self.lon.append(parts[0] if ok else None)
        self.lat.append(parts[1] if ok else None)
        self.alt.append(parts[2] if ok and len(parts) == 3 else None)
        self.coord.append(coord)
        self.angles.append(angles)


@dataclass
class _Feature:
    pm: _Placemark
    cls: str
    modes: list[str] = field(default_factory=list)


def _assemble(path: Path, h: _KmlHandler) -> TrackSet:
    issues = Issues(str(path))
    features: list[_Feature] = []
    rows = _Rows()
    refs: list[tuple[int, str, int]] = []  # (feature, coordinates text, line)
    for pm in h.placemarks:
        if pm.ignored:
            issues.add(
                "Polygon and Model geometry ignored (only tracks, timed lines and points are read)",
                pm.line,
                f"{pm.name or pm.pid}: {pm.ignored[0]}",
                len(pm.ignored),
            )
        if pm.geoms:
            features.append(_Feature(pm, ObjectClass.AIRCRAFT))
            _track_rows(pm, len(features) - 1, rows, issues, features[-1])
        for text, line in pm.points:
            features.append(_Feature(pm, ObjectClass.REFERENCE))
            refs.append((len(features) - 1, text, line))
    if not features:
        raise ReadError(path, "no Placemark with a track, line or point in this KML file")

    feature = np.asarray(rows.feature, dtype=np.int64)
    lines = np.asarray(rows.line, dtype=np.int64)
    lat, lon, alt = numbers(rows.lat), numbers(rows.lon), numbers(rows.alt)
    from_when = np.asarray([w is not None for w in rows.when], dtype=bool)
    t = np.where(from_when, iso_seconds(rows.when), np.asarray(rows.t_spread, dtype=np.float64))
    ok = valid_position(lat, lon)
    issues.add_mask(
        "skipped track points whose coordinates are not 'lon lat [alt]' within ±180/±90",
        ~ok,
        lines,
        lambda i: rows.coord[i],
    )
    timed = np.isfinite(t)
    issues.add_mask(
        "skipped gx:Track points whose <when> is not an ISO-8601 time",
        ok & ~timed,
        lines,
        lambda i: f"<when>{rows.when[i]}</when>",
    )
    bad_alt = ok & np.asarray([a is not None for a in rows.alt], bool) & ~np.isfinite(alt)
    issues.add_mask(
        "altitude is not a number (unknown there)", bad_alt, lines, lambda i: rows.coord[i]
    )
    _note_naive_times(rows, from_when & ok & timed, lines, issues)
    heading, pitch, roll = (numbers([a[j] for a in rows.angles]) for j in range(3))

    use = ok & timed
    samples = dict(t=t, lat=lat, lon=lon, alt=alt, heading=heading, pitch=pitch, roll=roll)
    start = float(t[use].min()) if use.any() else None
    ref_samples = _reference_rows(path, refs, features, start, issues)
    ids = unique_ids([f.pm.pid or f.pm.name or f"placemark{k + 1}" for k, f in enumerate(features)])

    tracks: list[dict] = []
    idx = np.flatnonzero(use)
    f_of = feature[idx]
    for k, f in enumerate(features):
        if f.cls == ObjectClass.REFERENCE:
            if k in ref_samples:
                tracks.append(_meta(path, f, ids[k], ref_samples[k]))
            continue
        sel = idx[f_of == k]  # a loop over tracks, not samples
        if not len(sel):
            continue
        for mode in f.modes:
            if mode != "absolute":
                issues.add(
                    "altitudeMode is not 'absolute': altitudes read as metres above mean "
                    "sea level anyway",
                    f.pm.line,
                    f"{f.pm.name or ids[k]}: {mode}",
                )
        track = _meta(path, f, ids[k], {key: v[sel] for key, v in samples.items()})
        track["line"] = np.asarray(lines[sel], dtype=np.float64)
        tracks.append(tidy_track(track, lines[sel], issues, ids[k]))
    if not tracks:
        raise issues.nothing_left(path, "nothing to replay", "no Placemark holds any point")
    return TrackSet.from_tracks(tracks, warnings=issues.warnings(), title=h.title or path.name)


def _meta(path: Path, f: _Feature, tid: str, samples: dict) -> dict:
    return {**samples, "id": tid, "name": f.pm.name or tid, "cls": f.cls, "source": str(path)}


def _track_rows(pm: _Placemark, k: int, rows: _Rows, issues: Issues, feat: _Feature) -> None:
    """Append the samples of one Placemark's Tracks and LineStrings to ``rows``."""
    label = pm.name or pm.pid or f"line {pm.line}"
    for g in pm.geoms:
        if g.kind == "Track":
            n = min(len(g.whens), len(g.coords))
            if len(g.whens) != len(g.coords):
                issues.add(
                    "gx:Track with unequal numbers of <when> and <gx:coord>: paired in "
                    "order, the unpaired ones dropped",
                    g.line,
                    f"{label}: {len(g.whens)} when, {len(g.coords)} coord",
                    abs(len(g.whens) - len(g.coords)),
                )
            use_angles = len(g.angles) == len(g.whens) and n > 0
            if g.angles and not use_angles:
                issues.add(
                    "gx:angles ignored: not one per <when>",
                    g.line,
                    f"{label}: {len(g.angles)} angles, {len(g.whens)} when",
                )
            for i in range(n):
                ang = _angles(g.angles[i]) if use_angles else (None, None, None)
                rows.add(k, g.coord_lines[i], g.whens[i], np.nan, g.coords[i], False, ang)
            if n:
                feat.modes.append(g.mode or pm.multi_mode or "clampToGround (the default)")
        else:
            _line_rows(pm, g, k, rows, issues, feat, label)


def _line_rows(pm, g: _Geom, k: int, rows: _Rows, issues: Issues, feat, label: str) -> None:
    """A LineString's points, timed evenly across the Placemark's TimeSpan, if it has one."""
    text = _COMMA.sub(",", g.text)
    tuples = [(m.group(), m.start()) for m in re.finditer(r"\S+", text)]
    if not tuples:
        return
    span = iso_seconds([pm.begin, pm.end]) if pm.begin and pm.end else np.full(2, np.nan)
    if not np.all(np.isfinite(span)) or span[1] < span[0]:
        why = (
            "a TimeSpan whose begin/end are unreadable or reversed"
            if (pm.begin or pm.end)
            else "no TimeSpan"
        )
        issues.add(
            f"LineString skipped: it has no per-point times and {why} to spread its points over",
            g.line,
            label,
        )
        return
    n = len(tuples)
    times = np.linspace(span[0], span[1], n) if n > 1 else span[:1]
    issues.add(
        "LineString has no per-point times: its points were spread evenly over the "
        "Placemark's TimeSpan",
        g.line,
        f"{label}: {n} points, {pm.begin} → {pm.end}",
    )
    first_line = g.text_line - text.count("\n")
    starts = np.asarray([s for _, s in tuples])
    breaks = np.asarray([m.start() for m in re.finditer("\n", text)], dtype=np.int64)
    tuple_lines = first_line + np.searchsorted(breaks, starts)
    for (coord, _), tt, ln in zip(tuples, times, tuple_lines, strict=True):
        rows.add(k, int(ln), None, float(tt), coord, True, (None, None, None))
    feat.modes.append(g.mode or "clampToGround (the default)")


def _angles(text: str) -> tuple[str | None, str | None, str | None]:
    parts = text.split()
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else (None, None, None)


def _note_naive_times(rows: _Rows, mask: np.ndarray, lines: np.ndarray, issues: Issues) -> None:
    naive = np.zeros(len(mask), dtype=bool)
    idx = np.flatnonzero(mask)
    naive[idx] = [bool(_NAIVE.search(rows.when[i].strip())) for i in idx]
    issues.add_mask(
        "times without a time zone read as UTC", naive, lines, lambda i: rows.when[i].strip()
    )


def _reference_rows(path, refs, features, start, issues) -> dict[int, dict]:
    """One sample per Point Placemark: at its own time, else the file's first time."""
    out: dict[int, dict] = {}
    stated = [features[k].pm.when or features[k].pm.begin for k, _, _ in refs]
    own = iso_seconds(stated)
    if start is None and np.isfinite(own).any():
        start = float(np.nanmin(own))
    for (k, text, line), t, said in zip(refs, own, stated, strict=True):
        tuples = _COMMA.sub(",", text).split()
        parts = tuples[0].split(",") if tuples else []
        vals = numbers(parts[:3]) if 2 <= len(parts) <= 3 else np.full(2, np.nan)
        if not valid_position(vals[1:2], vals[:1]).all():
            issues.add("skipped Points whose coordinates are not 'lon,lat[,alt]'", line, text)
            continue
        if not np.isfinite(t):
            if said is not None and said.strip():
                issues.add(
                    "Point time is not an ISO-8601 time: placed at the file's first time",
                    line,
                    said,
                )
            if start is None:
                raise ReadError(
                    path,
                    "no time anywhere in the file: Points without TimeStamp cannot be "
                    "placed in a replay",
                    line=line,
                )
            t = start
        alt = vals[2] if len(vals) == 3 else np.nan
        out[k] = dict(t=[t], lat=[vals[1]], lon=[vals[0]], alt=[alt])
    return out

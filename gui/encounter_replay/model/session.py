"""Session files: what an analyst needs to reopen a replay exactly where they left it.

A session is JSON (readable, diffable, attachable to a report). It names the recordings
rather than embedding them, stores tracks by id (indices change when files are added in
another order), and carries a schema name and version so a future version can migrate it
and an older one refuses it with a clear message. Files are written atomically (temporary
file in the same folder, then ``os.replace``), so a crash never leaves half a session.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .replay import MAX_SPEED, MIN_SPEED
from .units import UNITS

SCHEMA = "encounter-replay-session"
VERSION = 1

#: Analysis settings a session may carry (metres, seconds; names as in AnalysisSettings).
ANALYSIS_FLOAT_KEYS = ("visual_range_m", "hsep_m", "vsep_m", "within_m", "gap_s", "earth_k")


class SessionError(Exception):
    """A session file that cannot be used; ``str()`` names the file and the cause."""

    def __init__(self, path: str | Path, message: str) -> None:
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


@dataclass
class Annotation:
    """A note pinned to a moment (and optionally a track), for briefings."""

    time: float
    text: str
    track: str | None = None


@dataclass
class Session:
    """Plain values; the window converts track ids to indices after loading the files."""

    files: list[str] = field(default_factory=list)
    altitude_unit: str | None = None
    speed_unit: str | None = None
    time: float | None = None
    speed: float = 1.0
    loop: tuple[float, float] | None = None
    timeline_range: tuple[float, float] | None = None
    map_view: tuple[float, float, float, float] | None = None  # x0, x1, y0, y1 (canvas units)
    selected_pair: tuple[str, str] | None = None
    selected_track: str | None = None
    follow_track: str | None = None
    trail_s: float | None = 120.0
    units: str = "nm"
    hidden_classes: list[str] = field(default_factory=list)
    hidden_tracks: list[str] = field(default_factory=list)
    colors: dict[str, str] = field(default_factory=dict)
    analysis: dict[str, Any] = field(default_factory=dict)
    annotations: list[Annotation] = field(default_factory=list)


# ---------------------------------------------------------------------------- writing
def to_json_dict(session: Session, base_dir: str | Path | None = None) -> dict[str, Any]:
    """The JSON document. With ``base_dir`` each file also gets a path relative to it, so
    a folder holding the session and its recordings can be moved as a whole."""
    files = []
    for f in session.files:
        entry: dict[str, Any] = {"path": str(Path(f).absolute())}
        if base_dir is not None:
            with contextlib.suppress(ValueError):  # ValueError: another drive on Windows
                entry["relative"] = os.path.relpath(Path(f).absolute(), Path(base_dir).absolute())
        files.append(entry)
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "files": files,
        "read_options": {
            "altitude_unit": session.altitude_unit,
            "speed_unit": session.speed_unit,
        },
        "replay": {
            "time": session.time,
            "speed": session.speed,
            "loop": list(session.loop) if session.loop else None,
            "trail_s": session.trail_s,
            "units": session.units,
        },
        "view": {
            "timeline": list(session.timeline_range) if session.timeline_range else None,
            "map": list(session.map_view) if session.map_view else None,
        },
        "selection": {
            "pair": list(session.selected_pair) if session.selected_pair else None,
            "track": session.selected_track,
            "follow": session.follow_track,
        },
        "display": {
            "hidden_classes": sorted(session.hidden_classes),
            "hidden_tracks": list(session.hidden_tracks),
            "colors": dict(session.colors),
        },
        "analysis": dict(session.analysis),
        "annotations": [
            {"time": a.time, "text": a.text, "track": a.track} for a in session.annotations
        ],
    }


def save_session(path: str | Path, session: Session) -> None:
    """Write atomically: a reader (or a crash) sees the old file or the new one, never half."""
    path = Path(path)
    doc = to_json_dict(session, base_dir=path.parent)
    text = json.dumps(doc, indent=2, allow_nan=False) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------------------- reading
class _Reader:
    """Typed access to a JSON object, failing with the dotted key path in the message."""

    def __init__(self, path: Path, doc: dict[str, Any], where: str = "") -> None:
        self.path, self.doc, self.where = path, doc, where

    def fail(self, key: str, what: str) -> SessionError:
        return SessionError(self.path, f"'{self.where}{key}' {what}")

    def section(self, key: str) -> _Reader:
        value = self.doc.get(key, {})
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise self.fail(key, "must be an object")
        return _Reader(self.path, value, f"{self.where}{key}.")

    def number(self, key: str, default: float | None, *, optional: bool = False) -> float | None:
        value = self.doc.get(key, default)
        if value is None and optional:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise self.fail(key, f"must be a finite number, not {value!r}")
        return float(value)

    def string(self, key: str, default: str | None, *, optional: bool = False) -> str | None:
        value = self.doc.get(key, default)
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise self.fail(key, f"must be a string, not {value!r}")
        return value

    def choice(self, key: str, default: str | None, choices: tuple) -> str | None:
        value = self.doc.get(key, default)
        if value not in choices:
            shown = ", ".join(repr(c) for c in choices)
            raise self.fail(key, f"must be one of {shown}, not {value!r}")
        return value

    def numbers(self, key: str, n: int) -> tuple[float, ...] | None:
        value = self.doc.get(key)
        if value is None:
            return None
        ok = (
            isinstance(value, list)
            and len(value) == n
            and all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                for v in value
            )
        )
        if not ok:
            raise self.fail(key, f"must be a list of {n} finite numbers or null")
        return tuple(float(v) for v in value)

    def strings(self, key: str, n: int | None = None) -> list[str] | None:
        value = self.doc.get(key)
        if value is None:
            return None
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        if not ok or (n is not None and len(value) != n):
            size = f"{n} " if n is not None else ""
            raise self.fail(key, f"must be a list of {size}strings or null")
        return list(value)


def _resolve(path: Path, entry: Any, i: int) -> str:
    if isinstance(entry, str):
        entry = {"path": entry}
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
        raise SessionError(path, f"'files[{i}]' must be an object with a string 'path'")
    p = Path(entry["path"])
    if not p.is_absolute():
        p = path.parent / p
    rel = entry.get("relative")
    if not p.exists() and isinstance(rel, str) and (path.parent / rel).exists():
        p = path.parent / rel
    return str(p)


def from_json_dict(doc: Any, path: str | Path = "<session>") -> Session:
    """Validate and convert; every problem is a :class:`SessionError` naming the key."""
    path = Path(path)
    if not isinstance(doc, dict):
        raise SessionError(path, "not a session file (the top level is not a JSON object)")
    if doc.get("schema") != SCHEMA:
        raise SessionError(path, f"not a session file (schema is {doc.get('schema')!r})")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SessionError(path, f"bad session version {version!r}")
    if version > VERSION:
        raise SessionError(
            path,
            f"written by a newer Encounter Replay (session version {version}; "
            f"this version reads up to {VERSION})",
        )
    files = doc.get("files", [])
    if not isinstance(files, list):
        raise SessionError(path, "'files' must be a list")
    top = _Reader(path, doc)
    ro, rp, vw, sel, disp = (
        top.section(k) for k in ("read_options", "replay", "view", "selection", "display")
    )
    s = Session(files=[_resolve(path, f, i) for i, f in enumerate(files)])
    s.altitude_unit = ro.choice("altitude_unit", None, (None, "ft", "m"))
    s.speed_unit = ro.choice("speed_unit", None, (None, "kt", "mps"))
    s.time = rp.number("time", None, optional=True)
    s.speed = rp.number("speed", 1.0)
    if not MIN_SPEED <= s.speed <= MAX_SPEED:
        raise rp.fail("speed", f"must be between {MIN_SPEED:g} and {MAX_SPEED:g}")
    s.loop = rp.numbers("loop", 2)
    s.trail_s = rp.number("trail_s", 120.0, optional=True)
    if s.trail_s is not None and s.trail_s < 0:
        raise rp.fail("trail_s", "must not be negative")
    s.units = rp.choice("units", "nm", UNITS)
    s.timeline_range = vw.numbers("timeline", 2)
    s.map_view = vw.numbers("map", 4)
    pair = sel.strings("pair", 2)
    s.selected_pair = tuple(pair) if pair else None
    s.selected_track = sel.string("track", None, optional=True)
    s.follow_track = sel.string("follow", None, optional=True)
    s.hidden_classes = disp.strings("hidden_classes") or []
    s.hidden_tracks = disp.strings("hidden_tracks") or []
    colors = disp.doc.get("colors") or {}
    if not isinstance(colors, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in colors.items()
    ):
        raise disp.fail("colors", "must map track ids to colour strings")
    s.colors = dict(colors)
    an = top.section("analysis")
    analysis: dict[str, Any] = {}
    for key in ANALYSIS_FLOAT_KEYS:
        if key in an.doc:
            value = an.number(key, None)
            if value <= 0:
                raise an.fail(key, "must be positive")
            analysis[key] = value
    if "include" in an.doc:
        analysis["include"] = an.strings("include") or []
    if "visual_range_by_type" in an.doc:
        by_type = an.doc["visual_range_by_type"] or {}
        if not isinstance(by_type, dict) or not all(
            isinstance(k, str)
            and isinstance(v, int | float)
            and not isinstance(v, bool)
            and math.isfinite(v)
            and v > 0
            for k, v in by_type.items()
        ):
            raise an.fail("visual_range_by_type", "must map type names to positive metres")
        analysis["visual_range_by_type"] = {k: float(v) for k, v in by_type.items()}
    s.analysis = analysis
    notes = doc.get("annotations") or []
    if not isinstance(notes, list):
        raise SessionError(path, "'annotations' must be a list")
    for i, note in enumerate(notes):
        if not isinstance(note, dict):
            raise SessionError(path, f"'annotations[{i}]' must be an object")
        r = _Reader(path, note, f"annotations[{i}].")
        s.annotations.append(
            Annotation(
                time=r.number("time", None),
                text=r.string("text", ""),
                track=r.string("track", None, optional=True),
            )
        )
    return s


def load_session(path: str | Path) -> Session:
    """Read and validate a session; :class:`SessionError` with a plain cause otherwise."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SessionError(path, "no such file") from None
    except (OSError, UnicodeError) as exc:
        raise SessionError(path, f"cannot read: {exc}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SessionError(path, f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    return from_json_dict(doc, path)

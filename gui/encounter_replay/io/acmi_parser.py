"""The ACMI 2.x line parser: header check, then one lean pass over the body lines.

The parser keeps each live object's last transform (an empty or absent field means
"unchanged") and appends one row per transform line to a flat ``array('d')``; numpy takes it
over in one piece at the end (:mod:`.acmi`). Python work per line is a few ``str`` methods
and dict look-ups; regular expressions run only for escaped commas and for ids seen for the
first time.

Decisions (documented for analysts, tested in ``tests/test_io_acmi.py``):

* **Transform form per line**: 3, 5, 6 or 9 ``|``-separated fields, decided on every line,
  since DCS mixes 9-field and 5-field lines for one object. Fields a form does not carry
  (attitude in a 3- or 5-field line) stay as they were.
* **Removal** (``-id``) ends the object's track. If the id comes back, that is a new
  object (its Type may differ): a new track with id ``<id>#2``, ``#3``…
* **Time restarts**: some simulators append several runs to one file, so ``#`` time jumps
  back to the beginning. A jump counts as a restart when time goes back by more than
  :data:`RESTART_BACK_S` *and* lands no later than :data:`RESTART_BACK_S` after the first
  frame of the current run, *and* that run had moved on by more than that. Frames that run
  backwards from the start (#120, #119 … #1) are therefore one run out of order, reported
  and sorted, not a string of one-frame runs laid end to end on an invented timeline. Run 1 keeps its times; run ``r`` is shifted to start
  ``gap_s`` after the previous run's last frame, so runs replay one after another and are
  never interleaved, and its objects get ids ``<id>@r<r>``. A smaller backward step is
  out-of-order data, which Tacview reorders, and so do we (samples are sorted per track);
  a larger one that does not return to the run's start is reordered too, with a warning.
* **Same object, same time**: the last transform wins.
* **Air data**: ``IAS``, ``TAS`` (m/s) and ``Mach`` are kept per sample; like the
  transform, a value holds until the file gives a new one. ``-id`` records the removal
  time in the track's metadata (``removed``), so a reader can tell an object taken out of
  the simulation from one whose recording merely stops.
* **Implausible frame times**: a frame whose absolute time (ReferenceTime + offset) is
  not within ±:data:`~.csv_reader.T_ABS_MAX` s POSIX (years 1653–2286, the CSV reader's
  bound) is skipped with all its lines, and counted in one warning. One stray ``#1e20``
  would otherwise stretch the recording over geological time, wreck the float precision
  of every other sample and take part in restart detection.
"""

from __future__ import annotations

import itertools
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .acmi_events import EventError, is_hex_id, parse_event
from .csv_reader import T_ABS_MAX
from .limits import objects_over_budget

#: A backward time step larger than this (s) is a restart or a reordering, not jitter.
RESTART_BACK_S = 1.0
#: Pause (s) inserted between appended runs when they are laid end to end.
RUN_GAP_S = 60.0

#: Columns of the flat sample array.
COLUMNS = (
    "track",
    "t",
    "lon",
    "lat",
    "alt",
    "roll",
    "pitch",
    "yaw",
    "heading",
    "line",
    "ias",
    "tas",
    "mach",
)
NCOL = len(COLUMNS)
#: Values appended between two checks of the memory budget (about 100,000 samples).
_CHECK_EVERY = 100_000 * NCOL

NAN = float("nan")
_UNKNOWN = (NAN,) * 7  # lon, lat, alt, roll, pitch, yaw, flat-world heading
#: Air-data properties kept per sample, by their slot in the object's air state.
AIR_SLOTS = {"IAS": 0, "TAS": 1, "Mach": 2}
_NO_AIR = (NAN,) * 3
#: Transform field index -> state index, by field count (U and V are not used).
_TMAP = {
    3: ((0, 0), (1, 1), (2, 2)),
    5: ((0, 0), (1, 1), (2, 2)),
    6: tuple((i, i) for i in range(6)),
    9: (*((i, i) for i in range(6)), (8, 6)),
}
#: Text properties kept as track metadata (last non-empty value wins).
META_KEYS = frozenset({"Name", "Type", "CallSign", "Pilot", "Coalition", "Color"})
_ESCAPED_COMMA_SPLIT = re.compile(r"(?<!\\),")
_SHOWN = 80  # characters of an offending line quoted in a warning


class HeaderError(Exception):
    """Reading stops at ``line``: the first lines are not an ACMI 2.x header, or the
    recording outgrew the memory budget. ``(line, message)``."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Bad(Exception):
    """A malformed line (the message says what is wrong with it)."""


@dataclass
class Issue:
    """How often one kind of problem occurred, and where first."""

    count: int = 0
    line: int | None = None
    example: str = ""

    def add(self, line: int, example: str = "") -> None:
        if self.count == 0:
            self.line = line
            self.example = example
        self.count += 1


@dataclass
class ParsedAcmi:
    """Everything the line pass found; :mod:`.acmi` turns it into a TrackSet."""

    samples: array = field(default_factory=lambda: array("d"))
    tracks: list[dict[str, str]] = field(default_factory=list)
    events: list[tuple[float, str, tuple[str, ...], str, int]] = field(default_factory=list)
    globals: dict[str, str] = field(default_factory=dict)
    title: str = ""
    version: str = ""
    header_notes: list[tuple[int, str]] = field(default_factory=list)
    reference_time: float | None = None
    ref_lon: float = 0.0
    ref_lat: float = 0.0
    ref_changed_late: Issue = field(default_factory=Issue)
    restarts: list[tuple[int, float]] = field(default_factory=list)  # (line, shift s)
    backward: Issue = field(default_factory=Issue)
    bad_time: Issue = field(default_factory=Issue)  # lines of frames with absurd times
    bad: Issue = field(default_factory=Issue)
    lines: int = 0
    last_line_ok: bool = True
    open_continuation: int | None = None  # first line of a continuation cut by EOF
    #: track index -> time (s, file time) the object stops existing: its removal (``-id``),
    #: the end of its run, or the end of the recording. Until then it holds its last state.
    ends: dict[int, float] = field(default_factory=dict)
    #: (track index, time, height above ground m) of every AGL property written.
    agl: array = field(default_factory=lambda: array("d"))


def shorten(text: str, n: int = _SHOWN) -> str:
    """One-line excerpt of an offending line for a warning."""
    text = text.replace("\n", "\\n")
    return text if len(text) <= n else text[: n - 1] + "…"


def parse_time(text: str) -> float:
    """POSIX seconds for an ISO-8601 ReferenceTime (``Z``, offsets, any fraction); naive = UTC."""
    text = text.strip()
    if not text:
        raise ValueError("empty time")
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def check_header(first: str | None, second: str | None) -> tuple[str, bool]:
    """Validate the header lines; returns ``(version, second_line_is_header)``.

    Raises :class:`HeaderError` for anything that is not an ACMI 2.x text recording.
    """
    if first is None:
        raise HeaderError(1, "file is empty")
    line1 = first.rstrip("\r").strip()
    if not line1:
        raise HeaderError(1, "not a Tacview ACMI file: line 1 is blank, expected FileType=")
    lines = [line1, (second or "").rstrip("\r").strip()]
    version_line = 2
    if lines[0].startswith("FileVersion=") and lines[1].startswith("FileType="):
        lines.reverse()
        version_line = 1
    key, _, value = lines[0].partition("=")
    if key != "FileType":
        raise HeaderError(
            1,
            f"not a Tacview ACMI file: expected 'FileType=text/acmi/tacview', found {shorten(line1, 40)!r}",
        )
    if value.strip().lower() != "text/acmi/tacview":
        raise HeaderError(
            1, f"unsupported ACMI FileType {shorten(value, 40)!r} (expected text/acmi/tacview)"
        )
    key, _, version = lines[1].partition("=")
    if key != "FileVersion":
        return "", False
    version = version.strip()
    major = version.split(".", 1)[0]
    if major == "1":
        raise HeaderError(
            version_line, f"legacy ACMI 1.x not supported (FileVersion={shorten(version, 20)})"
        )
    return version, True


class AcmiParser:
    """One pass over the body lines of a recording (see the module notes for the rules)."""

    def __init__(self, gap_s: float = RUN_GAP_S) -> None:
        self.gap_s = gap_s
        self.out = ParsedAcmi()

    # ------------------------------------------------------------------ entry point
    def parse(self, lines: Iterator[str]) -> ParsedAcmi:
        """Consume all lines (header included) and return what was found."""
        out = self.out
        first = next(lines, None)
        second = next(lines, None)
        version, second_is_header = check_header(first, second)
        out.version = version
        if second_is_header:
            if version and version.split(".", 1)[0] != "2":
                out.header_notes.append((2, f"FileVersion {version} is unknown; read as ACMI 2.x"))
            body_start, pending = 3, None
        else:
            out.header_notes.append((2, "no FileVersion line after FileType; read as ACMI 2.x"))
            body_start, pending = 2, second
        self._body(lines, body_start, pending)
        return out

    # ------------------------------------------------------------------ line joining
    def _logical_lines(
        self, lines: Iterator[str], lineno: int, pending: str | None
    ) -> Iterator[tuple[int, str]]:
        """``(first physical line number, line)`` with CR stripped and continuations joined.

        A trailing backslash escapes the line break: the next line is joined and the break
        is kept as ``\\n`` in the value (multi-line Comments, Briefing…). Blank lines are
        skipped.
        """
        out = self.out
        cont: list[str] | None = None
        start = lineno
        lineno -= 1
        if pending is not None:
            lines = itertools.chain((pending,), lines)
        for line in lines:
            lineno += 1
            if line.endswith("\r"):
                line = line[:-1]
            if cont is not None:
                if line.endswith("\\"):
                    cont.append(line[:-1])
                    continue
                cont.append(line)
                yield start, "\n".join(cont)
                cont = None
            elif line.endswith("\\"):
                cont = [line[:-1]]
                start = lineno
            elif line:
                yield lineno, line
        out.lines = lineno
        if cont is not None:
            # The file ended inside a continued line: use what is there (and say so).
            out.open_continuation = start
            joined = "\n".join(cont)
            if joined:  # a lone trailing backslash leaves nothing to parse
                yield start, joined

    # ------------------------------------------------------------------ the hot loop
    def _body(self, lines: Iterator[str], lineno: int, pending: str | None) -> None:
        out = self.out
        ext = out.samples.extend
        app = out.samples.append
        tracks = out.tracks
        bad = out.bad
        live: dict[int, list] = {}  # key -> [state tuple/list of 7, track index]
        last_track: dict[int, int] = {}  # key -> last track index in this run
        lives: dict[int, int] = {}  # key -> lives so far in this run
        id_cache: dict[str, int] = {}
        tmap_get = _TMAP.get
        meta_keys = META_KEYS
        air_slots = AIR_SLOTS
        run = 1
        shift = 0.0
        now = 0.0
        run_first: float | None = None
        run_max = 0.0
        next_check = _CHECK_EVERY
        ok = True
        # Inside a frame whose time is unreadable or implausible: the issue its lines count in.
        skipping: Issue | None = None
        bad_time = out.bad_time

        for ln, line in self._logical_lines(lines, lineno, pending):
            c = line[0]
            ok = True
            try:
                if c == "#":
                    # Until this time proves readable, the frame's lines have no time to go to.
                    skipping = bad
                    t = float(line[1:])
                    if t - t != 0.0:
                        raise _Bad("time is not a finite number")
                    if not abs(t + shift + (out.reference_time or 0.0)) < T_ABS_MAX:
                        skipping = bad_time
                        ok = False
                        bad_time.add(ln, shorten(line))
                        continue
                    skipping = None
                    if run_first is None:
                        run_first = run_max = t
                    elif t < run_max - RESTART_BACK_S:
                        if t <= run_first + RESTART_BACK_S < run_max:
                            # A new run appended to the file: lay it after the previous one.
                            for held in live.values():
                                out.ends[held[1]] = run_max + shift
                            shift = run_max + shift + self.gap_s - t
                            out.restarts.append((ln, shift))
                            run += 1
                            live.clear()
                            last_track.clear()
                            lives.clear()
                            run_first = run_max = t
                        else:
                            out.backward.add(ln, f"{run_max:g} s -> {t:g} s")
                    elif t > run_max:
                        run_max = t
                    now = t + shift
                    if len(out.samples) > next_check:
                        self._check_budget(ln)
                        next_check += _CHECK_EVERY
                    continue

                if skipping is not None:
                    ok = False
                    skipping.count += 1
                    continue

                if c == "-":
                    key = id_cache.get(line[1:])
                    if key is None:
                        key = _new_id(line[1:], id_cache)
                    gone = live.pop(key, None)
                    if gone is not None:
                        tracks[gone[1]]["removed"] = now
                        out.ends[gone[1]] = now
                    continue

                if c == "/" and line.startswith("//"):
                    continue

                raw_id, sep, rest = line.partition(",")
                if not sep:
                    raise _Bad("not an ACMI line")
                key = id_cache.get(raw_id)
                if key is None:
                    key = _new_id(raw_id, id_cache)
                props = rest.split(",") if "\\" not in rest else _split_escaped(rest)
                if key == 0:
                    self._global(props, now, ln, run, last_track)
                    continue

                obj = live.get(key)
                vals = None
                meta = None
                air = None
                agl = None
                for prop in props:
                    k, eq, v = prop.partition("=")
                    if k == "T":
                        fields = v.split("|")
                        m = tmap_get(len(fields))
                        if m is None:
                            raise _Bad(
                                f"transform with {len(fields)} fields (expected 3, 5, 6 or 9)"
                            )
                        if vals is None:
                            vals = list(obj[0]) if obj is not None else list(_UNKNOWN)
                        for fi, si in m:
                            s = fields[fi]
                            if s:
                                x = float(s)
                                if x - x != 0.0:
                                    raise _Bad("transform value is not a finite number")
                                vals[si] = x
                    elif k == "AGL":
                        agl = float(v) if v else None
                    elif k in meta_keys:
                        if v:
                            if meta is None:
                                meta = [(k, v)]
                            else:
                                meta.append((k, v))
                    elif k in air_slots:
                        if v:
                            x = float(v)
                            if x - x != 0.0:
                                raise _Bad(f"{k} is not a finite number")
                            if air is None:
                                air = list(obj[2]) if obj is not None else list(_NO_AIR)
                            air[air_slots[k]] = x
                    elif not eq and prop:
                        raise _Bad(f"property without '=': {shorten(prop, 30)!r}")

                # The line is good: apply it.
                if obj is None:
                    n = lives.get(key, 0) + 1
                    lives[key] = n
                    track_id = raw_id
                    if run > 1:
                        track_id += f"@r{run}"
                    if n > 1:
                        track_id += f"#{n}"
                    ti = len(tracks)
                    if not ti & 0xFFF:
                        self._check_budget(ln)
                    tracks.append({"id": track_id})
                    obj = [_UNKNOWN, ti, _NO_AIR]
                    live[key] = obj
                    last_track[key] = ti
                if meta is not None:
                    tracks[obj[1]].update(meta)
                if air is not None:
                    obj[2] = air
                if vals is not None:
                    obj[0] = vals
                    ext((obj[1], now))
                    ext(vals)
                    app(ln)
                    ext(obj[2])
                if agl is not None:
                    out.agl.extend((obj[1], now, agl))
            except (_Bad, ValueError) as exc:
                ok = False
                if bad.count == 0:
                    reason = str(exc) if isinstance(exc, _Bad | EventError) else "non-numeric value"
                    bad.add(ln, f"{reason}: {shorten(line)!r}")
                else:
                    bad.count += 1
        out.last_line_ok = ok
        for held in live.values():
            out.ends[held[1]] = run_max + shift

    # ------------------------------------------------------------------ helpers
    def _check_budget(self, line: int) -> None:
        """Stop (HeaderError, as for any fatal line) once the recording outgrows the budget."""
        n_samples = len(self.out.samples) // NCOL
        why = objects_over_budget(len(self.out.tracks), n_samples)
        if why is not None:
            raise HeaderError(line, why)

    def _global(
        self,
        props: list[str],
        now: float,
        ln: int,
        run: int,
        last_track: dict[int, int],
    ) -> None:
        """Properties of object 0: reference time and position, title, events, the rest kept."""
        out = self.out
        updates: list[tuple[str, str]] = []
        events = []
        ref_time = None
        ref_lon = ref_lat = None
        for prop in props:
            k, eq, v = prop.partition("=")
            if not eq:
                if prop:
                    raise _Bad(f"property without '=': {shorten(prop, 30)!r}")
                continue
            if k == "Event":
                kind, ids, text = parse_event(v)
                shown = []
                for raw in ids:
                    key = int(raw, 16)
                    ti = last_track.get(key)
                    if ti is not None:
                        shown.append(out.tracks[ti]["id"])
                    else:
                        shown.append(raw if run == 1 else f"{raw}@r{run}")
                events.append((now, kind, tuple(shown), text, ln))
                continue
            if k == "ReferenceTime":
                try:
                    ref_time = parse_time(v)
                except (ValueError, OverflowError, OSError):
                    raise _Bad("ReferenceTime is not an ISO-8601 time") from None
            elif k in ("ReferenceLongitude", "ReferenceLatitude"):
                x = float(v)
                if x - x != 0.0:
                    raise _Bad(f"{k} is not a finite number")
                if k == "ReferenceLongitude":
                    ref_lon = x
                else:
                    ref_lat = x
            updates.append((k, v))
        # The line is good: apply it. Reference values apply to the whole file, so a change
        # after positions were recorded moves those too: say so.
        has_samples = len(out.samples) > 0
        if ref_time is not None:
            if has_samples and out.reference_time is not None and ref_time != out.reference_time:
                out.ref_changed_late.add(ln)
            out.reference_time = ref_time
        if ref_lon is not None:
            if has_samples and ref_lon != out.ref_lon:
                out.ref_changed_late.add(ln)
            out.ref_lon = ref_lon
        if ref_lat is not None:
            if has_samples and ref_lat != out.ref_lat:
                out.ref_changed_late.add(ln)
            out.ref_lat = ref_lat
        for k, v in updates:
            out.globals[k] = v
            if k == "Title":
                out.title = v
        out.events.extend(events)


def _new_id(raw: str, cache: dict[str, int]) -> int:
    """Key (the id's value) for an id seen for the first time; remembered in ``cache``."""
    if not is_hex_id(raw):
        raise _Bad("object id is not a hexadecimal number")
    key = int(raw, 16)
    cache[raw] = key
    return key


def _split_escaped(rest: str) -> list[str]:
    """Split on commas not preceded by a backslash, then unescape ``\\,``."""
    return [p.replace("\\,", ",") for p in _ESCAPED_COMMA_SPLIT.split(rest)]

"""What the export subcommands share: the scene they work on and their view options.

``snapshot``, ``video`` and ``report`` read recordings (given, or named by a session),
analyse them, and turn ``--time``/``--pair``/``--view``… into the
:class:`~encounter_replay.model.view_state.ViewState` the export layer draws. A bad
argument raises :class:`.options.UsageError` (one line, exit 2); an export that fails
prints one line and returns :data:`EXIT_EXPORT`.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..export.errors import ExportError
from ..export.report import closest_pair
from ..io import ReadOptions, read_files
from ..io.registry import FORMAT_NAMES
from ..model import TrackSet
from ..model.timefmt import clock_utc, iso_utc, parse_time
from ..model.units import NM
from ..model.view_state import VIEWS, ViewState
from .options import UsageError, analysis_settings

EXIT_EXPORT = 1

#: ``cpa``, ``cpa-30``, ``cpa+1:30``: times relative to the closest approach.
_CPA = re.compile(r"^cpa(?:([+-])(.+))?$", re.IGNORECASE)


def parse_seconds(text: str) -> float | None:
    """A trail length: ``120``, ``120s``, ``2m``, ``1h``; ``full`` for the whole history."""
    t = text.strip().lower()
    if t in ("full", "all"):
        return None
    m = re.fullmatch(r"([0-9]*\.?[0-9]+)\s*(s|sec|m|min|h)?", t)
    if not m:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 120s, 2m, full)")
    factor = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}.get(m.group(2) or "s", 1)
    return float(m.group(1)) * factor


def check_positive(args: argparse.Namespace, *names: str) -> None:
    """One-line usage errors for sizes and rates (argparse would print its whole usage)."""
    for name in names:
        v = getattr(args, name)
        if v is not None and not (math.isfinite(v) and v > 0):
            raise UsageError(f"--{name} must be positive, not {v:g}")


@dataclass
class Scene:
    """What a command works on: the tracks, their analysis, and the session it came from."""

    ts: TrackSet
    analysis: object
    session: object | None


def _load_session(args: argparse.Namespace):
    if not getattr(args, "session", None):
        return None
    from ..model.session import SessionError, load_session

    try:
        return load_session(args.session)
    except SessionError as exc:
        raise UsageError(f"--session: {exc}") from None


def _settings(args: argparse.Namespace, session):
    """Analysis settings: the session's, with any given on the command line on top."""
    from ..analysis import AnalysisSettings

    cli = analysis_settings(args)
    if session is None or not session.analysis:
        return cli
    kw = dict(session.analysis)
    if "include" in kw:
        kw["include"] = frozenset(kw["include"])
    for arg, name in (
        ("visual_range", "visual_range_m"),
        ("hsep", "hsep_m"),
        ("vsep", "vsep_m"),
        ("within", "within_m"),
    ):
        if getattr(args, arg) is not None:
            kw[name] = getattr(cli, name)
    if args.include:
        kw["include"] = cli.include
    try:
        return AnalysisSettings(**kw)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"--session: bad analysis settings: {exc}") from None


def load_scene(args: argparse.Namespace) -> Scene:
    """Read the recordings (given, or named by ``--session``) and analyse them."""
    from ..analysis import analyze

    session = _load_session(args)
    files = list(args.files) or (list(session.files) if session is not None else [])
    if not files:
        raise UsageError("no recordings: give FILE... or a --session that names them")
    options = ReadOptions(
        altitude_unit=args.altitude_unit or (session.altitude_unit if session else None),
        speed_unit=args.speed_unit or (session.speed_unit if session else None),
    )
    ts = read_files(files, options)
    if len(ts) == 0:
        raise UsageError("the recording holds no tracks")
    return Scene(ts, analyze(ts, _settings(args, session)), session)


def base_state(scene: Scene, args: argparse.Namespace) -> ViewState:
    """The session's map state (or the defaults), with the view options given on top."""
    ts = scene.ts
    if scene.session is not None:
        visual = scene.analysis.settings.visual_range_m
        # a picture is framed by its view: following a track is the window's business
        state = ViewState.from_session(scene.session, ts.ids, ts.start, visual)
        state = state.replace(follow_track=None)
    else:
        state = ViewState(time=ts.start, visual_range_m=scene.analysis.settings.visual_range_m)
    changes: dict = {}
    if args.trail is not None:
        changes["trail_s"] = args.trail
    if args.units is not None:
        changes["units"] = args.units
    if args.view is not None:
        changes["view"] = args.view
    pair = resolve_pair(args.pair, ts)
    if pair is not None:
        changes["pair"] = pair
    return dataclasses.replace(state, **changes)


def resolve_time(
    text: str,
    ts: TrackSet,
    analysis,
    option: str = "--time",
    pair: tuple[int, int] | None = None,
) -> tuple[float, tuple[int, int] | None]:
    """A ``T`` argument as POSIX seconds, and the pair it implies (``cpa`` selects one).

    ``cpa`` is the CPA of ``pair`` when one was chosen (``--pair``): a picture "at the CPA"
    of a selected pair must show that pair at its closest, not some other pair. Without a
    pair it is the overall closest pair's CPA. Times outside the recording are usage
    errors: a picture of nothing helps no one.
    """
    m = _CPA.match(text.strip())
    if m:
        pair, t = _cpa_of(text, analysis, ts, option, pair)
        if m.group(1):
            try:
                delta = parse_time("+" + m.group(2), 0.0)
            except ValueError as exc:
                raise UsageError(f"{option} {text}: {exc}") from None
            t = t + delta if m.group(1) == "+" else t - delta
    else:
        try:
            t = parse_time(text, ts.start)
        except ValueError as exc:
            raise UsageError(f"{option}: {exc}") from None
    eps = 1e-6
    if not (ts.start - eps <= t <= ts.end + eps):
        raise UsageError(
            f"{option} {text} ({iso_utc(t)}) is outside the recording "
            f"({iso_utc(ts.start)} to {clock_utc(ts.end)})"
        )
    return min(max(t, ts.start), ts.end), pair


def _cpa_of(
    text: str, analysis, ts: TrackSet, option: str, pair: tuple[int, int] | None
) -> tuple[tuple[int, int], float]:
    """``(pair, CPA time)`` for a ``cpa`` argument: the given pair's, else the closest pair's."""
    if pair is None:
        found = closest_pair(analysis)
        if found is None:
            raise UsageError(f"{option} {text}: no pair came within the reporting range")
        return found
    row = analysis.pair_row(*pair)
    if row is None or not math.isfinite(float(row["cpa_time"])):
        a, b = (ts.ids[i] for i in pair)
        within_nm = analysis.settings.within_m / NM
        raise UsageError(
            f"{option} {text}: pair {a} {b} is not among the reported pairs (its CPA is not "
            f"within {within_nm:g} NM, or they never overlap in time); try a larger --within"
        )
    return pair, float(row["cpa_time"])


def resolve_pair(ids: list[str] | None, ts: TrackSet) -> tuple[int, int] | None:
    """``--pair A B`` (track ids as ``info`` prints them) as track indices."""
    if not ids:
        return None
    out = []
    for track_id in ids:
        try:
            out.append(ts.index_of(track_id))
        except KeyError:
            raise UsageError(
                f"--pair: unknown track id {track_id!r} (see `encounter-replay info`)"
            ) from None
    if out[0] == out[1]:
        raise UsageError("--pair needs two different tracks")
    return min(out), max(out)


def check_suffix(path: Path, allowed: tuple[str, ...], what: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise UsageError(
            f"--out {path}: unknown {what} format {suffix or '(none)'!r}: use "
            + " or ".join(allowed)
        )
    return suffix


def check_out_dir(path: Path) -> None:
    if not path.parent.is_dir():
        raise UsageError(f"--out {path}: folder {path.parent} does not exist")


def fail(exc: ExportError) -> int:
    print(f"encounter-replay: {exc}", file=sys.stderr)
    return EXIT_EXPORT


def add_view_args(p: argparse.ArgumentParser, width: int, height: int) -> None:
    p.add_argument("files", nargs="*", metavar="FILE", help=f"recordings ({FORMAT_NAMES})")
    p.add_argument(
        "--session",
        metavar="JSON",
        help="a session saved by the window: its files, time, selection, view and settings "
        "(options given here override it)",
    )
    p.add_argument("--width", type=int, default=width, help=f"pixels ({width})")
    p.add_argument("--height", type=int, default=height, help=f"pixels ({height})")
    p.add_argument(
        "--pair",
        nargs=2,
        metavar=("A", "B"),
        help="select this pair (track ids as `info` prints them); its separation is captioned",
    )
    p.add_argument(
        "--trail", type=parse_seconds, default=None, help="trail length: 120s, 5m, full (120s)"
    )
    p.add_argument(
        "--view",
        choices=VIEWS,
        default=None,
        help="frame all tracks, or the selected pair (all; a session's own view if given)",
    )
    p.add_argument("--units", choices=("nm", "km"), default=None, help="NM/ft or km/m (nm)")
    p.add_argument("--no-caption", action="store_true", help="no caption strip")
    p.add_argument("--title", help="caption title (default: the recording's title or file)")

"""``snapshot``, ``video`` and ``report``: briefing material from the command line, headless.

``encounter_replay.cli`` mounts :data:`SUBCOMMANDS` and adds the read and analysis options
to each parser; the ``setup`` functions here add only each command's own arguments. A bad
argument raises :class:`~encounter_replay.cli.UsageError` (one line, exit 2); an export that
fails prints one line and returns 1.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Callable
from pathlib import Path

from ..cli import UsageError, analysis_settings
from ..io import ReadOptions, read_files
from ..model import TrackSet
from ..model.timefmt import clock_utc, iso_utc, parse_time
from .errors import ExportError
from .report import closest_pair

EXIT_EXPORT = 1

#: ``cpa``, ``cpa-30``, ``cpa+1:30``: times relative to the closest approach.
_CPA = re.compile(r"^cpa(?:([+-])(.+))?$", re.IGNORECASE)


# ---------------------------------------------------------------------------- argument helpers
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


def _check_positive(args: argparse.Namespace, *names: str) -> None:
    """One-line usage errors for sizes and rates (argparse would print its whole usage)."""
    for name in names:
        v = getattr(args, name)
        if v is not None and not (math.isfinite(v) and v > 0):
            raise UsageError(f"--{name} must be positive, not {v:g}")


def _read(args: argparse.Namespace) -> TrackSet:
    ts = read_files(
        args.files, ReadOptions(altitude_unit=args.altitude_unit, speed_unit=args.speed_unit)
    )
    if len(ts) == 0:
        raise UsageError("the recording holds no tracks")
    return ts


def _analyze(ts: TrackSet, args: argparse.Namespace):
    from ..analysis import analyze

    return analyze(ts, analysis_settings(args))


def resolve_time(
    text: str, ts: TrackSet, analysis, option: str = "--time"
) -> tuple[float, tuple[int, int] | None]:
    """A ``T`` argument as POSIX seconds, and the pair it implies (``cpa`` selects one).

    Times outside the recording are usage errors: a picture of nothing helps no one.
    """
    pair = None
    m = _CPA.match(text.strip())
    if m:
        found = closest_pair(analysis)
        if found is None:
            raise UsageError(f"{option} {text}: no pair came within the reporting range")
        pair, t = found
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


def _check_suffix(path: Path, allowed: tuple[str, ...], what: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise UsageError(
            f"--out {path}: unknown {what} format {suffix or '(none)'!r}: use "
            + " or ".join(allowed)
        )
    return suffix


def _check_out_dir(path: Path) -> None:
    if not path.parent.is_dir():
        raise UsageError(f"--out {path}: folder {path.parent} does not exist")


def _fail(exc: ExportError) -> int:
    print(f"encounter-replay: {exc}", file=sys.stderr)
    return EXIT_EXPORT


def _add_view_args(p: argparse.ArgumentParser, width: int, height: int) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="recordings (ACMI, CSV)")
    p.add_argument("--width", type=int, default=width, help=f"pixels ({width})")
    p.add_argument("--height", type=int, default=height, help=f"pixels ({height})")
    p.add_argument(
        "--pair",
        nargs=2,
        metavar=("A", "B"),
        help="select this pair (track ids as `info` prints them); its separation is captioned",
    )
    p.add_argument(
        "--trail", type=parse_seconds, default=120.0, help="trail length: 120s, 5m, full (120s)"
    )
    p.add_argument(
        "--view",
        choices=("all", "pair"),
        default="all",
        help="frame all tracks, or the selected pair (all)",
    )
    p.add_argument("--units", choices=("nm", "km"), default="nm", help="NM/ft or km/m (nm)")
    p.add_argument("--no-caption", action="store_true", help="no caption strip")
    p.add_argument("--title", help="caption title (default: the recording's title or file)")


def _caption(args, ts: TrackSet, t: float, pair):
    from .caption import caption_text

    if args.no_caption:
        return None
    return caption_text(ts, t, pair, title=args.title, units=args.units)


# ---------------------------------------------------------------------------- snapshot
def setup_snapshot(p: argparse.ArgumentParser) -> None:
    p.description = "Save a picture of the map at one instant (PNG or SVG), with no display."
    _add_view_args(p, 1600, 900)
    p.add_argument(
        "--time",
        required=True,
        metavar="T",
        help="ISO-8601 UTC, +SECONDS / +MM:SS from the start, or cpa (selects the closest pair)",
    )
    p.add_argument("--out", required=True, type=Path, help="PATH.png or PATH.svg")
    p.add_argument(
        "--window",
        action="store_true",
        help="the whole replay window (panels, timeline) instead of the map alone; PNG only",
    )


def run_snapshot(args: argparse.Namespace) -> int:
    _check_positive(args, "width", "height")
    suffix = _check_suffix(args.out, (".png", ".svg"), "picture")
    _check_out_dir(args.out)
    if args.window and suffix != ".png":
        raise UsageError("--window pictures are PNG only")
    ts = _read(args)
    analysis = _analyze(ts, args)
    t, cpa_pair = resolve_time(args.time, ts, analysis)
    pair = resolve_pair(args.pair, ts) or cpa_pair
    try:
        if args.window:
            from .window_capture import window_snapshot

            image = window_snapshot(
                ts, analysis, t, pair, args.width, args.height, trail_s=args.trail
            )
            from .image import save_png

            save_png(image, args.out)
        else:
            from .image import export_image, map_size
            from .offscreen import dispose, scene_canvas

            caption = _caption(args, ts, t, pair)
            canvas = scene_canvas(
                ts,
                analysis,
                time=t,
                size=map_size(args.width, args.height, caption is not None),
                pair=pair,
                trail_s=args.trail,
                units=args.units,
                zoom_pair=args.view == "pair",
            )
            try:
                export_image(canvas, args.out, args.width, args.height, caption)
            finally:
                dispose(canvas)
    except ExportError as exc:
        return _fail(exc)
    print(f"wrote {args.out} ({args.width}×{args.height}, {iso_utc(t)})")
    return 0


# ---------------------------------------------------------------------------- video
def setup_video(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Render a clip of the replay (MP4 H.264 with the 'video' extra, or GIF), with no display."
    )
    _add_view_args(p, 1280, 720)
    p.add_argument("--start", required=True, metavar="T", help="first frame (like --time)")
    p.add_argument("--end", required=True, metavar="T", help="end of the clip (like --time)")
    p.add_argument("--speed", type=float, default=1.0, help="replay speed, × real time (1)")
    p.add_argument("--fps", type=float, default=None, help="frames per second (25; GIF 10)")
    p.add_argument("--out", required=True, type=Path, help="PATH.mp4 or PATH.gif")


def run_video(args: argparse.Namespace) -> int:
    from .video import frame_size, frame_times

    _check_positive(args, "width", "height", "speed", "fps")
    suffix = _check_suffix(args.out, (".mp4", ".gif"), "video")
    _check_out_dir(args.out)
    fps = args.fps if args.fps is not None else (10.0 if suffix == ".gif" else 25.0)
    ts = _read(args)
    analysis = _analyze(ts, args)
    start, pair_s = resolve_time(args.start, ts, analysis, "--start")
    end, pair_e = resolve_time(args.end, ts, analysis, "--end")
    pair = resolve_pair(args.pair, ts) or pair_s or pair_e
    try:
        times = frame_times(start, end, args.speed, fps)
        size = frame_size(args.width, args.height)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    try:
        from .image import map_size
        from .offscreen import dispose, scene_canvas
        from .video import canvas_video

        canvas = scene_canvas(
            ts,
            analysis,
            time=start,
            size=map_size(*size, not args.no_caption),
            pair=pair,
            trail_s=args.trail,
            units=args.units,
            zoom_pair=args.view == "pair",
        )
        try:
            result = canvas_video(
                canvas,
                ts,
                args.out,
                times,
                size,
                fps,
                pair=pair,
                caption=not args.no_caption,
                title=args.title,
                units=args.units,
                progress=_terminal_progress() if sys.stderr.isatty() else None,
            )
        finally:
            dispose(canvas)
    except ExportError as exc:
        return _fail(exc)
    print(
        f"wrote {args.out} ({result.frames} frames, {result.width}×{result.height}, "
        f"{fps:g} fps, {result.seconds:.1f} s)"
    )
    return 0


def _terminal_progress() -> Callable[[int, int], bool]:
    def show(done: int, total: int) -> bool:
        print(f"\rframe {done}/{total}", end="" if done < total else "\n", file=sys.stderr)
        return True

    return show


# ---------------------------------------------------------------------------- report
def setup_report(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Write the encounter table (CSV, JSON: the fields of `analyze --json`) or a one-page "
        "HTML briefing with the map at the closest approach."
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="recordings (ACMI, CSV)")
    p.add_argument("--out", required=True, type=Path, help="PATH.html, PATH.csv or PATH.json")
    p.add_argument("--title", help="briefing title (default: the recording's title or file)")


def run_report(args: argparse.Namespace) -> int:
    from .report import REPORT_SUFFIXES, write_table

    suffix = _check_suffix(args.out, REPORT_SUFFIXES, "report")
    _check_out_dir(args.out)
    ts = _read(args)
    analysis = _analyze(ts, args)
    try:
        if suffix in (".csv", ".json"):
            write_table(args.out, analysis, ts)
        else:
            from .briefing import write_briefing_with_map

            write_briefing_with_map(args.out, ts, analysis, title=args.title)
    except ExportError as exc:
        return _fail(exc)
    print(f"wrote {args.out} ({len(analysis.pairs)} pair(s))")
    return 0


SUBCOMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Callable[..., int]]] = {
    "snapshot": (setup_snapshot, run_snapshot),
    "video": (setup_video, run_video),
    "report": (setup_report, run_report),
}

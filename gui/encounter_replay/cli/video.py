"""``video``: a clip of the replay (MP4 or GIF), headless."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

from ..export.errors import ExportError
from .options import UsageError
from .scene import (
    add_view_args,
    base_state,
    check_out_dir,
    check_positive,
    check_suffix,
    fail,
    load_scene,
    resolve_pair,
    resolve_time,
)


def setup(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Render a clip of the replay (MP4 H.264 with the 'video' extra, or GIF), with no display."
    )
    add_view_args(p, 1280, 720)
    p.add_argument("--start", required=True, metavar="T", help="first frame (like --time)")
    p.add_argument("--end", required=True, metavar="T", help="end of the clip (like --time)")
    p.add_argument(
        "--speed", type=float, default=1.0, help="replay speed, × real time, 0.01 to 1000 (1)"
    )
    p.add_argument("--fps", type=float, default=None, help="frames per second (25; GIF 10)")
    p.add_argument("--out", required=True, type=Path, help="PATH.mp4 or PATH.gif")


def run(args: argparse.Namespace) -> int:
    from ..export.video import SPEED_MAX, SPEED_MIN, frame_size, frame_times

    check_positive(args, "width", "height", "speed", "fps")
    if not SPEED_MIN <= args.speed <= SPEED_MAX:
        raise UsageError(
            f"--speed must be between {SPEED_MIN:g} and {SPEED_MAX:g}, not {args.speed:g}"
        )
    suffix = check_suffix(args.out, (".mp4", ".gif"), "video")
    check_out_dir(args.out)
    fps = args.fps if args.fps is not None else (10.0 if suffix == ".gif" else 25.0)
    scene = load_scene(args)
    state = base_state(scene, args)
    chosen = resolve_pair(args.pair, scene.ts)
    start, pair_s = resolve_time(args.start, scene.ts, scene.analysis, "--start", chosen)
    end, pair_e = resolve_time(args.end, scene.ts, scene.analysis, "--end", chosen)
    pair = chosen or pair_s or pair_e or state.pair
    state = dataclasses.replace(state, time=start, pair=pair)
    try:
        times = frame_times(start, end, args.speed, fps)
        size = frame_size(args.width, args.height)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    try:
        from ..export.snapshot import export_clip

        result = export_clip(
            scene.ts,
            scene.analysis,
            state,
            args.out,
            times,
            size,
            fps,
            caption=not args.no_caption,
            title=args.title,
            progress=_terminal_progress() if sys.stderr.isatty() else None,
        )
    except ExportError as exc:
        return fail(exc)
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

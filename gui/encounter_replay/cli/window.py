"""No subcommand: the replay window, with files or a session to open."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from ..io.registry import FORMAT_NAMES
from .options import add_read_options, read_options


def run_window(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(
        prog="encounter-replay",
        description="Replay recorded air tracks. Subcommands: info, analyze, snapshot, video, "
        "report (see `encounter-replay SUBCOMMAND --help`).",
    )
    p.add_argument("files", nargs="*", help=f"recordings to open ({FORMAT_NAMES})")
    add_read_options(p)
    p.add_argument("--session", help="a saved session (.json) to restore")
    p.add_argument(
        "--tiles", metavar="FILE", help="a raster tile file (.mbtiles or .pmtiles) under the map"
    )
    args = p.parse_args(argv)
    if args.tiles and not Path(args.tiles).is_file():
        p.error(f"--tiles: no such file: {args.tiles}")
    from ..desktop import run_app

    return run_app(list(args.files), read_options(args), session=args.session, tiles=args.tiles)

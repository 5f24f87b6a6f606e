"""No subcommand: the replay window, with files or a session to open."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import launch
from ..io.registry import FORMAT_NAMES
from .options import add_read_options, read_options


def run_window(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(
        prog="encounter-replay",
        description="Replay recorded air tracks. Subcommands: info, analyze, screen, snapshot, "
        "video, report (see `encounter-replay SUBCOMMAND --help`).",
    )
    p.add_argument("files", nargs="*", help=f"recordings to open ({FORMAT_NAMES})")
    add_read_options(p)
    p.add_argument("--session", help="a saved session (.json) to restore")
    p.add_argument(
        "--tiles", metavar="FILE", help="a raster tile file (.mbtiles or .pmtiles) under the map"
    )
    p.add_argument(
        "--encounter",
        metavar="LIST:ROW",
        help="replay one pair of an encounter list (from `screen`) out of the FILEs (an archive)",
    )
    launch.add_version_option(p)
    args = p.parse_args(argv)
    launch.apply_budget(args)
    if args.tiles and not Path(args.tiles).is_file():
        p.error(f"--tiles: no such file: {args.tiles}")
    problem = launch.display_problem()
    if problem:
        print(f"encounter-replay: {problem}", file=sys.stderr)
        return 1
    if args.encounter:
        return run_encounter(list(args.files), args.encounter, read_options(args))
    from ..desktop import run_app

    return run_app(list(args.files), read_options(args), session=args.session, tiles=args.tiles)


def run_encounter(archive: list[str], spec: str, options) -> int:
    """The window on one encounter of a list: its neighbourhood loaded from the archive."""
    import os
    import sys

    from ..screen.extra import MissingExtra
    from ..screen.neighbourhood import EncounterError, encounter_row, load_neighbourhood
    from ..screen.replay_window import show_encounter

    try:
        ts = load_neighbourhood(archive, spec, options)
        row, _ = encounter_row(spec)
    except (EncounterError, MissingExtra) as exc:
        print(f"encounter-replay: {exc}", file=sys.stderr)
        return 1
    from ..desktop import build_window
    from ..view.app import EXIT_AFTER_SHOWN, _exit_when_shown, setup_application

    app = setup_application()
    window = build_window(options)
    window.show()
    show_encounter(window, ts, row["cpa_time"], analyse=False)
    if os.environ.get(EXIT_AFTER_SHOWN):  # smoke mode: report once the analysis is in
        _exit_when_shown(app, window, expect_scene=True)
    window.rerun_analysis()
    return app.exec()

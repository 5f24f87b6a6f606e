"""No subcommand: the replay window, with files or a session to open."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import launch
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
    launch.add_version_option(p)
    args = p.parse_args(argv)
    launch.apply_budget(args)
    problem = launch.display_problem()
    if problem:
        print(f"encounter-replay: {problem}", file=sys.stderr)
        return 1
    from ..desktop import run_app

    return run_app(list(args.files), read_options(args), session=args.session)

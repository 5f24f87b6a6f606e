"""The entry point: one module per subcommand, each with ``setup(parser)`` and ``run(args)``.

Adding a subcommand is adding a module to this package and a line to :data:`SUBCOMMANDS`.
Options several subcommands share live in :mod:`.options`. Every failure the user can cause
ends in one line on stderr and a non-zero exit; a traceback means a bug.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from .. import launch
from ..io import ReadError
from ..io.limits import OverBudget
from . import analyze, info, report, snapshot, video
from .options import UsageError, add_analysis_options, add_read_options
from .window import run_window

EXIT_USAGE = 2
EXIT_INPUT = 1

Setup = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace], int]


def _with_scene_options(setup: Setup) -> Setup:
    """The export subcommands read and analyse like ``analyze`` does."""

    def both(p: argparse.ArgumentParser) -> None:
        setup(p)
        add_read_options(p)
        add_analysis_options(p)

    return both


def _screen_setup(p: argparse.ArgumentParser) -> None:
    from ..screen.command import add_arguments  # imported on use: it builds on .options

    add_arguments(p)


def _screen_run(args: argparse.Namespace) -> int:
    from ..screen.command import run

    return run(args)


#: name → (setup, run)
SUBCOMMANDS: dict[str, tuple[Setup, Run]] = {
    "info": (info.setup, info.run),
    "analyze": (analyze.setup, analyze.run),
    "snapshot": (_with_scene_options(snapshot.setup), snapshot.run),
    "video": (_with_scene_options(video.setup), video.run),
    "report": (_with_scene_options(report.setup), report.run),
    "screen": (_screen_setup, _screen_run),
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in SUBCOMMANDS:
            parser = argparse.ArgumentParser(prog=f"encounter-replay {argv[0]}")
            setup, run = SUBCOMMANDS[argv[0]]
            setup(parser)
            args = parser.parse_args(argv[1:])
            launch.apply_budget(args)
            return run(args)
        typo = launch.unknown_command(argv[0], SUBCOMMANDS) if argv else None
        if typo:
            raise UsageError(typo)
        return run_window(argv)
    except ReadError as exc:
        print(f"encounter-replay: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except UsageError as exc:
        print(f"encounter-replay: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OverBudget as exc:
        print(f"encounter-replay: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0

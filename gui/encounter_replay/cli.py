"""`encounter-replay`: open the window, or run a subcommand headless.

    encounter-replay [FILE...]              the replay window
    encounter-replay info FILE... [--json]  what a recording holds
    encounter-replay analyze FILE...        separation minima and intervals for all pairs
    encounter-replay screen SOURCE... --out encounters.parquet   screen an archive
    encounter-replay snapshot|video|report  briefing material, no display needed

Every failure the user can cause ends in one line on stderr and a non-zero exit; a
traceback means a bug.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence

from .cli_options import (
    UsageError,
    add_analysis_options,
    add_read_options,
    analysis_settings,
    read_options,
)
from .io import ReadError, read_files
from .model import TrackSet
from .model.timefmt import clock_utc, iso_utc
from .model.units import fmt_duration

EXIT_USAGE = 2
EXIT_INPUT = 1


# ---------------------------------------------------------------------------- info
def info_dict(ts: TrackSet) -> dict:
    """The ``info --json`` document."""
    lengths = ts.offsets[1:] - ts.offsets[:-1]
    tracks = [
        {
            "id": row.id,
            "name": row.name,
            "callsign": row.callsign,
            "class": row.cls,
            "coalition": row.coalition,
            "samples": int(n),
            "start": iso_utc(t0),
            "end": iso_utc(t1),
        }
        for row, n, t0, t1 in zip(
            ts.meta.itertuples(index=False), lengths, ts.first_times, ts.last_times, strict=True
        )
    ]
    return {
        "start": iso_utc(ts.start),
        "end": iso_utc(ts.end),
        "tracks": tracks,
        "events": len(ts.events),
        "warnings": [str(w) for w in ts.warnings],
    }


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def cmd_info(args: argparse.Namespace) -> int:
    from .screen.output import is_encounter_list

    if all(is_encounter_list(f) for f in args.files):  # encounter lists written by `screen`
        from .screen.command import info as encounters_info

        return max(encounters_info(f) for f in args.files)
    ts = read_files(args.files, read_options(args))
    doc = info_dict(ts)
    if args.json:
        print(json.dumps(doc, indent=2))
        return 0
    print(f"{len(ts)} tracks, {ts.n_samples} samples, {doc['events']} events")
    if not len(ts):
        print("no positions to replay")
        _print_warnings(doc["warnings"])
        return 0
    print(f"from {doc['start']} to {doc['end']} ({fmt_duration(ts.end - ts.start)})")
    rows = [
        [
            tr["id"],
            tr["callsign"] or tr["name"],
            tr["name"] if tr["callsign"] else "",
            tr["class"],
            tr["coalition"],
            str(tr["samples"]),
            clock_utc(t0),
            clock_utc(t1),
        ]
        for tr, t0, t1 in zip(doc["tracks"], ts.first_times, ts.last_times, strict=True)
    ]
    print()
    print(
        _table(
            ["id", "callsign/name", "type", "class", "coalition", "samples", "start", "end"],
            rows,
            right={5},
        )
    )
    _print_warnings(doc["warnings"])
    return 0


def _print_warnings(warnings: Sequence[str]) -> None:
    if warnings:
        print(f"\n{len(warnings)} data-quality warning(s):")
        for w in warnings:
            print(f"  - {w}")


# ---------------------------------------------------------------------------- analyze
def cmd_analyze(args: argparse.Namespace) -> int:
    from .analysis import analyze

    settings = analysis_settings(args)
    ts = read_files(args.files, read_options(args))
    result = analyze(ts, settings)
    if args.json:
        print(json.dumps(result.to_json_dict(ts), indent=2))
        return 0
    if args.csv:
        from .export.report import pairs_csv

        sys.stdout.write(pairs_csv(result, ts))
        return 0
    print(analysis_table(result, ts))
    _print_warnings([str(w) for w in ts.warnings] + [str(w) for w in result.warnings])
    return 0


def _num(value: float, decimals: int) -> str:
    """A figure for the table; a dash where the data could not give one (no altitude…)."""
    return f"{value:.{decimals}f}" if math.isfinite(value) else "-"


def _intervals_text(intervals: Sequence[Sequence[float]]) -> str:
    if not len(intervals):
        return "-"
    total = sum(b - a for a, b in intervals)
    first = intervals[0][0]
    return f"{fmt_duration(total)} from {clock_utc(first)}"


def analysis_table(result, ts: TrackSet) -> str:
    """Pairs as an analyst reads them: NM, ft, kt, UTC."""
    s = result.settings
    head = (
        f"{len(result.pairs)} pair(s) within {s.within_m / 1852:.1f} NM; visual range "
        f"{s.visual_range_m / 1852:.1f} NM; separation minima {s.hsep_m / 1852:.1f} NM / "
        f"{s.vsep_m / 0.3048:.0f} ft"
    )
    rows = []
    for p in result.pairs.itertuples(index=False):
        rows.append(
            [
                f"{p.a_name or p.a_id} / {p.b_name or p.b_id}",
                clock_utc(p.cpa_time, 1),
                _num(p.cpa_slant_m / 1852, 2),
                _num(p.cpa_horizontal_m / 1852, 2),
                _num(p.cpa_vertical_m / 0.3048, 0),
                _num(p.closure_mps * 3600 / 1852, 0),
                _num(p.min_horizontal_m / 1852, 2),
                _intervals_text(p.visual_contact),
                "LOSS" if len(p.loss_of_separation) else "",
            ]
        )
    return (
        head
        + "\n\n"
        + _table(
            [
                "pair",
                "CPA (UTC)",
                "slant NM",
                "horiz NM",
                "vert ft",
                "closure kt",
                "min horiz NM",
                "visual contact",
                "sep",
            ],
            rows,
            right={2, 3, 4, 5, 6},
        )
    )


# ---------------------------------------------------------------------------- window
def cmd_window(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(
        prog="encounter-replay",
        description="Replay recorded air tracks. Subcommands: info, analyze, screen, snapshot, "
        "video, report (see `encounter-replay SUBCOMMAND --help`).",
    )
    p.add_argument("files", nargs="*", help="recordings to open (ACMI, CSV)")
    add_read_options(p)
    p.add_argument("--session", help="a saved session (.json) to restore")
    p.add_argument(
        "--encounter",
        metavar="LIST:ROW",
        help="replay one pair of an encounter list (from `screen`) out of the FILEs (an archive)",
    )
    args = p.parse_args(argv)
    if args.encounter:
        from .screen.replay_window import run_encounter

        return run_encounter(list(args.files), args.encounter, read_options(args))
    from .view.app import run_app

    return run_app(list(args.files), read_options(args), session=args.session)


# ---------------------------------------------------------------------------- entry
def _subcommands() -> dict[str, tuple[Callable[[argparse.ArgumentParser], None], Callable]]:
    def info(p: argparse.ArgumentParser) -> None:
        p.add_argument("files", nargs="+", metavar="FILE")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        add_read_options(p)

    def analyze_(p: argparse.ArgumentParser) -> None:
        p.add_argument("files", nargs="+", metavar="FILE")
        add_analysis_options(p)
        add_read_options(p)
        fmt = p.add_mutually_exclusive_group()
        fmt.add_argument("--json", action="store_true", help="JSON (metres, ISO-8601 UTC)")
        fmt.add_argument("--csv", action="store_true", help="CSV of the pair table")

    commands = {"info": (info, cmd_info), "analyze": (analyze_, cmd_analyze)}
    from .screen import command as screen_command

    commands["screen"] = (screen_command.add_arguments, screen_command.run)
    try:
        from .export import commands as export_commands
    except ImportError:  # the export layer is optional only while it is being built
        export_commands = None
    if export_commands is not None:
        for name, (setup, run) in export_commands.SUBCOMMANDS.items():
            commands[name] = (
                lambda p, setup=setup: (setup(p), add_read_options(p), add_analysis_options(p)),
                run,
            )
    return commands


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = _subcommands()
    try:
        if argv and argv[0] in commands:
            parser = argparse.ArgumentParser(prog=f"encounter-replay {argv[0]}")
            setup, run = commands[argv[0]]
            setup(parser)
            args = parser.parse_args(argv[1:])
            return run(args)
        return cmd_window(argv)
    except ReadError as exc:
        print(f"encounter-replay: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except UsageError as exc:
        print(f"encounter-replay: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())

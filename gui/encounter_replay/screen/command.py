"""``encounter-replay screen SOURCE… --out encounters.parquet``: the command line.

Kept in its own module with :func:`add_parser` / :func:`add_arguments` and :func:`run`, so
the entry point only registers it. DuckDB and Dask are imported when it runs, not when the
entry point starts.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

import pandas as pd

from ..cli.options import (
    UsageError,
    add_analysis_options,
    add_read_options,
    analysis_settings,
)
from .extra import MissingExtra
from .sources import SourceError

EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
_DURATION_UNITS = {"s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(text: str) -> float:
    """``3600``, ``90s``, ``30min``, ``2h``, ``1d`` → seconds."""
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([a-z]*)\s*", text.lower())
    unit = m.group(2) or "s" if m else None
    if not m or unit not in _DURATION_UNITS:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 3600, 30min, 2h, 1d)")
    value = float(m.group(1)) * _DURATION_UNITS[unit]
    if not value > 0:
        raise argparse.ArgumentTypeError(f"not a positive duration: {text!r}")
    return value


def parse_time(text: str) -> float:
    """ISO-8601 (UTC unless an offset is given) or POSIX seconds → POSIX seconds."""
    try:
        return float(text)
    except ValueError:
        pass
    stamp = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
    if pd.isna(stamp):
        raise argparse.ArgumentTypeError(f"not a time: {text!r} (e.g. 2021-10-07T12:00Z)")
    return stamp.value / 1e9


def parse_region(text: str) -> tuple[float, float, float, float]:
    """``LAT0,LON0,LAT1,LON1`` (degrees; LON0 > LON1 crosses the antimeridian)."""
    try:
        vals = tuple(float(v) for v in text.split(","))
    except ValueError:
        vals = ()
    if len(vals) != 4 or not all(math.isfinite(v) for v in vals):
        raise argparse.ArgumentTypeError(f"expected LAT0,LON0,LAT1,LON1 in degrees, got {text!r}")
    lat0, lon0, lat1, lon1 = vals
    if not (abs(lat0) <= 90 and abs(lat1) <= 90 and abs(lon0) <= 180 and abs(lon1) <= 180):
        raise argparse.ArgumentTypeError(f"region outside ±90° / ±180°: {text!r}")
    return vals  # type: ignore[return-value]


def add_arguments(p: argparse.ArgumentParser) -> None:
    from .run import DEFAULT_WINDOW_S, PAIR_FILTERS

    p.description = (
        "Screen an archive (Parquet or CSV files, globs, directories) for encounters, out of "
        "core with DuckDB, on this machine or on a Dask cluster; writes one row per pair."
    )
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="files, globs or directories")
    p.add_argument("--out", required=True, type=Path, help="encounter list to write (.parquet)")
    p.add_argument("--csv", action="store_true", help="also write the list as CSV beside --out")
    p.add_argument("--from", dest="t_from", type=parse_time, help="screen from this time (UTC)")
    p.add_argument("--to", dest="t_to", type=parse_time, help="screen up to this time (UTC)")
    p.add_argument("--region", type=parse_region, help="only samples in LAT0,LON0,LAT1,LON1")
    p.add_argument("--pairs", choices=PAIR_FILTERS, default="all", help="which pairs to list")
    p.add_argument(
        "--altitude", choices=("baro", "geo"), help="altitude source when both are recorded"
    )
    p.add_argument(
        "--window",
        type=parse_duration,
        default=DEFAULT_WINDOW_S,
        help="time per task (default 1h); memory follows the busiest window",
    )
    engine = p.add_mutually_exclusive_group()
    engine.add_argument("--workers", type=int, help="run the windows on a local Dask cluster")
    engine.add_argument("--scheduler", help="run the windows on this Dask scheduler")
    p.add_argument("--memory-limit", help="DuckDB memory limit while partitioning, e.g. 2GB")
    p.add_argument("--threads", type=int, help="DuckDB threads while partitioning")
    p.add_argument(
        "--keep-work", action="store_true", help="keep the work folder beside --out when done"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_analysis_options(p)
    add_read_options(p)


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("screen", help="screen an archive for encounters")
    add_arguments(p)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from .engines import EngineError
    from .run import ScreenInterrupted, ScreenOptions, screen

    settings = analysis_settings(args)
    from .ingest import Filters

    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    if args.t_from is not None and args.t_to is not None and args.t_to <= args.t_from:
        raise UsageError("--to must be after --from")
    opts = ScreenOptions(
        sources=list(args.sources),
        out=args.out,
        settings=settings,
        filters=Filters(args.t_from, args.t_to, args.region),
        window_s=args.window,
        altitude=args.altitude,
        altitude_unit=args.altitude_unit,
        speed_unit=args.speed_unit,
        pairs=args.pairs,
        csv=args.csv,
        workers=args.workers,
        scheduler=args.scheduler,
        memory_limit=args.memory_limit,
        threads=args.threads,
        keep_work=args.keep_work,
        progress=not args.no_progress,
    )
    try:
        outcome = screen(opts)
    except (SourceError, ValueError) as exc:
        print(f"encounter-replay screen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (MissingExtra, EngineError) as exc:
        print(f"encounter-replay screen: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except ScreenInterrupted as exc:
        print(f"\nencounter-replay screen: {exc}", file=sys.stderr)
        return EXIT_INTERRUPTED
    n = outcome.pairs
    print(
        f"{n} pair(s) in {outcome.windows} window(s), {outcome.samples:,} samples → {outcome.out}"
    )
    if outcome.failed_files:
        print(f"{len(outcome.failed_files)} source file(s) could not be read:")
        for f in outcome.failed_files:
            print(f"  - {f}")
    if outcome.failed_windows:
        print(
            f"{len(outcome.failed_windows)} window(s) failed and are missing from the list; "
            "run the same command again to retry them"
        )
        return EXIT_INPUT
    return 0


def info(path: str) -> int:
    """``encounter-replay info encounters.parquet``."""
    from .output import read_encounters, summary

    try:
        frame, meta = read_encounters(path)
    except ValueError as exc:
        print(f"encounter-replay: {exc}", file=sys.stderr)
        return EXIT_INPUT
    print(summary(frame, meta))
    return 0

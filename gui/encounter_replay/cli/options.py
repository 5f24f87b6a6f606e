"""Command-line options shared by several subcommands (reading, analysis, distances)."""

from __future__ import annotations

import argparse
import math
import re
from typing import TYPE_CHECKING

from ..io import ReadOptions
from ..model.units import FT, NM

if TYPE_CHECKING:
    from ..analysis import AnalysisSettings

_UNITS_M = {"nm": NM, "km": 1000.0, "m": 1.0, "ft": FT}


class UsageError(Exception):
    """A bad argument: printed as one line, exit code 2."""


def parse_distance(text: str, default_unit: str = "nm") -> float:
    """``10nm``, ``18.5km``, ``300m``, ``1000ft`` (or a bare number in ``default_unit``) → metres."""
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)\s*([a-zA-Z]*)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"not a distance: {text!r} (e.g. 10nm, 18km, 1000ft)")
    unit = (m.group(2) or default_unit).lower()
    if unit not in _UNITS_M:
        raise argparse.ArgumentTypeError(f"unknown unit {unit!r} in {text!r}: use nm, km, m or ft")
    value = float(m.group(1)) * _UNITS_M[unit]
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"not a positive distance: {text!r}")
    return value


def parse_type_range(text: str) -> tuple[str, float]:
    """``MQ-9 Reaper=6nm`` → ("MQ-9 Reaper", 11112.0)."""
    name, sep, dist = text.rpartition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected TYPE=DISTANCE, got {text!r}")
    return name.strip(), parse_distance(dist)


def add_read_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--altitude-unit",
        choices=("ft", "m"),
        help="unit of altitude columns whose name does not say it",
    )
    p.add_argument(
        "--speed-unit",
        choices=("kt", "mps"),
        help="unit of speed columns whose name does not say it",
    )


def read_options(args: argparse.Namespace) -> ReadOptions:
    return ReadOptions(altitude_unit=args.altitude_unit, speed_unit=args.speed_unit)


def add_analysis_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--visual-range", type=parse_distance, default=None, help="visual range (default 10nm)"
    )
    p.add_argument(
        "--visual-range-for",
        action="append",
        type=parse_type_range,
        default=None,
        metavar="TYPE=DIST",
        help="visual range for one aircraft type or name, e.g. MQ-1B=5nm (repeatable); "
        "a pair uses the larger of its two ranges",
    )
    p.add_argument(
        "--hsep", type=parse_distance, default=None, help="horizontal separation minimum (5nm)"
    )
    p.add_argument(
        "--vsep",
        type=lambda s: parse_distance(s, "ft"),
        default=None,
        help="vertical separation minimum (1000ft)",
    )
    p.add_argument(
        "--within",
        type=parse_distance,
        default=None,
        help="report pairs whose CPA slant range is within this (25nm)",
    )
    p.add_argument(
        "--include",
        nargs="+",
        metavar="CLASS",
        default=None,
        help="object classes to pair besides aircraft (weapon decoy ground sea other); "
        "put FILEs before this option",
    )


def analysis_settings(args: argparse.Namespace) -> AnalysisSettings:
    """AnalysisSettings from the shared analysis options (defaults where not given)."""
    from ..analysis import AnalysisSettings
    from ..model import ObjectClass

    kw = {}
    if args.visual_range is not None:
        kw["visual_range_m"] = args.visual_range
    if getattr(args, "visual_range_for", None):
        kw["visual_range_by_type"] = dict(args.visual_range_for)
    if args.hsep is not None:
        kw["hsep_m"] = args.hsep
    if args.vsep is not None:
        kw["vsep_m"] = args.vsep
    if args.within is not None:
        kw["within_m"] = args.within
    if args.include:
        valid = {c.value for c in ObjectClass} - {ObjectClass.REFERENCE.value}
        bad = [c for c in args.include if c.lower() not in valid]
        if bad:
            raise UsageError(f"unknown class {bad[0]!r}: choose from {', '.join(sorted(valid))}")
        kw["include"] = frozenset({"aircraft", *(c.lower() for c in args.include)})
    try:
        return AnalysisSettings(**kw)
    except ValueError as exc:  # out-of-range settings: the user's to fix, in one line
        raise UsageError(str(exc)) from None

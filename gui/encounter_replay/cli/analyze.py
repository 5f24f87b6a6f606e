"""``analyze``: separation minima and intervals for all pairs (table, JSON or CSV)."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence

from ..io import read_files
from ..io.registry import FORMAT_NAMES
from ..model import TrackSet
from ..model.timefmt import clock_utc
from ..model.units import FT, KT, NM, fmt_duration
from .options import add_analysis_options, add_read_options, analysis_settings, read_options
from .output import print_warnings, table


def setup(p: argparse.ArgumentParser) -> None:
    p.description = "Separation minima (CPA), visual contact and loss of separation, all pairs."
    p.add_argument("files", nargs="+", metavar="FILE", help=f"recordings ({FORMAT_NAMES})")
    add_analysis_options(p)
    add_read_options(p)
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON (metres, ISO-8601 UTC)")
    fmt.add_argument("--csv", action="store_true", help="CSV of the pair table")


def run(args: argparse.Namespace) -> int:
    from ..analysis import analyze

    settings = analysis_settings(args)
    ts = read_files(args.files, read_options(args))
    result = analyze(ts, settings)
    if args.json:
        print(json.dumps(result.to_json_dict(ts), indent=2))
        return 0
    if args.csv:
        from ..export.report import pairs_csv

        sys.stdout.write(pairs_csv(result, ts))
        return 0
    print(analysistable(result, ts))
    print_warnings([str(w) for w in ts.warnings] + [str(w) for w in result.warnings])
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


def analysistable(result, ts: TrackSet) -> str:
    """Pairs as an analyst reads them: NM, ft, kt, UTC."""
    s = result.settings
    head = (
        f"{len(result.pairs)} pair(s) within {s.within_m / NM:.1f} NM; visual range "
        f"{s.visual_range_m / NM:.1f} NM; separation minima {s.hsep_m / NM:.1f} NM / "
        f"{s.vsep_m / FT:.0f} ft"
    )
    rows = []
    for p in result.pairs.itertuples(index=False):
        rows.append(
            [
                f"{p.a_name or p.a_id} / {p.b_name or p.b_id}",
                clock_utc(p.cpa_time, 1),
                _num(p.cpa_slant_m / NM, 2),
                _num(p.cpa_horizontal_m / NM, 2),
                _num(p.cpa_vertical_m / FT, 0),
                _num(p.closure_mps / KT, 0),
                _num(p.min_horizontal_m / NM, 2),
                _intervals_text(p.visual_contact),
                "LOSS" if len(p.loss_of_separation) else "",
            ]
        )
    return (
        head
        + "\n\n"
        + table(
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

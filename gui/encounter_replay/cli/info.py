"""``info``: what a recording holds (tracks, time span, events, data-quality warnings)."""

from __future__ import annotations

import argparse
import json

from ..io import read_files
from ..io.registry import FORMAT_NAMES
from ..model import TrackSet
from ..model.timefmt import clock_utc, iso_utc
from ..model.units import fmt_duration
from .options import add_read_options, read_options
from .output import print_warnings, table


def setup(p: argparse.ArgumentParser) -> None:
    p.description = "What a recording holds: tracks, time span, events, warnings."
    p.add_argument("files", nargs="+", metavar="FILE", help=f"recordings ({FORMAT_NAMES})")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_read_options(p)


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
    from ..analysis import AnalysisSettings
    from ..analysis.cleaning import clean
    from ..analysis.result import excluded_json

    # The samples the analysis would leave out with default settings, so that a script
    # checking a file sees them without running the analysis.
    return {
        "start": iso_utc(ts.start),
        "end": iso_utc(ts.end),
        "tracks": tracks,
        "events": len(ts.events),
        "excluded_samples": excluded_json(clean(ts, AnalysisSettings()).excluded),
        "warnings": [str(w) for w in ts.warnings],
    }


def run(args: argparse.Namespace) -> int:
    from ..screen.output import is_encounter_list

    if all(is_encounter_list(f) for f in args.files):  # encounter lists written by `screen`
        from ..screen.command import info as encounters_info

        return max(encounters_info(f) for f in args.files)
    ts = read_files(args.files, read_options(args))
    doc = info_dict(ts)
    if args.json:
        print(json.dumps(doc, indent=2))
        return 0
    print(f"{len(ts)} tracks, {ts.n_samples} samples, {doc['events']} events")
    if not len(ts):
        print("no positions to replay")
        print_warnings(doc["warnings"])
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
        table(
            ["id", "callsign/name", "type", "class", "coalition", "samples", "start", "end"],
            rows,
            right={5},
        )
    )
    print_warnings(doc["warnings"])
    return 0

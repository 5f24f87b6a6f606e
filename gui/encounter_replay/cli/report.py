"""``report``: the encounter table (CSV, JSON) or a one-page HTML briefing."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..export.errors import ExportError
from ..io.registry import FORMAT_NAMES
from .scene import (
    check_out_dir,
    check_suffix,
    fail,
    load_scene,
)


def setup(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Write the encounter table (CSV, JSON: the fields of `analyze --json`) or a one-page "
        "HTML briefing with the map at the closest approach."
    )
    p.add_argument("files", nargs="*", metavar="FILE", help=f"recordings ({FORMAT_NAMES})")
    p.add_argument("--session", metavar="JSON", help="a saved session: its files and settings")
    p.add_argument("--out", required=True, type=Path, help="PATH.html, PATH.csv or PATH.json")
    p.add_argument("--title", help="briefing title (default: the recording's title or file)")


def run(args: argparse.Namespace) -> int:
    from ..export.report import REPORT_SUFFIXES, write_table

    suffix = check_suffix(args.out, REPORT_SUFFIXES, "report")
    check_out_dir(args.out)
    scene = load_scene(args)
    try:
        if suffix in (".csv", ".json"):
            write_table(args.out, scene.analysis, scene.ts)
        else:
            from ..export.briefing import write_briefing_with_map

            write_briefing_with_map(args.out, scene.ts, scene.analysis, title=args.title)
    except ExportError as exc:
        return fail(exc)
    print(f"wrote {args.out} ({len(scene.analysis.pairs)} pair(s))")
    return 0

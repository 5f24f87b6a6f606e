"""``report``: the encounter table (CSV, JSON) or a briefing (PDF, PowerPoint, HTML)."""

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

BRIEFING_SUFFIXES = (".pdf", ".pptx", ".html", ".htm")
TABLE_SUFFIXES = (".csv", ".json")


def setup(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Write the encounter table (CSV, JSON: the fields of `analyze --json`) or a briefing "
        "(PDF, PPTX, HTML) with one page per encounter: maps, separation and altitude chart, "
        "identification, geometry at CPA, intervals, events, notes and caveats."
    )
    p.add_argument("files", nargs="*", metavar="FILE", help=f"recordings ({FORMAT_NAMES})")
    p.add_argument("--session", metavar="JSON", help="a saved session: files, settings, notes")
    p.add_argument("--out", required=True, type=Path, help="PATH.pdf, .pptx, .html, .csv or .json")
    p.add_argument("--title", help="briefing title (default: the recording's title or file)")
    p.add_argument(
        "--pair",
        nargs=2,
        action="append",
        metavar=("A", "B"),
        help="brief this pair (track ids as `info` prints them); repeat for several",
    )
    p.add_argument(
        "--top", type=int, default=1, help="brief the N top-ranked encounters (default 1)"
    )
    p.add_argument(
        "--pairs",
        choices=("cross-side", "no-formation", "all"),
        default="all",
        help="which ranked pairs --top chooses from (default all)",
    )
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="page size")
    p.add_argument(
        "--marking", default="", help='printed on every page and slide, e.g. "UNCLASSIFIED"'
    )
    p.add_argument(
        "--theme", choices=("print", "screen"), default="print", help="map look (default print)"
    )


def run(args: argparse.Namespace) -> int:
    from ..export.report import write_table
    from .options import UsageError

    suffix = check_suffix(args.out, TABLE_SUFFIXES + BRIEFING_SUFFIXES, "report")
    check_out_dir(args.out)
    if args.top < 1:
        raise UsageError("--top must be at least 1")
    scene = load_scene(args)
    try:
        if suffix in TABLE_SUFFIXES:
            write_table(args.out, scene.analysis, scene.ts)
            print(f"wrote {args.out} ({len(scene.analysis.pairs)} pair(s))")
            return 0
        from ..export.briefing_write import write_briefing_file
        from .scene import resolve_pair

        pairs = [resolve_pair(list(ids), scene.ts) for ids in (args.pair or [])]
        n = write_briefing_file(
            args.out,
            scene.ts,
            scene.analysis,
            pairs=pairs,
            top=args.top,
            relation=args.pairs,
            paper=args.paper,
            marking=args.marking,
            theme=args.theme,
            title=args.title,
            notes=getattr(scene.session, "annotations", ()) or (),
        )
    except ExportError as exc:
        return fail(exc)
    print(f"wrote {args.out} ({n} encounter(s))")
    return 0

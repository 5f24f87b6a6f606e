"""One entry point for a briefing file, shared by ``report`` and the window's Export ▸
Briefing: choose the encounters, build their content, write PDF, PPTX or HTML by suffix."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..model import TrackSet
from .briefing_content import build_brief, select_rows
from .errors import ExportError

BRIEFING_SUFFIXES = (".pdf", ".pptx", ".html", ".htm")


def write_briefing_file(
    path: str | Path,
    ts: TrackSet,
    analysis,
    *,
    pairs: Sequence[tuple[int, int]] = (),
    top: int = 1,
    relation: str = "all",
    paper: str = "a4",
    marking: str = "",
    theme: str = "print",
    title: str | None = None,
    notes=(),
) -> int:
    """Write the briefing; returns how many encounters it holds."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in BRIEFING_SUFFIXES:
        raise ExportError(f"{path}: a briefing is .pdf, .pptx or .html, not {suffix or '(none)'}")
    rows = select_rows(analysis, pairs, top, relation)
    if not rows:
        raise ExportError(
            "no encounter to brief: the analysis reported no pair"
            + ("" if relation == "all" else f" that is {relation}")
        )
    brief = build_brief(ts, analysis, rows, title=title, marking=marking, notes=notes, paper=paper)
    if suffix == ".pdf":
        from .briefing_pdf import write_pdf

        write_pdf(path, brief, ts, analysis, theme)
    elif suffix == ".pptx":
        from .briefing_pptx import write_pptx

        write_pptx(path, brief, ts, analysis, theme)
    else:
        from .briefing_html import write_html

        write_html(path, brief, ts, analysis, theme)
    return len(brief.encounters)

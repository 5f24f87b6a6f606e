"""The caption strip of exported pictures and videos: what a slide needs to stand on its own.

A picture pasted into a briefing loses its context (which recording, what time, how far
apart); the caption carries it. The text is built here by pure functions without Qt (shared by
PNG, SVG, video and the HTML report, which therefore loads no GUI library); it is painted
by :func:`.image.paint_caption`, the same drawing code for PNG/video pixels and SVG
vectors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..model import TrackSet, positions_at
from ..model.labels import track_labels
from ..model.units import fmt_altitude, fmt_distance, fmt_elapsed

ILLUSTRATIVE = "ILLUSTRATIVE"


@dataclass(frozen=True)
class CaptionText:
    """The words of a caption, before any drawing.

    ``separation`` is empty when no pair is selected; ``illustrative`` marks recordings that
    are reconstructions, so a picture of one can never pass for recorded data.
    """

    title: str
    time: str
    separation: str
    note: str
    illustrative: bool

    def lines(self) -> list[str]:
        """The caption as plain lines (alt text, SVG description, tests)."""
        out = [self.title, self.time]
        if self.separation:
            out.append(self.separation)
        out.append(f"{ILLUSTRATIVE} · {self.note}" if self.illustrative else self.note)
        return [line for line in out if line]


def track_label(ts: TrackSet, k: int) -> str:
    """How track ``k`` is named to a reader: as the window names it."""
    return track_labels(ts.meta)[k]


def is_illustrative(ts: TrackSet) -> bool:
    """True when the title or a source file says the data is an illustrative reconstruction."""
    sources = " ".join(str(s) for s in ts.meta["source"]) if len(ts) else ""
    return "illustrative" in f"{ts.title} {sources}".lower()


def source_note(ts: TrackSet) -> str:
    """``Source: a.acmi, b.csv`` (file names only: full paths leak local folders onto slides)."""
    names = list(dict.fromkeys(Path(str(s)).name for s in ts.meta["source"] if str(s)))
    if not names:
        return ""
    shown = ", ".join(names[:3]) + (f" +{len(names) - 3} more" if len(names) > 3 else "")
    return f"Source: {shown}"


def default_title(ts: TrackSet) -> str:
    if ts.title:
        return ts.title
    names = list(dict.fromkeys(Path(str(s)).name for s in ts.meta["source"] if str(s)))
    return names[0] if len(names) == 1 else "Encounter replay"


def separation_text(ts: TrackSet, t: float, pair: tuple[int, int], units: str = "nm") -> str:
    """``A – B: slant 1.23 NM · horizontal 1.10 NM · vertical 500 ft`` at time ``t``."""
    from ..analysis import pair_geometry

    a, b = pair
    names = f"{track_label(ts, a)} – {track_label(ts, b)}"
    pos = positions_at(ts, t)
    if not (pos.present[a] and pos.present[b]):
        return f"{names}: not both in the air at this time"
    g = pair_geometry(
        np.array([pos.lat[a]]),
        np.array([pos.lon[a]]),
        np.array([pos.alt[a]]),
        np.array([pos.lat[b]]),
        np.array([pos.lon[b]]),
        np.array([pos.alt[b]]),
    )
    slant = float(g.slant_m[0])
    vertical = float(g.vertical_m[0])
    return (
        f"{names}: slant {fmt_distance(slant, units)} · "
        f"horizontal {fmt_distance(float(g.horizontal_m[0]), units)} · "
        f"vertical {fmt_altitude(abs(vertical) if math.isfinite(vertical) else None, units)}"
    )


def caption_text(
    ts: TrackSet,
    t: float,
    pair: tuple[int, int] | None = None,
    *,
    title: str | None = None,
    units: str = "nm",
    note: str | None = None,
) -> CaptionText:
    """Everything the caption says about ``ts`` at time ``t`` with ``pair`` selected."""
    from ..model.timefmt import iso_utc

    iso = iso_utc(t) or ""
    # "2015-10-10 09:21:30Z  (T+03:12)": the date matters on a slide, the offset for scrubbing.
    when = iso.replace("T", " ", 1)
    if "." in when:
        when = when[: when.index(".") + 2] + "Z"  # tenths are all a picture needs
    when = f"{when}  ({fmt_elapsed(t - ts.start)})" if math.isfinite(ts.start) else when
    return CaptionText(
        title=default_title(ts) if title is None else title,
        time=when,
        separation=separation_text(ts, t, pair, units) if pair is not None else "",
        note=source_note(ts) if note is None else note,
        illustrative=is_illustrative(ts),
    )


# ---------------------------------------------------------------------------- drawing
def strip_height(width: int, height: int) -> int:
    """Height of the caption strip for a picture of ``width`` × ``height`` pixels.

    Scales with the picture so text stays legible on a projector at any export size, but
    never takes more than a quarter of the picture.
    """
    h = round(min(width, height * 1.6) * 0.065)
    return int(max(min(h, height // 4), min(40, height // 4)))

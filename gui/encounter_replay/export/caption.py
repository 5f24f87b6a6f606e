"""The caption strip of exported pictures and videos: what a slide needs to stand on its own.

A picture pasted into a briefing loses its context (which recording, what time, how far
apart); the caption carries it. The text is built by a pure function (testable, shared by
PNG, SVG, video and the HTML report) and painted with QPainter, so the same drawing code
produces pixels for PNG/video and vectors for SVG.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtGui

from ..model import TrackSet, positions_at
from ..model.units import fmt_altitude, fmt_distance, fmt_elapsed

ILLUSTRATIVE = "ILLUSTRATIVE"

# Colours of the strip: dark slate with light text reads well on projectors and in print.
_BG = QtGui.QColor("#17202b")
_RULE = QtGui.QColor("#3b4a5c")
_TEXT = QtGui.QColor("#f2f5f8")
_MUTED = QtGui.QColor("#a9b6c4")
_TAG_BG = QtGui.QColor("#f0a202")
_TAG_TEXT = QtGui.QColor("#17202b")


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
    """How a track is named to a reader: callsign, else name, else its id."""
    row = ts.meta.iloc[k]
    return str(row["callsign"] or row["name"] or row["id"])


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


def _font(px: float, bold: bool = False) -> QtGui.QFont:
    f = QtGui.QFont()
    f.setFamilies(["DejaVu Sans", "Helvetica", "Arial", "sans-serif"])
    f.setPixelSize(max(6, round(px)))
    f.setBold(bold)
    return f


def _draw_text(
    p: QtGui.QPainter,
    rect: QtCore.QRectF,
    text: str,
    font: QtGui.QFont,
    color: QtGui.QColor,
    align: QtCore.Qt.AlignmentFlag,
) -> float:
    """Draw ``text`` elided to ``rect``; returns the width it took."""
    p.setFont(font)
    p.setPen(color)
    fm = QtGui.QFontMetricsF(font)
    shown = fm.elidedText(text, QtCore.Qt.TextElideMode.ElideRight, rect.width())
    p.drawText(rect, int(align | QtCore.Qt.AlignmentFlag.AlignVCenter), shown)
    return fm.horizontalAdvance(shown)


def paint_caption(
    p: QtGui.QPainter, rect: QtCore.QRectF, caption: CaptionText, *, opacity: float = 1.0
) -> None:
    """Paint the strip into ``rect``: title and separation on the left, time and note right."""
    h = rect.height()
    pad = max(4.0, h * 0.16)
    row = (h - 2 * pad) / 2
    big, small = row * 0.82, row * 0.66
    p.save()
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
    p.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
    bg = QtGui.QColor(_BG)
    bg.setAlphaF(opacity)
    p.fillRect(rect, bg)
    p.fillRect(QtCore.QRectF(rect.left(), rect.top(), rect.width(), max(1.0, h * 0.03)), _RULE)

    left = rect.left() + pad
    right = rect.right() - pad
    top = rect.top() + pad
    inner_w = right - left
    right_w = inner_w * 0.42  # time and note column
    left_w = inner_w - right_w - pad
    r1 = QtCore.QRectF(left, top, left_w, row)
    r2 = QtCore.QRectF(left, top + row, left_w, row)
    al = QtCore.Qt.AlignmentFlag.AlignLeft
    ar = QtCore.Qt.AlignmentFlag.AlignRight
    _draw_text(p, r1, caption.title, _font(big, bold=True), _TEXT, al)
    if caption.separation:
        _draw_text(p, r2, caption.separation, _font(small, bold=True), _TEXT, al)

    rx = right - right_w
    _draw_text(p, QtCore.QRectF(rx, top, right_w, row), caption.time, _font(big, True), _TEXT, ar)
    note_rect = QtCore.QRectF(rx, top + row, right_w, row)
    if caption.illustrative:
        tag_font = _font(small * 0.9, bold=True)
        fm = QtGui.QFontMetricsF(tag_font)
        tag_w = fm.horizontalAdvance(ILLUSTRATIVE) + small * 0.9
        tag = QtCore.QRectF(right - tag_w, top + row + row * 0.1, tag_w, row * 0.8)
        p.setPen(QtCore.Qt.PenStyle.NoPen)
        p.setBrush(_TAG_BG)
        p.drawRoundedRect(tag, row * 0.15, row * 0.15)
        p.setFont(tag_font)
        p.setPen(_TAG_TEXT)
        p.drawText(tag, int(QtCore.Qt.AlignmentFlag.AlignCenter), ILLUSTRATIVE)
        note_rect.setRight(tag.left() - small * 0.6)
    if caption.note:
        _draw_text(p, note_rect, caption.note, _font(small * 0.92), _MUTED, ar)
    p.restore()

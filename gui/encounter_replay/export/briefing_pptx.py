"""The briefing as PowerPoint (python-pptx): a title slide, then one slide per encounter
with the close-up map at CPA, the separation/altitude chart and a key-figures table.

Text stays text and tables stay tables, so a presenter can edit them; the two pictures
are drawn by the same painting code as the PDF (:mod:`.briefing_paint`). Every slide
carries the marking (and the ILLUSTRATIVE tag) at its top and bottom.
"""

from __future__ import annotations

from pathlib import Path

from .. import palette
from ..model import TrackSet
from .briefing_content import Brief
from .errors import ExportError


def _rgb(hex_: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_.lstrip("#")[:6].upper())


def _text(
    slide, x, y, w, h, text: str, pt: float, *, bold=False, ink=palette.REPORT_INK, center=False
):
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    box = slide.shapes.add_textbox(x, y, w, h)
    frame = box.text_frame
    frame.word_wrap = True
    para = frame.paragraphs[0]
    para.text = text
    if center:
        para.alignment = PP_ALIGN.CENTER
    for run in para.runs:
        run.font.size = Pt(pt)
        run.font.bold = bold
        run.font.color.rgb = _rgb(ink)
    return box


def _table(slide, x, y, w, rows: list[list[str]], pt: float = 11):
    from pptx.util import Emu, Pt

    shape = slide.shapes.add_table(
        len(rows), len(rows[0]), x, y, w, Emu(int(Pt(pt * 1.9)) * len(rows))
    )
    table = shape.table
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = str(value)
            for para in cell.text_frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(pt)
    return table


def _picture(slide, image, x, y, w):
    import io

    from .image import png_bytes

    return slide.shapes.add_picture(io.BytesIO(png_bytes(image)), x, y, width=w)


def _marks(slide, prs, brief: Brief, number: int, total: int) -> None:
    from pptx.util import Emu, Pt

    W = prs.slide_width
    m = Emu(int(Pt(14)))
    if brief.markings:
        _text(
            slide, m, Emu(int(Pt(2))), W - 2 * m, Pt(18), brief.markings, 11, bold=True, center=True
        )
    foot = " · ".join(x for x in (brief.source_line, f"generated {brief.generated}") if x)
    y = prs.slide_height - Pt(34)
    _text(slide, m, y, W - 2 * m - Pt(80), Pt(16), foot, 9, ink=palette.REPORT_MUTED)
    _text(
        slide, W - m - Pt(80), y, Pt(80), Pt(16), f"{number}/{total}", 9, ink=palette.REPORT_MUTED
    )
    if brief.markings:
        _text(
            slide,
            m,
            prs.slide_height - Pt(20),
            W - 2 * m,
            Pt(18),
            brief.markings,
            11,
            bold=True,
            center=True,
        )


def write_pptx(
    path: str | Path, brief: Brief, ts: TrackSet, analysis, theme: str = "print"
) -> Path:
    """Write ``brief`` as a 16:9 deck: a title slide and one slide per encounter."""
    from pptx import Presentation
    from pptx.util import Emu, Pt

    from ..view.layers.style import themed
    from .briefing_chart import chart_picture
    from .briefing_paint import encounter_map_picture
    from .offscreen import ensure_qapp

    ensure_qapp()
    path = Path(path)
    if not path.parent.exists():
        raise ExportError(f"{path}: folder {path.parent} does not exist")
    prs = Presentation()
    prs.core_properties.title = brief.title
    prs.core_properties.author = "Encounter Replay"  # not python-pptx's placeholder
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 13.33 × 7.5 in
    blank = prs.slide_layouts[6]
    W = prs.slide_width
    m = Emu(int(Pt(28)))
    total = 1 + len(brief.encounters)

    slide = prs.slides.add_slide(blank)
    _text(slide, m, Pt(40), W - 2 * m, Pt(40), brief.title, 28, bold=True)
    _text(slide, m, Pt(84), W - 2 * m, Pt(24), f"{brief.span} · {brief.source_line}", 14,
          ink=palette.REPORT_MUTED)  # fmt: skip
    rows = [["#", "Pair", "CPA (UTC)", "Slant", "Vertical", "Closure", "Sep. lost"]]
    for e in brief.encounters:
        k = dict(e.key)
        rows.append([str(e.rank), e.title, k["CPA (UTC)"], k["Slant"], k["Vertical"],
                     k["Closure"], k["Loss of separation"]])  # fmt: skip
    _table(slide, m, Pt(124), W - 2 * m, rows, 14)
    _marks(slide, prs, brief, 1, total)

    with themed(theme):
        for i, enc in enumerate(brief.encounters):
            slide = prs.slides.add_slide(blank)
            _text(slide, m, Pt(22), W - 2 * m, Pt(30), f"{enc.rank}. {enc.title}", 24, bold=True)
            _text(slide, m, Pt(56), W - 2 * m, Pt(20), enc.headline, 13)
            map_w = Pt(330)
            picture = encounter_map_picture(
                ts, analysis, enc, "closeup", (330, 300), theme, 3.0, text=1.3
            )
            _picture(slide, picture, m, Pt(84), map_w)
            right = m + map_w + Pt(16)
            rw = W - right - m
            chart = chart_picture(ts, enc, analysis.settings, (rw / Pt(1), 190), 3.0, pt=10.5)
            _picture(slide, chart,
                     right, Pt(84), rw)  # fmt: skip
            _table(
                slide, right, Pt(284), rw, [["Figure", "Value"], *[list(r) for r in enc.key]], 11
            )
            _marks(slide, prs, brief, i + 2, total)
    try:
        prs.save(str(path))
    except OSError as exc:
        raise ExportError(f"{path}: cannot write PowerPoint: {exc.strerror or exc}") from None
    return path

"""The briefing as one self-contained HTML file whose print CSS matches the PDF: a title
page when several encounters, then one page per encounter (A4 or Letter), the marking in
every page's header and footer. Pictures (maps, chart) are embedded PNGs drawn by the
same painting code as the PDF; the text is HTML so it can be copied and searched.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from .. import palette
from ..model import TrackSet
from .briefing_content import Brief, Encounter
from .errors import ExportError

_PAGE = {"a4": ("A4", "277mm", "190mm"), "letter": ("letter", "259mm", "196mm")}


def _css(paper: str) -> str:
    size, height, width = _PAGE[paper]
    return f"""
:root {{ --ink:{palette.REPORT_INK}; --muted:{palette.REPORT_MUTED}; --rule:{palette.REPORT_RULE};
         --head:{palette.REPORT_BANNER}; }}
* {{ box-sizing: border-box; }}
body {{ font: 8pt/1.3 "DejaVu Sans", Helvetica, Arial, sans-serif; color: var(--ink); margin: 0 auto;
        max-width: {width}; }}
section.page {{ height: {height}; display: flex; flex-direction: column; padding: 2mm 0;
        break-after: page; page-break-after: always; overflow: visible; }}
section.page:last-child {{ break-after: auto; page-break-after: auto; }}
.mark {{ text-align: center; font-weight: bold; font-size: 8pt; color: var(--ink); }}
header {{ display: flex; justify-content: space-between; align-items: baseline;
         border-bottom: 1.2pt solid var(--ink); margin: 1mm 0 1.5mm; }}
h1 {{ font-size: 13pt; margin: 0; }}
.span {{ color: var(--muted); font-size: 7.5pt; text-align: right; }}
.headline {{ font-weight: bold; font-size: 9.5pt; margin: 0 0 1.5mm; }}
.maps {{ display: flex; gap: 3mm; }}
.maps figure {{ flex: 1; margin: 0; }}
figure img {{ width: 100%; display: block; }}
figcaption {{ font-size: 7pt; color: var(--muted); }}
img.chart {{ width: 100%; display: block; margin: 1.5mm 0; }}
.cols {{ display: flex; gap: 3mm; }}
.cols > div {{ flex: 1; }}
h2 {{ font-size: 7.5pt; text-transform: uppercase; color: var(--muted); margin: 1.5mm 0 .5mm; }}
table {{ border-collapse: collapse; width: 100%; font-size: 7.5pt; }}
th, td {{ border-bottom: .5pt solid var(--rule); padding: .4mm .8mm; text-align: left;
          vertical-align: top; }}
thead th {{ background: var(--head); }}
table.small {{ font-size: 7pt; }}
ul {{ margin: 0; padding-left: 4mm; font-size: 7pt; }}
footer {{ margin-top: auto; border-top: .6pt solid var(--rule); font-size: 7pt; color: var(--muted); }}
footer .row {{ display: flex; justify-content: space-between; }}
@page {{ size: {size} portrait; margin: 10mm; }}
@media screen {{ section.page {{ border-bottom: 1px dashed var(--rule); margin-bottom: 8mm; }} }}
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _img(image) -> str:
    from .image import png_bytes

    return "data:image/png;base64," + base64.b64encode(png_bytes(image)).decode("ascii")


def _table(rows, head: list[str] | None = None, cls: str = "") -> str:
    h = "<thead><tr>" + "".join(f"<th>{_e(c)}</th>" for c in head) + "</tr></thead>" if head else ""
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table class='{cls}'>{h}<tbody>{body}</tbody></table>"


def _frame(brief: Brief, title: str, body: str, number: int, total: int) -> str:
    mark = f"<div class=mark>{_e(brief.markings)}</div>" if brief.markings else ""
    foot = " · ".join(x for x in (brief.source_line, f"generated {brief.generated}") if x)
    return (
        f"<section class=page>{mark}<header><h1>{_e(title)}</h1>"
        f"<span class=span>{_e(brief.span)}</span></header>{body}"
        f"<footer><div class=row><span>{_e(foot)}</span><span>page {number}/{total}</span></div>"
        f"{mark}</footer></section>"
    )


def _encounter(brief: Brief, enc: Encounter, ts: TrackSet, analysis, theme: str) -> str:
    from .briefing_chart import chart_picture
    from .briefing_paint import encounter_map_picture

    size = (265.0, 206.0)
    overview = encounter_map_picture(ts, analysis, enc, "overview", size, theme, 2.5)
    close = encounter_map_picture(ts, analysis, enc, "closeup", size, theme, 2.5)
    chart = chart_picture(ts, enc, analysis.settings, (535, 150), 2.5)
    ident = [[q.callsign, q.type, q.side, q.altitude, q.speed, q.heading] for q in enc.parties]
    events = [list(r) for r in enc.timeline] or [["", "", "None in the chart's time range."]]
    if enc.timeline_more:
        events.append(["", "", f"… {enc.timeline_more} more in the events list"])
    caveats = "".join(f"<li>{_e(c)}</li>" for c in enc.caveats)
    return (
        f"<p class=headline>{_e(enc.headline)}</p>"
        f'<div class=maps><figure><img alt="overview map" src="{_img(overview)}">'
        "<figcaption>Overview: both tracks up to the CPA, with the scene</figcaption></figure>"
        f'<figure><img alt="close-up at CPA" src="{_img(close)}">'
        f"<figcaption>Close-up at the CPA, {_e(enc.geometry[0][1])}: last 90 s of track"
        "</figcaption></figure></div>"
        f'<img class=chart alt="separation and altitude against time" src="{_img(chart)}">'
        "<div class=cols><div>"
        "<h2>Identification at CPA</h2>"
        + _table(ident, ["Callsign", "Type", "Side", "Alt", "Speed", "Hdg"])
        + "<h2>Geometry at CPA</h2>"
        + _table(enc.geometry[1:])
        + "<h2>Settings used</h2>"
        + _table(brief.settings, cls="small")
        + "</div><div><h2>Intervals</h2>"
        + _table(enc.intervals)
        + "<h2>Events and analyst notes</h2>"
        + _table(events, cls="small")
        + f"<h2>Data quality for this pair</h2><ul>{caveats}</ul></div></div>"
    )


def briefing_document(brief: Brief, ts: TrackSet, analysis, theme: str = "print") -> str:
    from ..view.layers.style import themed
    from .offscreen import ensure_qapp

    ensure_qapp()
    several = len(brief.encounters) > 1
    total = len(brief.encounters) + (1 if several else 0)
    pages = []
    if several:
        rows = [
            [e.rank, e.title, *(v for _, v in e.key[:5]), dict(e.key)["Loss of separation"]]
            for e in brief.encounters
        ]
        head = ["#", "Pair", "CPA (UTC)", "Slant", "Horizontal", "Vertical", "Closure", "Sep. lost"]
        body = (
            f"<p class=headline>{_e(brief.title)}</p><p>{_e(brief.source_line)}</p>"
            + _table(rows, head)
            + f"<p>{brief.n_pairs} pair(s) reported; {len(brief.encounters)} briefed, one page "
            "each, in rank order. Distances in NM, heights in feet, speeds in knots, times UTC.</p>"
            + "<h2>Settings used</h2>"
            + _table(brief.settings)
        )
        pages.append(_frame(brief, f"Briefing: {len(brief.encounters)} encounters", body, 1, total))
    with themed(theme):
        for i, enc in enumerate(brief.encounters):
            n = i + 1 + (1 if several else 0)
            body = _encounter(brief, enc, ts, analysis, theme)
            pages.append(_frame(brief, f"{enc.rank}. {enc.title}", body, n, total))
    return (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        f"<title>{_e(brief.title)}</title><style>{_css(brief.paper)}</style></head><body>"
        + "".join(pages)
        + "</body></html>\n"
    )


def write_html(
    path: str | Path, brief: Brief, ts: TrackSet, analysis, theme: str = "print"
) -> Path:
    path = Path(path)
    try:
        path.write_text(briefing_document(brief, ts, analysis, theme), encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return path

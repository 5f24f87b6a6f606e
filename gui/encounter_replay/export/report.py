"""Reports of an analysis: the pair table as CSV/JSON, and a one-page printable HTML briefing.

CSV and JSON carry exactly the fields of ``analyze --json`` (metres, ISO-8601 UTC), taken
from :meth:`AnalysisResult.to_json_dict`, so a script reading one never disagrees with the
other. The HTML briefing is for people: NM/ft/kt, clock times, one page, self-contained
(the map picture is embedded), so it can be mailed or printed as it is.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from .. import palette
from ..model import TrackSet
from ..model.timefmt import clock_utc, iso_utc
from ..model.units import FT, KT, NM, fmt_duration
from .caption import ILLUSTRATIVE, default_title, is_illustrative, source_note, track_label
from .errors import ExportError

REPORT_SUFFIXES = (".html", ".htm", ".csv", ".json")

#: Pair rows shown on the one-page briefing; the rest are counted and left to CSV/JSON.
BRIEFING_MAX_PAIRS = 12
#: Warnings listed on the briefing before "and N more".
BRIEFING_MAX_WARNINGS = 8


# ---------------------------------------------------------------------------- CSV / JSON
def closest_pair(result) -> tuple[tuple[int, int], float] | None:
    """(pair, CPA time) of the pair that came closest, or None when no pair was reported."""
    if result is None or not len(result.pairs):
        return None
    row = result.pairs.iloc[0]  # analysis sorts pairs by CPA slant range
    return (int(row["a"]), int(row["b"])), float(row["cpa_time"])


def report_json(result, ts: TrackSet) -> str:
    """The ``analyze --json`` document, as text."""
    return json.dumps(result.to_json_dict(ts), indent=2) + "\n"


def _cell(value) -> str:
    """One CSV cell from a JSON value: intervals as ISO ``start/end`` joined by ``;``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if not math.isfinite(value) else repr(value)
    if isinstance(value, Mapping):
        return "/".join(_cell(v) for v in value.values())
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, list | tuple | Mapping) for v in value):
            return ";".join(_cell(v) for v in value)
        return "/".join(_cell(v) for v in value)
    return str(value)


def _flatten(row: Mapping, prefix: str = "") -> dict[str, object]:
    """Nested objects become dotted columns (``a.id``); lists stay one cell."""
    out: dict[str, object] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and not _is_interval(value):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


def _is_interval(value: Mapping) -> bool:
    return set(value) <= {"start", "end", "duration_s"}


def pairs_csv(result, ts: TrackSet) -> str:
    """The pair table as CSV: one row per pair, the fields and units of ``analyze --json``.

    This is what ``analyze --csv`` prints and ``report --out x.csv`` writes.
    """
    doc = result.to_json_dict(ts)
    rows = [_flatten(p) for p in doc.get("pairs", [])]
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    if not rows:
        columns = _empty_columns(result, ts)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([_cell(row.get(c)) for c in columns])
    return buf.getvalue()


def _empty_columns(result, ts: TrackSet) -> list[str]:
    """Column names when no pair was reported (a script's header must not depend on the
    data): the keys ``to_json_dict`` gives a placeholder row of unknown values."""
    import dataclasses

    import pandas as pd

    placeholder = {
        c: ([] if c in ("visual_contact", "loss_of_separation") else 0)
        for c in result.pairs.columns
    }
    probe = dataclasses.replace(result, pairs=pd.DataFrame([placeholder]))
    return list(_flatten(probe.to_json_dict(ts)["pairs"][0]))


def write_table(path: str | Path, result, ts: TrackSet) -> Path:
    """``.csv`` or ``.json`` by suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = pairs_csv(result, ts)
    elif suffix == ".json":
        text = report_json(result, ts)
    else:
        raise ExportError(f"{path}: unknown table format {suffix!r}: use .csv or .json")
    _write_text(path, text)
    return path


def _write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from None


# ---------------------------------------------------------------------------- HTML briefing
def _nm(m: float, digits: int = 2) -> str:
    return f"{m / NM:.{digits}f}" if math.isfinite(m) else "–"


def _ft(m: float) -> str:
    return f"{m / FT:,.0f}" if math.isfinite(m) else "–"


def _kt(mps: float) -> str:
    return f"{mps / KT:,.0f}" if math.isfinite(mps) else "–"


#: Intervals listed per cell before the rest are summarised (keeps the briefing one page).
MAX_INTERVALS_SHOWN = 3


def intervals_html(intervals: Iterable[Sequence[float]]) -> str:
    """``09:21:04Z–09:22:40Z (1:36)`` per interval, one per line; long lists summarised."""
    spans = [(float(a), float(b)) for a, b in intervals]
    if not spans:
        return "–"

    def line(a: float, b: float) -> str:
        return f"{clock_utc(a)}–{clock_utc(b)} ({fmt_duration(b - a)})"

    if len(spans) <= MAX_INTERVALS_SHOWN:
        return "<br>".join(line(a, b) for a, b in spans)
    shown = MAX_INTERVALS_SHOWN - 1
    total = sum(b - a for a, b in spans)
    return "<br>".join(
        [
            *(line(a, b) for a, b in spans[:shown]),
            f"+{len(spans) - shown} more, {fmt_duration(total)} in all",
        ]
    )


def time_span(ts: TrackSet) -> str:
    """``2015-10-10 09:00:00Z – 09:40:00Z (0:40:00)``; the end's date only when it differs."""
    if not len(ts):
        return "no tracks"
    start, end = iso_utc(ts.start) or "", iso_utc(ts.end) or ""
    end_text = clock_utc(ts.end) if start[:10] == end[:10] else end.replace("T", " ")
    s = round(ts.end - ts.start)
    return (
        f"{start[:10]} {clock_utc(ts.start)} – {end_text} "
        f"({s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d})"
    )


def _pair_rows(result, ts: TrackSet, limit: int) -> str:
    rows = []
    for p in result.pairs.head(limit).itertuples(index=False):
        a, b = int(p.a), int(p.b)
        los = list(p.loss_of_separation)
        rows.append(
            "<tr{cls}><td>{pair}</td><td>{t}</td><td class=n>{slant}</td><td class=n>{h}</td>"
            "<td class=n>{v}</td><td class=n>{cl}</td><td class=n>{mh}</td>"
            "<td>{vis}</td><td>{los}</td></tr>".format(
                cls=' class="los"' if los else "",
                pair=f"{html.escape(track_label(ts, a))} – {html.escape(track_label(ts, b))}"
                f"<div class=ids>{html.escape(str(p.a_id))} / {html.escape(str(p.b_id))}</div>",
                t=clock_utc(p.cpa_time, 1),
                slant=_nm(p.cpa_slant_m),
                h=_nm(p.cpa_horizontal_m),
                v=_ft(p.cpa_vertical_m),
                cl=_kt(p.closure_mps),
                mh=_nm(p.min_horizontal_m),
                vis=intervals_html(p.visual_contact),
                los=intervals_html(los),
            )
        )
    return "\n".join(rows)


def _settings_html(settings) -> str:
    include = ", ".join(sorted(settings.include))
    by_type = getattr(settings, "visual_range_by_type", {}) or {}
    items = [
        ("Visual range", f"{_nm(settings.visual_range_m, 1)} NM"),
        ("Separation minima", f"{_nm(settings.hsep_m, 1)} NM / {_ft(settings.vsep_m)} ft"),
        ("Pairs reported within", f"{_nm(settings.within_m, 1)} NM slant range"),
        ("Object classes paired", html.escape(include)),
        ("No interpolation across gaps over", f"{settings.gap_s:g} s"),
        ("Line of sight: effective Earth radius", f"{settings.earth_k:.3g} × R"),
    ]
    if by_type:
        ranges = ", ".join(f"{html.escape(k)} {_nm(v, 1)} NM" for k, v in sorted(by_type.items()))
        items.insert(1, ("Visual range by type", ranges))
    return "\n".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in items)


def _summary_html(result, ts: TrackSet) -> str:
    if not len(result.pairs):
        return "<p class=summary>No pair came within the reporting range.</p>"
    p = result.pairs.iloc[0]
    n_los = int(result.pairs["los"].sum()) if "los" in result.pairs else 0
    n_vis = int((result.pairs["visual_s"] > 0).sum()) if "visual_s" in result.pairs else 0
    return (
        "<p class=summary>Closest approach: <b>{pair}</b>, <b>{slant} NM</b> slant range "
        "({h} NM horizontal, {v} ft vertical) at <b>{t}</b>, passing at {cl} kt relative speed. "
        "{n} pair(s) reported; {vis} with visual contact; {los} with loss of separation.</p>"
    ).format(
        pair=f"{html.escape(track_label(ts, int(p.a)))} – {html.escape(track_label(ts, int(p.b)))}",
        slant=_nm(p.cpa_slant_m),
        h=_nm(p.cpa_horizontal_m),
        v=_ft(p.cpa_vertical_m),
        t=clock_utc(p.cpa_time, 1),
        cl=_kt(p.closure_mps),
        n=len(result.pairs),
        vis=n_vis,
        los=n_los,
    )


_ROOT = (
    f":root {{ --ink:{palette.REPORT_INK}; --muted:{palette.REPORT_MUTED}; "
    f"--rule:{palette.REPORT_RULE}; --tag:{palette.TAG}; --los:{palette.REPORT_LOS_ROW}; "
    f"--banner:{palette.REPORT_BANNER}; }}"
)
_CSS = (
    _ROOT
    + """
* { box-sizing: border-box; }
body { font: 10.5pt/1.35 "DejaVu Sans", Helvetica, Arial, sans-serif; color: var(--ink);
       margin: 0 auto; padding: 16px 20px; max-width: 210mm; }
header { display: flex; justify-content: space-between; align-items: baseline;
         border-bottom: 2px solid var(--ink); padding-bottom: 4px; margin-bottom: 8px; }
h1 { font-size: 17pt; margin: 0; }
h2 { font-size: 11pt; margin: 10px 0 4px; text-transform: uppercase; letter-spacing: .04em;
     color: var(--muted); }
.span { color: var(--muted); white-space: nowrap; }
.tag { background: var(--tag); color: var(--ink); font-weight: bold; padding: 1px 6px;
       border-radius: 3px; font-size: 9pt; letter-spacing: .05em; }
.banner { border: 1px solid var(--tag); background: var(--banner); padding: 4px 8px; margin: 6px 0;
          font-size: 9.5pt; }
figure { margin: 6px 0; text-align: center; }
figure img { max-width: 100%; max-height: 108mm; border: 1px solid var(--rule); }
figcaption { font-size: 8.5pt; color: var(--muted); }
.summary { margin: 6px 0; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
th, td { border-bottom: 1px solid var(--rule); padding: 2px 4px; text-align: left;
         vertical-align: top; }
thead th { border-bottom: 1.5px solid var(--ink); white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.los td { background: var(--los); }
.ids { color: var(--muted); font-size: 7.5pt; }
.cols { display: flex; gap: 16px; }
.cols > section { flex: 1; }
table.kv th { font-weight: normal; color: var(--muted); width: 55%; }
ul.warn { margin: 0; padding-left: 16px; font-size: 8.5pt; }
footer { margin-top: 8px; font-size: 7.5pt; color: var(--muted); border-top: 1px solid var(--rule);
         padding-top: 3px; }
@page { size: A4 portrait; margin: 10mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 9.5pt; }
  figure img { max-height: 95mm; }
  tr, figure, section { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""
)


def briefing_html(
    ts: TrackSet,
    result,
    *,
    title: str | None = None,
    map_png: bytes | None = None,
    map_caption: str = "",
) -> str:
    """A one-page, self-contained HTML briefing (the map, when given, is embedded as PNG)."""
    from .. import __version__

    title = default_title(ts) if title is None else title
    span = time_span(ts)
    n_pairs = len(result.pairs)
    more = (
        f"<p class=ids>{n_pairs - BRIEFING_MAX_PAIRS} more pair(s) in the CSV/JSON report.</p>"
        if n_pairs > BRIEFING_MAX_PAIRS
        else ""
    )
    warnings = [str(w) for w in ts.warnings] + [str(w) for w in result.warnings]
    warn_items = "".join(f"<li>{html.escape(w)}</li>" for w in warnings[:BRIEFING_MAX_WARNINGS])
    if len(warnings) > BRIEFING_MAX_WARNINGS:
        warn_items += f"<li>… and {len(warnings) - BRIEFING_MAX_WARNINGS} more</li>"
    warn_html = f"<ul class=warn>{warn_items}</ul>" if warnings else "<p>None.</p>"
    illustrative = is_illustrative(ts)
    banner = (
        f"<p class=banner><span class=tag>{ILLUSTRATIVE}</span> This is an illustrative "
        "reconstruction, not recorded data.</p>"
        if illustrative
        else ""
    )
    figure = ""
    if map_png:
        b64 = base64.b64encode(map_png).decode("ascii")
        figure = (
            f'<figure><img alt="{html.escape(map_caption or "map")}" '
            f'src="data:image/png;base64,{b64}">'
            f"<figcaption>{html.escape(map_caption)}</figcaption></figure>"
        )
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_CSS}</style></head>
<body>
<header><h1>{html.escape(title)}</h1><span class=span>{html.escape(span)}</span></header>
{banner}
<p class=ids>{len(ts)} tracks · {html.escape(source_note(ts))}</p>
{figure}
{_summary_html(result, ts)}
<h2>Pairs by closest approach</h2>
<table class=pairs><thead><tr><th>Pair</th><th>CPA (UTC)</th><th>Slant NM</th>
<th>Horiz NM</th><th>Vert ft</th><th>Closure kt</th><th>Min horiz NM</th>
<th>Visual contact</th><th>Loss of separation</th></tr></thead>
<tbody>
{_pair_rows(result, ts, BRIEFING_MAX_PAIRS)}
</tbody></table>
{more}
<div class=cols>
<section><h2>Settings used</h2><table class=kv>{_settings_html(result.settings)}</table></section>
<section><h2>Data-quality warnings ({len(warnings)})</h2>{warn_html}</section>
</div>
<footer>Encounter Replay {html.escape(__version__)} · generated {generated} ·
CPA: slant range on the WGS84 ellipsoid (ECEF chord), horizontal separation along the
WGS84 geodesic; times UTC.</footer>
</body></html>
"""


def write_briefing(
    path: str | Path,
    ts: TrackSet,
    result,
    *,
    title: str | None = None,
    map_png: bytes | None = None,
    map_caption: str = "",
) -> Path:
    path = Path(path)
    _write_text(
        path, briefing_html(ts, result, title=title, map_png=map_png, map_caption=map_caption)
    )
    return path

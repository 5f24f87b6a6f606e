"""What a briefing says about each encounter, before any layout: no Qt.

The PDF (:mod:`.briefing_pdf`), the PowerPoint (:mod:`.briefing_pptx`) and the HTML
(:mod:`.briefing_html`) lay out the same :class:`Brief`, so the three never disagree on a
figure. One unit system per document: nautical miles, feet and knots (aviation's), UTC.

Which encounters: the rows of ``result.pairs`` in their order (the analysis ranks them, so
the first row is the one to brief), filtered by relation/formation when the analysis
reports those columns, or the pairs the analyst names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ..model import TrackSet, positions_at
from ..model.identity import clean_type, what_and_who
from ..model.timefmt import clock_utc, iso_utc
from ..model.units import FT, KT, NM, fmt_duration, fmt_separation
from .caption import ILLUSTRATIVE, default_title, is_illustrative, track_label
from .errors import ExportError

#: ``--pairs`` choices: which reported pairs a briefing considers before ``--top``.
PAIR_FILTERS = ("all", "cross-side", "no-formation")
#: Paper sizes the page layout is made for.
PAPERS = ("a4", "letter")
#: Rows kept per list on an encounter page (the rest are counted, never cut mid-text).
MAX_TIMELINE_ROWS = 10
MAX_CAVEATS = 4
MAX_INTERVALS = 3

DASH = "–"


class BriefingError(ExportError):
    """A briefing cannot be made as asked (a pair not reported, a filter the analysis lacks)."""


# ---------------------------------------------------------------------------- choosing pairs
def select_rows(
    result,
    pairs: Sequence[tuple[int, int]] = (),
    top: int = 1,
    relation: str = "all",
) -> list[int]:
    """Positions in ``result.pairs`` of the encounters to brief, in briefing order.

    Named ``pairs`` (track indices) win; otherwise the first ``top`` rows that pass the
    ``relation`` filter (``cross-side`` needs the analysis's ``relation`` column,
    ``no-formation`` its ``formation`` column).
    """
    table = result.pairs
    if pairs:
        out = []
        for a, b in pairs:
            lo, hi = min(a, b), max(a, b)
            hit = np.flatnonzero((table["a"].to_numpy() == lo) & (table["b"].to_numpy() == hi))
            if not len(hit):
                raise BriefingError(
                    f"pair {lo}–{hi} was not reported by the analysis (it never came within "
                    "the reporting range): widen --within or choose another pair"
                )
            if int(hit[0]) not in out:
                out.append(int(hit[0]))
        return out
    if relation not in PAIR_FILTERS:
        raise BriefingError(f"--pairs must be one of {', '.join(PAIR_FILTERS)}, not {relation!r}")
    keep = np.ones(len(table), dtype=bool)
    if relation == "cross-side":
        if "relation" not in table:
            raise BriefingError(
                "--pairs cross-side: this analysis does not classify pair relations "
                "(no 'relation' column); use --pairs all or name pairs with --pair"
            )
        keep &= table["relation"].astype(str).to_numpy() == "cross-side"
    elif relation == "no-formation":
        if "formation" not in table:
            raise BriefingError(
                "--pairs no-formation: this analysis does not detect formations "
                "(no 'formation' column); use --pairs all or name pairs with --pair"
            )
        keep &= ~table["formation"].fillna(False).astype(bool).to_numpy()
    if top < 1:
        raise BriefingError(f"--top must be at least 1, not {top}")
    return [int(i) for i in np.flatnonzero(keep)[:top]]


# ---------------------------------------------------------------------------- text helpers
_PATH = re.compile(
    r"(?<![\w.])(?:[A-Za-z]:[\\/]|[\\/]|~[\\/])(?:[^\s:;,'\"()\[\]]+[\\/])*"
    r"([^\s:;,'\"()\[\]\\/]+)"
)


def strip_dirs(text: str, known: Sequence[str] = ()) -> str:
    """``text`` with every absolute path cut to its file name: a document handed out must
    not show the analyst's folders. ``known`` paths (the scene's sources, which may hold
    spaces) are replaced whole first."""
    text = str(text)
    for path in sorted({str(k) for k in known if str(k)}, key=len, reverse=True):
        text = text.replace(path, Path(path).name)
    return _PATH.sub(lambda m: m.group(1), text)


def nm(m: float, digits: int = 2) -> str:
    return f"{m / NM:.{digits}f} NM" if _ok(m) else DASH


def sep(m: float) -> str:
    """A separation as the map's readout says it (feet below 0.1 NM): one figure, one unit."""
    return fmt_separation(m, "nm") if _ok(m) else DASH


def ft(m: float) -> str:
    return f"{m / FT:,.0f} ft" if _ok(m) else DASH


def kt(mps: float) -> str:
    return f"{mps / KT:,.0f} kt" if _ok(mps) else DASH


def deg(x: float) -> str:
    return f"{x % 360:03.0f}°" if _ok(x) else DASH


def _ok(x) -> bool:
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def span_text(a: float, b: float) -> str:
    return f"{clock_utc(a)}–{clock_utc(b)} ({fmt_duration(b - a)})"


def spans_text(spans) -> str:
    spans = [(float(a), float(b)) for a, b in (spans or [])]
    if not spans:
        return "none"
    shown = [span_text(a, b) for a, b in spans[:MAX_INTERVALS]]
    if len(spans) > MAX_INTERVALS:
        total = sum(b - a for a, b in spans)
        shown.append(f"+{len(spans) - MAX_INTERVALS} more ({fmt_duration(total)} in all)")
    return "; ".join(shown)


# ---------------------------------------------------------------------------- the content
@dataclass(frozen=True)
class Party:
    """One aircraft of an encounter as the identification table shows it."""

    label: str
    callsign: str
    type: str
    side: str
    altitude: str
    speed: str
    heading: str


@dataclass(frozen=True)
class Encounter:
    """Everything one encounter page says; ``row`` is its position in ``result.pairs``."""

    row: int
    rank: int
    a: int
    b: int
    title: str
    cpa_time: float
    headline: str
    parties: tuple[Party, Party]
    geometry: list[tuple[str, str]]
    intervals: list[tuple[str, str]]
    timeline: list[tuple[str, str, str]]  # (clock, kind, text)
    timeline_more: int
    caveats: list[str]
    # spans for the chart (seconds): visual, loss of separation, well-clear violation
    visual: list[tuple[float, float]] = field(default_factory=list)
    los: list[tuple[float, float]] = field(default_factory=list)
    well_clear: list[tuple[float, float]] = field(default_factory=list)
    key: list[tuple[str, str]] = field(default_factory=list)
    #: Per party, times of the samples the analysis left out (the chart leaves them out too).
    dropped: tuple[tuple[float, ...], tuple[float, ...]] = ((), ())


@dataclass(frozen=True)
class Brief:
    title: str
    span: str
    marking: str
    illustrative: bool
    sources: list[str]
    generated: str
    settings: list[tuple[str, str]]
    encounters: list[Encounter]
    n_pairs: int
    paper: str = "a4"

    @property
    def markings(self) -> str:
        """The line printed in every header and footer: marking and the ILLUSTRATIVE tag."""
        parts = [self.marking] if self.marking else []
        if self.illustrative:
            parts.append(f"{ILLUSTRATIVE} – reconstruction, not recorded data")
        return "  ·  ".join(parts)

    @property
    def source_line(self) -> str:
        shown = ", ".join(self.sources[:4])
        more = f" +{len(self.sources) - 4} more" if len(self.sources) > 4 else ""
        return f"Source: {shown}{more}" if self.sources else ""


def _heading_speed(ts: TrackSet, k: int, t: float, gap_s: float) -> tuple[float, float]:
    """Track over ground (degrees true) and ground speed (m/s) from positions 1 s apart."""
    from pyproj import Geod

    pos0, pos1 = positions_at(ts, t - 0.5, gap_s), positions_at(ts, t + 0.5, gap_s)
    lat0, lon0, lat1, lon1 = pos0.lat[k], pos0.lon[k], pos1.lat[k], pos1.lon[k]
    if not all(map(math.isfinite, (lat0, lon0, lat1, lon1))):
        return float("nan"), float("nan")
    az, _, dist = Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)
    return (float(az) % 360.0 if dist > 0.01 else float("nan")), float(dist)


def _short_name(ts: TrackSet, k: int) -> str:
    """Who flies it (the callsign), for the tables' row labels: the identification table
    next to them says what it is, and the full "type · callsign" would wrap every row."""
    row = ts.meta.iloc[k].to_dict()
    _what, who = what_and_who(row)
    return str(row.get("callsign") or "") or who or track_label(ts, k)


def _party(ts: TrackSet, k: int, t: float, gap_s: float) -> Party:
    row = ts.meta.iloc[k].to_dict()
    what, who = what_and_who(row)
    callsign = str(row.get("callsign") or "") or who or what or str(row.get("id", ""))
    kind = clean_type(row.get("type"), row.get("cls"))
    model = what if what and what != callsign else ""
    side = str(row.get("coalition") or "") or str(row.get("color") or "") or "unknown"
    pos = positions_at(ts, t, gap_s)
    heading, speed = _heading_speed(ts, k, t, gap_s)
    return Party(
        label=track_label(ts, k),
        callsign=callsign,
        type=" · ".join(x for x in (model, kind) if x) or DASH,
        side=side,
        altitude=ft(float(pos.alt[k])),
        speed=kt(speed),
        heading=deg(heading),
    )


def _geometry(ts: TrackSet, result, p, a: int, b: int) -> list[tuple[str, str]]:
    from ..analysis.relative import tote

    t = float(p.cpa_time)
    # the table's vertical is a magnitude: who is above comes from the altitudes at CPA
    pos = positions_at(ts, t, result.settings.gap_s)
    dz = float(pos.alt[b] - pos.alt[a])
    dz = math.copysign(abs(float(p.cpa_vertical_m)), dz) if _ok(dz) else float("nan")
    la, lb = _short_name(ts, a), _short_name(ts, b)
    rows = [("Time of CPA", clock_utc(t, 1)), ("Slant range", sep(p.cpa_slant_m))]
    rows.append(("Horizontal", sep(p.cpa_horizontal_m)))
    if _ok(dz):
        vertical = ft(abs(dz))
        who = lb if dz > 0.5 else la if dz < -0.5 else ""
        rows.append(("Vertical", f"{vertical}, {who} above" if who else f"{vertical} (level)"))
    else:
        rows.append(("Vertical", "unknown (altitude missing)"))
    rows.append((f"Bearing {la} → {lb}", deg(p.bearing_ab_deg)))
    rows.append((f"Bearing {lb} → {la}", deg(p.bearing_ba_deg)))
    try:
        r = tote(ts, a, t, result.settings, result).row(b) or {}
    except (IndexError, ValueError):
        r = {}
    aspect = r.get("aspect_deg", float("nan"))
    hca = r.get("hca_deg", float("nan"))
    rows.append((f"Aspect of {lb} from {la}", f"{aspect:.0f}°" if _ok(aspect) else DASH))
    rows.append(("Heading crossing angle", f"{hca:.0f}°" if _ok(hca) else DASH))
    rows.append(("Closure", kt(p.closure_mps)))
    return rows


def _intervals(p, settings) -> list[tuple[str, str]]:
    out = [
        (f"Visual contact (≤ {nm(settings.visual_range_m, 1)})", spans_text(p.visual_contact)),
        (
            f"Loss of separation (< {nm(settings.hsep_m, 1)} and {ft(settings.vsep_m)})",
            spans_text(p.loss_of_separation),
        ),
    ]
    if hasattr(p, "well_clear_violation"):
        out.append(("Well-clear violation (DO-365)", spans_text(p.well_clear_violation)))
    if hasattr(p, "min_horizontal_m"):
        out.append(
            (
                "Minimum horizontal",
                f"{sep(p.min_horizontal_m)} at {clock_utc(p.min_horizontal_time)}",
            )
        )
    return out


def _timeline(ts: TrackSet, a: int, b: int, t0: float, t1: float, notes, gap_s: float):
    """Events touching either aircraft (or the whole scene) and analyst notes, by time."""
    from ..model.derived_events import merged_events

    ids = {str(ts.ids[a]), str(ts.ids[b])}
    rows: list[tuple[float, str, str]] = []
    ev = merged_events(ts, gap_s)
    if len(ev):
        for r in ev.itertuples(index=False):
            if not (t0 <= float(r.time) <= t1):
                continue
            who = {str(i) for i in (r.ids or ())} if not isinstance(r.ids, str) else {r.ids}
            mine = int(r.track) in (a, b) or int(r.other) in (a, b) or bool(who & ids)
            if mine or (int(r.track) < 0 and not who):
                rows.append((float(r.time), str(r.kind), strip_dirs(str(r.text))))
    for n in notes or ():
        track = getattr(n, "track", None)
        if t0 <= float(n.time) <= t1 and (track is None or str(track) in ids):
            rows.append((float(n.time), "note", strip_dirs(str(n.text))))
    rows.sort(key=lambda r: r[0])
    shown = rows[:MAX_TIMELINE_ROWS]
    return [(clock_utc(t), k, text) for t, k, text in shown], len(rows) - len(shown)


def _caveats(ts: TrackSet, result, p, a: int, b: int) -> list[str]:
    """Data-quality findings that bear on this pair (its tracks' warnings, altitude gaps,
    excluded samples and unassessed time when the analysis reports them)."""
    out: list[str] = []
    alt_unknown = float(getattr(p, "alt_unknown_s", 0) or 0)
    if alt_unknown > 0:
        out.append(f"Altitude unknown for {fmt_duration(alt_unknown)} of the pair's time.")
    unassessed = getattr(p, "unassessed_s", None)
    if _ok(unassessed) and float(unassessed) > 0:
        out.append(f"{fmt_duration(float(unassessed))} of the encounter could not be assessed.")
    if bool(getattr(p, "affected_by_excluded", False)):
        n = getattr(p, "excluded_samples", None)
        what = f"{int(n)} excluded sample(s)" if _ok(n) else "excluded samples"
        out.append(f"Affected by {what} (implausible positions removed before analysis).")
    names = {str(ts.ids[a]), str(ts.ids[b]), track_label(ts, a), track_label(ts, b)}
    names |= {str(ts.meta.iloc[k].get("name") or "") for k in (a, b)} - {""}
    sources = [str(x) for x in ts.meta["source"]] if len(ts) else []
    for w in [*ts.warnings, *result.warnings]:
        text = str(getattr(w, "message", w))
        if any(n and n in text for n in names):
            out.append(strip_dirs(text, sources))
    if len(out) > MAX_CAVEATS:
        rest = len(out) - MAX_CAVEATS + 1
        out = [*out[: MAX_CAVEATS - 1], f"… and {rest} more (see the CSV/JSON report)."]
    return out or ["None found for this pair."]


def settings_rows(settings) -> list[tuple[str, str]]:
    rows = [
        ("Visual range", nm(settings.visual_range_m, 1)),
        ("Separation minima", f"{nm(settings.hsep_m, 1)} / {ft(settings.vsep_m)}"),
        ("Reported within", f"{nm(settings.within_m, 1)} slant"),
        ("Classes paired", ", ".join(sorted(settings.include))),
        ("Max interpolation gap", f"{settings.gap_s:g} s"),
        ("Line of sight", f"k = {settings.earth_k:.3g}"),
    ]
    if getattr(settings, "well_clear", "off") != "off":
        rows.append(
            (
                "Well clear (DO-365)",
                f"DTHR {nm(settings.dthr_m, 2)}, ZTHR {ft(settings.zthr_m)}, "
                f"TTHR {settings.tthr_s:g} s",
            )
        )
    by_type = getattr(settings, "visual_range_by_type", {}) or {}
    if by_type:
        rows.insert(
            1, ("Visual range by type", ", ".join(f"{k} {nm(v, 1)}" for k, v in by_type.items()))
        )
    return rows


def _excluded_times(result, k: int) -> tuple[float, ...]:
    ex = getattr(result, "excluded", None)
    if ex is None or not len(ex):
        return ()
    return tuple(float(t) for t in ex.loc[ex["track"] == k, "time"])


def encounter(ts: TrackSet, result, row: int, notes=(), margin_s: float = 120.0) -> Encounter:
    """The content of one encounter page for the ``row``-th reported pair."""
    p = result.pairs.iloc[row]
    a, b = int(p["a"]), int(p["b"])
    t = float(p["cpa_time"])
    gap = result.settings.gap_s
    la, lb = track_label(ts, a), track_label(ts, b)
    rank = int(p["rank"]) if "rank" in p and _ok(p["rank"]) else row + 1
    vis = [(float(s), float(e)) for s, e in (p["visual_contact"] or [])]
    los = [(float(s), float(e)) for s, e in (p["loss_of_separation"] or [])]
    wcv = [(float(s), float(e)) for s, e in (p.get("well_clear_violation") or [])]
    t0, t1 = chart_window(ts, a, b, t, vis + los + wcv, margin_s)
    dz = float(p["cpa_vertical_m"])
    headline = (
        f"Closest approach {sep(p['cpa_slant_m'])} slant ({sep(p['cpa_horizontal_m'])} horizontal, "
        f"{ft(abs(dz)) if _ok(dz) else 'vertical unknown'}) at {clock_utc(t, 1)}"
    )
    if los:
        headline += "; separation lost"
    timeline, more = _timeline(ts, a, b, t0, t1, notes, gap)
    pt = p.to_frame().T.itertuples(index=False).__next__()
    key = [
        ("CPA (UTC)", clock_utc(t, 1)),
        ("Slant", sep(p["cpa_slant_m"])),
        ("Horizontal", sep(p["cpa_horizontal_m"])),
        ("Vertical", ft(abs(dz)) if _ok(dz) else DASH),
        ("Closure", kt(p["closure_mps"])),
        ("Visual contact", fmt_duration(sum(e - s for s, e in vis)) if vis else "none"),
        ("Loss of separation", fmt_duration(sum(e - s for s, e in los)) if los else "none"),
    ]
    if "well_clear_violation" in p:
        key.append(("Well clear lost", fmt_duration(sum(e - s for s, e in wcv)) if wcv else "none"))
    return Encounter(
        row=row,
        rank=rank,
        a=a,
        b=b,
        title=f"{la} – {lb}",
        cpa_time=t,
        headline=headline,
        parties=(_party(ts, a, t, gap), _party(ts, b, t, gap)),
        geometry=_geometry(ts, result, pt, a, b),
        intervals=_intervals(pt, result.settings),
        timeline=timeline,
        timeline_more=more,
        caveats=_caveats(ts, result, pt, a, b),
        visual=vis,
        los=los,
        well_clear=wcv,
        key=key,
        dropped=tuple(_excluded_times(result, k) for k in (a, b)),
    )


def chart_window(
    ts: TrackSet, a: int, b: int, t: float, spans: list[tuple[float, float]], margin_s: float
) -> tuple[float, float]:
    """The chart's time range: the CPA and every interval of the pair, with a margin, inside
    the time both tracks exist."""
    lo = min([t, *(s for s, _ in spans)]) - margin_s
    hi = max([t, *(e for _, e in spans)]) + margin_s
    first = max(float(ts.first_times[a]), float(ts.first_times[b]))
    last = min(float(ts.last_times[a]), float(ts.last_times[b]))
    lo, hi = max(lo, first), min(hi, last)
    if not hi > lo:
        lo, hi = t - margin_s, t + margin_s
    return lo, hi


def source_names(ts: TrackSet) -> list[str]:
    return list(dict.fromkeys(Path(str(s)).name for s in ts.meta["source"] if str(s)))


def time_span(ts: TrackSet) -> str:
    if not len(ts):
        return "no tracks"
    start = iso_utc(ts.start) or ""
    return f"{start[:10]} {clock_utc(ts.start)}–{clock_utc(ts.end)} ({fmt_duration(ts.end - ts.start)})"


def build_brief(
    ts: TrackSet,
    result,
    rows: Sequence[int],
    *,
    title: str | None = None,
    marking: str = "",
    notes=(),
    paper: str = "a4",
    now: datetime | None = None,
) -> Brief:
    """The whole briefing: one :class:`Encounter` per row of ``result.pairs`` in ``rows``."""
    if paper not in PAPERS:
        raise BriefingError(f"paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    now = now or datetime.now(UTC)
    return Brief(
        title=strip_dirs(default_title(ts) if title is None else title),
        span=time_span(ts),
        marking=marking.strip(),
        illustrative=is_illustrative(ts),
        sources=source_names(ts),
        generated=now.strftime("%Y-%m-%d %H:%M UTC"),
        settings=settings_rows(result.settings),
        encounters=[encounter(ts, result, r, notes) for r in rows],
        n_pairs=len(result.pairs),
        paper=paper,
    )

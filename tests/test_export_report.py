"""Reports: CSV/JSON carry exactly what ``analyze --json`` says; the HTML briefing shows it."""

from __future__ import annotations

import base64
import csv
import io
import json
import re

import numpy as np
import pytest

from encounter_replay.analysis import AnalysisResult, AnalysisSettings, analyze
from encounter_replay.export.errors import ExportError
from encounter_replay.export.report import (
    BRIEFING_MAX_PAIRS,
    briefing_html,
    closest_pair,
    pairs_csv,
    report_json,
    write_table,
)
from encounter_replay.model import DataWarning, TrackSet
from encounter_replay.model.timefmt import clock_utc

T0 = 1_444_468_800.0  # 2015-10-10T09:20:00Z
NM, FT = 1852.0, 0.3048


def _track(id_, lat0, lon0, dlat, dlon, alt, name, coalition, n=241, source="x.acmi"):
    t = T0 + np.arange(n, dtype=float)
    return dict(
        t=t,
        lat=lat0 + dlat * np.arange(n),
        lon=lon0 + dlon * np.arange(n),
        alt=np.full(n, alt),
        id=id_,
        name=name,
        callsign=name,
        cls="aircraft",
        coalition=coalition,
        source=source,
    )


def scene(source: str = "/data/encounter_illustrative.acmi") -> TrackSet:
    """Two head-on pairs that lose separation, one loose pair, one far-away aircraft."""
    step = 0.0025  # ° latitude per second ≈ 500 kt
    return TrackSet.from_tracks(
        [
            _track("a1", 35.0, 36.000, step, 0, 6000.0, "VIPER11", "Blue", source=source),
            _track("b1", 35.6, 36.010, -step, 0, 6150.0, "FLANKER1", "Red", source=source),
            _track("a2", 35.0, 36.200, step, 0, 7000.0, "VIPER12", "Blue", source=source),
            _track("b2", 35.6, 36.260, -step, 0, 7400.0, "FLANKER2", "Red", source=source),
            _track("far", 37.0, 38.0, 0, 0.001, 9000.0, "TANKER", "Blue", source=source),
        ],
        warnings=[DataWarning(source, "altitude spike removed", line=42)],
        title="",
    )


@pytest.fixture(scope="module")
def analysed():
    ts = scene()
    return ts, analyze(ts, AnalysisSettings())


def _json_number(v):
    return "" if v is None else v


def test_json_report_is_the_analyze_json_document(analysed):
    ts, result = analysed
    assert json.loads(report_json(result, ts)) == json.loads(json.dumps(result.to_json_dict(ts)))


def test_csv_has_the_json_fields_and_values(analysed):
    ts, result = analysed
    doc = result.to_json_dict(ts)
    assert len(doc["pairs"]) >= 2
    rows = list(csv.DictReader(io.StringIO(pairs_csv(result, ts))))
    assert len(rows) == len(doc["pairs"])
    assert list(rows[0]) == list(doc["pairs"][0])  # same columns, same order
    for row, pair in zip(rows, doc["pairs"], strict=True):
        for key, value in pair.items():
            if isinstance(value, bool):
                assert row[key] == str(value).lower(), key  # JSON's spelling
            elif isinstance(value, float):
                assert float(row[key]) == value, key  # full precision survives
            elif isinstance(value, list):
                expect = ";".join(f"{a}/{b}" for a, b in value)
                assert row[key] == expect, key
            else:
                assert row[key] == ("" if value is None else str(value)), key
    # the head-on pair with 150 m vertical is the closest and loses separation
    first = rows[0]
    assert {first["a"], first["b"]} == {"a1", "b1"}
    assert first["loss_of_separation"].count("/") == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", first["cpa_time"])


def test_csv_header_without_pairs_matches_the_json_fields(analysed):
    ts, result = analysed
    empty = AnalysisResult(result.settings, pairs=result.pairs.iloc[0:0])
    text = pairs_csv(empty, ts)
    assert text.strip().split(",") == list(result.to_json_dict(ts)["pairs"][0])


def test_write_table_by_suffix(analysed, tmp_path):
    ts, result = analysed
    write_table(tmp_path / "p.csv", result, ts)
    write_table(tmp_path / "p.JSON", result, ts)
    assert (tmp_path / "p.csv").read_text() == pairs_csv(result, ts)
    assert json.loads((tmp_path / "p.JSON").read_text())["pairs"][0]["a"] == "a1"
    with pytest.raises(ExportError, match="unknown table format"):
        write_table(tmp_path / "p.xlsx", result, ts)
    with pytest.raises(ExportError, match="cannot write"):
        write_table(tmp_path / "missing" / "p.csv", result, ts)


def _png(w=40, h=30) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (w, h), (30, 60, 200)).save(buf, "PNG")
    return buf.getvalue()


def _cells(html_text: str) -> list[list[str]]:
    body = html_text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [
        [re.sub(r"<[^>]+>", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
        for r in rows
    ]


def test_briefing_shows_pairs_figures_intervals_settings_and_warnings(analysed):
    ts, result = analysed
    png = _png()
    text = briefing_html(ts, result, title="Test <briefing>", map_png=png, map_caption="CPA map")
    assert "<title>Test &lt;briefing&gt;</title>" in text
    m = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    assert m and base64.b64decode(m.group(1)) == png
    cells = _cells(text)
    assert len(cells) == len(result.pairs)
    for row, p in zip(cells, result.pairs.itertuples(index=False), strict=True):
        assert row[1] == clock_utc(p.cpa_time, 1)
        assert row[2] == f"{p.cpa_slant_m / NM:.2f}"
        assert row[3] == f"{p.cpa_horizontal_m / NM:.2f}"
        assert row[4] == f"{p.cpa_vertical_m / FT:,.0f}"
        assert row[5] == f"{p.closure_mps * 3600 / NM:,.0f}"
        for spans, cell in ((p.visual_contact, row[7]), (p.loss_of_separation, row[8])):
            if not len(spans):
                assert cell == "–"
            for a, b in spans:
                assert f"{clock_utc(a)}–{clock_utc(b)}" in cell
    assert sum(len(p) > 0 for p in result.pairs["loss_of_separation"]) >= 1
    first = result.pairs.iloc[0]
    assert f"<b>{first.cpa_slant_m / NM:.2f} NM</b> slant range" in text
    assert "10.0 NM" in text and "5.0 NM / 1,000 ft" in text  # settings used
    assert "altitude spike removed" in text  # data-quality warning
    assert "ILLUSTRATIVE" in text  # the source file says so
    assert "@media print" in text and "@page" in text
    assert "<script" not in text and "http" not in text.split("<footer>")[0]  # self-contained


def test_briefing_caps_rows_for_one_page(analysed):
    ts, result = analysed
    import pandas as pd

    many = AnalysisResult(result.settings, pairs=pd.concat([result.pairs] * 10, ignore_index=True))
    text = briefing_html(ts, many)
    assert len(_cells(text)) == BRIEFING_MAX_PAIRS
    assert f"{len(many.pairs) - BRIEFING_MAX_PAIRS} more pair(s)" in text
    assert "<img" not in text


def test_closest_pair_is_the_first_row(analysed):
    _, result = analysed
    pair, t = closest_pair(result)
    assert pair == (0, 1)
    assert t == result.pairs.iloc[0].cpa_time
    assert closest_pair(AnalysisResult(result.settings, pairs=result.pairs.iloc[0:0])) is None


def test_long_interval_lists_are_summarised():
    from encounter_replay.export.report import intervals_html

    spans = [(T0 + 100 * i, T0 + 100 * i + 30) for i in range(5)]
    text = intervals_html(spans)
    lines = text.split("<br>")
    assert lines[0] == "09:20:00Z–09:20:30Z (0:30)"
    assert lines[1] == "09:21:40Z–09:22:10Z (0:30)"
    assert lines[2] == "+3 more, 2:30 in all"
    assert intervals_html(spans[:3]).count("<br>") == 2
    assert intervals_html([]) == "–"


def test_time_span_names_the_date_once():
    from encounter_replay.export.report import time_span

    assert time_span(scene()) == "2015-10-10 09:20:00Z – 09:24:00Z (0:04:00)"

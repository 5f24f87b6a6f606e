"""The briefing pack read back as a reader would: pages per encounter, text, markings,
sizes on paper, no folder names; PowerPoint opened with python-pptx; the HTML printed by
headless Chromium. Content (selection of pairs, caveats, paths) is tested without Qt."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from encounter_replay.analysis import analyze
from encounter_replay.cli import main
from encounter_replay.export.briefing_content import (
    BriefingError,
    build_brief,
    encounter,
    select_rows,
    strip_dirs,
)
from encounter_replay.io import read_files
from encounter_replay.model import DataWarning

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_tracks" / "syria_oct2015_illustrative.txt.acmi"
MARK = "UNCLASSIFIED // FOR TRAINING"

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="sample encounter not generated")


@pytest.fixture(scope="module")
def scene():
    ts = read_files([SAMPLE])
    return ts, analyze(ts)


def _pair_title(ts, row) -> str:
    from encounter_replay.export.caption import track_label

    p = row
    return f"{track_label(ts, int(p['a']))} – {track_label(ts, int(p['b']))}"


# ---------------------------------------------------------------------------- content, no Qt
def test_strip_dirs_leaves_file_names_only():
    text = "/home/ann/secret ops/x.acmi:12: bad line; C:\\Users\\ann\\y.csv and ~/z.gpx ok"
    out = strip_dirs(text, ["/home/ann/secret ops/x.acmi"])
    assert "/home" not in out and "Users" not in out and "~/" not in out
    assert "x.acmi:12" in out and "y.csv" in out and "z.gpx" in out
    assert strip_dirs("1/2 NM") == "1/2 NM"  # not a path


def test_small_separations_in_feet_as_on_the_map():
    from encounter_replay.export.briefing_content import sep
    from encounter_replay.model.units import NM

    assert sep(42.0) == "138 ft"  # not "0.02 NM" beside the map's "138 ft"
    assert sep(0.2 * NM) == "0.20 NM" and sep(float("nan")) == "–"


def test_select_rows_follows_the_ranked_table_and_filters(scene):
    _ts, result = scene
    assert select_rows(result) == [0]  # the top-ranked encounter is the first row
    assert select_rows(result, top=3) == [0, 1, 2]
    a, b = int(result.pairs.iloc[4]["a"]), int(result.pairs.iloc[4]["b"])
    assert select_rows(result, [(b, a)]) == [4]
    with pytest.raises(BriefingError, match="not reported"):
        select_rows(result, [(a, a + 1000)])
    pairs = result.pairs.copy()
    for column, choice in (("relation", "cross-side"), ("formation", "no-formation")):
        if column not in pairs:
            with pytest.raises(BriefingError, match=column):
                select_rows(result, relation=choice)
    # with the ranking issue's columns, the filters pick rows by them
    pairs["relation"] = ["same-side"] * 2 + ["cross-side"] * (len(pairs) - 2)
    pairs["formation"] = [True, False] + [False] * (len(pairs) - 2)
    ranked = dataclasses.replace(result, pairs=pairs)
    assert select_rows(ranked, relation="cross-side", top=2) == [2, 3]
    assert select_rows(ranked, relation="no-formation") == [1]


def test_caveats_name_this_pairs_problems_and_no_folders(scene):
    ts, result = scene
    row = result.pairs.iloc[2]
    name = str(ts.meta.iloc[int(row["a"])]["name"] or ts.ids[int(row["a"])])
    warned = dataclasses.replace(
        ts,
        warnings=[
            *ts.warnings,
            DataWarning("/home/ann/data/x.acmi", f"{ts.ids[int(row['a'])]} jumps 40 NM", 7),
            DataWarning("/home/ann/data/x.acmi", "someone else's problem", 9),
        ],
    )
    pairs = result.pairs.copy()
    pairs["affected_by_excluded"] = False
    pairs["excluded_samples"] = 0
    pairs["unassessed_s"] = 0.0
    pairs.loc[2, "affected_by_excluded"] = True
    pairs.loc[2, "excluded_samples"] = 3
    pairs.loc[2, "unassessed_s"] = 75.0
    res = dataclasses.replace(result, pairs=pairs)
    enc = build_brief(warned, res, [2]).encounters[0]
    text = " ".join(enc.caveats)
    assert "jumps 40 NM" in text and "someone else" not in text
    assert "3 excluded sample(s)" in text and "1:15" in text
    assert "/home" not in text
    other = build_brief(warned, res, [0]).encounters[0]
    assert "jumps" not in " ".join(other.caveats)  # another pair's tracks: not listed there
    assert name


def test_encounter_figures_agree_with_the_analysis(scene):
    ts, result = scene
    enc = build_brief(ts, result, [2]).encounters[0]
    row = result.pairs.iloc[2]
    geo = dict(enc.geometry)
    assert geo["Slant range"] == f"{row['cpa_slant_m'] / 1852:.2f} NM"
    # who is above: from the altitudes at CPA (the identification table)
    alt = [float(q.altitude.replace(",", "").split()[0]) for q in enc.parties]
    higher = enc.parties[int(np.argmax(alt))].callsign  # the tables name by callsign
    assert geo["Vertical"].endswith(f"{higher} above")
    # heading of each aircraft at CPA against the recorded positions 1 s apart
    for q in enc.parties:
        assert q.heading.endswith("°") and q.speed.endswith("kt")


def test_notes_and_events_in_time_order_on_the_pairs_page(scene):
    from encounter_replay.model.session import Annotation

    ts, result = scene
    row = result.pairs.iloc[2]
    t = float(row["cpa_time"])
    a_id = str(ts.ids[int(row["a"])])
    notes = [
        Annotation(time=t + 5, text="Pilot reports the Su-30 passing below", track=a_id),
        Annotation(time=t - 3, text="Scene note /home/ann/x.acmi", track=None),
        Annotation(time=t, text="another aircraft's note", track="no-such-track"),
    ]
    enc = build_brief(ts, result, [2], notes=notes).encounters[0]
    kinds = [k for _, k, _ in enc.timeline]
    texts = [x for _, _, x in enc.timeline]
    assert kinds.count("note") == 2 and "another aircraft's note" not in texts
    assert "Scene note x.acmi" in texts  # folders cut from notes too
    clocks = [c for c, _, _ in enc.timeline]
    assert clocks == sorted(clocks)


# ---------------------------------------------------------------------------- PDF
def _read(page) -> tuple[str, list[float]]:
    """A page's words as a reader copies them (Qt writes word gaps as tabs, "fi" as a
    ligature) and the printed size in points of every piece of text, in one pass."""
    sizes: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            sy = (tm[2] ** 2 + tm[3] ** 2) ** 0.5
            cy = (cm[2] ** 2 + cm[3] ** 2) ** 0.5
            sizes.append(size * sy * cy)

    text = page.extract_text(visitor_text=visit)
    return " ".join(text.replace("\ufb01", "fi").replace("\ufb02", "fl").split()), sizes


def _text(page) -> str:
    return _read(page)[0]


@pytest.mark.parametrize(
    ("paper", "size", "top"), [("a4", (595, 842), 3), ("letter", (612, 792), 2)]
)
def test_pdf_one_page_per_encounter_marked_and_readable(capsys, tmp_path, paper, size, top):
    from pypdf import PdfReader

    out = tmp_path / "brief.pdf"
    rc = main(["report", str(SAMPLE), "--out", str(out), "--top", str(top), "--paper", paper,
               "--marking", MARK])  # fmt: skip
    assert rc == 0, capsys.readouterr().err
    ts = read_files([SAMPLE])
    result = analyze(ts)
    reader = PdfReader(out)
    assert len(reader.pages) == 1 + top  # title page + one per encounter
    read = [_read(p) for p in reader.pages]
    texts = [t for t, _ in read]
    for i, (page, (text, sizes)) in enumerate(zip(reader.pages, read, strict=True)):
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == size
        assert text.count(MARK) == 2, i  # header and footer
        assert "ILLUSTRATIVE" in text
        assert f"page {i + 1}/{1 + top}" in text
        assert "syria_oct2015_illustrative.txt.acmi" in text
        assert str(ROOT) not in text and "/work" not in text and "/home" not in text
        assert min(sizes) >= 6.95, i  # nothing under 7 pt on paper
    for k in range(top):
        title = _pair_title(ts, result.pairs.iloc[k])
        assert title in texts[0] and title in texts[k + 1]
        page = texts[k + 1]
        for part in ("IDENTIFICATION AT CPA", "GEOMETRY AT CPA", "INTERVALS",
                     "EVENTS AND ANALYST NOTES", "DATA QUALITY FOR THIS PAIR", "SETTINGS USED",
                     "5 NM minimum", "CPA", "Overview", "Close-up"):  # fmt: skip
            assert part in page, (k, part)
        assert " m " not in page and " km" not in page  # one unit system: NM, ft, kt


def test_pdf_pair_option_and_errors(capsys, tmp_path):
    from pypdf import PdfReader

    ts = read_files([SAMPLE])
    result = analyze(ts)
    row = result.pairs.iloc[2]
    out = tmp_path / "one.pdf"
    rc = main(["report", str(SAMPLE), "--out", str(out), "--pair", str(row["b_id"]),
               str(row["a_id"])])  # fmt: skip
    assert rc == 0, capsys.readouterr().err
    pages = PdfReader(out).pages
    assert len(pages) == 1 and _pair_title(ts, row) in _text(pages[0])
    rc = main(["report", str(SAMPLE), "--out", str(tmp_path / "x.pdf"), "--pairs", "cross-side"])
    err = capsys.readouterr().err
    if "relation" in result.pairs:
        assert rc == 0, err
    else:
        assert rc != 0 and "relation" in err and "Traceback" not in err
        assert not (tmp_path / "x.pdf").exists()


def test_session_notes_reach_the_pdf_without_folders(capsys, tmp_path):
    from pypdf import PdfReader

    from encounter_replay.model.session import Annotation, Session, save_session

    ts = read_files([SAMPLE])
    top = analyze(ts).pairs.iloc[0]
    session = Session(
        files=[str(SAMPLE)],
        annotations=[Annotation(time=float(top["cpa_time"]) + 2, text="Lead calls visual")],
    )
    save_session(tmp_path / "s.json", session)
    out = tmp_path / "n.pdf"
    assert main(["report", "--session", str(tmp_path / "s.json"), "--out", str(out)]) == 0
    text = _text(PdfReader(out).pages[0])
    assert "Lead calls visual" in text and "note" in text
    assert str(ROOT) not in text and "/tmp" not in text


# ---------------------------------------------------------------------------- PowerPoint
def test_pptx_title_and_one_editable_slide_per_encounter(capsys, tmp_path):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    out = tmp_path / "brief.pptx"
    assert main(["report", str(SAMPLE), "--out", str(out), "--top", "2", "--marking", MARK]) == 0
    prs = Presentation(str(out))
    slides = list(prs.slides)
    assert len(slides) == 1 + 2
    for i, slide in enumerate(slides):
        text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert text.count(MARK) == 2 and "ILLUSTRATIVE" in text, i
        assert "/work" not in text and str(ROOT) not in text
        tables = [s for s in slide.shapes if s.has_table]
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(tables) == 1
        assert len(pictures) == (0 if i == 0 else 2)  # close-up map and chart
    ts = read_files([SAMPLE])
    top = analyze(ts).pairs.iloc[0]
    table = next(s for s in slides[1].shapes if s.has_table).table
    cells = [c.text for r in table.rows for c in r.cells]
    assert f"{top['cpa_slant_m'] / 1852:.2f} NM" in cells


# ---------------------------------------------------------------------------- HTML, printed
def test_html_prints_one_page_per_encounter_in_chromium(capsys, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed")
    from pypdf import PdfReader

    html = tmp_path / "brief.html"
    assert main(["report", str(SAMPLE), "--out", str(html), "--top", "2", "--marking", MARK]) == 0
    pdf = tmp_path / "printed.pdf"
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
           f"--print-to-pdf={pdf}", html.as_uri()]  # fmt: skip
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert pdf.exists(), "chromium wrote no PDF"
    pages = PdfReader(pdf).pages
    assert len(pages) == 1 + 2
    for page in pages:
        assert _text(page).count(MARK) == 2


# ---------------------------------------------------------------------------- theme
def test_print_theme_is_scoped_and_validated():
    from encounter_replay import palette
    from encounter_replay.model.view_state import ViewState
    from encounter_replay.view.layers import style

    before = style.SEA
    with style.themed("print"):
        assert palette.PRINT_MAP["SEA"] == style.SEA
        assert style.label_color("#3b82f6").lightnessF() <= 0.4
    assert before == style.SEA and style.label_color("#3b82f6").lightnessF() >= 0.7
    with pytest.raises(ValueError):
        ViewState(theme="sepia")
    assert ViewState(theme="print").theme == "print"


# ---------------------------------------------------------------------------- picture scale
def test_picture_scale_enlarges_map_text_and_symbols(capsys, tmp_path):
    """A 2× picture is the 1× picture drawn twice as large (text included), not the same
    layout with 1×-sized text on a bigger map."""
    from PIL import Image

    def shot(name, w, h, scale):
        out = tmp_path / name
        rc = main(["snapshot", str(SAMPLE), "--time", "cpa", "--no-caption", "--width", str(w),
                   "--height", str(h), "--scale", str(scale), "--out", str(out)])  # fmt: skip
        assert rc == 0, capsys.readouterr().err
        with Image.open(out) as im:
            return im.convert("L")

    small = np.asarray(shot("1x.png", 640, 360, 1), dtype=float)
    big2 = shot("2x.png", 1280, 720, 2)
    big1 = shot("2x-unscaled.png", 1280, 720, 1)
    assert big2.size == (1280, 720)
    down2 = np.asarray(big2.resize((640, 360), Image.Resampling.BOX), dtype=float)
    down1 = np.asarray(big1.resize((640, 360), Image.Resampling.BOX), dtype=float)
    near, far = np.abs(down2 - small).mean(), np.abs(down1 - small).mean()
    # Unscaled text would make the two equal (ratio 1); labels placed by the declutter may
    # sit a little differently at the two sizes, so the scaled one is not identical either.
    assert near < 0.85 * far, (near, far)


# ---------------------------------------------------------------------------- captions
def test_caption_text_shrinks_or_wraps_and_is_never_cut(qapp):
    from PySide6 import QtGui

    from encounter_replay.export.image import MIN_SHRINK, _font, fit_line

    font = _font(20, bold=True)
    short = "SOKOL 01 – SOKOL 02"
    f, lines = fit_line(short, font, 1000)
    assert lines == [short] and f.pixelSize() == 20
    text = (
        "REAPER 31 · MQ-9 Reaper – SOKOL 02 · Su-30SM: slant 1.51 NM · horizontal 1.50 NM · "
        "vertical 714 ft"
    )
    width = QtGui.QFontMetricsF(font).horizontalAdvance(text) * 0.8
    f, lines = fit_line(text, font, width)  # a little too wide: shrinks, one line
    assert lines == [text] and f.pixelSize() < 20
    f, lines = fit_line(text, font, width * 0.45)  # far too wide: two whole lines
    assert " ".join(lines) == text and len(lines) == 2
    assert f.pixelSize() >= round(20 * MIN_SHRINK)
    fm = QtGui.QFontMetricsF(f)
    assert all(fm.horizontalAdvance(x) <= width * 0.45 for x in lines)
    assert "…" not in "".join(lines)


def test_chart_altitudes_leave_out_what_the_analysis_excluded():
    """A one-sample altitude spike the analysis excluded is not drawn as the profile."""
    from encounter_replay.export.briefing_chart import _altitudes
    from encounter_replay.model import TrackSet

    t = np.arange(0.0, 300.0) + 1.6e9
    lat = 49.0 + 0.002 * np.arange(300) / 60
    alt_a = np.full(300, 3000.0)
    alt_a[150] = 10_000.0
    ts = TrackSet.from_tracks(
        [
            {"t": t, "lat": lat, "lon": np.full(300, 2.0), "alt": alt_a, "id": "a",
             "callsign": "SPIKE1", "cls": "aircraft"},
            {"t": t, "lat": lat, "lon": np.full(300, 2.05), "alt": np.full(300, 3100.0),
             "id": "b", "callsign": "PLAIN2", "cls": "aircraft"},
        ]
    )  # fmt: skip
    result = analyze(ts)
    assert len(result.excluded) == 1
    enc = encounter(ts, result, 0)
    alt = _altitudes(ts, enc, t, result.settings.gap_s)
    spiky = 0 if enc.a == 0 else 1
    assert np.nanmax(alt[spiky]) == pytest.approx(3000.0)
    assert alt[spiky][150] == pytest.approx(3000.0)  # bridged, as the analysis did


def test_identification_figures_never_break_across_lines(qapp):
    """Side, altitude, speed and heading are as wide as their widest cell; the type column
    takes the rest (it wraps). 'unknown' and '11,000 ft' broke in 15 % columns."""
    from PySide6 import QtGui

    from encounter_replay.export.briefing_paint import fit_widths, font, text_height

    image = QtGui.QImage(600, 400, QtGui.QImage.Format.Format_RGB32)
    p = QtGui.QPainter(image)
    try:
        rows = [
            ["Callsign", "Type", "Side", "Alt", "Speed", "Hdg"],
            ["AFR23PJ", "Aircraft", "unknown", "9,975 ft", "275 kt", "022°"],
            ["REAPER 31", "MQ-9 Reaper · Fixed-wing aircraft", "Blue", "11,000 ft", "180 kt", "130°"],
        ]  # fmt: skip
        widths = fit_widths(p, 250.0, rows, flexible=1)
        assert sum(widths) == pytest.approx(250.0)
        one_line = text_height(p, 1e4, "x", font(7.5))
        for j in (0, 2, 3, 4, 5):
            for row in rows[1:]:
                assert text_height(p, widths[j] - 3.2, row[j], font(7.5)) == one_line, row[j]
        assert text_height(p, widths[1] - 3.2, rows[2][1], font(7.5)) > one_line  # wraps
    finally:
        p.end()

"""``snapshot``, ``video``, ``report`` end to end through ``encounter_replay.cli.main``."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pyproj import Transformer

from encounter_replay.cli import main
from encounter_replay.export import snapshot
from encounter_replay.export.errors import ExportError
from encounter_replay.export.video import MP4_EXTRA_MESSAGE
from encounter_replay.io import ReadOptions, read_file
from encounter_replay.model import TrackSet
from encounter_replay.model.timefmt import iso_utc, parse_time

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_tracks" / "syria_oct2015_illustrative.txt.acmi"

pytestmark = [
    pytest.mark.usefixtures("qapp"),
    pytest.mark.skipif(not SAMPLE.exists(), reason="sample encounter not generated"),
]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_snapshot_png_exact_size_and_content(capsys, tmp_path):
    out = tmp_path / "cpa.png"
    rc, stdout, err = run(
        capsys, "snapshot", SAMPLE, "--time", "cpa", "--out", out, "--width", 1000, "--height", 618
    )
    assert rc == 0, err
    assert "wrote" in stdout
    with Image.open(out) as im:
        assert im.format == "PNG" and im.size == (1000, 618)
        rgb = np.asarray(im.convert("RGB")).astype(int)
    assert rgb[:500].std() > 5  # the map is not blank


def test_snapshot_svg_is_xml_with_content(capsys, tmp_path):
    from defusedxml import ElementTree

    out = tmp_path / "map.svg"
    rc, _, err = run(capsys, "snapshot", SAMPLE, "--time", "+25:00", "--out", out)
    assert rc == 0, err
    root = ElementTree.parse(out).getroot()
    assert root.tag.endswith("svg")
    assert root.get("width", "").startswith("1600") or "1600" in root.get("viewBox", "")
    drawn = [e for e in root.iter() if e.tag.split("}")[-1] in ("path", "polyline", "rect")]
    assert len(drawn) > 20
    assert "2015-10-10 09:25:00Z" in out.read_text()


def test_video_sixty_frames_mp4(capsys, tmp_path):
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    out = tmp_path / "clip.mp4"
    rc, stdout, err = run(
        capsys,
        "video",
        SAMPLE,
        "--start",
        "+0",
        "--end",
        "+60",
        "--speed",
        10,
        "--fps",
        10,
        "--width",
        330,
        "--height",
        250,
        "--out",
        out,
    )
    assert rc == 0, err
    assert "60 frames" in stdout
    n, _ = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert n == 60
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    reader.close()
    assert tuple(meta["size"]) == (336, 256)  # multiples of 16


def test_video_gif_around_cpa(capsys, tmp_path):
    out = tmp_path / "clip.gif"
    rc, _, err = run(
        capsys,
        "video",
        SAMPLE,
        "--start",
        "cpa-10",
        "--end",
        "cpa+10",
        "--speed",
        4,
        "--fps",
        5,
        "--width",
        320,
        "--height",
        200,
        "--out",
        out,
    )
    assert rc == 0, err
    with Image.open(out) as im:
        assert im.size == (320, 208)
        assert im.n_frames == 25  # 20 s at 4× and 5 fps; the caption clock differs per frame


def test_missing_video_extra_is_one_line_exit_1(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    out = tmp_path / "clip.mp4"
    rc, _, err = run(
        capsys, "video", SAMPLE, "--start", "+0", "--end", "+2", "--fps", 2, "--out", out
    )
    assert rc == 1
    assert err.strip() == f"encounter-replay: {MP4_EXTRA_MESSAGE}"
    assert not out.exists()


def test_report_csv_is_analyze_csv_and_json_is_analyze_json(capsys, tmp_path):
    rc, _, _ = run(capsys, "report", SAMPLE, "--out", tmp_path / "p.csv", "--hsep", "3nm")
    assert rc == 0
    rc, analyze_csv, _ = run(capsys, "analyze", SAMPLE, "--csv", "--hsep", "3nm")
    assert rc == 0
    assert (tmp_path / "p.csv").read_text() == analyze_csv
    rows = list(csv.DictReader(io.StringIO(analyze_csv)))
    assert len(rows) > 3
    rc, _, _ = run(capsys, "report", SAMPLE, "--out", tmp_path / "p.json")
    rc2, analyze_json, _ = run(capsys, "analyze", SAMPLE, "--json")
    assert rc == rc2 == 0
    assert json.loads((tmp_path / "p.json").read_text()) == json.loads(analyze_json)


def test_report_html_has_map_and_table(capsys, tmp_path):
    out = tmp_path / "briefing.html"
    rc, _, err = run(capsys, "report", SAMPLE, "--out", out, "--title", "Syria, 10 Oct 2015")
    assert rc == 0, err
    text = out.read_text()
    assert "<title>Syria, 10 Oct 2015</title>" in text
    assert 'src="data:image/png;base64,' in text
    assert text.count("<tr") >= 15  # identification, geometry, intervals, settings rows
    # The headline is the top-ranked encounter, not the closest pair (a formation).
    assert "MQ-9 Reaper · REAPER 31 – Su-30SM · SOKOL 02" in text and "ILLUSTRATIVE" in text
    assert "SOKOL 01 – Su-30SM · SOKOL 02" not in text


@functools.cache
def _sample_ts() -> TrackSet:  # read once
    return read_file(SAMPLE, ReadOptions())


def _brute_force_cpa_time(a_id: str, b_id: str) -> float:
    """Time of least ECEF distance of two tracks of the sample, on a 0.05 s grid."""
    ts = _sample_ts()
    tr = [ts.track_slice(ts.index_of(i)) for i in (a_id, b_id)]
    t0 = max(ts.t[s][0] for s in tr)
    t1 = min(ts.t[s][-1] for s in tr)
    grid = np.arange(t0, t1, 0.05)
    to_ecef = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
    xyz = [
        np.array(
            to_ecef.transform(
                *(np.interp(grid, ts.t[s], col[s]) for col in (ts.lon, ts.lat, ts.alt))
            )
        )
        for s in tr
    ]
    return float(grid[np.argmin(np.linalg.norm(xyz[0] - xyz[1], axis=0))])


def test_snapshot_cpa_with_pair_is_that_pairs_cpa(capsys, tmp_path):
    out = tmp_path / "pair.png"
    rc, stdout, err = run(
        capsys,
        "snapshot",
        SAMPLE,
        "--time",
        "cpa",
        "--pair",
        "301",
        "302",
        "--out",
        out,
        "--width",
        320,
        "--height",
        200,
    )
    assert rc == 0, err
    when = stdout.rsplit(", ", 1)[1].rstrip(")\n")
    expected = _brute_force_cpa_time("301", "302")  # REAPER 31 / HAVOC 41, 09:03:12
    assert iso_utc(expected)[:16] == "2015-10-10T09:03"
    assert parse_time(when, 0.0) == pytest.approx(expected, abs=0.1)


def test_video_cpa_with_pair_starts_from_that_pairs_cpa(capsys, tmp_path, monkeypatch):
    seen = {}

    def fake_clip(ts, analysis, state, out, times, size, fps, **kw):
        seen.update(state=state, times=times)
        raise ExportError("stop here")

    monkeypatch.setattr(snapshot, "export_clip", fake_clip)
    rc, _, err = run(
        capsys,
        "video",
        SAMPLE,
        "--start",
        "cpa-30",
        "--end",
        "cpa+30",
        "--pair",
        "301",
        "302",
        "--fps",
        1,
        "--out",
        tmp_path / "c.gif",
    )
    assert rc == 1 and "stop here" in err
    expected = _brute_force_cpa_time("301", "302")
    assert seen["times"][0] == pytest.approx(expected - 30, abs=0.1)
    assert seen["times"][-1] == pytest.approx(expected + 29, abs=0.1)
    assert seen["state"].pair == tuple(sorted(_sample_ts().index_of(i) for i in ("301", "302")))


def test_cpa_of_a_pair_beyond_within_is_one_line_usage_error(capsys, tmp_path):
    rc, _, err = run(
        capsys,
        "snapshot",
        SAMPLE,
        "--time",
        "cpa",
        "--pair",
        "301",
        "302",
        "--within",
        "20nm",
        "--out",
        tmp_path / "x.png",
    )
    assert rc == 2 and len(err.strip().splitlines()) == 1
    assert "301 302 is not among the reported pairs" in err and "larger --within" in err
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--time", "+0", "--pair", "101", "999"], "unknown track id '999'"),
        (["--time", "+2:00:00"], "outside the recording"),
        (["--time", "yesterday"], "not a time"),
        (["--time", "+0", "--width", "0"], "--width must be positive"),
    ],
)
def test_snapshot_bad_arguments_are_one_line_exit_2(capsys, tmp_path, args, message):
    rc, _, err = run(capsys, "snapshot", SAMPLE, "--out", tmp_path / "x.png", *args)
    assert rc == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(
    ("speed", "message"),
    [
        ("1e-300", "--speed must be between 0.01 and 1000, not 1e-300"),
        ("0.001", "--speed must be between 0.01 and 1000, not 0.001"),
        ("5000", "--speed must be between 0.01 and 1000, not 5000"),
        ("0.01", "the clip would have 6,000,000 frames, more than the limit of 100,000"),
    ],
)
def test_video_speed_and_frame_count_limits_are_one_line_errors(capsys, tmp_path, speed, message):
    out = tmp_path / "c.gif"
    rc, _, err = run(
        capsys,
        "video",
        SAMPLE,
        "--start",
        "+0",
        "--end",
        "+40:00",
        "--speed",
        speed,
        "--fps",
        25,
        "--out",
        out,
    )
    assert rc == 2 and len(err.strip().splitlines()) == 1
    assert message in err
    assert not out.exists() and not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("cmd", "out"),
    [
        ("snapshot", "x.jpg"),
        ("video", "x.avi"),
        ("report", "x.xlsx"),
        ("snapshot", "nofolder/x.png"),
    ],
)
def test_bad_output_paths_are_usage_errors(capsys, tmp_path, cmd, out):
    extra = {"snapshot": ["--time", "+0"], "video": ["--start", "+0", "--end", "+10"]}
    rc, _, err = run(capsys, cmd, SAMPLE, "--out", tmp_path / out, *extra.get(cmd, []))
    assert rc == 2
    assert len(err.strip().splitlines()) == 1


def test_headless_without_display_in_a_fresh_process(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    out = tmp_path / "headless.png"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "encounter_replay",
            "snapshot",
            str(SAMPLE),
            "--time",
            "+10:00",
            "--width",
            "400",
            "--height",
            "300",
            "--out",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    with Image.open(out) as im:
        assert im.size == (400, 300)


def test_snapshot_of_the_whole_window(capsys, tmp_path):
    out = tmp_path / "window.png"
    rc, _, err = run(
        capsys, "snapshot", SAMPLE, "--time", "cpa", "--window", "--width", 1500, "--height", 950,
        "--out", out,
    )  # fmt: skip
    assert rc == 0, err
    with Image.open(out) as im:
        assert im.size == (1500, 950)
        rgb = np.asarray(im.convert("RGB")).astype(int)
    # the dark theme is applied: most of the window is dark, and it is not one colour
    assert np.median(rgb.sum(axis=-1)) < 3 * 90
    assert rgb.std() > 10


def test_session_supplies_files_time_and_view(capsys, tmp_path):
    from encounter_replay.model.session import Session, save_session

    session = tmp_path / "s.json"
    t = 1_444_468_312.01  # 09:11:52.01Z
    save_session(
        session,
        Session(files=[str(SAMPLE)], time=t, selected_pair=("201", "202"), trail_s=300.0),
    )
    out = tmp_path / "s.png"
    rc, stdout, err = run(capsys, "snapshot", "--session", session, "--out", out)
    assert rc == 0, err
    assert "2015-10-10T09:11:52.010Z" in stdout
    # the session's time and pair, drawn as with explicit options
    rc, _, err = run(
        capsys, "snapshot", SAMPLE, "--time", "2015-10-10T09:11:52.010Z", "--pair", "202", "201",
        "--trail", "5m", "--out", tmp_path / "o.png",
    )  # fmt: skip
    assert rc == 0, err
    with Image.open(out) as a, Image.open(tmp_path / "o.png") as b:
        assert np.array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "--session"), ('{"schema": "something-else"}', "--session")],
)
def test_bad_session_is_one_line_exit_2(capsys, tmp_path, content, message):
    session = tmp_path / "bad.json"
    session.write_text(content)
    rc, _, err = run(capsys, "snapshot", "--session", session, "--out", tmp_path / "x.png")
    assert rc == 2
    assert err.startswith(f"encounter-replay: {message}") and len(err.strip().splitlines()) == 1


def test_no_files_and_no_session_is_a_usage_error(capsys, tmp_path):
    rc, _, err = run(capsys, "snapshot", "--time", "+0", "--out", tmp_path / "x.png")
    assert rc == 2 and "no recordings" in err

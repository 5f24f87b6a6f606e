"""The command line end to end: output shapes, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from encounter_replay.cli import main
from encounter_replay.cli.options import parse_distance

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_tracks"
SAMPLE = SAMPLE_DIR / "syria_oct2015_illustrative.txt.acmi"


def iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_parse_distance():
    assert parse_distance("10nm") == pytest.approx(18520.0)
    assert parse_distance("18.5km") == pytest.approx(18500.0)
    assert parse_distance("1000ft") == pytest.approx(304.8)
    assert parse_distance("300 m") == pytest.approx(300.0)
    assert parse_distance("5") == pytest.approx(9260.0)


def test_info_json_on_every_shared_file(shared_data, capsys):
    files = sorted((shared_data / "acmi").glob("*.acmi")) + sorted(
        (shared_data / "adsb").glob("*.csv.gz")
    )
    for path in files:
        code, out, err = run_cli(["info", str(path), "--json"], capsys)
        assert code == 0, err
        doc = json.loads(out)
        assert set(doc) == {"start", "end", "tracks", "events", "warnings"}
        assert doc["tracks"], path
        assert iso(doc["start"]) <= iso(doc["end"])
        for tr in doc["tracks"]:
            assert set(tr) == {
                "id",
                "name",
                "callsign",
                "class",
                "coalition",
                "samples",
                "start",
                "end",
            }
            assert tr["samples"] > 0 and iso(tr["start"]) <= iso(tr["end"])
            assert tr["start"].endswith("Z")


def test_info_quickstart_counts(shared_data, capsys):
    code, out, _ = run_cli(
        ["info", str(shared_data / "adsb" / "quickstart_2021-10-07.csv.gz"), "--json"], capsys
    )
    doc = json.loads(out)
    assert code == 0
    assert len(doc["tracks"]) == 238
    assert sum(t["samples"] for t in doc["tracks"]) <= 228_564
    assert doc["start"].startswith("2021-10-07T")


def test_info_acmi_ids_as_in_file(shared_data, capsys):
    path = shared_data / "acmi" / "jayscoder__pyacmi__test.acmi"
    text = path.read_text(encoding="utf-8-sig")
    code, out, _ = run_cli(["info", str(path), "--json"], capsys)
    assert code == 0
    ids = {t["id"] for t in json.loads(out)["tracks"]}
    for track_id in ids:
        assert f"\n{track_id}," in text  # written exactly as the file writes it


def test_info_table(shared_data, capsys):
    path = shared_data / "acmi" / "kavinsky__tacview-acmi-parser__simple-acmi.txt.acmi"
    code, out, _ = run_cli(["info", str(path)], capsys)
    assert code == 0
    assert "tracks" in out and "callsign/name" in out


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\xff\xfe garbage \x01\x02", b"hello world\nnot a track\n"],
    ids=["empty", "binary", "text"],
)
def test_bad_input_gives_one_line_and_nonzero_exit(tmp_path, content):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    proc = subprocess.run(
        [sys.executable, "-m", "encounter_replay", "info", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "bad.csv" in lines[0]
    assert "Traceback" not in proc.stderr


def test_missing_file(capsys):
    code, _, err = run_cli(["info", "/nonexistent/x.acmi"], capsys)
    assert code == 1 and "no such file" in err


def test_sample_encounter_info(capsys):
    if not SAMPLE.exists():
        pytest.fail(f"sample encounter missing: {SAMPLE}")
    code, out, _ = run_cli(["info", str(SAMPLE), "--json"], capsys)
    doc = json.loads(out)
    assert code == 0
    coalitions = {t["coalition"] for t in doc["tracks"] if t["class"] == "aircraft"}
    assert {"Blue", "Red"} <= coalitions


def test_analyze_json_shape(capsys):
    code, out, err = run_cli(["analyze", str(SAMPLE), "--json", "--within", "30nm"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert {"settings", "pairs", "warnings"} <= set(doc)
    slants = [p["cpa_slant_m"] for p in doc["pairs"] if p["cpa_slant_m"] is not None]
    assert slants and slants == sorted(slants)
    assert all(s <= 30 * 1852 for s in slants)
    keys = {
        "a",
        "b",
        "a_name",
        "b_name",
        "cpa_time",
        "cpa_slant_m",
        "cpa_horizontal_m",
        "cpa_vertical_m",
        "closure_mps",
        "min_horizontal_m",
        "min_horizontal_time",
        "visual_contact",
        "loss_of_separation",
    }
    for p in doc["pairs"]:
        assert keys <= set(p)


def test_analyze_within_filters(capsys):
    _, out_all, _ = run_cli(["analyze", str(SAMPLE), "--json", "--within", "50nm"], capsys)
    _, out_near, _ = run_cli(["analyze", str(SAMPLE), "--json", "--within", "5nm"], capsys)
    all_pairs = json.loads(out_all)["pairs"]
    near = json.loads(out_near)["pairs"]
    assert len(near) < len(all_pairs)
    assert [p for p in all_pairs if p["cpa_slant_m"] <= 5 * 1852] == near


def test_analyze_bad_arguments(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["analyze", str(SAMPLE), "--visual-range", "ten miles"])
    assert exc.value.code == 2
    code, _, err = run_cli(["analyze", str(SAMPLE), "--include", "spaceship"], capsys)
    assert code == 2 and "spaceship" in err


def test_python_dash_m_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "encounter_replay", "info", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and "--json" in proc.stdout


def test_readme_commands_exist():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    first_block = readme.split("```bash", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(first_block) == 2
    assert "sample_tracks/syria_oct2015_illustrative.txt.acmi" in first_block[0]
    assert (SAMPLE_DIR / "syria_oct2015_illustrative.txt.acmi").name in first_block[0]


def test_analyze_table_shows_dashes_for_unknown_figures(tmp_path, capsys):
    # Two tracks without any altitude: horizontal figures exist, slant and vertical do not.
    rows = ["timestamp,id,latitude,longitude"]
    for s in range(0, 120, 2):
        t = f"2021-10-07T12:{s // 60:02d}:{s % 60:02d}Z"
        rows.append(f"{t},A,48.0,{2.0 + s * 0.001:.4f}")
        rows.append(f"{t},B,48.01,{2.1 - s * 0.001:.4f}")
    path = tmp_path / "noalt.csv"
    path.write_text("\n".join(rows) + "\n")
    code, out, err = run_cli(["analyze", str(path)], capsys)
    assert code == 0, err
    line = next(row for row in out.splitlines() if row.startswith("A / B"))
    assert "nan" not in line and " - " in line


@pytest.mark.parametrize("arg", ["0", "0nm", "-5nm"])
def test_zero_or_negative_distances_are_usage_errors(arg):
    with pytest.raises(SystemExit) as exc:
        main(["analyze", str(SAMPLE), "--within", arg])
    assert exc.value.code == 2


def test_info_on_a_recording_without_positions(tmp_path, capsys):
    path = tmp_path / "nopos.txt.acmi"
    path.write_text(
        "FileType=text/acmi/tacview\nFileVersion=2.2\n0,ReferenceTime=2015-10-10T09:00:00Z\n"
        "#0\n1,Name=Ghost,Type=Air+FixedWing\n"
    )
    code, out, _ = run_cli(["info", str(path)], capsys)
    assert code == 0 and "no positions to replay" in out and "None" not in out


def test_visual_range_per_aircraft_type(capsys):
    # At the default 10 NM only VIPER 11 / SOKOL 02 (9.3 NM at CPA) sees the other flight;
    # giving the Su-30SM a 15 NM range brings in every US–Russian fighter pair.
    def contacts(extra):
        _, out, _ = run_cli(["analyze", str(SAMPLE), "--json", *extra], capsys)
        return {
            (p["a_name"], p["b_name"])
            for p in json.loads(out)["pairs"]
            if p["visual_contact"]
            and "VIPER" in p["a_name"] + p["b_name"]
            and "SOKOL" in p["a_name"] + p["b_name"]
        }

    assert len(contacts([])) == 1
    assert len(contacts(["--visual-range-for", "su-30sm=15nm"])) == 4
    assert len(contacts(["--visual-range-for", "F-16C-50=15nm"])) == 4

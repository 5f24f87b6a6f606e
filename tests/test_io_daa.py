"""DAIDALUS .daa reader: NASA's scenarios, units, errors with lines, round trip, fuzzing."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encounter_replay.io import read_file, sniff
from encounter_replay.io.daa import read_daa
from encounter_replay.io.errors import ReadError
from encounter_replay.model.trackset import TrackSet
from reader_checks import assert_same_tracks, check_invariants, find_warning

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_tracks" / "syria_oct2015_illustrative.csv"
FT, KT = 0.3048, 1852.0 / 3600.0

BASIC = """## a comment
NAME lat lon alt vx vy vz time
[none] [deg] [deg] [ft] [knot] [knot] [fpm] [s]
Own, 40.0, -74.0, 10000, 0, 120, 0, 0
Bad, 40.1, -74.1, 10500, -120, 0, 500, 0
Own, 40.001, -74.0, 10000, 0, 120, 0, 1
Bad, 40.1, -74.1007, 10508, -120, 0, 500, 1
"""


def write(tmp_path: Path, text: str, name: str = "t.daa") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "name", ["C0_0_120.daa", "C1_0_120_W.daa", "H0_0_120.daa", "H1.daa", "H1_SUM.daa"]
)
def test_nasa_scenarios_load(shared_data, name):
    ts = read_file(shared_data / "daa" / name)
    check_invariants(ts)
    assert ts.ids[0] == "Ownship" and len(ts) == 2
    assert ts.warnings == []
    own = ts.track_slice(0)
    assert np.all(np.diff(ts.t[own]) == 1.0)  # states every second
    assert 4000 < ts.alt[own][0] < 6000  # 15,000–17,000 ft in metres


def test_units_and_velocity_forms(shared_data):
    c0 = read_file(shared_data / "daa" / "C0_0_120.daa")  # trk/gs/vs
    s = c0.track_slice(1)
    assert c0.alt[s][0] == pytest.approx(15000 * FT)
    assert c0.speed[s][0] == pytest.approx(120 * KT)
    assert c0.heading[s][0] == pytest.approx(90.0)
    h1 = read_file(shared_data / "daa" / "H1.daa")  # vx/vy/vz, comma separated
    s = h1.track_slice(1)
    assert h1.speed[s][0] == pytest.approx(600 * KT)
    assert h1.heading[s][0] == pytest.approx(180.0)


def test_basic_file_metric_units_and_defaults(tmp_path):
    ts = read_daa(write(tmp_path, BASIC))
    check_invariants(ts)
    assert ts.ids == ["Own", "Bad"]
    assert ts.alt[ts.track_slice(1)][1] == pytest.approx(10508 * FT)
    assert ts.heading[ts.track_slice(1)][0] == pytest.approx(270.0)
    metric = BASIC.replace("[ft] [knot] [knot] [fpm]", "[m] [m/s] [m/s] [m/s]")
    ts = read_daa(write(tmp_path, metric))
    assert ts.alt[0] == 10000.0 and ts.speed[0] == 120.0
    no_units = "\n".join(x for x in BASIC.splitlines() if not x.startswith("[none]"))
    ts = read_daa(write(tmp_path, no_units))  # DAIDALUS's defaults: ft, knots
    assert ts.alt[0] == pytest.approx(10000 * FT) and ts.speed[0] == pytest.approx(120 * KT)


def test_sniffed_by_extension_and_read_gzipped(tmp_path):
    p = write(tmp_path, BASIC)
    assert sniff(p) == "daa"
    gz = tmp_path / "t.daa.gz"
    gz.write_bytes(gzip.compress(BASIC.encode()))
    assert sniff(gz) == "daa"
    assert read_file(gz).ids == ["Own", "Bad"]


def test_bad_rows_are_warnings_naming_their_line(tmp_path):
    text = BASIC + "Own, 95.0, -74.0, 10000, 0, 120, 0, 2\nOwn, 40.002, -74.0, 1e4, 0, 120\n"
    text += "Own, 40.003, -74.0, high, 0, 120, 0, 4\nOwn, 40.004, -74.0, 10000, 0, 120, 0, x\n"
    ts = read_daa(write(tmp_path, text))
    check_invariants(ts)
    assert find_warning(ts, "valid lat/lon").line == 8
    assert find_warning(ts, "exactly 8 fields").line == 9
    assert find_warning(ts, "altitude is not a number").line == 10
    assert find_warning(ts, "time is not a plausible number").line == 11
    assert np.isnan(ts.alt[ts.track_slice(0)][-1])


@pytest.mark.parametrize(
    ("text", "needle", "line"),
    [
        ("", "no header line", None),
        ("## only a comment\n", "no header line", None),
        ("NAME lat lon time\n", "lacks column(s) alt", 1),
        ("NAME sx sy sz time\n", "Euclidean", 1),
        ("lat NAME lon alt time\n", "first column must be", 1),
        ("NAME lat lon alt time\n[none] [deg] [deg] [furlong] [s]\nA 1 2 3 0\n", "furlong", 2),
        ("NAME lat lon alt time\n[none] [deg] [deg] [ft] [s]\n", "no aircraft states", 1),
        ("NAME lat lon alt time\nA 91 2 3 0\n", "no usable rows", 2),
    ],
)
def test_errors_name_the_file_and_line(tmp_path, text, needle, line):
    p = write(tmp_path, text)
    with pytest.raises(ReadError) as err:
        read_file(p) if text else read_daa(p)
    assert needle in str(err.value) and str(p) in str(err.value)
    assert err.value.line == line


def write_daa(ts: TrackSet, path: Path) -> None:
    rows = ["NAME lat lon alt time", "[none] [deg] [deg] [m] [s]"]
    for k, ident in enumerate(ts.ids):
        s = ts.track_slice(k)
        for la, lo, al, t in zip(ts.lat[s], ts.lon[s], ts.alt[s], ts.t[s], strict=True):
            rows.append(
                " ".join([ident.replace(" ", "_"), *(repr(float(x)) for x in (la, lo, al, t))])
            )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_round_trip_of_the_sample_encounter(tmp_path):
    original = read_file(SAMPLE)
    original.meta["id"] = [i.replace(" ", "_") for i in original.ids]
    p = tmp_path / "sample.daa"
    write_daa(original, p)
    assert_same_tracks(read_file(p), original)


FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _read_bytes(tmp_path: Path, data: bytes) -> TrackSet | None:
    path = tmp_path / "fuzz.daa"
    path.write_bytes(data)
    try:
        out = read_daa(path)
    except ReadError as err:
        assert err.path == str(path) and err.message
        return None
    check_invariants(out)
    return out


def test_fuzz_base_file_is_valid(tmp_path):
    assert _read_bytes(tmp_path, BASIC.encode()) is not None


@FUZZ
@given(data=st.binary(max_size=300))
def test_fuzz_arbitrary_bytes(tmp_path, data):
    _read_bytes(tmp_path, data)


@FUZZ
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(BASIC)), st.integers(0, 12), st.binary(max_size=8)),
        min_size=1,
        max_size=4,
    )
)
def test_fuzz_mutations_of_a_valid_file(tmp_path, edits):
    data = bytearray(BASIC.encode())
    for pos, cut, insert in edits:
        pos = min(pos, len(data))
        data[pos : pos + cut] = insert
    _read_bytes(tmp_path, bytes(data))

"""readsb / tar1090 trace JSON reader: hand-written traces, errors, fuzzing.

Expected values are worked out by hand from the numbers in the files: time = timestamp +
dt, feet × 0.3048, knots × 1852/3600.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encounter_replay.io import limits, read_file, sniff
from encounter_replay.io.errors import ReadError
from encounter_replay.io.options import ReadOptions
from encounter_replay.io.readsb import read_readsb
from encounter_replay.model.trackset import TrackSet
from reader_checks import check_invariants, find_warning

BASE = 1663259853.016
DETAILS = {"type": "adsb_icao", "flight": "DLH7YA  ", "alt_geom": 25875, "category": "A3"}
TRACE = {
    "icao": "3c66b0",
    "r": "D-AIUP",
    "t": "A320",
    "dbFlags": 0,
    "desc": "AIRBUS A-320",
    "timestamp": BASE,
    "trace": [
        [
            7016.59,
            49.2633,
            10.614239,
            25125,
            446.5,
            309.0,
            0,
            -2176,
            DETAILS,
            "adsb_icao",
            25875,
            -2208,
            335,
            -10.7,
        ],
        [
            7024.85,
            49.273589,
            10.593278,
            24825,
            446.0,
            306.6,
            0,
            -2176,
            None,
            "adsb_icao",
            25550,
            -2144,
            337,
            -1.6,
        ],
        [
            7035.67,
            49.286865,
            10.56589,
            "ground",
            12.0,
            306.5,
            1,
            None,
            None,
            "adsb_icao",
            None,
            None,
            None,
            None,
        ],
        [7046.71, 49.300403, 10.537985, None, None, None, 2, None, None],
        [7057.8, 49.314042, 10.509941, 23625, 445.2, 306.7],
    ],
}


def write(tmp_path: Path, doc, name: str = "trace_full_3c66b0.json", gz: bool = False) -> Path:
    p = tmp_path / name
    data = (doc if isinstance(doc, str) else json.dumps(doc)).encode()
    p.write_bytes(gzip.compress(data) if gz else data)
    return p


def read(path: Path) -> TrackSet:
    return read_readsb(path, ReadOptions())


# ----------------------------------------------------------------------------- forms


def test_one_trace(tmp_path):
    out = read(write(tmp_path, TRACE))
    check_invariants(out)
    assert out.ids == ["3c66b0"]
    row = out.meta.iloc[0]
    assert (row["callsign"], row["name"], row["type"], row["cls"]) == (
        "DLH7YA",
        "DLH7YA",
        "A320",
        "aircraft",
    )
    np.testing.assert_allclose(
        out.t - 1663259853,
        [0.016 + 7016.59, 0.016 + 7024.85, 0.016 + 7035.67, 0.016 + 7046.71, 0.016 + 7057.8],
        atol=1e-6,
    )
    np.testing.assert_array_equal(out.lat, [49.2633, 49.273589, 49.286865, 49.300403, 49.314042])
    np.testing.assert_array_equal(out.lon, [10.614239, 10.593278, 10.56589, 10.537985, 10.509941])
    np.testing.assert_allclose(
        out.alt, [7658.1, 7566.66, np.nan, np.nan, 7200.9], rtol=0, atol=1e-9
    )  # 25125 ft = 7658.1 m, 24825 ft = 7566.66 m, 23625 ft = 7200.9 m
    np.testing.assert_allclose(
        out.speed, [229.69944444, 229.44222222, 6.17333333, np.nan, 229.03066667], atol=1e-6
    )  # 446.5 kt × 1852 / 3600 …
    np.testing.assert_array_equal(out.heading, [309.0, 306.6, 306.5, np.nan, 306.7])
    np.testing.assert_array_equal(out.roll, [-10.7, -1.6, np.nan, np.nan, np.nan])
    w = find_warning(out, '"ground"')
    assert w.count == 1 and "trace[2]" in w.message and w.line is None
    assert len(out.warnings) == 1  # null altitude is unknown, not a bad record


def test_gzip_whatever_the_name(tmp_path):
    plain = read(write(tmp_path, TRACE))
    for name in ("trace_full_3c66b0.json", "trace.json.gz", "trace"):
        p = write(tmp_path, TRACE, name=name, gz=True)
        assert sniff(p) == "readsb"
        out = read_file(p)
        assert out.ids == plain.ids and np.array_equal(out.t, plain.t)


def test_list_of_traces_and_same_icao_merged(tmp_path):
    later = {
        "icao": "3c66b0",
        "timestamp": BASE + 86400,
        "trace": [[0, 50.0, 11.0, 1000, 100, 90, 0, 0, {"flight": "DLH8  "}]],
    }
    other = {
        "icao": "~abc123",
        "timestamp": 1700000000,
        "r": "",
        "desc": "TUG",
        "trace": [[1.5, 1, 2, "ground", 5, 10, 0, 0, {"category": "C2"}]],
    }
    out = read(write(tmp_path, [TRACE, other, later]))
    check_invariants(out)
    assert out.ids == ["3c66b0", "~abc123"]
    assert out.n_samples == 5 + 1 + 1
    s = out.track_slice(0)
    assert out.t[s][-1] == BASE + 86400 and out.lat[s][-1] == 50.0
    assert out.meta["callsign"][0] == "DLH7YA"  # first one seen
    assert (out.meta["cls"][1], out.meta["type"][1], out.meta["name"][1]) == (
        "ground",
        "TUG",
        "~abc123",
    )
    assert out.t[out.track_slice(1)].tolist() == [1700000001.5]
    assert find_warning(out, '"ground"').count == 2


def test_bad_entries_are_one_warning_with_the_first_example(tmp_path):
    doc = dict(TRACE)
    doc["trace"] = [
        *TRACE["trace"][:2],
        [7030, 91.0, 10.0, 1000],
        [7031, None, 10.0, 1000],
        "junk",
        [7032],
        [7033, 49.0, "10", 1000],
        [7034, 49.0, 10.0, "high"],
        [7024.85, 49.4, 10.0, 1000],  # repeats an earlier time
    ]
    out = read(write(tmp_path, doc))
    check_invariants(out)
    np.testing.assert_array_equal(out.lat, [49.2633, 49.273589, 49.0])
    w = find_warning(out, "without a usable time offset or position")
    assert w.count == 3 and "trace[2]" in w.message and "91.0" in w.message
    w = find_warning(out, "not [dt, lat, lon")
    assert w.count == 2 and "trace[4]" in w.message
    assert "trace[7]" in find_warning(out, "altitude is not a number").message
    assert find_warning(out, "repeat an earlier time").count == 1


def test_list_item_that_is_not_a_trace(tmp_path):
    out = read(write(tmp_path, [TRACE, {"hex": "abc"}, 5]))
    assert out.ids == ["3c66b0"]
    w = find_warning(out, "not readsb trace objects")
    assert w.count == 2 and "list item 2" in w.message


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("content", "needle", "line"),
    [
        ("", "empty", None),
        ("  \n", "white space", None),
        ('{"icao": "abc",\n "timestamp": 1,\n "trace": [[1, 2, 3]\n', "malformed JSON", 4),
        ('{"icao": "abc", "timestamp": 1,\n "trace": [[1, 2, 3],]}', "malformed JSON", 2),
        ("42", "found a JSON int", 1),
        ("[]", "no trace objects", 1),
        ('{"hex": "abc"}', 'no "icao"', 1),
        ('{"icao": "abc", "timestamp": "today", "trace": []}', '"timestamp"', 1),
        ('{"icao": "abc", "timestamp": 1, "trace": {}}', 'no "trace" list', 1),
        ('{"icao": "abc", "timestamp": 1, "trace": []}', "no usable positions", None),
        ('{"icao": "a", "timestamp": 1, "trace": [[1, 95, 3]]}', "no usable positions", None),
        ("[1, 2]", "no usable positions", None),
        ("[" * 100000, "nested too deeply", None),
    ],
)
def test_unusable_files_raise_read_error(tmp_path, content, needle, line):
    p = write(tmp_path, content)
    with pytest.raises(ReadError) as err:
        read(p)
    assert needle in err.value.message and err.value.line == line
    assert err.value.path == str(p)


def test_binary_and_corrupt_gzip(tmp_path):
    p = tmp_path / "x.json"
    p.write_bytes(b'{"icao": "\xff\xfe"}')
    with pytest.raises(ReadError) as err:
        read(p)
    assert "UTF-8" in err.value.message and err.value.line == 1
    good = gzip.compress(json.dumps(TRACE).encode())
    p.write_bytes(good[: len(good) // 2])
    with pytest.raises(ReadError) as err:
        read(p)
    assert "corrupt or truncated" in err.value.message


def test_size_limit(tmp_path, monkeypatch):
    p = write(tmp_path, TRACE, gz=True)
    monkeypatch.setitem(limits.TEXT_CAP, "json", 500)
    with pytest.raises(ReadError) as err:
        read(p)
    assert "limit" in err.value.message


# ----------------------------------------------------------------------------- fuzzing

FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
VALID = json.dumps(TRACE)


def _read_bytes(tmp_path: Path, data: bytes) -> TrackSet | None:
    path = tmp_path / "fuzz.json"
    path.write_bytes(data)
    try:
        out = read_readsb(path, ReadOptions())
    except ReadError as err:
        assert err.path == str(path) and err.message
        return None
    assert isinstance(out, TrackSet)
    check_invariants(out)
    return out


def test_fuzz_base_file_is_valid(tmp_path):
    assert _read_bytes(tmp_path, VALID.encode()) is not None


@FUZZ
@given(data=st.binary(max_size=400))
def test_fuzz_arbitrary_bytes(tmp_path, data):
    _read_bytes(tmp_path, data)
    _read_bytes(tmp_path, gzip.compress(data))


@FUZZ
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(VALID)), st.integers(0, 12), st.binary(max_size=8)),
        min_size=1,
        max_size=4,
    )
)
def test_fuzz_mutations_of_a_valid_file(tmp_path, edits):
    data = bytearray(VALID.encode())
    for pos, cut, insert in edits:
        pos = min(pos, len(data))
        data[pos : pos + cut] = insert
    _read_bytes(tmp_path, bytes(data))


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | st.sampled_from(["ground", "3c66b0"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)
_number = st.one_of(st.floats(-200, 200), st.integers(-200, 200), _json)


@FUZZ
@given(
    icao=st.one_of(st.text(max_size=8), _json),
    stamp=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(), _json),
    entries=st.lists(
        st.one_of(st.lists(_number, max_size=15), _json),
        max_size=8,
    ),
    as_list=st.booleans(),
)
def test_fuzz_structured_traces(tmp_path, icao, stamp, entries, as_list):
    doc = {"icao": icao, "timestamp": stamp, "trace": entries}
    text = json.dumps([doc, doc] if as_list else doc)
    _read_bytes(tmp_path, text.encode("utf-8", "surrogatepass"))

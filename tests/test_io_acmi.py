"""Tacview ACMI 2.x reader: hand-written edge cases, every shared real recording, fuzzing.

Expected values come from the spec text and from reading the files by hand (grep/awk on
the shared recordings; commands quoted beside the numbers), never from running the reader.
"""

from __future__ import annotations

import gzip
import io
import math
import struct
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encounter_replay.io import ReadError, ReadOptions, limits, read_file
from encounter_replay.io.acmi import read_acmi
from encounter_replay.io.acmi_events import parse_event
from encounter_replay.io.acmi_types import classify_type, coalition_from_color
from encounter_replay.model import TrackSet

#: numpy overflow/invalid warnings would mean garbage reached the arrays unchecked.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

HEADER = "FileType=text/acmi/tacview\nFileVersion=2.2\n"
OPTS = ReadOptions()


def write(tmp_path: Path, body: str, *, name: str = "rec.txt.acmi", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_bytes((header + body).encode("utf-8"))
    return path


def read(tmp_path: Path, body: str, **kw) -> TrackSet:
    return read_acmi(write(tmp_path, body, **kw), OPTS)


def track(ts: TrackSet, track_id: str) -> dict[str, np.ndarray]:
    sl = ts.track_slice(ts.index_of(track_id))
    return {
        name: getattr(ts, name)[sl]
        for name in ("t", "lat", "lon", "alt", "heading", "roll", "pitch", "speed")
    }


def meta(ts: TrackSet, track_id: str) -> dict[str, str]:
    return ts.meta.iloc[ts.index_of(track_id)].to_dict()


def messages(ts: TrackSet) -> str:
    return "\n".join(str(w) for w in ts.warnings)


def utc(*args: int, us: int = 0) -> float:
    return datetime(*args, us, tzinfo=UTC).timestamp()


REF = "0,ReferenceTime=2011-06-02T05:00:00Z\n"
T0 = utc(2011, 6, 2, 5, 0, 0)


# ---------------------------------------------------------------------------- basics
def test_spec_example(tmp_path):
    """The two-frame example of the spec: an empty field keeps the previous value."""
    ts = read(
        tmp_path,
        REF
        + "#47.13\n3000102,T=41.6251307|41.5910417|2000.14,Name=C172\n#49\n3000102,T=41.626||\n",
    )
    assert ts.ids == ["3000102"]
    tr = track(ts, "3000102")
    np.testing.assert_allclose(tr["t"] - T0, [47.13, 49.0], atol=1e-6)
    np.testing.assert_allclose(tr["lon"], [41.6251307, 41.626])
    np.testing.assert_allclose(tr["lat"], [41.5910417, 41.5910417])
    np.testing.assert_allclose(tr["alt"], [2000.14, 2000.14])
    assert np.isnan(tr["heading"]).all() and np.isnan(tr["speed"]).all()
    m = meta(ts, "3000102")
    assert (
        m["name"] == "C172"
        and m["cls"] == "aircraft"
        and m["source"] == str(tmp_path / "rec.txt.acmi")
    )
    assert "1 objects without Type treated as aircraft" in messages(ts)


def test_bom_and_crlf_give_the_same_result(tmp_path):
    body = REF + "#1\na01,T=1|2|3,Type=Air+FixedWing,Name=X\n#2\na01,T=1.5|2|3\n"
    plain = read_acmi(write(tmp_path, body, name="a.txt.acmi"), OPTS)
    path = tmp_path / "b.txt.acmi"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + body).replace("\n", "\r\n").encode())
    crlf = read_acmi(path, OPTS)
    np.testing.assert_array_equal(plain.t, crlf.t)
    np.testing.assert_array_equal(plain.lon, crlf.lon)
    assert list(crlf.meta["name"]) == ["X"] and crlf.warnings == plain.warnings == []


def test_escaped_commas_and_pipes_in_text(tmp_path):
    body = (
        REF
        + "0,Briefing=Tanker\\, 225 AM\\, Tacan 33Y\n"
        + "#1\na01,T=1|2|3,Type=Air+FixedWing,Name=Foo\\, Bar,Pilot=Tracer 1-1 | Apothecary\n"
    )
    ts = read(tmp_path, body)
    m = meta(ts, "a01")
    assert m["name"] == "Foo, Bar"
    assert m["callsign"] == "Tracer 1-1 | Apothecary"  # '|' splits only T and Event
    assert ts.warnings == []


def test_line_continuation_keeps_line_breaks_and_line_numbers(tmp_path):
    body = (
        REF  # line 3
        + "0,Title=Dogfight with A-10.\\\n"  # 4
        + "2 IR missiles and guns.\\\n"  # 5
        + "\\\n"  # 6
        + "DCSW 1.2.4\n"  # 7
        + "#1\n"  # 8
        + "garbage line\n"  # 9
        + "a01,T=1|2|3,Type=Air\n"  # 10
    )
    ts = read(tmp_path, body)
    assert ts.title == "Dogfight with A-10.\n2 IR missiles and guns.\n\nDCSW 1.2.4"
    (bad,) = [w for w in ts.warnings if "malformed" in w.message]
    assert bad.line == 9 and bad.count == 1 and "garbage line" in bad.message


def test_file_ending_inside_a_continuation(tmp_path):
    ts = read(tmp_path, REF + "#1\na01,T=1|2|3,Type=Air\n0,Comments=first\\\nsecond\\\n")
    assert len(ts) == 1
    assert "ends inside a continued line" in messages(ts)


def test_file_ending_with_a_lone_backslash(tmp_path):
    """A final line that is only '\\' (nothing to join) was an IndexError."""
    ts = read(tmp_path, REF + "#1\na01,T=1|2|3,Type=Air\n\\")
    assert ts.ids == ["a01"]
    (w,) = [w for w in ts.warnings if "ends inside a continued line" in w.message]
    assert w.line == 6


# ---------------------------------------------------------------------------- transforms
def test_transform_forms_decided_per_line(tmp_path):
    body = (
        REF
        + "0,ReferenceLongitude=30\n0,ReferenceLatitude=40\n"
        + "#1\n"
        + "1,T=1|2|300,Type=Air\n"  # 3 fields
        + "2,T=1|2|300|111|222,Type=Air\n"  # 5 fields: U/V are not positions
        + "3,T=1|2|300|10|5|90,Type=Air\n"  # 6 fields
        + "4,T=1|2|300|10|5|90|111|222|86,Type=Air\n"  # 9 fields: Yaw is true north
        + "5,T=1|2|300||||111|222|86,Type=Air\n"  # 9 fields, no Yaw: fall back to Heading
        + "#2\n"
        + "4,T=1.5|2.5||333|444\n"  # 5 fields after 9: attitude and altitude kept
        + "3,T=1.5||\n"  # 3 fields after 6: attitude kept
    )
    ts = read(tmp_path, body)
    assert ts.warnings == []
    for k in "12345":
        tr = track(ts, k)
        assert tr["lon"][0] == pytest.approx(31.0) and tr["lat"][0] == pytest.approx(42.0)
        assert tr["alt"][0] == pytest.approx(300.0)
    assert np.isnan(track(ts, "1")["heading"][0]) and np.isnan(track(ts, "2")["roll"][0])
    t3, t4, t5 = track(ts, "3"), track(ts, "4"), track(ts, "5")
    assert (t3["roll"][0], t3["pitch"][0], t3["heading"][0]) == (10.0, 5.0, 90.0)
    assert t4["heading"][0] == 90.0 and t5["heading"][0] == 86.0 and np.isnan(t5["roll"][0])
    np.testing.assert_allclose(t4["lon"], [31.0, 31.5])
    np.testing.assert_allclose(t4["lat"], [42.0, 42.5])
    np.testing.assert_allclose(t4["alt"], [300.0, 300.0])
    np.testing.assert_allclose(t4["roll"], [10.0, 10.0])
    np.testing.assert_allclose(t4["heading"], [90.0, 90.0])
    np.testing.assert_allclose(t3["lon"], [31.0, 31.5])
    np.testing.assert_allclose(t3["heading"], [90.0, 90.0])


def test_empty_fields_on_first_line_are_unknown(tmp_path):
    body = (
        REF
        + "#1\n1,T=1|2|,Type=Air\n2,T=|2|100,Type=Air\n3,T=||50,Type=Air\n#2\n2,T=5||\n#3\n1,T=||70\n"
    )
    ts = read(tmp_path, body)
    t1 = track(ts, "1")
    assert np.isnan(t1["alt"][0]) and t1["alt"][1] == 70.0  # unknown, then known
    t2 = track(ts, "2")  # longitude unknown at t=1: that sample cannot be placed
    np.testing.assert_allclose(t2["t"] - T0, [2], atol=1e-6)
    np.testing.assert_allclose([t2["lon"][0], t2["lat"][0], t2["alt"][0]], [5, 2, 100])
    assert "3" not in ts.ids  # never a known position: no track at all
    (w,) = [w for w in ts.warnings if "without a known longitude" in w.message]
    assert w.count == 2 and w.line == 6 and "(2 objects)" in w.message


def test_reference_offsets_absent_and_longitude_wrap(tmp_path):
    ts = read(tmp_path, REF + "#1\n1,T=-122.5|37.25|10,Type=Air\n")
    assert track(ts, "1")["lon"][0] == -122.5 and track(ts, "1")["lat"][0] == 37.25
    body = REF + "0,ReferenceLongitude=179\n0,ReferenceLatitude=-43\n#1\n1,T=2|0.5|10,Type=Air\n"
    tr = track(read(tmp_path, body), "1")
    assert tr["lon"][0] == pytest.approx(-179.0) and tr["lat"][0] == pytest.approx(-42.5)


def test_latitude_out_of_range_dropped_with_warning(tmp_path):
    ts = read(tmp_path, REF + "#1\n1,T=1|2|3,Type=Air\n#2\n1,T=1|95|3\n")
    assert len(track(ts, "1")["t"]) == 1
    (w,) = [w for w in ts.warnings if "out of range" in w.message]
    assert w.line == 7 and w.count == 1
    ts = read(tmp_path, REF + "#1\n1,T=1|2|3,Type=Air\n#2\n1,T=400|2|3\n#3\n1,T=179.5|2|3\n")
    np.testing.assert_allclose(track(ts, "1")["lon"], [1, 179.5])  # 400° is no longitude


def test_reference_changed_after_positions_warns(tmp_path):
    body = REF + "0,ReferenceLongitude=10\n#1\n1,T=1|2|3,Type=Air\n0,ReferenceLongitude=20\n"
    ts = read(tmp_path, body)
    assert track(ts, "1")["lon"][0] == pytest.approx(21.0)  # the last value applies
    (w,) = [w for w in ts.warnings if "changed after positions" in w.message]
    assert w.line == 7
    same = read(tmp_path, REF + "0,ReferenceLongitude=10\n#1\n1,T=1|2|3,Type=Air\n" + REF)
    assert same.warnings == []  # restating the same value is harmless


def test_ids_are_hex_numbers_shown_as_first_written(tmp_path):
    body = REF + "#1\nA01,T=1|2|3,Type=Air\n#2\na01,T=2|2|3\n#3\n0a01,T=3|2|3\n"
    ts = read(tmp_path, body)
    assert ts.ids == ["A01"]
    np.testing.assert_allclose(track(ts, "A01")["lon"], [1, 2, 3])


# ---------------------------------------------------------------------------- time
def test_fractional_reference_time(tmp_path):
    ts = read(tmp_path, "0,ReferenceTime=2020-12-26T21:04:15.365Z\n#1.5\n1,T=1|2|3,Type=Air\n")
    assert ts.t[0] == pytest.approx(utc(2020, 12, 26, 21, 4, 16, us=865000), abs=1e-6)


def test_missing_reference_time_is_relative_with_warning(tmp_path):
    ts = read(tmp_path, "#1.5\n1,T=1|2|3,Type=Air\n")
    assert ts.t[0] == 1.5
    assert "no ReferenceTime: times are relative" in messages(ts)


def test_bad_reference_time_is_a_malformed_line(tmp_path):
    ts = read(tmp_path, "0,ReferenceTime=yesterday\n#1\n1,T=1|2|3,Type=Air\n")
    text = messages(ts)
    assert "ReferenceTime is not an ISO-8601 time" in text and "times are relative" in text


def test_implausible_frame_time_skips_the_frame_with_its_lines(tmp_path):
    """A stray #1e20 (or #-1e12) frame is dropped with its lines, not laid on the timeline."""
    body = (
        REF
        + "#0\n1,T=5|50|1000,Type=Air\n2,T=5|50.01|1000,Type=Air\n"
        + "#1e20\n1,T=6|50|1000\n0,Event=Message|1|bogus\n"  # lines 7-9
        + "#1\n1,T=5.001|50|1000\n#-1e12\n2,T=7|50|1000\n#2\n2,T=5.002|50.01|1000\n"
    )
    ts = read(tmp_path, body)
    np.testing.assert_allclose(track(ts, "1")["t"] - T0, [0, 1], atol=1e-6)
    np.testing.assert_allclose(track(ts, "1")["lon"], [5, 5.001])
    np.testing.assert_allclose(track(ts, "2")["t"] - T0, [0, 2], atol=1e-6)
    assert len(ts.events) == 0
    (w,) = [w for w in ts.warnings if "implausible time" in w.message]
    assert w.line == 7 and w.count == 5 and "'#1e20'" in w.message  # 2 frame lines + 3 lines
    assert "time goes back" not in messages(ts)  # the stray frame took no part in ordering


def test_frame_time_bound_counts_the_reference_time(tmp_path):
    # 1.3e9 (2011) + 9e9 s is beyond 1e10 s POSIX; 9e9 s alone (no ReferenceTime) is not.
    body = "#0\n1,T=1|2|3,Type=Air\n#9e9\n1,T=1.1|2|3\n"
    with_ref = read(tmp_path, REF + body)
    np.testing.assert_allclose(with_ref.t - T0, [0], atol=1e-6)
    assert "implausible time" in messages(with_ref)
    relative = read(tmp_path, body)
    np.testing.assert_allclose(relative.t, [0, 9e9])
    assert "implausible time" not in messages(relative)


def test_reference_time_set_late_drops_what_it_pushes_out_of_range(tmp_path):
    body = "#9e9\n1,T=1|2|3,Type=Air\n0,Event=Message|1|late\n#9.5e9\n1,T=1.1|2|3\n" + REF
    ts = read(tmp_path, body)
    assert len(ts) == 0 and len(ts.events) == 0
    (w,) = [w for w in ts.warnings if "ReferenceTime set later" in w.message]
    assert w.line == 4 and w.count == 3


def test_consecutive_time_lines_last_wins_and_same_time_last_transform_wins(tmp_path):
    body = REF + "#1\n#2\n#3\n1,T=1|2|3,Type=Air\n1,T=1.1|2|3\n#4\n#3\n1,T=1.2|2|3\n"
    tr = track(read(tmp_path, body), "1")
    np.testing.assert_allclose(tr["t"] - T0, [3], atol=1e-6)  # #3 twice, last transform wins
    np.testing.assert_allclose(tr["lon"], [1.2])


def test_small_backward_steps_are_reordered_silently(tmp_path):
    body = REF + "#10\n1,T=1|2|3,Type=Air\n#10.6\n1,T=3|2|3\n#10.3\n1,T=2|2|3\n"
    ts = read(tmp_path, body)
    tr = track(ts, "1")
    np.testing.assert_allclose(tr["t"] - T0, [10, 10.3, 10.6], atol=1e-6)
    np.testing.assert_allclose(tr["lon"], [1, 2, 3])
    assert ts.warnings == []


def test_large_backward_jump_mid_run_is_reordered_with_warning(tmp_path):
    body = REF + "#0\n1,T=1|2|3,Type=Air\n#100\n1,T=3|2|3\n#50\n1,T=2|2|3\n"
    ts = read(tmp_path, body)
    tr = track(ts, "1")
    np.testing.assert_allclose(tr["t"] - T0, [0, 50, 100], atol=1e-6)
    assert ts.ids == ["1"]
    (w,) = [w for w in ts.warnings if "time goes back" in w.message]
    assert w.line == 8 and "100 s -> 50 s" in w.message


def test_time_restarts_split_into_runs_laid_end_to_end(tmp_path):
    run = "#{a}\n1,T=1|2|3,Name=f16\n2,T=1|2|4,Name=f16\n#{b}\n1,T=1.5|2|3\n2,T=1.5|2|4\n"
    body = REF + run.format(a=0.2, b=10) + run.format(a=0.2, b=5) + run.format(a=0, b=3)
    ts = read(tmp_path, body)
    assert ts.ids == ["1", "2", "1@r2", "2@r2", "1@r3", "2@r3"]
    np.testing.assert_allclose(track(ts, "1")["t"] - T0, [0.2, 10], atol=1e-6)
    # run 2 starts 60 s after run 1's last frame (10 s), run 3 60 s after run 2 ends (75 s)
    np.testing.assert_allclose(track(ts, "2@r2")["t"] - T0, [70, 74.8], atol=1e-6)
    np.testing.assert_allclose(track(ts, "1@r3")["t"] - T0, [134.8, 137.8], atol=1e-6)
    (w,) = [w for w in ts.warnings if "time restarts" in w.message]
    assert w.count == 2 and w.line == 10  # header 2 + REF + 6 lines of run 1, then '#0.2'
    assert (
        "3 runs" in w.message
        and "lines 10, 16" in w.message
        and "run 2 by +69.8 s, run 3 by +134.8 s" in w.message
    )


# ---------------------------------------------------------------------------- objects
def test_removal_ends_track_and_reused_id_is_a_new_track(tmp_path):
    body = (
        REF
        + "#1\na01,T=1|2|3,Type=Weapon+Missile,Name=AIM-9\n#2\na01,T=1.1|2|3\n-a01\n"
        + "#3\n-ffff\n#5\na01,T=5|6|7,Type=Air+FixedWing,Name=F-16C\n"
    )
    ts = read(tmp_path, body)
    assert ts.ids == ["a01", "a01#2"]
    np.testing.assert_allclose(track(ts, "a01")["t"] - T0, [1, 2], atol=1e-6)
    second = track(ts, "a01#2")
    np.testing.assert_allclose(second["t"] - T0, [5], atol=1e-6)
    assert second["lon"][0] == 5 and np.isnan(second["roll"][0])
    assert meta(ts, "a01")["cls"] == "weapon" and meta(ts, "a01#2")["cls"] == "aircraft"
    assert ts.warnings == []


def test_metadata_last_non_empty_value_and_fallbacks(tmp_path):
    body = (
        REF
        + "#1\n1,T=1|2|3,Type=Air+FixedWing,Name=F-16C,Pilot=Maverick,Color=Blue\n"
        + "2,T=1|2|3,Type=Air+FixedWing,Color=Red,Coalition=Allies,CallSign=Viper 1\n"
        + "#2\n1,Coalition=,Name=\n2,Coalition=Enemies,Color=Blue\n"
    )
    ts = read(tmp_path, body)
    m1, m2 = meta(ts, "1"), meta(ts, "2")
    assert (m1["name"], m1["callsign"], m1["coalition"], m1["color"]) == (
        "F-16C",
        "Maverick",
        "Blue",
        "Blue",
    )
    assert (m2["callsign"], m2["coalition"], m2["color"], m2["type"]) == (
        "Viper 1",
        "Enemies",
        "Blue",
        "Air+FixedWing",
    )


@pytest.mark.parametrize(
    ("tags", "cls"),
    [
        ("Air+FixedWing", "aircraft"),
        ("Air+Rotorcraft", "aircraft"),
        ("Weapon+Missile", "weapon"),
        ("Projectile+Shell", "weapon"),
        ("Projectile+Bullet", "weapon"),
        ("Weapon+Bomb", "weapon"),
        ("Weapon+Torpedo", "weapon"),
        ("Misc+Decoy+Chaff", "decoy"),
        ("Misc+Decoy+Flare", "decoy"),
        ("Weapon+Decoy", "decoy"),
        ("Ground+AntiAircraft", "ground"),
        ("Ground+Heavy+Armor+Vehicle+Tank", "ground"),
        ("Sea+Watercraft+AircraftCarrier", "sea"),
        ("Navaid+Static+Bullseye", "reference"),
        ("Navaid+Static+Waypoint", "reference"),
        ("Misc+Shrapnel", "other"),
        ("Misc+Explosion", "other"),
        ("Air+Parachutist", "other"),
        ("Sensor", "other"),
        ("", "other"),
    ],
)
def test_classify_type(tags, cls):
    assert classify_type(tags).value == cls


def test_coalition_from_color():
    assert [coalition_from_color(c) for c in ("Blue", "red", "Grey", "")] == ["Blue", "Red", "", ""]


# ---------------------------------------------------------------------------- events, globals
def test_events(tmp_path):
    body = (
        REF
        + "#1\na01,T=1|2|3,Type=Air\nb01,T=1|2|3,Type=Air\n"
        + "#8.62\n0,Event=Message|a01|Here is a generic event\\, linked to a01\n"
        + "0,Event=Bookmark|Starting precautionary landing practice\n"
        + "#9\n0,Event=Destroyed|b01|\n"
        + "0,Event=Timeout|SourceId:a01|AmmoType:FOX2|AmmoCount:1|Bullseye:50/15000/2500"
        + "|TargetId:b01|IntendedTarget:Leader|Outcome:Kill\n"
        + "0,Event=LeftArea|a01|b01|both gone\n"
    )
    ts = read(tmp_path, body)
    ev = ts.events
    assert list(ev["kind"]) == ["Message", "Bookmark", "Destroyed", "Timeout", "LeftArea"]
    np.testing.assert_allclose(ev["time"] - T0, [8.62, 8.62, 9, 9, 9], atol=1e-6)
    assert list(ev["ids"]) == [("a01",), (), ("b01",), ("a01", "b01"), ("a01", "b01")]
    assert list(ev["text"])[:3] == [
        "Here is a generic event, linked to a01",
        "Starting precautionary landing practice",
        "",
    ]
    assert ev["text"][3].endswith("|Outcome:Kill") and "AmmoType:FOX2" in ev["text"][3]
    assert set(ev["source"]) == {str(tmp_path / "rec.txt.acmi")}
    assert ts.warnings == []


def test_parse_event_keeps_non_id_items_in_text():
    # from kavinsky/tacview-acmi-parser simple-acmi.txt.acmi line 53
    assert parse_event("TestEvent|hahaha:test|hohoho:test|itsAValue") == (
        "TestEvent",
        [],
        "hahaha:test|hohoho:test|itsAValue",
    )
    assert parse_event("Bookmark") == ("Bookmark", [], "")


def test_event_ids_follow_runs_and_reused_ids(tmp_path):
    body = (
        REF
        + "#1\na,T=1|2|3\n#10\n-a\n#11\na,T=1|2|3\n0,Event=Message|a|second a\n#0\na,T=1|2|3\n0,Event=Destroyed|a|\n"
    )
    ev = read(tmp_path, body).events
    assert list(ev["ids"]) == [("a#2",), ("a@r2",)]


def test_global_properties_unknown_keys_are_harmless(tmp_path):
    body = (
        REF
        + "0,Title=Counter Attack,AuthenticationKey=249efff7|294451aa,SomethingNew=42\n"
        + "0,DataSource=DCS 2.5,RecordingTime=2016-02-18T16:44:12Z\n#1\n1,T=1|2|3,Type=Air\n"
        + "0,AuthenticationKey=ce6ffbf|a21ce11\n"
    )
    ts = read(tmp_path, body)
    assert ts.title == "Counter Attack" and ts.warnings == [] and len(ts) == 1


# ---------------------------------------------------------------------------- bad input
def test_garbage_lines_become_one_warning(tmp_path):
    body = (
        REF  # 3
        + "#1\n"  # 4
        + "1,T=1|2|3,Type=Air\n"  # 5
        + "this is not ACMI\n"  # 6
        + "1,T=1|abc|3\n"  # 7: non-numeric field
        + "xyz,T=1|2|3\n"  # 8: malformed id
        + "2,T=1|2|3|4\n"  # 9: four fields
        + "#later\n"  # 10
        + "1,T=1|2|inf\n"  # 11
        + "-g1\n"  # 12
        + "0,Event=|a01|text\n"  # 13: event without a type
        + "#2\n1,T=1.5|2|3\n"
    )
    ts = read(tmp_path, body)
    assert len(ts.events) == 0
    (w,) = [w for w in ts.warnings if "malformed" in w.message]
    assert w.count == 8 and w.line == 6 and "this is not ACMI" in w.message
    assert "(8 occurrences)" in str(w) and str(w).startswith(f"{tmp_path / 'rec.txt.acmi'}:6:")
    np.testing.assert_allclose(track(ts, "1")["lon"], [1, 1.5])
    assert "2" not in ts.ids


def test_bad_line_is_skipped_whole(tmp_path):
    """A line with one bad property changes nothing, not even its good properties."""
    ts = read(tmp_path, REF + "#1\n1,T=1|2|3,Type=Air,Name=A\n#2\n1,T=9|9|9,Name=B,oops\n")
    assert meta(ts, "1")["name"] == "A" and list(track(ts, "1")["lon"]) == [1.0]


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        (b"hello world\nnot a track\n", 1, "not a Tacview ACMI file"),
        (b"\n\nFileType=text/acmi/tacview\n", 1, "not a Tacview ACMI file"),
        (b"FileType=text/csv\nFileVersion=2.2\n", 1, "unsupported ACMI FileType"),
        (b"FileType=text/acmi/tacview\nFileVersion=1.7\n#0\n", 2, "legacy ACMI 1.x not supported"),
        (b"FileVersion=1.1\r\nFileType=text/acmi/tacview\r\n", 1, "legacy ACMI 1.x not supported"),
        (b"\x00\xff\xfe garbage \x01\x02", 1, "not a Tacview ACMI file"),
    ],
)
def test_not_acmi_raises_read_error_with_line(tmp_path, content, line, fragment):
    path = tmp_path / "x.acmi"
    path.write_bytes(content)
    with pytest.raises(ReadError) as err:
        read_acmi(path, OPTS)
    assert err.value.line == line and fragment in err.value.message
    assert str(err.value).startswith(f"{path}:{line}: ")


def test_empty_and_missing_files(tmp_path):
    empty = tmp_path / "e.acmi"
    empty.write_bytes(b"")
    with pytest.raises(ReadError, match="empty"):
        read_acmi(empty, OPTS)
    with pytest.raises(ReadError, match="cannot open"):
        read_acmi(tmp_path / "missing.acmi", OPTS)


def test_header_only_and_header_variants(tmp_path):
    ts = read(tmp_path, "")
    assert len(ts) == 0 and "no object with a known position" in messages(ts)
    swapped = read(
        tmp_path, "#1\n1,T=1|2|3,Type=Air\n", header="FileVersion=2.1\nFileType=text/acmi/tacview\n"
    )
    assert len(swapped) == 1
    no_version = read(tmp_path, "#1\n1,T=1|2|3,Type=Air\n", header="FileType=text/acmi/tacview\n")
    assert len(no_version) == 1 and "no FileVersion" in messages(no_version)
    future = read(
        tmp_path, "#1\n1,T=1|2|3,Type=Air\n", header="FileType=text/acmi/tacview\nFileVersion=3.0\n"
    )
    assert len(future) == 1 and "FileVersion 3.0 is unknown" in messages(future)


def test_truncated_last_line_loads_the_rest_with_warning(tmp_path):
    full = HEADER + REF + "#1\n1,T=1|2|3,Type=Air\n#2\n1,T=1.5|2|3\n#3\n1,T=2|2"
    path = tmp_path / "cut.txt.acmi"
    path.write_bytes(full.encode())
    ts = read_acmi(path, OPTS)
    np.testing.assert_allclose(
        track(ts, "1")["t"] - T0, [1, 2], atol=1e-6
    )  # the cut line is skipped
    (w,) = [w for w in ts.warnings if "does not end with a line break" in w.message]
    assert w.line == 9 and "skipped" in w.message


def test_invalid_utf8_is_replaced_with_warning(tmp_path):
    path = tmp_path / "latin1.txt.acmi"
    path.write_bytes((HEADER + REF + "#1\n").encode() + b"1,T=1|2|3,Type=Air,Name=Mirage \xe9\n")
    ts = read_acmi(path, OPTS)
    assert meta(ts, "1")["name"] == "Mirage \ufffd"
    (w,) = [w for w in ts.warnings if "UTF-8" in w.message]
    assert w.line == 5


# ---------------------------------------------------------------------------- containers
BODY = REF + "#1\na01,T=1|2|3,Type=Air+FixedWing,Name=F-16C\n#2\na01,T=1.5|2|3\n"


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_zip_acmi_reads_like_text(tmp_path):
    text = read(tmp_path, BODY)
    path = _zip(tmp_path / "rec.zip.acmi", {"rec.txt.acmi": (HEADER + BODY).encode()})
    zipped = read_acmi(path, OPTS)
    np.testing.assert_array_equal(zipped.t, text.t)
    np.testing.assert_array_equal(zipped.lon, text.lon)
    assert zipped.ids == ["a01"] and zipped.meta["source"][0] == str(path)
    assert read_file(path).ids == ["a01"]  # through the registry too


@pytest.mark.parametrize(
    ("members", "fragment"),
    [
        ({"a.txt.acmi": b"x", "b.txt.acmi": b"y"}, "holds 2 files"),
        ({}, "holds 0 files"),
        ({"../evil.txt.acmi": b"FileType=text/acmi/tacview\n"}, "unsafe path"),
        ({"/abs/evil.txt.acmi": b"FileType=text/acmi/tacview\n"}, "unsafe path"),
        ({"C:\\evil.txt.acmi": b"FileType=text/acmi/tacview\n"}, "unsafe path"),
    ],
)
def test_zip_rejections(tmp_path, members, fragment):
    path = _zip(tmp_path / "bad.zip.acmi", members)
    with pytest.raises(ReadError, match=fragment):
        read_acmi(path, OPTS)


def test_zip_directory_entries_are_ignored(tmp_path):
    path = tmp_path / "dir.zip.acmi"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("folder/", b"")
        zf.writestr("folder/rec.txt.acmi", (HEADER + BODY).encode())
    assert read_acmi(path, OPTS).ids == ["a01"]


def test_zip_over_the_size_limit_from_header(tmp_path, monkeypatch):
    path = _zip(
        tmp_path / "big.zip.acmi", {"rec.txt.acmi": (HEADER + BODY).encode() + b"\n" * 5000}
    )
    monkeypatch.setitem(limits.TEXT_CAP, "acmi", 4096)
    with pytest.raises(ReadError, match="over the 4096 bytes limit"):
        read_acmi(path, OPTS)


def _patch_zip(data: bytes, *, flags: int | None = None, size: int | None = None) -> bytes:
    """Rewrite the member's flag bits / uncompressed size in both zip headers."""
    buf = bytearray(data)
    local = buf.index(b"PK\x03\x04")
    central = buf.index(b"PK\x01\x02")
    if flags is not None:
        struct.pack_into("<H", buf, local + 6, flags)
        struct.pack_into("<H", buf, central + 8, flags)
    if size is not None:
        struct.pack_into("<I", buf, local + 22, size)
        struct.pack_into("<I", buf, central + 24, size)
    return bytes(buf)


def test_zip_encrypted_member_rejected(tmp_path):
    good = _zip(tmp_path / "g.zip", {"rec.txt.acmi": (HEADER + BODY).encode()}).read_bytes()
    path = tmp_path / "enc.zip.acmi"
    path.write_bytes(_patch_zip(good, flags=0x1))
    with pytest.raises(ReadError, match="encrypted"):
        read_acmi(path, OPTS)


def test_zip_lying_about_its_size_is_caught_while_reading(tmp_path, monkeypatch):
    payload = (HEADER + BODY).encode() + b"// padding\n" * 2000
    good = _zip(
        tmp_path / "g.zip", {"rec.txt.acmi": payload}, method=zipfile.ZIP_STORED
    ).read_bytes()
    path = tmp_path / "liar.zip.acmi"
    path.write_bytes(_patch_zip(good, size=100))  # header claims 100 bytes
    with pytest.raises(ReadError):
        read_acmi(path, OPTS)


def test_size_limit_is_enforced_while_reading(tmp_path, monkeypatch):
    """gzip headers carry no trustworthy size: the count while reading must stop it."""
    path = tmp_path / "bomb.txt.acmi.gz"
    path.write_bytes(gzip.compress((HEADER + BODY).encode() + b"\n" * 100_000))
    monkeypatch.setitem(limits.TEXT_CAP, "acmi", 10_000)
    with pytest.raises(ReadError, match="exceeds the 10000 bytes limit"):
        read_acmi(path, OPTS)


def test_plain_file_over_the_limit(tmp_path, monkeypatch):
    path = write(tmp_path, BODY)
    monkeypatch.setitem(limits.TEXT_CAP, "acmi", 50)
    with pytest.raises(ReadError, match="over the 50 bytes limit"):
        read_acmi(path, OPTS)


def test_not_a_zip_despite_magic(tmp_path):
    path = tmp_path / "broken.zip.acmi"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(ReadError, match="not a readable zip"):
        read_acmi(path, OPTS)


def test_gzip_text_and_truncated_gzip(tmp_path):
    data = gzip.compress((HEADER + BODY).encode())
    path = tmp_path / "rec.txt.acmi.gz"
    path.write_bytes(data)
    assert read_acmi(path, OPTS).ids == ["a01"]
    assert read_file(path).ids == ["a01"]  # the registry sniffs gzip
    cut = tmp_path / "cut.txt.acmi.gz"
    big = (HEADER + REF + "".join(f"#{i}\na01,T={i * 0.01}|2|3\n" for i in range(3000))).encode()
    cut.write_bytes(gzip.compress(big)[:-2000])
    ts = read_acmi(cut, OPTS)
    assert 0 < ts.n_samples < 3000 and "stream ends early" in messages(ts)


def test_7z_is_refused_clearly(tmp_path):
    path = tmp_path / "rec.7z.acmi"
    path.write_bytes(b"7z\xbc\xaf\x27\x1c" + b"\x00" * 30)
    with pytest.raises(ReadError, match="7z"):
        read_acmi(path, OPTS)


# ---------------------------------------------------------------------------- shared real files
ACMI = "acmi"
JSBSIM = "Moriarty1321__jsbsim_gym-for-mutiplane-and-tacview__JSBSimRecording.txt.acmi"
PYACMI = "jayscoder__pyacmi__test.acmi"
KAVINSKY = "kavinsky__tacview-acmi-parser__simple-acmi.txt.acmi"
DOGFIGHT1 = "pappavis__Tacview_ACMI__Tacview-20200207-194347-DCS-M-2000C_vs_F-15E_dogfight.txt.acmi"
DOGFIGHT2 = "pappavis__Tacview_ACMI__Tacview-20200207-200539-DCS-M-2000C_vs_F-15E_dogfight.txt.acmi"

# Classes: `grep -o '^[0-9a-fA-F]*,.*Type=[^,]*'` per id, tags mapped by hand; JSBSim has no
# Type and 2 ids × 18 runs. Samples: `grep -c '^[0-9a-fA-F]*,T='` (no duplicate frames).
# First/last: ReferenceTime + 0 (objects before the first '#') / + the last '#' with a T line;
# JSBSim: 17 restarts from #60 to #0.20 (awk), run 18 ends at #27.60 and is shifted by
# 17 × (60 − 0.2 + 60) = 2036.6 s → 2064.2 s.
EXPECTED = {
    JSBSIM: (
        {"aircraft": 36},
        10476,
        "2020-04-01T00:00:00.200Z",
        "2020-04-01T00:34:24.200Z",
    ),
    PYACMI: (
        {"aircraft": 2, "reference": 3},
        5,
        "2018-01-21T05:37:35.000Z",
        "2018-01-21T05:37:35.540Z",
    ),
    KAVINSKY: (
        {"aircraft": 5, "sea": 6, "reference": 3},
        7127,
        "1990-05-01T06:00:00.000Z",
        "1990-05-01T06:03:40.930Z",
    ),
    DOGFIGHT1: (
        {"aircraft": 4, "ground": 1, "decoy": 4, "reference": 2, "sea": 1, "weapon": 2},
        9188,
        "2011-06-01T05:00:00.000Z",
        "2011-06-01T05:07:08.980Z",
    ),
    DOGFIGHT2: (
        {"aircraft": 4, "ground": 1, "other": 3, "reference": 2, "sea": 1, "weapon": 34},
        2995,
        "2011-06-01T05:00:00.000Z",
        "2011-06-01T05:02:19.730Z",
    ),
}

# (track id, seconds after ReferenceTime, lon, lat, alt, roll, heading) read off one line.
KNOWN = {
    # last line: '201,T=-122.06422600919748|37.61801483687635|6675.071485262364|-32.86…|4.46…|97.105…'
    JSBSIM: (
        "201@r18",
        2064.2,
        -122.06422600919748,
        37.61801483687635,
        6675.071485262364,
        -32.861925245102086,
        97.10579301401782,
    ),
    # '1,T=1|2|3|4|5|6|7|8|9' at #0.54 with ReferenceLongitude=40, ReferenceLatitude=42
    PYACMI: ("1", 0.54, 41.0, 44.0, 3.0, 4.0, 6.0),
    # line 27 at #0.01: 'd01,T=3.8608779|6.001753|4569.69|||121.3|204770.17|-7714.72|118.6', ref 33/39
    KAVINSKY: ("d01", 0.01, 36.8608779, 45.001753, 4569.69, math.nan, 121.3),
    # line 14523 at #428.98: '401,T=5.1216119|5.4230331||568821.38|-269300.69' (5 fields):
    # altitude 6874, roll 0 and yaw 83.9 carried from earlier 401 lines (awk); ref 36/37
    DOGFIGHT1: ("401", 428.98, 41.1216119, 42.4230331, 6874.0, 0.0, 83.9),
    # last 501 line at #139.73: '501,T=5.7236779|5.517846|312.37|71.9|2.3|75.8|617306|-253810.14|69.9'
    DOGFIGHT2: ("501", 139.73, 41.7236779, 42.517846, 312.37, 71.9, 75.8),
}
REFTIME = {
    JSBSIM: utc(2020, 4, 1, 0, 0, 0),
    PYACMI: utc(2018, 1, 21, 5, 37, 35),
    KAVINSKY: utc(1990, 5, 1, 6, 0, 0),
    DOGFIGHT1: utc(2011, 6, 1, 5, 0, 0),
    DOGFIGHT2: utc(2011, 6, 1, 5, 0, 0),
}


def iso(t: float) -> str:
    return datetime.fromtimestamp(round(t, 3), UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def test_every_shared_file_is_covered(shared_data):
    assert {p.name for p in (shared_data / ACMI).glob("*.acmi")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shared_file(shared_data, name):
    path = shared_data / ACMI / name
    ts = read_acmi(path, OPTS)
    classes, samples, first, last = EXPECTED[name]
    assert ts.meta["cls"].value_counts().to_dict() == classes
    assert ts.n_samples == samples
    assert (iso(ts.start), iso(ts.end)) == (first, last)
    track_id, dt, lon, lat, alt, roll, heading = KNOWN[name]
    tr = track(ts, track_id)
    i = int(np.argmin(np.abs(tr["t"] - (REFTIME[name] + dt))))
    assert tr["t"][i] == pytest.approx(REFTIME[name] + dt, abs=1e-4)
    assert tr["lon"][i] == pytest.approx(lon, abs=1e-9)
    assert tr["lat"][i] == pytest.approx(lat, abs=1e-9)
    assert tr["alt"][i] == pytest.approx(alt, abs=1e-6)
    np.testing.assert_allclose([tr["roll"][i], tr["heading"][i]], [roll, heading], atol=1e-9)
    assert not any("malformed" in w.message for w in ts.warnings)
    assert set(ts.meta["source"]) == {str(path)}


def test_shared_jsbsim_restarts_and_untyped(shared_data):
    ts = read_acmi(shared_data / ACMI / JSBSIM, OPTS)
    (w,) = [w for w in ts.warnings if "time restarts" in w.message]
    # awk: '#' going back from 60 to 0.2 at lines 904, 1804, 2704, … (17 times)
    assert w.count == 17 and w.line == 904 and "lines 904, 1804, 2704" in w.message
    assert "36 objects without Type treated as aircraft" in messages(ts)
    ids = set(ts.ids)
    assert {"101", "201", "101@r2", "201@r18"} <= ids and len(ids) == 36
    starts = np.sort(ts.first_times[ts.meta["id"].str.startswith("101")]) - REFTIME[JSBSIM]
    np.testing.assert_allclose(starts, 0.2 + 119.8 * np.arange(18), atol=1e-6)  # never interleaved


def test_shared_kavinsky_globals_events_and_escapes(shared_data):
    ts = read_acmi(shared_data / ACMI / KAVINSKY, OPTS)
    assert ts.title == "F-14B_IA_Caucasus_Free Flight"
    # lines 53 and 58: '0,Event=TestEvent|hahaha:test|hohoho:test|itsAValue' at #0.56 and #0.59
    np.testing.assert_allclose(ts.events["time"] - REFTIME[KAVINSKY], [0.56, 0.59], atol=1e-6)
    assert list(ts.events["kind"]) == ["TestEvent", "TestEvent"]
    m = meta(ts, "301")
    assert (m["name"], m["callsign"], m["coalition"], m["color"]) == (
        "Stennis",
        "CVN",
        "Enemies",
        "Blue",
    )
    assert ts.warnings == []


def test_shared_dogfight_removals(shared_data):
    ts = read_acmi(shared_data / ACMI / DOGFIGHT2, OPTS)
    # '-3000101' at line 2634 follows the last 3000101 transform
    shell = track(ts, "3000101")
    assert len(shell["t"]) > 1 and meta(ts, "3000101")["name"] == "weapons.shells.M61_20_HE"
    assert not any("#" in i for i in ts.ids)  # DCS never reuses an id here


# ---------------------------------------------------------------------------- fuzzing
FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

VALID = (
    HEADER
    + "0,ReferenceTime=2011-06-01T05:00:00.5Z\n0,ReferenceLongitude=36\n0,ReferenceLatitude=37\n"
    + "0,Comments=two\\\nlines\n"
    + "40000001,T=5.67|5.18|2000|617414|-291014,Type=Navaid+Static+Bullseye,Color=Blue\n"
    + "#0.05\n"
    + "301,T=5.74|5.54|1997.75||0.4|258|618677.88|-251031.64|252,Type=Air+FixedWing,Name=F-15E\n"
    + "501,T=5.74|5.55|1998.49|||186.2|618600|-249239.33|180.2,Name=M\\, 2000C,Pilot=A | B\n"
    + "#0.28\n301,T=5.7432704|5.5412297|1997.44|1.4||258.1|618646.69|-251043.88|252.1\n"
    + "0,Event=Destroyed|301|\n-301\n#0.30\n501,T=5.75|5.56||618600|-249239.33\n#0.1\n"
    + "0,Event=Timeout|SourceId:501|TargetId:301|Outcome:Kill\n#60\n501,T=5.76||\n#0.2\n501,T=1|2|3\n"
)


def _read_bytes(tmp_path: Path, data: bytes) -> TrackSet | None:
    path = tmp_path / "fuzz.txt.acmi"
    path.write_bytes(data)
    try:
        ts = read_acmi(path, OPTS)
    except ReadError as err:
        assert err.path == str(path) and err.message
        assert str(err).isprintable()  # whatever bytes it quotes (issue 14)
        return None
    assert isinstance(ts, TrackSet)
    assert all(str(w).isprintable() for w in ts.warnings)
    assert len(ts.offsets) == len(ts) + 1 and ts.n_samples == len(ts.t)
    assert ts.meta["id"].is_unique
    assert np.all(np.isfinite(ts.lat)) and np.all(np.abs(ts.lat) <= 90)
    assert np.all(np.abs(ts.lon) <= 180)
    assert np.all(np.abs(ts.t) < 1e10)
    assert np.all(np.abs(ts.events["time"]) < 1e10)
    return ts


def test_fuzz_base_file_is_valid(tmp_path):
    ts = _read_bytes(tmp_path, VALID.encode())
    assert ts is not None and len(ts) >= 3 and ts.warnings != []


@FUZZ
@given(data=st.binary(max_size=400))
def test_fuzz_arbitrary_bytes(tmp_path, data):
    _read_bytes(tmp_path, data)


@FUZZ
@given(data=st.binary(max_size=300))
def test_fuzz_arbitrary_bytes_after_header(tmp_path, data):
    _read_bytes(tmp_path, HEADER.encode() + data)


_FRAGMENTS = st.sampled_from(
    [
        "",
        ",",
        "|",
        "=",
        "\\",
        "#",
        "-",
        "T=",
        "0",
        "a01",
        "1e309",
        "e20",
        "e12",
        "9e9",
        "nan",
        "\r",
        "\n",
        "é",
        "Event=",
        "||||",
        "-0",
    ]
)


@FUZZ
@given(data=st.data())
def test_fuzz_structured_mutations(tmp_path, data):
    lines = VALID.split("\n")
    for _ in range(data.draw(st.integers(1, 6), label="n_mutations")):
        op = data.draw(
            st.sampled_from(["delete", "splice", "drop_field", "drop_pipe", "insert", "cut"])
        )
        i = data.draw(st.integers(0, len(lines) - 1))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "splice":
            lines.insert(i, lines[data.draw(st.integers(0, len(lines) - 1))])
        elif op == "drop_field":
            parts = lines[i].split(",")
            del parts[data.draw(st.integers(0, len(parts) - 1))]
            lines[i] = ",".join(parts)
        elif op == "drop_pipe":
            parts = lines[i].split("|")
            del parts[data.draw(st.integers(0, len(parts) - 1))]
            lines[i] = "|".join(parts)
        elif op == "insert":
            pos = data.draw(st.integers(0, len(lines[i])))
            frag = data.draw(st.one_of(_FRAGMENTS, st.text(max_size=8)))
            lines[i] = lines[i][:pos] + frag + lines[i][pos:]
        elif op == "cut":
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: data.draw(st.integers(0, len(lines[-1])))]
    _read_bytes(tmp_path, "\n".join(lines).encode("utf-8", "surrogatepass"))


@FUZZ
@given(cut=st.integers(0, 2000), flip=st.integers(0, 255))
def test_fuzz_damaged_zip(tmp_path, cut, flip):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("rec.txt.acmi", VALID)
    raw = bytearray(buf.getvalue())
    raw[cut % len(raw)] ^= flip
    _read_bytes(tmp_path, bytes(raw[: len(raw) - cut // 4]))


def test_lines_after_an_unreadable_time_are_not_given_the_previous_time(tmp_path):
    path = tmp_path / "badtime.txt.acmi"
    path.write_text(
        "FileType=text/acmi/tacview\nFileVersion=2.2\n0,ReferenceTime=2015-10-10T09:00:00Z\n"
        "#0\n1,T=5|50|1000,Type=Air+FixedWing,Name=A\n"
        "#1\n1,T=5.001|50|1000\n"
        "#not-a-time\n1,T=5.5|50|1000\n"
        "#3\n1,T=5.003|50|1000\n"
    )
    ts = read_file(path)
    assert ts.t.tolist() == [1444467600.0, 1444467601.0, 1444467603.0]
    assert ts.lon.tolist() == [5.0, 5.001, 5.003]
    (w,) = [w for w in ts.warnings if "malformed" in w.message]
    assert w.line == 8 and w.count == 2  # the unreadable time and the line it would carry

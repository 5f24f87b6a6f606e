"""Session files: round trip, atomic write, and clear errors for bad input."""

from __future__ import annotations

import json
import os

import pytest

from encounter_replay.model.session import (
    VERSION,
    Annotation,
    Session,
    SessionError,
    load_session,
    save_session,
    to_json_dict,
)


def full_session(tmp_path) -> Session:
    rec = tmp_path / "data" / "a.acmi"
    rec.parent.mkdir()
    rec.write_text("x")
    return Session(
        files=[str(rec)],
        altitude_unit="ft",
        speed_unit=None,
        time=1_444_000_123.5,
        speed=8.0,
        loop=(1_444_000_100.0, 1_444_000_200.0),
        timeline_range=(1_444_000_000.0, 1_444_000_300.0),
        map_view=(-10.0, 10.0, -5.0, 5.0),
        selected_pair=("101", "202"),
        selected_track="101",
        follow_track="202",
        trail_s=None,
        units="km",
        hidden_classes=["weapon"],
        hidden_tracks=["303"],
        colors={"101": "#ff8800"},
        analysis={"visual_range_m": 9260.0, "hsep_m": 5556.0, "include": ["aircraft"]},
        annotations=[Annotation(1_444_000_150.0, "Break turn", "101")],
    )


def test_round_trip(tmp_path):
    s = full_session(tmp_path)
    path = tmp_path / "brief.session.json"
    save_session(path, s)
    back = load_session(path)
    assert back == s
    doc = json.loads(path.read_text())
    assert doc["schema"] == "encounter-replay-session" and doc["version"] == VERSION
    assert doc["files"][0]["relative"] == os.path.join("data", "a.acmi")


def test_files_found_relative_when_folder_moved(tmp_path):
    s = full_session(tmp_path)
    save_session(tmp_path / "s.json", s)
    moved = tmp_path.parent / (tmp_path.name + "_moved")
    os.rename(tmp_path, moved)
    try:
        back = load_session(moved / "s.json")
        assert back.files == [str(moved / "data" / "a.acmi")]
    finally:
        os.rename(moved, tmp_path)


def test_atomic_write_keeps_old_file_when_serialising_fails(tmp_path):
    path = tmp_path / "s.json"
    save_session(path, Session(files=[], time=1.0))
    before = path.read_text()
    bad = Session(files=[], time=float("nan"))  # NaN is not JSON: must fail before replacing
    with pytest.raises(ValueError):
        save_session(path, bad)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]  # no temp file left behind


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\xff garbage", "cannot read"),
        (b"{not json", "not valid JSON (line 1"),
        (b"[1, 2]", "top level is not a JSON object"),
        (b'{"schema": "other", "version": 1}', "not a session file"),
        (b'{"schema": "encounter-replay-session", "version": 99}', "newer Encounter Replay"),
        (b'{"schema": "encounter-replay-session", "version": "1"}', "bad session version"),
        (
            b'{"schema": "encounter-replay-session", "version": 1, "replay": {"speed": 1000}}',
            "'replay.speed' must be between 0.25 and 64",
        ),
        (
            b'{"schema": "encounter-replay-session", "version": 1, "replay": {"units": "mi"}}',
            "'replay.units' must be one of",
        ),
        (
            b'{"schema": "encounter-replay-session", "version": 1, "view": {"map": [1, 2]}}',
            "'view.map' must be a list of 4 finite numbers",
        ),
        (
            b'{"schema": "encounter-replay-session", "version": 1, "files": [{"p": 1}]}',
            "'files[0]' must be an object",
        ),
        (
            b'{"schema": "encounter-replay-session", "version": 1, "analysis": {"hsep_m": -5}}',
            "'analysis.hsep_m' must be positive",
        ),
        (
            b'{"schema": "encounter-replay-session", "version": 1, "annotations": [{"text": "x"}]}',
            "'annotations[0].time' must be a finite number",
        ),
    ],
)
def test_bad_sessions_give_clear_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(SessionError) as err:
        load_session(path)
    assert str(err.value).startswith(str(path) + ": ")
    assert message in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(SessionError, match="no such file"):
        load_session(tmp_path / "nope.json")


def test_minimal_document_gets_defaults(tmp_path):
    path = tmp_path / "min.json"
    path.write_text(json.dumps({"schema": "encounter-replay-session", "version": 1}))
    s = load_session(path)
    assert s == Session()
    assert to_json_dict(s)["selection"]["pair"] is None

"""KML/KMZ reader: hand-written documents, hostile XML and zips, round trip, fuzzing.

Expected times come from ``datetime``, positions are the numbers written in the files.
"""

from __future__ import annotations

import tracemalloc
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encounter_replay.io import limits, read_file, sniff
from encounter_replay.io.errors import ReadError
from encounter_replay.io.kml import read_kml
from encounter_replay.io.options import ReadOptions
from encounter_replay.model.trackset import TrackSet
from reader_checks import assert_same_tracks, check_invariants, find_warning, iso_ms

SAMPLE = Path(__file__).resolve().parents[1] / "sample_tracks" / "syria_oct2015_illustrative.csv"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">'
)


def ts(iso: str) -> float:
    d = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return (d if d.tzinfo else d.replace(tzinfo=UTC)).timestamp()


def kml(body: str, head: str = HEAD, tail: str = "</kml>") -> str:
    return f"{head}\n<Document>\n{body}\n</Document>\n{tail}\n"


def write(tmp_path: Path, text: str, name: str = "t.kml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def read(path: Path) -> TrackSet:
    return read_kml(path, ReadOptions())


# ----------------------------------------------------------------------------- forms

TRACK = kml(
    """<name>Encounter</name>
<Placemark id="v11"><name>VIPER 11</name>
 <gx:Track><altitudeMode>absolute</altitudeMode>
  <when>2015-10-10T09:00:00Z</when>
  <when>2015-10-10T09:00:00.500Z</when>
  <when>2015-10-10T11:00:02+02:00</when>
  <gx:coord>38.891 36.552 7010</gx:coord>
  <gx:coord>38.892 36.553 7011.5</gx:coord>
  <gx:coord>-38.893 -36.554 7012</gx:coord>
  <gx:angles>235 2 -30</gx:angles><gx:angles>236 3 -31</gx:angles><gx:angles>237 4 -32</gx:angles>
 </gx:Track>
</Placemark>
<Placemark><name>BULLSEYE</name><Point><coordinates>38.25,36.5,500</coordinates></Point></Placemark>
<Placemark><name>IP</name><TimeStamp><when>2015-10-10T09:30:00Z</when></TimeStamp>
 <Point><coordinates> 37.0 , 35.0 </coordinates></Point></Placemark>"""
)


def test_gx_track_with_angles_and_points(tmp_path):
    out = read(write(tmp_path, TRACK))
    check_invariants(out)
    assert out.ids == ["v11", "BULLSEYE", "IP"]
    assert list(out.meta["name"]) == ["VIPER 11", "BULLSEYE", "IP"]
    assert list(out.meta["cls"]) == ["aircraft", "reference", "reference"]
    assert out.title == "Encounter"
    s = out.track_slice(0)
    np.testing.assert_array_equal(
        out.t[s],
        [ts("2015-10-10T09:00:00Z"), ts("2015-10-10T09:00:00.5Z"), ts("2015-10-10T09:00:02Z")],
    )
    np.testing.assert_array_equal(out.lon[s], [38.891, 38.892, -38.893])
    np.testing.assert_array_equal(out.lat[s], [36.552, 36.553, -36.554])
    np.testing.assert_array_equal(out.alt[s], [7010, 7011.5, 7012])
    np.testing.assert_array_equal(out.heading[s], [235, 236, 237])
    np.testing.assert_array_equal(out.pitch[s], [2, 3, 4])
    np.testing.assert_array_equal(out.roll[s], [-30, -31, -32])
    bull = out.track_slice(1)
    assert out.t[bull].tolist() == [ts("2015-10-10T09:00:00Z")]  # the file's first time
    assert (out.lon[bull][0], out.lat[bull][0], out.alt[bull][0]) == (38.25, 36.5, 500.0)
    ip = out.track_slice(2)
    assert out.t[ip].tolist() == [ts("2015-10-10T09:30:00Z")]
    assert (out.lon[ip][0], out.lat[ip][0]) == (37.0, 35.0) and np.isnan(out.alt[ip][0])
    assert out.warnings == []


def test_multitrack_is_one_track_and_altitude_mode_is_noted(tmp_path):
    text = kml(
        """<Placemark><name>MT</name><gx:MultiTrack>
 <gx:Track><when>2020-01-01T00:00:00Z</when><gx:coord>1 2 3</gx:coord>
  <when>2020-01-01T00:00:01Z</when><gx:coord>1.1 2.1 4</gx:coord></gx:Track>
 <gx:Track><altitudeMode>relativeToGround</altitudeMode>
  <when>2020-01-01T00:10:00Z</when><gx:coord>5 6</gx:coord></gx:Track>
</gx:MultiTrack></Placemark>"""
    )
    out = read(write(tmp_path, text))
    assert out.ids == ["MT"]
    np.testing.assert_array_equal(
        out.t, [ts("2020-01-01T00:00:00"), ts("2020-01-01T00:00:01"), ts("2020-01-01T00:10:00")]
    )
    np.testing.assert_array_equal(out.lon, [1, 1.1, 5])
    np.testing.assert_array_equal(out.alt, [3, 4, np.nan])
    w = find_warning(out, "altitudeMode")
    assert w.count == 2 and "clampToGround" in w.message and w.line == 4


def test_linestring_with_timespan_is_spread_evenly(tmp_path):
    text = kml(
        """<Placemark><name>LS</name>
 <TimeSpan><begin>2020-01-01T00:00:00Z</begin><end>2020-01-01T00:00:30Z</end></TimeSpan>
 <LineString><altitudeMode>absolute</altitudeMode><coordinates>
  10,20,100 11,21,110
  12 , 22 , 120
  13,23
 </coordinates></LineString></Placemark>"""
    )
    out = read(write(tmp_path, text))
    t0 = ts("2020-01-01T00:00:00Z")
    np.testing.assert_allclose(out.t - t0, [0, 10, 20, 30], atol=1e-6)
    np.testing.assert_array_equal(out.lon, [10, 11, 12, 13])
    np.testing.assert_array_equal(out.lat, [20, 21, 22, 23])
    np.testing.assert_array_equal(out.alt, [100, 110, 120, np.nan])
    w = find_warning(out, "spread evenly")
    assert w.line == 6 and "4 points" in w.message


def test_linestring_bad_tuple_keeps_the_others_on_their_times(tmp_path):
    text = kml(
        """<Placemark><name>LS</name>
 <TimeSpan><begin>2020-01-01T00:00:00Z</begin><end>2020-01-01T00:00:20Z</end></TimeSpan>
 <LineString><coordinates>
  10,20
  x,21
  12,22
 </coordinates></LineString></Placemark>"""
    )
    out = read(write(tmp_path, text))
    np.testing.assert_allclose(out.t - ts("2020-01-01T00:00:00Z"), [0, 20], atol=1e-6)
    w = find_warning(out, "coordinates are not")
    assert w.line == 8 and "x,21" in w.message


@pytest.mark.parametrize(
    ("timing", "why"),
    [
        ("", "no TimeSpan"),
        ("<TimeStamp><when>2020-01-01T00:00:00Z</when></TimeStamp>", "no TimeSpan"),
        ("<TimeSpan><begin>2020-01-01T00:00:00Z</begin></TimeSpan>", "unreadable or reversed"),
        (
            "<TimeSpan><begin>2020-01-01T00:01:00Z</begin><end>2020-01-01T00:00:00Z</end></TimeSpan>",
            "unreadable or reversed",
        ),
    ],
)
def test_linestring_without_timespan_is_skipped_with_a_warning(tmp_path, timing, why):
    text = kml(
        f"""<Placemark><name>LS</name>{timing}<LineString><coordinates>1,2 3,4</coordinates></LineString></Placemark>
<Placemark><name>P</name><gx:Track><when>2020-01-01T00:00:00Z</when><gx:coord>1 2 3</gx:coord></gx:Track></Placemark>"""
    )
    out = read(write(tmp_path, text))
    assert out.ids == ["P"]
    w = find_warning(out, "LineString skipped")
    assert why in w.message and w.line == 4


def test_unequal_when_and_coord_counts(tmp_path):
    text = kml(
        """<Placemark><name>P</name><gx:Track>
<when>2020-01-01T00:00:00Z</when><when>2020-01-01T00:00:01Z</when><when>2020-01-01T00:00:02Z</when>
<gx:coord>1 2 3</gx:coord><gx:coord>1.5 2.5 3</gx:coord>
<gx:angles>1 2 3</gx:angles>
</gx:Track></Placemark>"""
    )
    out = read(write(tmp_path, text))
    np.testing.assert_array_equal(out.lon, [1, 1.5])
    assert find_warning(out, "unequal numbers").count == 1
    assert find_warning(out, "gx:angles ignored").line == 4
    assert np.all(np.isnan(out.heading))


def test_bad_times_and_coords_are_one_warning_each(tmp_path):
    rows = "\n".join(
        f"<when>{'never' if i in (2, 5) else f'2020-01-01T00:00:{i:02d}Z'}</when>"
        f"<gx:coord>{'1 x 3' if i == 3 else f'{i} 1 1'}</gx:coord>"
        for i in range(7)
    )
    out = read(write(tmp_path, kml(f"<Placemark><gx:Track>\n{rows}\n</gx:Track></Placemark>")))
    np.testing.assert_array_equal(out.lon, [0, 1, 4, 6])
    w = find_warning(out, "<when> is not")
    assert (w.count, w.line) == (2, 7) and "never" in w.message
    w = find_warning(out, "coordinates are not")
    assert (w.count, w.line) == (1, 8) and "1 x 3" in w.message
    assert out.ids == ["placemark1"]


def test_naive_times_are_utc_and_noted(tmp_path):
    text = kml(
        "<Placemark><gx:Track><when>2020-01-01T10:00:00</when><gx:coord>1 2 3</gx:coord>"
        "</gx:Track></Placemark>"
    )
    out = read(write(tmp_path, text))
    assert out.t.tolist() == [ts("2020-01-01T10:00:00Z")]
    assert "UTC" in find_warning(out, "time zone").message


def test_kml_2_3_and_no_namespace(tmp_path):
    body = (
        "<Placemark><name>X</name><Track><when>2020-01-01T00:00:00Z</when>"
        "<coord>1 2 3</coord></Track></Placemark>"
    )
    for head in ('<kml xmlns="http://www.opengis.net/kml/2.3">', "<kml>"):
        out = read(write(tmp_path, kml(body, head)))
        assert out.ids == ["X"] and out.lat.tolist() == [2.0]


def test_polygons_are_ignored_with_a_note(tmp_path):
    text = kml(
        """<Placemark><name>Zone</name><Polygon><outerBoundaryIs><LinearRing>
<coordinates>1,1 2,2 3,1 1,1</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
<Placemark><name>P</name><gx:Track><when>2020-01-01T00:00:00Z</when><gx:coord>1 2 3</gx:coord></gx:Track></Placemark>"""
    )
    out = read(write(tmp_path, text))
    assert out.ids == ["P"]
    assert "Zone: Polygon" in find_warning(out, "Polygon and Model").message


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("content", "needle", "line"),
    [
        (b"", "empty", None),
        (b"\n \n", "white space", None),
        (b"<kml>\n<Document>\n<Placemark>\n</Document>\n</kml>", "mismatched tag", 4),
        (b"<kml>\n<Document>\n", "no element found", 3),
        (b"<gpx>\n</gpx>", "not a KML file", 1),
        (b"<kml><Document/></kml>", "no Placemark", None),
        (b"<kml><Placemark><gx:Track/></Placemark></kml>", "unbound prefix", 1),
        (
            b"<kml><Placemark><LineString><coordinates>1,2</coordinates></LineString></Placemark></kml>",
            "LineString skipped",
            1,
        ),
        (
            b"<kml><Placemark><Point><coordinates>1,2</coordinates></Point></Placemark></kml>",
            "no time anywhere",
            1,
        ),
    ],
)
def test_unusable_files_raise_read_error(tmp_path, content, needle, line):
    p = tmp_path / "x.kml"
    p.write_bytes(content)
    with pytest.raises(ReadError) as err:
        read(p)
    assert needle in err.value.message and err.value.line == line
    assert err.value.path == str(p)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE kml [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<kml><Document><Placemark><name>&f;</name></Placemark></Document></kml>
"""


def test_billion_laughs_is_refused_not_expanded(tmp_path):
    for name in ("lol.kml", "lol.kmz"):
        p = tmp_path / name
        if name.endswith(".kmz"):
            with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.writestr("doc.kml", BILLION_LAUGHS)
        else:
            p.write_bytes(BILLION_LAUGHS)
        # refused, not expanded: measured in memory, which a busy machine does not change
        # (an expansion needs gigabytes), rather than in seconds, which it does
        tracemalloc.start()
        try:
            with pytest.raises(ReadError) as err:
                read_file(p)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 64 * 1024**2
        assert "entity" in err.value.message and err.value.line == 3


# ----------------------------------------------------------------------------- KMZ


def kmz(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_kmz_reads_doc_kml_beside_icons(tmp_path):
    p = kmz(
        tmp_path / "t.kmz",
        {"files/icon.png": b"\x89PNG", "other.kml": b"<kml/>", "doc.kml": TRACK.encode()},
    )
    out = read(p)
    plain = read(write(tmp_path, TRACK))
    assert out.ids == plain.ids and np.array_equal(out.t, plain.t)
    assert out.meta["source"][0] == str(p)
    only = kmz(tmp_path / "only.kmz", {"tracks/flight.kml": TRACK.encode()})
    assert read(only).ids == plain.ids
    unnamed = kmz(tmp_path / "archive.bin", {"doc.kml": TRACK.encode()})
    assert sniff(unnamed) == "kml" and read_file(unnamed).ids == plain.ids


@pytest.mark.parametrize(
    ("members", "needle"),
    [
        ({"icon.png": b"x"}, "no .kml"),
        ({"a.kml": b"<kml/>", "b.kml": b"<kml/>"}, "2 .kml documents"),
        ({"../doc.kml": TRACK.encode()}, "unsafe path"),
        ({"/abs/x.kml": TRACK.encode()}, "unsafe path"),
        ({"C:/x.kml": TRACK.encode()}, "unsafe path"),
    ],
)
def test_kmz_rejections(tmp_path, members, needle):
    p = kmz(tmp_path / "bad.kmz", members)
    with pytest.raises(ReadError) as err:
        read(p)
    assert needle in err.value.message


def test_kmz_size_limit_and_corruption(tmp_path, monkeypatch):
    p = kmz(tmp_path / "t.kmz", {"doc.kml": TRACK.encode()})
    monkeypatch.setitem(limits.TEXT_CAP, "xml", 100)
    with pytest.raises(ReadError) as err:
        read(p)
    assert "limit" in err.value.message
    monkeypatch.undo()
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadError) as err:
        read(p)
    assert "zip" in err.value.message


def test_kmz_encrypted_member_is_refused(tmp_path):
    p = kmz(tmp_path / "t.kmz", {"doc.kml": TRACK.encode()})
    data = bytearray(p.read_bytes())
    # Set the "encrypted" flag bit in the local header and the central directory entry.
    data[6] |= 1
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 8] |= 1
    p.write_bytes(bytes(data))
    with pytest.raises(ReadError) as err:
        read(p)
    assert "encrypted" in err.value.message


def test_registry_by_extension_and_by_content(tmp_path):
    named = write(tmp_path, TRACK)
    unnamed = write(tmp_path, TRACK, name="export.xml")
    assert sniff(named) == sniff(unnamed) == "kml"
    assert read_file(unnamed).ids == read(named).ids


# ----------------------------------------------------------------------------- round trip


def write_kml(tset: TrackSet, path: Path) -> None:
    """A minimal gx:Track writer, independent of the reader: one Placemark per track."""
    parts = [HEAD, "<Document>"]
    for k in range(len(tset)):
        s = tset.track_slice(k)
        parts.append(f"<Placemark><name>{escape(tset.ids[k])}</name><gx:Track>")
        parts.append("<altitudeMode>absolute</altitudeMode>")
        parts += [f"<when>{w}</when>" for w in iso_ms(tset.t[s])]
        cols = (tset.lon[s].tolist(), tset.lat[s].tolist(), tset.alt[s].tolist())
        parts += [
            f"<gx:coord>{lo!r} {la!r} {al!r}</gx:coord>" for lo, la, al in zip(*cols, strict=True)
        ]
        parts.append("</gx:Track></Placemark>")
    parts.append("</Document></kml>\n")
    path.write_text("\n".join(parts), encoding="utf-8")


def test_round_trip_of_the_sample_encounter(tmp_path):
    original = read_file(SAMPLE)
    for name in ("sample.kml", "sample.kmz"):
        p = tmp_path / "sample.kml"
        write_kml(original, p)
        if name.endswith(".kmz"):
            p = kmz(tmp_path / name, {"doc.kml": p.read_bytes()})
        back = read_file(p)
        assert_same_tracks(back, original)
        assert [w for w in back.warnings if "KML" in w.message or "gx:" in w.message] == []


# ----------------------------------------------------------------------------- fuzzing

FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
VALID = (
    TRACK[: TRACK.rindex("</Document>")]
    + """<Placemark><name>MT</name><gx:MultiTrack><gx:Track><when>2015-10-10T09:00:00Z</when>
<gx:coord>1 2 3</gx:coord></gx:Track></gx:MultiTrack></Placemark>
<Placemark><name>LS</name><TimeSpan><begin>2015-10-10T09:00:00Z</begin><end>2015-10-10T09:01:00Z</end>
</TimeSpan><LineString><coordinates>1,2,3 4,5,6</coordinates></LineString></Placemark>
</Document></kml>
"""
)


def _read_bytes(tmp_path: Path, data: bytes, name: str = "fuzz.kml") -> TrackSet | None:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        out = read_kml(path, ReadOptions())
    except ReadError as err:
        assert err.path == str(path) and err.message
        return None
    assert isinstance(out, TrackSet)
    check_invariants(out)
    return out


def test_fuzz_base_file_is_valid(tmp_path):
    out = _read_bytes(tmp_path, VALID.encode())
    assert out is not None and out.ids == ["v11", "BULLSEYE", "IP", "MT", "LS"]


@FUZZ
@given(data=st.binary(max_size=400))
def test_fuzz_arbitrary_bytes(tmp_path, data):
    _read_bytes(tmp_path, data)
    _read_bytes(tmp_path, b"PK\x03\x04" + data, "fuzz.kmz")


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


@FUZZ
@given(cut=st.integers(0, 4000), flip=st.integers(0, 255))
def test_fuzz_damaged_kmz(tmp_path, cut, flip):
    p = kmz(tmp_path / "base.kmz", {"doc.kml": VALID.encode()})
    data = bytearray(p.read_bytes())
    pos = cut % len(data)
    data[pos] ^= flip
    _read_bytes(tmp_path, bytes(data), "fuzz.kmz")


_cell = st.one_of(
    st.text(max_size=14),
    st.sampled_from(["", "1 2 3", "1 2", "1,2,3", "181 0 0", "nan nan", "2020-01-01T00:00:00Z"]),
)


@FUZZ
@given(
    points=st.lists(st.tuples(_cell, _cell, st.one_of(st.none(), _cell)), max_size=8),
    span=st.tuples(_cell, _cell),
)
def test_fuzz_structured_field_values(tmp_path, points, span):
    track = "".join(
        f"<when>{escape(w)}</when><gx:coord>{escape(c)}</gx:coord>"
        + (f"<gx:angles>{escape(a)}</gx:angles>" if a is not None else "")
        for w, c, a in points
    )
    coords = " ".join(escape(c) for _, c, _ in points)
    doc = kml(
        f"<Placemark><gx:Track>{track}</gx:Track></Placemark>"
        f"<Placemark><TimeSpan><begin>{escape(span[0])}</begin><end>{escape(span[1])}</end>"
        f"</TimeSpan><LineString><coordinates>{coords}</coordinates></LineString></Placemark>"
        f"<Placemark><Point><coordinates>{coords}</coordinates></Point></Placemark>"
    )
    _read_bytes(tmp_path, doc.encode("utf-8", "surrogatepass"))

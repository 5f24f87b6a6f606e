"""GPX reader: hand-written files, hostile XML, the sample encounter round trip, fuzzing.

Expected times come from ``datetime``, positions are the numbers written in the files.
"""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encounter_replay.io import limits, read_file, sniff
from encounter_replay.io.errors import ReadError
from encounter_replay.io.gpx import read_gpx
from encounter_replay.io.options import ReadOptions
from encounter_replay.model.trackset import TrackSet
from reader_checks import assert_same_tracks, check_invariants, find_warning, iso_ms

SAMPLE = Path(__file__).resolve().parents[1] / "sample_tracks" / "syria_oct2015_illustrative.csv"
NS11 = 'xmlns="http://www.topografix.com/GPX/1/1"'


def ts(iso: str) -> float:
    """POSIX seconds of an ISO time, by the standard library (no zone = UTC)."""
    d = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return (d if d.tzinfo else d.replace(tzinfo=UTC)).timestamp()


def write(tmp_path: Path, text: str, name: str = "t.gpx") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def read(path: Path) -> TrackSet:
    return read_gpx(path, ReadOptions())


def gpx(body: str, head: str = f'<gpx version="1.1" creator="test" {NS11}>') -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{head}\n{body}\n</gpx>\n'


# ----------------------------------------------------------------------------- forms

BASIC = gpx(
    """ <metadata><name>Demo flight</name><time>2015-10-10T08:00:00Z</time></metadata>
 <wpt lat="36.5" lon="38.25"><ele>500</ele><name>BULLSEYE</name></wpt>
 <wpt lat="35.0" lon="37.0"><time>2015-10-10T09:30:00Z</time><name>IP</name></wpt>
 <trk><name>VIPER 11</name><type>F-16C</type>
  <trkseg>
   <trkpt lat="36.552" lon="38.891"><ele>7010.4</ele><time>2015-10-10T09:00:00Z</time></trkpt>
   <trkpt lat="36.553" lon="38.892"><ele>7011</ele><time>2015-10-10T09:00:01.250Z</time>
     <name>a point name is not the track's</name></trkpt>
  </trkseg>
  <trkseg>
   <trkpt lat="-36.6" lon="-38.9"><time>2015-10-10T11:05:00+02:00</time></trkpt>
  </trkseg>
 </trk>
 <trk><trkseg><trkpt lat="1" lon="2"><time>2015-10-10T09:00:00Z</time></trkpt></trkseg></trk>"""
)


def test_tracks_segments_and_waypoints(tmp_path):
    out = read(write(tmp_path, BASIC))
    check_invariants(out)
    assert out.ids == ["BULLSEYE", "IP", "VIPER 11", "trk2"]
    assert list(out.meta["cls"]) == ["reference", "reference", "aircraft", "aircraft"]
    assert out.meta["type"][2] == "F-16C" and out.meta["name"][2] == "VIPER 11"
    assert out.title == "Demo flight"
    viper = out.track_slice(out.index_of("VIPER 11"))
    # Both segments in one track: the 5-minute break is a gap in time, not a new track.
    np.testing.assert_array_equal(
        out.t[viper],
        [ts("2015-10-10T09:00:00Z"), ts("2015-10-10T09:00:01.250Z"), ts("2015-10-10T09:05:00Z")],
    )
    np.testing.assert_array_equal(out.lat[viper], [36.552, 36.553, -36.6])
    np.testing.assert_array_equal(out.lon[viper], [38.891, 38.892, -38.9])
    np.testing.assert_array_equal(out.alt[viper], [7010.4, 7011.0, np.nan])
    # A waypoint without time sits at the first track time; one with a time keeps it.
    bull = out.track_slice(out.index_of("BULLSEYE"))
    assert out.t[bull].tolist() == [ts("2015-10-10T09:00:00Z")]
    assert (out.lat[bull][0], out.lon[bull][0], out.alt[bull][0]) == (36.5, 38.25, 500.0)
    assert out.t[out.track_slice(out.index_of("IP"))].tolist() == [ts("2015-10-10T09:30:00Z")]
    assert out.warnings == []


def test_gpx_1_0_speed_course_and_any_namespace(tmp_path):
    body = """<trk><name>G</name><trkseg>
  <trkpt lat="10" lon="20"><time>2020-01-01T00:00:00Z</time><speed>55.5</speed><course>271</course></trkpt>
  <trkpt lat="10.001" lon="20"><time>2020-01-01T00:00:02Z</time></trkpt>
 </trkseg></trk>"""
    prefixed = body.replace("</", "\0").replace("<", "<g:").replace("\0", "</g:")
    for text in (
        gpx(body, '<gpx version="1.0" xmlns="http://www.topografix.com/GPX/1/0">'),
        gpx(body, '<gpx version="1.1">'),
        gpx(prefixed, '<g:gpx xmlns:g="http://www.topografix.com/GPX/1/1">').replace(
            "</gpx>", "</g:gpx>"
        ),
    ):
        out = read(write(tmp_path, text))
        assert out.ids == ["G"]
        np.testing.assert_array_equal(out.speed, [55.5, np.nan])
        np.testing.assert_array_equal(out.heading, [271.0, np.nan])
        np.testing.assert_array_equal(out.t, [ts("2020-01-01T00:00:00"), ts("2020-01-01T00:00:02")])


def test_garmin_extension_speed_and_course(tmp_path):
    text = gpx(
        """<trk><trkseg><trkpt lat="1" lon="2"><time>2020-01-01T00:00:00Z</time>
  <extensions><gpxtpx:TrackPointExtension xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v2">
   <gpxtpx:speed>12.5</gpxtpx:speed><gpxtpx:course>90.5</gpxtpx:course>
  </gpxtpx:TrackPointExtension></extensions></trkpt></trkseg></trk>"""
    )
    out = read(write(tmp_path, text))
    assert (out.speed[0], out.heading[0]) == (12.5, 90.5)


def test_timed_route_is_a_track(tmp_path):
    text = gpx(
        """<rte><name>R</name>
  <rtept lat="1" lon="2"><time>2020-01-01T00:00:00Z</time></rtept>
  <rtept lat="1.5" lon="2.5"><time>2020-01-01T00:01:00Z</time></rtept>
  <rtept lat="3" lon="4"/>
 </rte>"""
    )
    out = read(write(tmp_path, text))
    assert out.ids == ["R"] and out.meta["cls"][0] == "aircraft"
    np.testing.assert_array_equal(out.lat, [1.0, 1.5])
    w = find_warning(out, "without <time>")
    assert (w.line, w.count) == (6, 1) and 'lat="3"' in w.message


def test_points_without_time_are_one_warning_with_the_first_line(tmp_path):
    pts = "\n".join(
        f'<trkpt lat="{i}" lon="{i}">'
        + (f"<time>2020-01-01T00:00:{i:02d}Z</time>" if i % 3 else "")
        + "</trkpt>"
        for i in range(1, 10)
    )
    out = read(write(tmp_path, gpx(f"<trk><trkseg>\n{pts}\n</trkseg></trk>")))
    np.testing.assert_array_equal(out.lat, [1, 2, 4, 5, 7, 8])
    w = find_warning(out, "without <time>")
    assert w.count == 3 and w.line == 3 + 3  # the point with i=3, on the file's sixth line
    assert 'lat="3"' in w.message


def test_unreadable_values_are_reported(tmp_path):
    text = gpx(
        """<trk><trkseg>
<trkpt lat="1" lon="2"><time>2020-01-01T00:00:00Z</time><ele>high</ele></trkpt>
<trkpt lat="95" lon="2"><time>2020-01-01T00:00:01Z</time></trkpt>
<trkpt lat="1" lon="2"><time>yesterday</time></trkpt>
<trkpt lat="1.1" lon="2"><time>2020-01-01T00:00:03Z</time></trkpt>
<trkpt lat="1.2" lon="2"><time>2020-01-01T00:00:02Z</time></trkpt>
<trkpt lat="1.3" lon="2"><time>2020-01-01T00:00:02Z</time></trkpt>
<trkpt lon="2"><time>2020-01-01T00:00:09Z</time></trkpt>
</trkseg></trk>"""
    )
    out = read(write(tmp_path, text))
    check_invariants(out)
    np.testing.assert_array_equal(out.lat, [1.0, 1.2, 1.1])  # sorted, first of equal times
    np.testing.assert_array_equal(out.alt, [np.nan] * 3)
    assert find_warning(out, "<ele> is not a number").line == 4
    bad_pos = find_warning(out, "lat/lon")
    assert (bad_pos.line, bad_pos.count) == (5, 2)
    assert find_warning(out, "not an ISO-8601").line == 6
    assert find_warning(out, "out of time order").line == 8
    assert find_warning(out, "repeat an earlier time").line == 9


def test_ids_unnamed_and_repeated(tmp_path):
    trk = '<trk>{}<trkseg><trkpt lat="1" lon="1"><time>2020-01-01T00:00:00Z</time></trkpt></trkseg></trk>'
    text = gpx(trk.format("<name>A</name>") * 2 + trk.format("") * 2)
    out = read(write(tmp_path, text))
    assert out.ids == ["A", "A#2", "trk3", "trk4"]


def test_waypoints_only(tmp_path):
    no_time = gpx('<wpt lat="1" lon="2"><name>W</name></wpt>')
    with pytest.raises(ReadError) as err:
        read(write(tmp_path, no_time))
    assert err.value.line == 3 and "no time" in err.value.message
    with_meta = gpx('<metadata><time>2020-05-05T10:00:00Z</time></metadata><wpt lat="1" lon="2"/>')
    out = read(write(tmp_path, with_meta))
    assert out.ids == ["wpt1"] and out.t.tolist() == [ts("2020-05-05T10:00:00Z")]


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("content", "needle", "line"),
    [
        (b"", "empty", None),
        (b"  \n\t\n", "white space", None),
        (b'<?xml version="1.0"?>\n<gpx>\n<trk>\n</gpx>\n', "mismatched tag", 4),
        (b'<?xml version="1.0"?>\n<gpx>\n<trk>\n', "no element found", 4),
        (b"<gpx>\n<trk>\n<trkpt lat=1 lon=2/>\n</trk></gpx>", "not well-formed", 3),
        (b"<gpx>\n<wpt lat='1' lon='2'>\xff\xfe</wpt></gpx>", "not well-formed", 2),
        (b'<?xml version="1.0"?>\n<kml>\n</kml>\n', "not a GPX file", 2),
        (b"<gpx version='1.1'>\n<metadata/></gpx>", "no tracks, routes or waypoints", None),
        (b"<gpx>&undefined;</gpx>", "undefined entity", 1),
        (b"<gpx><trk><trkseg/></trk></gpx>", "no track, route or waypoint holds any point", None),
    ],
)
def test_unusable_files_raise_read_error(tmp_path, content, needle, line):
    p = tmp_path / "x.gpx"
    p.write_bytes(content)
    with pytest.raises(ReadError) as err:
        read(p)
    assert needle in err.value.message and err.value.line == line
    assert err.value.path == str(p)


def test_all_points_untimed_is_an_error_naming_the_first(tmp_path):
    text = gpx('<trk><trkseg>\n<trkpt lat="1" lon="2"/>\n<trkpt lat="1" lon="3"/></trkseg></trk>')
    with pytest.raises(ReadError) as err:
        read(write(tmp_path, text))
    assert err.value.line == 4 and "without <time>" in err.value.message


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<gpx><trk><name>&lol9;</name><trkseg><trkpt lat="1" lon="2"><time>2020-01-01T00:00:00Z</time>
</trkpt></trkseg></trk></gpx>
"""


def test_billion_laughs_is_refused_not_expanded(tmp_path):
    p = tmp_path / "lol.gpx"
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
    assert "entity" in err.value.message and "'lol'" in err.value.message
    assert err.value.line == 3


def test_external_entity_is_refused(tmp_path):
    p = tmp_path / "xxe.gpx"
    p.write_bytes(
        b'<?xml version="1.0"?>\n<!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b"<gpx><trk><name>&x;</name></trk></gpx>"
    )
    with pytest.raises(ReadError) as err:
        read(p)
    assert "entity" in err.value.message and err.value.line == 2


def test_size_limit(tmp_path, monkeypatch):
    p = write(tmp_path, BASIC)
    monkeypatch.setitem(limits.TEXT_CAP, "xml", 200)
    with pytest.raises(ReadError) as err:
        read(p)
    assert "limit" in err.value.message


def test_utf16_file_reads(tmp_path):
    p = tmp_path / "u16.gpx"
    p.write_bytes(BASIC.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    out = read(p)
    assert out.ids == ["BULLSEYE", "IP", "VIPER 11", "trk2"]
    assert sniff(p) == "gpx"


def test_registry_by_extension_and_by_content(tmp_path):
    named = write(tmp_path, BASIC)
    unnamed = write(tmp_path, BASIC, name="export.dat")
    assert sniff(named) == sniff(unnamed) == "gpx"
    assert read_file(unnamed).ids == read(named).ids


# ----------------------------------------------------------------------------- round trip


def write_gpx(tset: TrackSet, path: Path) -> None:
    """A minimal GPX writer, independent of the reader: one trk per track."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" {NS11}>']
    for k in range(len(tset)):
        s = tset.track_slice(k)
        parts.append(f"<trk><name>{escape(tset.ids[k])}</name><trkseg>")
        cols = (tset.lat[s].tolist(), tset.lon[s].tolist(), tset.alt[s].tolist(), iso_ms(tset.t[s]))
        for la, lo, al, tt in zip(*cols, strict=True):
            ele = f"<ele>{al!r}</ele>" if np.isfinite(al) else ""
            parts.append(f'<trkpt lat="{la!r}" lon="{lo!r}">{ele}<time>{tt}</time></trkpt>')
        parts.append("</trkseg></trk>")
    parts.append("</gpx>\n")
    path.write_text("\n".join(parts), encoding="utf-8")


def test_round_trip_of_the_sample_encounter(tmp_path):
    original = read_file(SAMPLE)
    p = tmp_path / "sample.gpx"
    write_gpx(original, p)
    back = read_file(p)
    assert_same_tracks(back, original)
    assert [w for w in back.warnings if "GPX" in w.message] == []


# ----------------------------------------------------------------------------- fuzzing

FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _read_bytes(tmp_path: Path, data: bytes) -> TrackSet | None:
    path = tmp_path / "fuzz.gpx"
    path.write_bytes(data)
    try:
        out = read_gpx(path, ReadOptions())
    except ReadError as err:
        assert err.path == str(path) and err.message
        return None
    assert isinstance(out, TrackSet)
    check_invariants(out)
    return out


def test_fuzz_base_file_is_valid(tmp_path):
    assert _read_bytes(tmp_path, BASIC.encode()) is not None


@FUZZ
@given(data=st.binary(max_size=400))
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


_cell = st.one_of(
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "1e999", "-0", "2020-01-01T00:00:00Z", "2020-13-45T99:00:00Z", "91"]),
)


@FUZZ
@given(
    points=st.lists(
        st.tuples(_cell, _cell, st.one_of(st.none(), _cell), st.one_of(st.none(), _cell)),
        max_size=8,
    ),
    kind=st.sampled_from(["trk", "rte", "wpt"]),
)
def test_fuzz_structured_field_values(tmp_path, points, kind):
    tag = {"trk": "trkpt", "rte": "rtept", "wpt": "wpt"}[kind]
    body = []
    for lat, lon, ele, when in points:
        inner = (f"<ele>{escape(ele)}</ele>" if ele is not None else "") + (
            f"<time>{escape(when)}</time>" if when is not None else ""
        )
        body.append(f"<{tag} lat={quoteattr(lat)} lon={quoteattr(lon)}>{inner}</{tag}>")
    pts = "\n".join(body)
    doc = gpx(pts if kind == "wpt" else f"<{kind}><trkseg>{pts}</trkseg></{kind}>")
    _read_bytes(tmp_path, doc.encode("utf-8", "surrogatepass"))

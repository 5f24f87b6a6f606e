"""Bounded on any input (issue 14): the hostile corpus, special inputs, safe text, no display.

The corpus is generated (``tests/hostile_corpus.py``, a tenth of the issue's bomb sizes);
cases that could exhaust memory run the CLI in a subprocess under ``RLIMIT_AS``, so a
regression ends as a failed test, not as the OOM killer visiting the machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encounter_replay import launch
from encounter_replay.cli import main
from encounter_replay.io import ReadError, limits, read_file
from encounter_replay.model.text import MAX_CHARS, printable
from hostile_corpus import ESC_CLEAR, ESC_TITLE, Case, colocated_acmi, make_corpus

#: Address space allowed to a heavy case's process: the 512 MiB budget plus the program
#: (Python, numpy, Arrow and scipy map about 1 GiB of address space before any work).
AS_LIMIT = 2 * 1024**3
BUDGET = "512M"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Case]:
    return {c.name: c for c in make_corpus(tmp_path_factory.mktemp("hostile"), scale=0.03)}


@pytest.fixture(autouse=True)
def _default_budget():
    yield
    limits.set_budget(limits.DEFAULT_BUDGET)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


def run_limited(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The CLI in a child process that cannot grow past :data:`AS_LIMIT`."""
    code = "import sys; from encounter_replay.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory,
        cwd=cwd,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def one_line(text: str) -> str:
    assert text.count("\n") == 1, text
    assert "Traceback" not in text and "\x1b" not in text
    return text


HEAVY = [
    "nul_bomb.zip.acmi",
    "nul_bomb.txt.acmi.gz",
    "rows_bomb.csv.gz",
    "samples_bomb.json.gz",
    "pad_bomb.kmz",
    "colocated.txt.acmi",
    "colocated.csv",
]


@pytest.mark.parametrize("name", HEAVY)
def test_heavy_inputs_end_within_the_budget(corpus, name):
    case = corpus[name]
    proc = run_limited([case.command, str(case.path), "--max-memory", BUDGET])
    assert proc.returncode == case.code, proc.stderr
    err = one_line(proc.stderr)
    if case.command == "info":  # read errors name the file; the analysis spans files
        assert str(case.path) in err
    assert any(s in err for s in (case.says, "memory budget", "decompression bomb", "limit")), err


LIGHT = [
    "escape_header.csv",
    "random.csv",
    "wide_header.csv",
    "no_tracks.txt.acmi",
    "loop.acmi",
    "dev_zero",
]


@pytest.mark.parametrize("name", LIGHT)
def test_broken_inputs_get_one_precise_line(corpus, name, capsys):
    case = corpus[name]
    code = main(["info", str(case.path)])
    out, err = capsys.readouterr()
    assert code == case.code and not out
    assert case.says in one_line(err) and str(case.path) in err


def test_over_wide_header_says_so(corpus):
    with pytest.raises(ReadError) as err:
        read_file(corpus["wide_header.csv"].path)
    assert "header line longer than" in err.value.message and err.value.line == 1


def test_backwards_frames_are_one_run_reported_and_sorted(corpus):
    ts = read_file(corpus["backwards.txt.acmi"].path)
    assert len(ts) == 1 and ts.n_samples == 120
    assert ts.end - ts.start == pytest.approx(119.0)  # the frames' own span, nothing invented
    (w,) = [w for w in ts.warnings if "time goes back" in w.message]
    assert "running backwards" in w.message and w.count == 118


def test_european_csv_is_read(corpus):
    ts = read_file(corpus["european.csv"].path)
    assert list(ts.lat) == [48.85, 48.86] and list(ts.alt) == [1000.5, 1001.0]


def test_colocated_scene_refused_before_building_pairs():
    from encounter_replay.analysis import AnalysisSettings, analyze

    limits.set_budget(256 * 1024**2)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "c.txt.acmi"
        p.write_text(colocated_acmi(2000))
        ts = read_file(p)
    with pytest.raises(limits.OverBudget, match="--within"):
        analyze(ts, AnalysisSettings())


def test_readers_count_objects_against_the_budget(tmp_path, monkeypatch):
    """ACMI counts tracks and samples while parsing, CSV counts rows while inflating: both
    refuse mid-file once the (here tiny) budget is spent."""
    from hostile_corpus import colocated_csv

    limits.set_budget(limits.MIN_BUDGET)
    monkeypatch.setattr(limits, "TRACK_BYTES", 1024**2)
    p = tmp_path / "many.txt.acmi"
    p.write_text(colocated_acmi(5000))
    with pytest.raises(ReadError, match="memory budget") as err:
        read_file(p)
    assert err.value.line is not None and err.value.line < 5000
    monkeypatch.setattr(limits, "SAMPLE_BYTES", 100 * 1024)
    p = tmp_path / "many.csv"
    p.write_text(colocated_csv(2000))
    with pytest.raises(ReadError, match="rows need about"):
        read_file(p)


def test_pair_estimate_bounds_the_pairs_built():
    """The k-d tree count is an upper bound of what close_box_pairs builds (and close)."""
    import numpy as np

    from encounter_replay.analysis.boxes import close_box_pairs
    from encounter_replay.analysis.pruning import count_close_box_pairs

    rng = np.random.default_rng(5)
    n = 3000
    centre = rng.uniform(0, 50_000, (3, n))
    half = rng.uniform(0, 500, (3, n))
    half[:, :10] *= 200  # a few oversized boxes (fast movers)
    bucket = rng.integers(0, 4, n)
    lo, hi = centre - half, centre + half
    for radius in (1000.0, 10_000.0, np.inf):
        built = len(close_box_pairs(lo, hi, bucket, radius)[0])
        est = count_close_box_pairs(lo, hi, bucket, radius)
        assert built <= est  # an upper bound: refusing is safe, building too many is not


# ----------------------------------------------------------------------------- streams


def test_stdin_is_read_as_a_stream(tmp_path):
    sample = Path(__file__).resolve().parents[1] / "sample_tracks"
    acmi = next(sample.glob("*.txt.acmi")).read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "encounter_replay", "info", "-", "--json"],
        input=acmi,
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert len(doc["tracks"]) > 1


def test_stdin_binary_refused_early(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "encounter_replay", "info", "-"],
        stdin=open("/dev/zero", "rb"),  # noqa: SIM115 - an endless stream, closed by exit
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "<stdin>: binary data" in one_line(proc.stderr)


def test_named_pipe_is_read_as_a_stream(tmp_path, capsys):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    text = "time,id,lat,lon\n1714557600,A,35,36\n1714557610,A,35.1,36\n"

    def feed() -> None:
        with open(fifo, "w") as fh:
            fh.write(text)

    writer = threading.Thread(target=feed)
    writer.start()
    ts = read_file(fifo)
    writer.join(10)
    assert ts.n_samples == 2 and ts.meta["source"][0] == str(fifo)


def test_directory_and_permission(tmp_path):
    with pytest.raises(ReadError, match="is a directory"):
        read_file(tmp_path)
    p = tmp_path / "secret.csv"
    p.write_text("time,id,lat,lon\n1,A,1,1\n")
    p.chmod(0)
    try:
        if os.access(p, os.R_OK):
            pytest.skip("running as root: permissions are not enforced")
        with pytest.raises(ReadError, match="permission denied"):
            read_file(p)
    finally:
        p.chmod(0o600)


# ----------------------------------------------------------------------------- safe text

_READERS = {
    "x.csv": "time,id,lat,lon,callsign\n1714557600,A,35,36,{n}\n1714557610,A,35.1,36.1,{n}\n",
    "x.txt.acmi": (
        "FileType=text/acmi/tacview\nFileVersion=2.2\n0,ReferenceTime=2024-05-01T10:00:00Z\n"
        "#0\n1,T=36|35|3000,Type=Air+FixedWing,Name={n},CallSign={n}\n#10\n1,T=36.1|35|3000\n"
    ),
    "x.gpx": (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>{n}</name><trkseg>'
        '<trkpt lat="35" lon="36"><ele>3000</ele><time>2024-05-01T10:00:00Z</time></trkpt>'
        '<trkpt lat="35.1" lon="36"><ele>3000</ele><time>2024-05-01T10:00:10Z</time></trkpt>'
        "</trkseg></trk></gpx>"
    ),
    "x.kml": (
        '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2" '
        'xmlns:gx="http://www.google.com/kml/ext/2.2"><Document><Placemark><name>{n}</name>'
        "<gx:Track><when>2024-05-01T10:00:00Z</when><when>2024-05-01T10:00:10Z</when>"
        "<gx:coord>36 35 3000</gx:coord><gx:coord>36 35.1 3000</gx:coord></gx:Track>"
        "</Placemark></Document></kml>"
    ),
    "x.json": json.dumps(
        {
            "icao": "abc123",
            "r": "{n}",
            "timestamp": 1714557600,
            "trace": [
                [0, 35.0, 36.0, 3000, 200, 90, 0, 0, {"flight": "{n}"}, "adsb_icao"],
                [10, 35.1, 36.0, 3000, 200, 90, 0, 0, None, "adsb_icao"],
            ],
        }
    ),
}
_NASTY = "EVIL" + ESC_CLEAR + ESC_TITLE + "\x9b2J\u202e"


def _xml_safe(text: str) -> str:
    # XML 1.0 forbids C0 controls even as references; the readers see them only in CSV,
    # ACMI and JSON. The bidi override and the 8-bit CSI still go through XML.
    return "".join(c for c in text if c >= " " or c in "\t\n")


@pytest.mark.parametrize("name", sorted(_READERS))
def test_escape_sequences_from_every_reader_never_reach_an_output(tmp_path, name, capsys):
    nasty = _xml_safe(_NASTY) if name.endswith((".gpx", ".kml")) else _NASTY
    body = _READERS[name]
    if name.endswith(".json"):
        body = body.replace("{n}", json.dumps(nasty)[1:-1])
    else:
        body = body.replace("{n}", nasty)
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    ts = read_file(p)
    for col in ts.meta.columns:
        for v in ts.meta[col]:
            assert not isinstance(v, str) or v.isprintable(), (col, v)
    assert any("EVIL" in str(v) for v in ts.meta[["name", "callsign"]].to_numpy().ravel())
    report = tmp_path / "brief.html"
    commands = [["info", str(p)], ["info", str(p), "--json"], ["analyze", str(p)]]
    if name == "x.txt.acmi":  # one briefing is enough: every reader's text arrives alike
        commands.append(["report", str(p), "--out", str(report)])
    for args in commands:
        main(args)
        out, err = capsys.readouterr()
        texts = [out, err, report.read_text("utf-8") if report.exists() else ""]
        for text in texts:
            assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
            assert "\x07" not in text
    if report.exists():
        assert "EVIL" in report.read_text("utf-8")  # the name is in the briefing, made safe


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_printable_is_printable_and_bounded(text):
    shown = printable(text)
    assert shown.isprintable()
    assert len(shown) <= MAX_CHARS + 1
    if text.isprintable() and len(text) <= MAX_CHARS:
        assert shown == text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
@settings(max_examples=80, deadline=None)
def test_fuzzed_csv_names_come_out_printable(tmp_path_factory, name):
    """Any text in a CSV cell or header reaches metadata and errors printable."""
    d = tmp_path_factory.mktemp("fz")
    cell = name.replace('"', "").replace(",", "").replace("\r", "").replace("\n", "")
    p = d / "f.csv"
    p.write_text(
        f"time,id,lat,lon,callsign,{cell or 'x'}_\n"
        f"1714557600,A,35,36,{cell},1\n1714557610,A,35.1,36,{cell},1\n",
        encoding="utf-8",
    )
    try:
        ts = read_file(p)
    except ReadError as exc:
        assert str(exc).isprintable()
        return
    assert all(str(v).isprintable() for v in ts.meta["callsign"])
    assert all(str(w).isprintable() for w in ts.warnings)


@given(st.binary(max_size=2000))
@settings(max_examples=80, deadline=None)
def test_fuzzed_bytes_errors_are_printable(tmp_path_factory, data):
    d = tmp_path_factory.mktemp("fb")
    for name in ("f.csv", "f.txt.acmi"):
        p = d / name
        p.write_bytes(data)
        try:
            ts = read_file(p)
        except ReadError as exc:
            assert str(exc).isprintable()
            continue
        assert all(str(w).isprintable() for w in ts.warnings)


# ----------------------------------------------------------------------------- launch


def test_no_display_is_one_line():
    env = {"PATH": "/usr/bin"}
    assert launch.display_problem(env, "linux") == launch.NO_DISPLAY
    assert launch.display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert launch.display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert launch.display_problem({}, "darwin") is None
    assert "nothing answers" in (launch.display_problem({"DISPLAY": ":97"}, "linux") or "x")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.run(
        [sys.executable, "-m", "encounter_replay"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 1
    assert one_line(proc.stderr) == f"encounter-replay: {launch.NO_DISPLAY}\n"


def test_unknown_command_suggests(capsys):
    assert main(["infoo", "x.acmi"]) == 2
    assert "unknown command 'infoo' (did you mean info?)" in one_line(capsys.readouterr().err)
    assert launch.unknown_command("recording.acmi", ["info"]) is None
    assert launch.unknown_command(__file__, ["info"]) is None


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("encounter-replay ")


def test_max_memory_option(capsys):
    assert limits.parse_size("2G") == 2 * 1024**3
    assert limits.parse_size("512") == 512 * 1024**2
    with pytest.raises(ValueError):
        limits.parse_size("1k")
    sample = Path(__file__).resolve().parents[1] / "sample_tracks"
    p = next(sample.glob("*.csv"))
    assert main(["info", str(p), "--max-memory", "64M"]) == 0
    capsys.readouterr()


def test_quiet_bounded_reader_ends_the_stream_and_keeps_the_refusal(tmp_path):
    """Arrow reads ahead on its own thread: a refusal raised there aborted the process at
    exit, so the reader Arrow gets ends the stream and the caller raises afterwards."""
    import io

    from encounter_replay.io.zip_safety import BoundedReader, Inflation

    path = tmp_path / "big.csv"
    data = b"x" * 10_000
    loud = BoundedReader(io.BytesIO(data), Inflation(path, 4_096, "CSV file", None))
    with pytest.raises(ReadError):
        loud.read(8_192)
    quiet = BoundedReader(io.BytesIO(data), Inflation(path, 4_096, "CSV file", None), quiet=True)
    assert quiet.read(8_192) == b""  # refused: the stream just ends
    assert quiet.read(8_192) == b""
    with pytest.raises(ReadError, match=r"big\.csv"):
        quiet.raise_refused()

"""A corpus of hostile and broken inputs, generated (never committed as binaries).

Each case is what an attacker or a careless user could hand the tool: decompression bombs
in every container, scenes of tens of thousands of co-located aircraft, terminal escape
sequences in headers and callsigns, random bytes, a 200,000-column header, frames running
backwards, European CSV. ``tests/test_hostile.py`` runs the CLI on each in a subprocess
under an address-space limit; ``tests/benchmarks/bench_hostile.py`` builds it at full
scale (``scale=1``) and measures before/after.

    python tests/hostile_corpus.py DIR [SCALE]
"""

from __future__ import annotations

import gzip
import os
import random
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ACMI_HEAD = (
    "FileType=text/acmi/tacview\nFileVersion=2.2\n"
    "0,ReferenceTime=2024-05-01T10:00:00Z\n0,Title=hostile\n"
)
ESC_CLEAR = "\x1b[2J\x1b[31mRED"
ESC_TITLE = "\x1b]0;owned\x07"
CSI_8BIT = "\x9b31m"


@dataclass(frozen=True)
class Case:
    """One input and what the CLI must answer: exit code and a phrase of its one line."""

    name: str
    path: Path
    code: int
    says: str
    command: str = "info"
    heavy: bool = False  # worth a memory-limited subprocess


def _zip_of_nuls(path: Path, member: str, nbytes: int) -> None:
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open(member, "w", force_zip64=True) as fh,
    ):
        block = bytes(1 << 22)
        left = nbytes
        while left > 0:
            n = min(left, len(block))
            fh.write(block[:n])
            left -= n


def _gzip_of(path: Path, head: bytes, body_block: bytes, nbytes: int, tail: bytes = b"") -> None:
    with gzip.open(path, "wb", compresslevel=6) as fh:
        fh.write(head)
        left = nbytes - nbytes % len(body_block)  # whole records: the text stays well-formed
        reps = max(1, (1 << 22) // len(body_block))
        block = body_block * reps
        while left > 0:
            piece = block[: min(left, len(block))]
            fh.write(piece)
            left -= len(piece)
        fh.write(tail)


def colocated_acmi(n: int) -> str:
    """``n`` aircraft with one sample each inside 15 × 6 NM."""
    rnd = random.Random(7)
    lines = [ACMI_HEAD, "#0\n"]
    for i in range(n):
        lon = 36.0 + rnd.random() * 0.3
        lat = 35.0 + rnd.random() * 0.1
        alt = 3000 + rnd.random() * 3000
        lines.append(f"{i + 1:x},T={lon:.5f}|{lat:.5f}|{alt:.0f},Type=Air+FixedWing,Name=F{i}\n")
    return "".join(lines)


def colocated_csv(n: int) -> str:
    rnd = random.Random(8)
    rows = ["time,id,lat,lon,alt_m\n"]
    for i in range(n):
        rows.append(
            f"2024-05-01T10:00:00Z,AC{i},{35 + rnd.random() * 0.1:.5f},"
            f"{36 + rnd.random() * 0.3:.5f},{3000 + rnd.random() * 3000:.0f}\n"
        )
    return "".join(rows)


def make_corpus(root: Path, scale: float = 0.1) -> list[Case]:
    """Write the corpus under ``root``; ``scale=1`` is the issue's full size (1 GB bombs,
    30,000 aircraft), the default a tenth of the bombs for a quick test run."""
    root.mkdir(parents=True, exist_ok=True)
    bomb = max(int(1024**3 * scale), 80 * 1024**2)  # over limits.BOMB_FLOOR at any scale
    cases: list[Case] = []

    def case(name: str, code: int, says: str, **kw) -> Path:
        p = root / name
        cases.append(Case(name, p, code, says, **kw))
        return p

    _zip_of_nuls(
        case("nul_bomb.zip.acmi", 1, "not a Tacview ACMI file", heavy=True), "rec.txt.acmi", bomb
    )
    _gzip_of(
        case("nul_bomb.txt.acmi.gz", 1, "not a Tacview ACMI file", heavy=True), b"", b"\0", bomb
    )
    row = b"2024-05-01T10:00:00Z,AC1,35.00000,36.00000,3000\n"
    _gzip_of(
        case("rows_bomb.csv.gz", 1, "decompression bomb", heavy=True),
        b"time,id,lat,lon,alt_m\n",
        row,
        int(3.7 * 1024**3 * scale),
    )
    # One sample repeated for 200 MB: json.loads alone would need ~3.6 GB.
    sample = b'[0,35.0,36.0,3000,200,90,0,0,null,"adsb_icao",null,null,null,null],'
    _gzip_of(
        case("samples_bomb.json.gz", 1, "decompression bomb", heavy=True),
        b'{"icao":"abc123","timestamp":1714557600,"trace":[',
        sample,
        int(200 * 1024**2 * max(scale, 0.5)),
        sample.rstrip(b",") + b"]}",
    )
    kml = b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
    kmz = case("pad_bomb.kmz", 1, "decompression bomb", heavy=True)
    with (
        zipfile.ZipFile(kmz, "w", zipfile.ZIP_DEFLATED) as zf,
        zf.open("doc.kml", "w", force_zip64=True) as fh,
    ):
        fh.write(kml)
        block = b" " * (1 << 22)
        for _ in range(max(1, bomb // len(block))):
            fh.write(block)
        fh.write(b"</Document></kml>")
    n_ac = max(1000, int(30_000 * min(1.0, scale * 10)))
    case("colocated.txt.acmi", 1, "memory budget", command="analyze", heavy=True).write_text(
        colocated_acmi(n_ac)
    )
    case("colocated.csv", 1, "memory budget", command="analyze", heavy=True).write_text(
        colocated_csv(max(1000, int(20_000 * min(1.0, scale * 10))))
    )
    case("escape_header.csv", 1, "\\x1b[2J", heavy=False).write_text(
        f"when{ESC_CLEAR}{ESC_TITLE},lat,lon\n1,2,3\n"
    )
    case("escape_callsign.txt.acmi", 0, "\\x1b[2J").write_text(
        ACMI_HEAD
        + f"#0\n1,T=36|35|3000,Type=Air+FixedWing,Name=MiG{ESC_TITLE},CallSign=RED{ESC_CLEAR}{CSI_8BIT}\n"
        + "#10\n1,T=36.1|35|3000\n"
    )
    case("escape_callsign.csv", 0, "\\x1b]0;owned\\x07").write_text(
        f"time,id,lat,lon,callsign\n1714557600,A,35,36,X{ESC_TITLE}\n1714557610,A,35.1,36,X\n"
    )
    rnd = random.Random(3)
    case("random.csv", 1, "").write_bytes(rnd.randbytes(64 * 1024))
    case("wide_header.csv", 1, "header line longer than").write_text(
        ",".join(f"c{i}" for i in range(200_000)) + "\n1,2\n"
    )
    case("no_tracks.txt.acmi", 1, "holds no tracks").write_text(ACMI_HEAD + "#0\n#10\n")
    case("backwards.txt.acmi", 0, "time goes back").write_text(
        ACMI_HEAD
        + "".join(
            f"#{t}\n1,T={36 + t * 1e-3:.4f}|35|3000,Type=Air+FixedWing,Name=B\n"
            for t in range(120, 0, -1)
        )
    )
    case("european.csv", 0, "1 tracks").write_text(
        "time;id;lat;lon;alt_m\n"
        + "2024-05-01T10:00:00Z;A;48,85;2,35;1000,5\n2024-05-01T10:00:10Z;A;48,86;2,36;1001\n"
    )
    loop = root / "loop.acmi"
    if not os.path.lexists(loop):
        os.symlink(loop.name, loop)
    cases.append(Case("loop.acmi", loop, 1, "symbolic link loop"))
    cases.append(Case("dev_zero", Path("/dev/zero"), 1, "not a regular file"))
    return cases


if __name__ == "__main__":
    out = Path(sys.argv[1])
    s = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    for c in make_corpus(out, s):
        print(
            f"{c.name:28s} {c.path.stat().st_size if c.path.exists() and c.path.is_file() else 0:>12,d}"
        )

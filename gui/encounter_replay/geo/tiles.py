"""Raster map tiles from files the analyst supplies: MBTiles and PMTiles v3. No network.

Both formats hold Web-Mercator ("slippy map") tiles addressed by zoom z, column x and row
y counted from the north (XYZ). MBTiles is SQLite with a ``tiles(zoom_level, tile_column,
tile_row, tile_data)`` table whose rows count from the south (TMS), so ``row = 2^z-1-y``.
PMTiles v3 is one file: a 127-byte header, a (usually gzipped) root directory of varint
entries keyed by a Hilbert-curve tile id, optional leaf directories, then the tile data.

The readers return encoded image bytes (PNG/JPEG/WebP); decoding and drawing is the
view's job. Any problem with a file is a :class:`TileError` naming it.
"""

from __future__ import annotations

import bisect
import gzip
import math
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

MAX_MERCATOR_LAT = 85.0511287798066


class TileError(ValueError):
    """A tile file that cannot be used; the message names the file."""

    def __init__(self, path: str | Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.message = message


class TileSource(Protocol):
    path: str
    min_zoom: int
    max_zoom: int
    tile_type: str  # "png", "jpg", "webp" or "" when unknown

    def get(self, z: int, x: int, y: int) -> bytes | None: ...

    def close(self) -> None: ...


# ---------------------------------------------------------------------- Web Mercator
def tile_corners(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """``(north, west, south, east)`` in degrees of XYZ tile (z, x, y)."""
    n = 2**z

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return lat(y), x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0


def lonlat_to_tile(z: int, lat: float, lon: float) -> tuple[float, float]:
    """Fractional XYZ tile coordinates of a point (latitude clamped to the Mercator range)."""
    n = 2**z
    lat = min(max(lat, -MAX_MERCATOR_LAT), MAX_MERCATOR_LAT)
    x = (lon + 180.0) / 360.0 * n
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return x, y


def tiles_covering(
    z: int, south: float, north: float, west: float, east: float, limit: int = 400
) -> list[tuple[int, int, int]]:
    """XYZ tiles (z, x, y) covering a lon/lat box (east may exceed 180); at most ``limit``.

    Column numbers wrap round the dateline, so a box across 180° gets tiles from both ends.
    """
    n = 2**z
    x0, y0 = lonlat_to_tile(z, north, west)
    x1, y1 = lonlat_to_tile(z, south, east)
    ys = range(max(math.floor(y0), 0), min(math.floor(y1), n - 1) + 1)
    xs = range(math.floor(x0), math.floor(x1) + 1)
    out = []
    for y in ys:
        for x in xs:
            out.append((z, x % n, y))
            if len(out) >= limit:
                return out
    return out


def zoom_for_resolution(m_per_px: float, lat: float) -> int:
    """Tile zoom whose pixels are about ``m_per_px`` on the ground at ``lat`` (≥ 0)."""
    if not (m_per_px > 0):
        return 0
    equator_m_per_px = 156543.03392804097 * math.cos(math.radians(lat))
    return max(round(math.log2(max(equator_m_per_px / m_per_px, 1e-9))), 0)


def _sniff_image(data: bytes) -> str:
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return ""


# ---------------------------------------------------------------------- MBTiles
class MBTiles:
    """Read-only MBTiles (SQLite) source."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            self._db = sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True)
            rows = self._db.execute("SELECT name, value FROM metadata").fetchall()
            meta = {str(k): str(v) for k, v in rows}
            zooms = self._db.execute(
                "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles"
            ).fetchone()
        except sqlite3.Error as exc:
            raise TileError(path, f"not a readable MBTiles file ({exc})") from None
        if zooms is None or zooms[0] is None:
            raise TileError(path, "MBTiles file holds no tiles")
        self.min_zoom, self.max_zoom = int(zooms[0]), int(zooms[1])
        fmt = meta.get("format", "").lower()
        if fmt in ("pbf", "mvt"):
            raise TileError(
                path, "holds vector tiles (pbf); only raster tiles (png/jpg/webp) can be drawn"
            )
        self.tile_type = {"jpeg": "jpg"}.get(fmt, fmt)
        self.metadata = meta

    def get(self, z: int, x: int, y: int) -> bytes | None:
        row = (2**z - 1) - y  # TMS rows count from the south
        try:
            hit = self._db.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                (z, x, row),
            ).fetchone()
        except sqlite3.Error as exc:
            raise TileError(self.path, f"cannot read tile {z}/{x}/{y} ({exc})") from None
        return bytes(hit[0]) if hit and hit[0] is not None else None

    def close(self) -> None:
        self._db.close()


# ---------------------------------------------------------------------- PMTiles v3
def _rotate(n: int, x: int, y: int, rx: int, ry: int) -> tuple[int, int]:
    if ry == 0:
        if rx == 1:
            x, y = n - 1 - x, n - 1 - y
        x, y = y, x
    return x, y


def zxy_to_tileid(z: int, x: int, y: int) -> int:
    """PMTiles tile id: tiles of all lower zooms, plus the Hilbert index of (x, y) at z."""
    if not (0 <= x < 2**z and 0 <= y < 2**z):
        raise ValueError(f"tile {z}/{x}/{y} out of range")
    acc = ((1 << (2 * z)) - 1) // 3
    d = 0
    s = (1 << z) // 2
    while s > 0:
        rx = 1 if x & s else 0
        ry = 1 if y & s else 0
        d += s * s * ((3 * rx) ^ ry)
        x, y = _rotate(s, x, y, rx, ry)
        s //= 2
    return acc + d


def _varints(buf: bytes) -> list[int]:
    out, shift, cur = [], 0, 0
    for b in buf:
        cur |= (b & 0x7F) << shift
        if b & 0x80:
            shift += 7
        else:
            out.append(cur)
            cur, shift = 0, 0
    if shift:
        raise ValueError("truncated varint")
    return out


@dataclass(frozen=True)
class _Dir:
    ids: list[int]
    run: list[int]
    length: list[int]
    offset: list[int]


def _parse_directory(buf: bytes) -> _Dir:
    v = _varints(buf)
    if not v:
        raise ValueError("empty directory")
    n = v[0]
    if len(v) != 1 + 4 * n:
        raise ValueError("directory length does not match its entry count")
    ids, last = [], 0
    for d in v[1 : 1 + n]:
        last += d
        ids.append(last)
    run = v[1 + n : 1 + 2 * n]
    length = v[1 + 2 * n : 1 + 3 * n]
    offset = []
    for i, raw in enumerate(v[1 + 3 * n : 1 + 4 * n]):
        offset.append(offset[i - 1] + length[i - 1] if i > 0 and raw == 0 else raw - 1)
    return _Dir(ids, run, length, offset)


_PM_COMPRESSION = {0: "unknown", 1: "none", 2: "gzip", 3: "brotli", 4: "zstd"}
_PM_TYPES = {0: "", 2: "png", 3: "jpg", 4: "webp", 5: "avif"}


class PMTiles:
    """Read-only PMTiles v3 source (raster tiles; directories gzip or uncompressed)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            self._f = open(path, "rb")  # noqa: SIM115 - kept open for random tile reads
        except OSError as exc:
            raise TileError(path, f"cannot open ({exc.strerror or exc})") from None
        h = self._f.read(127)
        if len(h) < 127 or h[:7] != b"PMTiles":
            raise TileError(path, "not a PMTiles file")
        if h[7] != 3:
            raise TileError(path, f"PMTiles version {h[7]} is not supported (only v3)")

        def u64(pos: int) -> int:
            return int.from_bytes(h[pos : pos + 8], "little")

        self._root = (u64(8), u64(16))
        self._leaf_offset = u64(40)
        self._data_offset = u64(56)
        self._internal = h[97]
        self._tile_comp = h[98]
        if h[99] == 1:
            raise TileError(path, "holds vector tiles (MVT); only raster tiles can be drawn")
        self.tile_type = _PM_TYPES.get(h[99], "")
        self.min_zoom, self.max_zoom = h[100], h[101]
        if self._internal not in (1, 2) or self._tile_comp not in (0, 1, 2):
            raise TileError(
                path,
                "uses "
                + _PM_COMPRESSION.get(
                    self._internal if self._internal not in (1, 2) else self._tile_comp, "?"
                )
                + " compression; only gzip or none can be read",
            )
        self._dirs: dict[tuple[int, int], _Dir] = {}
        self._directory(*self._root)  # fail now, not on the first tile

    def _read(self, offset: int, length: int) -> bytes:
        self._f.seek(offset)
        buf = self._f.read(length)
        if len(buf) != length:
            raise TileError(self.path, "file is truncated")
        return buf

    def _directory(self, offset: int, length: int) -> _Dir:
        key = (offset, length)
        d = self._dirs.get(key)
        if d is None:
            raw = self._read(offset, length)
            try:
                if self._internal == 2:
                    raw = gzip.decompress(raw)
                d = _parse_directory(raw)
            except (OSError, ValueError, EOFError, zlib.error) as exc:
                raise TileError(self.path, f"bad directory at byte {offset} ({exc})") from None
            if len(self._dirs) > 64:
                self._dirs.clear()
            self._dirs[key] = d
        return d

    def get(self, z: int, x: int, y: int) -> bytes | None:
        tid = zxy_to_tileid(z, x, y)
        d = self._directory(*self._root)
        for _depth in range(4):
            i = bisect.bisect_right(d.ids, tid) - 1
            if i < 0:
                return None
            if d.run[i] == 0:  # a leaf directory
                d = self._directory(self._leaf_offset + d.offset[i], d.length[i])
                continue
            if tid - d.ids[i] >= d.run[i]:
                return None
            data = self._read(self._data_offset + d.offset[i], d.length[i])
            if self._tile_comp == 2:
                try:
                    data = gzip.decompress(data)
                except (OSError, EOFError, zlib.error) as exc:
                    raise TileError(self.path, f"bad tile {z}/{x}/{y} ({exc})") from None
            return data
        raise TileError(self.path, "directories nested too deep")

    def close(self) -> None:
        self._f.close()


def open_tiles(path: str | Path) -> TileSource:
    """MBTiles or PMTiles by content (the extension may lie); TileError otherwise."""
    p = Path(path)
    try:
        with open(p, "rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise TileError(p, f"cannot open ({exc.strerror or exc})") from None
    if head.startswith(b"SQLite format 3\x00"):
        return MBTiles(p)
    if head.startswith(b"PMTiles"):
        return PMTiles(p)
    raise TileError(p, "neither an MBTiles nor a PMTiles file")

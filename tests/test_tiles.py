"""Raster tile files (MBTiles, PMTiles v3) and the warped tile underlay on the map."""

from __future__ import annotations

import gzip
import math
import sqlite3
import struct
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from encounter_replay.geo import tiles as gt

# Published PMTiles v3 test vectors (protomaps/PMTiles python/test/test_tile.py).
TILE_ID_VECTORS = [
    ((0, 0, 0), 0),
    ((1, 0, 0), 1),
    ((1, 0, 1), 2),
    ((1, 1, 1), 3),
    ((1, 1, 0), 4),
    ((2, 0, 0), 5),
    ((12, 3423, 1763), 19078479),
]


@pytest.mark.parametrize("zxy, tid", TILE_ID_VECTORS)
def test_pmtiles_tile_ids(zxy: tuple[int, int, int], tid: int) -> None:
    assert gt.zxy_to_tileid(*zxy) == tid


def test_tile_geometry() -> None:
    n, w, s, e = gt.tile_corners(0, 0, 0)
    assert (w, e) == (-180.0, 180.0)
    assert n == pytest.approx(gt.MAX_MERCATOR_LAT) and s == pytest.approx(-gt.MAX_MERCATOR_LAT)
    # Zurich (47.37N 8.54E) is in OSM tile 10/536/358.
    x, y = gt.lonlat_to_tile(10, 47.37, 8.54)
    assert (int(x), int(y)) == (536, 358)
    cover = gt.tiles_covering(10, 47.3, 47.45, 8.4, 8.7)
    assert (10, 536, 358) in cover and all(t[0] == 10 for t in cover)
    # Across the dateline the columns wrap.
    cover = gt.tiles_covering(3, 60, 65, 170, 190)
    assert {t[1] for t in cover} == {7, 0}
    assert gt.zoom_for_resolution(156543.03 / 2**8, 0.0) == 8


def png(color: str, size: int = 256) -> bytes:
    img = QtGui.QImage(size, size, QtGui.QImage.Format.Format_RGB32)
    img.fill(QtGui.QColor(color))
    buf = QtCore.QBuffer()
    buf.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    return bytes(buf.data())


def write_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes]) -> None:
    """Tiles keyed by XYZ; stored with TMS rows as the MBTiles spec requires."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name text, value text)")
    db.execute(
        "CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)"
    )
    db.executemany(
        "INSERT INTO metadata VALUES (?, ?)", [("format", "png"), ("attribution", "test tiles")]
    )
    for (z, x, y), data in tiles.items():
        db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2**z - 1 - y, data))
    db.commit()
    db.close()


def _varint(v: int) -> bytes:
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def _directory(entries: list[tuple[int, int, int, int]]) -> bytes:
    """(tile_id, offset, length, run_length) → gzip'd v3 directory, as the spec lays it out."""
    out = _varint(len(entries))
    last = 0
    for tid, *_ in entries:
        out += _varint(tid - last)
        last = tid
    out += b"".join(_varint(e[3]) for e in entries)
    out += b"".join(_varint(e[2]) for e in entries)
    out += b"".join(_varint(e[1] + 1) for e in entries)
    return gzip.compress(out)


def write_pmtiles(path: Path, tiles: dict[tuple[int, int, int], bytes], leaf: bool = False) -> None:
    data = b""
    entries = []
    for zxy, blob in sorted(tiles.items(), key=lambda kv: gt.zxy_to_tileid(*kv[0])):
        entries.append((gt.zxy_to_tileid(*zxy), len(data), len(blob), 1))
        data += blob
    if leaf:
        leaf_dir = _directory(entries)
        root = _directory([(entries[0][0], 0, len(leaf_dir), 0)])
    else:
        leaf_dir, root = b"", _directory(entries)
    zs = [z for z, _, _ in tiles]
    root_off = 127
    leaf_off = root_off + len(root)
    data_off = leaf_off + len(leaf_dir)
    header = b"PMTiles" + bytes([3])
    header += struct.pack(
        "<QQQQQQQQQQQ",
        root_off,
        len(root),
        0,
        0,
        leaf_off,
        len(leaf_dir),
        data_off,
        len(data),
        len(tiles),
        len(tiles),
        len(tiles),
    )
    header += bytes([1, 2, 1, 2, min(zs), max(zs)])  # clustered, gzip dirs, raw tiles, png
    header += struct.pack("<iiii", -1800000000, -850000000, 1800000000, 850000000)
    header += bytes([min(zs)]) + struct.pack("<ii", 0, 0)
    assert len(header) == 127
    path.write_bytes(header + root + leaf_dir + data)


@pytest.mark.parametrize("leaf", [False, True])
def test_pmtiles_reader(tmp_path: Path, leaf: bool) -> None:
    tiles = {(5, 16, 10): b"alpha", (5, 17, 10): b"beta", (6, 33, 21): b"gamma"}
    path = tmp_path / "t.pmtiles"
    write_pmtiles(path, tiles, leaf=leaf)
    src = gt.open_tiles(path)
    assert isinstance(src, gt.PMTiles)
    assert (src.min_zoom, src.max_zoom, src.tile_type) == (5, 6, "png")
    for zxy, blob in tiles.items():
        assert src.get(*zxy) == blob
    assert src.get(5, 16, 11) is None
    src.close()


def test_mbtiles_reader_flips_rows(tmp_path: Path) -> None:
    path = tmp_path / "t.mbtiles"
    write_mbtiles(path, {(3, 4, 2): b"north", (3, 4, 5): b"south"})
    src = gt.open_tiles(path)
    assert isinstance(src, gt.MBTiles)
    assert src.get(3, 4, 2) == b"north" and src.get(3, 4, 5) == b"south"
    assert src.get(3, 4, 3) is None
    assert (src.min_zoom, src.max_zoom) == (3, 3)
    src.close()


def test_bad_tile_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mbtiles"
    junk.write_bytes(b"not a database at all")
    with pytest.raises(gt.TileError, match=r"junk\.mbtiles"):
        gt.open_tiles(junk)
    with pytest.raises(gt.TileError):
        gt.open_tiles(tmp_path / "missing.pmtiles")
    pm = tmp_path / "v2.pmtiles"
    pm.write_bytes(b"PMTiles" + bytes([2]) + bytes(200))
    with pytest.raises(gt.TileError, match="version 2"):
        gt.open_tiles(pm)


@pytest.mark.gui
def test_tiles_drawn_under_the_tracks(qtbot, tmp_path: Path) -> None:
    """The tile under the scene is drawn in place: the right tile (red) at the scene centre,
    never its TMS mirror (green)."""
    from encounter_replay.model import TrackSet
    from encounter_replay.view.map_canvas import MapCanvas

    lat0, lon0, z = 47.37, 8.54, 9
    x, y = (int(v) for v in gt.lonlat_to_tile(z, lat0, lon0))
    tiles = {}
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            tiles[(z, x + dx, y + dy)] = png("#ff0000" if (dx, dy) == (0, 0) else "#0000ff")
    tiles[(z, x, 2**z - 1 - y)] = png("#00ff00")  # where a missing TMS flip would look
    path = tmp_path / "zurich.mbtiles"
    write_mbtiles(path, tiles)
    n, w, s, e = gt.tile_corners(z, x, y)
    la, lo = 0.5 * (n + s), 0.5 * (w + e)
    t = 1_600_000_000.0 + np.arange(10.0)
    ts = TrackSet.from_tracks(
        [dict(t=t, lat=np.full(10, la), lon=lo + 1e-4 * np.arange(10), id="a", cls="ground")]
    )
    c = MapCanvas()
    qtbot.addWidget(c)
    c.resize(600, 500)
    c.show()
    c.set_scene(ts, None)
    c.set_basemap_visible(False)
    c.set_class_visible("ground", False)
    px, py = c.scene_data.proj.forward(np.array([la]), np.array([lo]))
    half = 40_000.0  # the whole tile (~53 × 36 km at z9) is in view
    c.set_view_rect(px[0] - half, px[0] + half, py[0] - half, py[0] + half)
    c.load_tiles(str(path))
    assert c.tiles.shown and all(tz == z for tz, _, _ in c.tiles.shown)
    img = c.render_image(400, 400)
    twin = c._twin
    p = twin.plot_widget.mapFromScene(twin.vb.mapViewToScene(QtCore.QPointF(px[0], py[0])))
    color = img.pixelColor(p)
    assert math.dist((color.red(), color.green(), color.blue()), (255, 0, 0)) < 40
    # The tile's north-west corner is where the projection puts it.
    nx, ny = c.scene_data.proj.forward(np.array([n]), np.array([w]))
    q = twin.plot_widget.mapFromScene(twin.vb.mapViewToScene(QtCore.QPointF(nx[0], ny[0])))
    inside = img.pixelColor(q + QtCore.QPoint(3, 3))
    outside = img.pixelColor(q + QtCore.QPoint(-3, -3))
    assert inside.red() > 200 and outside.blue() > 200
    c.load_tiles("")
    assert c.tiles.source is None
    with pytest.raises(gt.TileError):
        c.load_tiles(str(tmp_path / "nope.mbtiles"))
    assert np.isfinite(px).all()

"""View ▸ Basemap: what the map draws under the tracks, and which objects the fit frames;
View ▸ Map legend.

Land, coasts and borders; rivers and lakes; airfields; towns; event markers; "fit every
object" (bullseyes and far tracks too, off by default); a raster tile underlay from an
MBTiles or PMTiles file (``--tiles FILE`` on the command line does the same).
"""

from __future__ import annotations

from PySide6 import QtGui, QtWidgets

from ..geo.tiles import TileError


class BasemapMenu:
    """The submenu and its checkable actions (``land``, ``rivers``, ``airfields``,
    ``towns``, ``events``, ``fit_all``), acting on ``canvas``."""

    def __init__(self, window: QtWidgets.QMainWindow, canvas, menu: QtWidgets.QMenu) -> None:
        self.window, self.canvas = window, canvas
        m = menu.addMenu("&Basemap")
        self.menu = m

        def check(text: str, on: bool, slot, tip: str = "") -> QtGui.QAction:
            a = m.addAction(text)
            a.setCheckable(True)
            a.setChecked(on)
            a.setToolTip(tip)
            a.toggled.connect(slot)
            return a

        self.land = check("&Land, coasts and borders", True, canvas.set_basemap_visible)
        self.rivers = check("&Rivers and lakes", True, canvas.basemap.set_rivers)
        self.airfields = check(
            "&Airfields (ICAO codes)", True, lambda on: canvas.places.set_shown(airfields=on)
        )
        self.towns = check("&Towns", True, lambda on: canvas.places.set_shown(towns=on))
        self.events = check("&Event markers", True, self._events)
        m.addSeparator()
        self.fit_all = check(
            "Fit includes &every object",
            False,
            canvas.set_fit_all,
            "Also frame reference points and objects far from the aircraft action",
        )
        m.addSeparator()
        self.tiles = m.addAction("&Tile underlay (MBTiles/PMTiles)…")
        self.tiles.triggered.connect(self.ask_tiles)
        self.no_tiles = m.addAction("&Remove tile underlay")
        self.no_tiles.triggered.connect(lambda: self.load_tiles(""))
        self.no_tiles.setEnabled(False)
        self.heading_up = menu.addAction("&Heading-up (primary-oriented) view")
        self.heading_up.setCheckable(True)
        self.heading_up.setShortcut(QtGui.QKeySequence("H"))
        self.heading_up.setToolTip(
            "Centre on the followed or selected object with its nose up, range rings and "
            "bearing lines around it (H); off: north up"
        )
        self.heading_up.toggled.connect(canvas.set_heading_up)
        self.legend = menu.addAction("Map &legend")
        self.legend.setCheckable(True)
        self.legend.setShortcut(QtGui.QKeySequence("G"))
        self.legend.setToolTip("What the map's lines, rings and marks mean (G)")
        self.legend.toggled.connect(canvas.set_legend_visible)

    def _events(self, on: bool) -> None:
        self.canvas.events.set_visible(on)
        self.canvas._redraw()

    def ask_tiles(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self.window, "Tile underlay", "", "Map tiles (*.mbtiles *.pmtiles);;All files (*)"
        )
        if path:
            self.load_tiles(path)

    def load_tiles(self, path: str) -> bool:
        """Put ``path``'s tiles under the map ('' removes them); an unusable file is
        reported, not raised."""
        try:
            self.canvas.load_tiles(path)
        except (TileError, OSError) as e:
            QtWidgets.QMessageBox.critical(self.window, "Tile underlay", f"{path}: {e}")
            return False
        self.no_tiles.setEnabled(bool(path))
        return True

"""Layers of the map canvas, bottom to top: tiles, basemap, graticule, tracks, encounter
overlay, labels, and the screen-fixed furniture (scale bar, north arrow, grid labels)."""

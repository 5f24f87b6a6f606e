"""Geodesy and map projection (pyproj); basemap sources. No Qt."""

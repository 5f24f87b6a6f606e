"""Dockable panels of the replay window: encounters, tracks, plots, data quality."""

"""Screening archives for encounters: ``encounter-replay screen``.

An archive (days to months of ADS-B or radar plots, Parquet or CSV) is read and cut into
time windows by DuckDB out of core; every window goes through the exact analysis on its
own, on one machine or on a Dask cluster; the per-window results are merged into exact
per-pair results. Nothing here imports Qt, and DuckDB and Dask are imported only when a
screen actually runs (the optional ``screen`` extra), so the window and the frozen app
work without them.
"""

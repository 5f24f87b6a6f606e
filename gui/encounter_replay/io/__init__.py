"""Readers: one per format, each returning a TrackSet or raising ReadError."""

from .errors import ReadError
from .options import ReadOptions
from .registry import read_file, read_files, sniff

__all__ = ["ReadError", "ReadOptions", "read_file", "read_files", "sniff"]

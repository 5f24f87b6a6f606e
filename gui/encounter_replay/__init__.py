"""Encounter Replay: reconstruct, analyse and brief air encounters from recorded tracks."""

__version__ = "0.1.0"

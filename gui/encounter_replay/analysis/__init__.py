"""Separation analysis: exact CPA and intervals for all pairs. numpy only, no Qt."""

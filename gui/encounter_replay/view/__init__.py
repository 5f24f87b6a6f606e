"""Qt widgets: the replay window and its parts. The only layer (with export) that imports Qt."""

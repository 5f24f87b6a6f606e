"""Writers of pictures, videos and reports; used by the window and the CLI."""

"""Speech recognition: an engine behind a small interface, and a streaming wrapper."""

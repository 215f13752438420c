"""Speech synthesis behind a small interface."""

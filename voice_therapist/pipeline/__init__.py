"""The voice session: the stages wired along the one path of the data."""

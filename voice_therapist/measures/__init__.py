"""Standard measures (PHQ-9, GAD-7) asked by voice, scored, and tracked over time."""

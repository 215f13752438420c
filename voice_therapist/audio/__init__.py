"""Audio formats and conversion at the edges; the core works in 16 kHz mono int16."""

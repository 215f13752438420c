"""The conversation suite: natural whole sessions (tests/sessions/), spoken and checked."""

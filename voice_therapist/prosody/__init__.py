"""Prosody: pitch, loudness, rate and pauses of the user's voice, scored against their own baseline."""

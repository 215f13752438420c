"""voice_therapist: a voice-first assistant for emotional support. Not a medical service."""

__version__ = "0.1.0"

"""`voice-therapist serve`: the talk page, its WebSocket and WebRTC doors, and the phone media stream.

Each door turns its own wire format into 20 ms frames of 16 kHz int16 at its edge and drives
one VoiceSession per connection; everything behind the door is the same pipeline.
"""

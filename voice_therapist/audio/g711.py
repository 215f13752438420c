"""G.711 μ-law and A-law, the telephone codecs (8 kHz, one byte per sample).

Table-driven: decoding is one lookup per byte, encoding one lookup per 16-bit sample, so a
20 ms frame costs microseconds and the phone edge adds nothing noticeable to latency.
"""

from __future__ import annotations

import numpy as np

TELEPHONE_RATE = 8000
_BIAS = 0x84
_CLIP = 32635


def _ulaw_decode_byte(byte: int) -> int:
    byte = ~byte & 0xFF
    sign, exponent, mantissa = byte & 0x80, (byte >> 4) & 0x07, byte & 0x0F
    sample = (((mantissa << 3) + _BIAS) << exponent) - _BIAS
    return -sample if sign else sample


def _ulaw_encode_sample(sample: int) -> int:
    sign = 0x80 if sample < 0 else 0
    magnitude = min(-sample if sample < 0 else sample, _CLIP) + _BIAS
    exponent = max(magnitude.bit_length() - 8, 0)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def _alaw_decode_byte(byte: int) -> int:
    byte ^= 0x55
    sign, exponent, mantissa = byte & 0x80, (byte >> 4) & 0x07, byte & 0x0F
    if exponent == 0:
        sample = (mantissa << 4) + 8
    else:
        sample = ((mantissa << 4) + 0x108) << (exponent - 1)
    return sample if sign else -sample


def _alaw_encode_sample(sample: int) -> int:
    sign = 0x80 if sample >= 0 else 0
    magnitude = min(sample if sample >= 0 else -sample - 1, 32767) >> 3
    if magnitude < 32:
        code = magnitude >> 1
    else:
        exponent = magnitude.bit_length() - 5
        code = (exponent << 4) | ((magnitude >> exponent) & 0x0F)
    return (sign | code) ^ 0x55


_ALL_SAMPLES = np.arange(-32768, 32768, dtype=np.int32)
_ULAW_DECODE = np.array([_ulaw_decode_byte(b) for b in range(256)], np.int16)
_ALAW_DECODE = np.array([_alaw_decode_byte(b) for b in range(256)], np.int16)
_ULAW_ENCODE = np.array([_ulaw_encode_sample(int(s)) for s in _ALL_SAMPLES], np.uint8)
_ALAW_ENCODE = np.array([_alaw_encode_sample(int(s)) for s in _ALL_SAMPLES], np.uint8)


def ulaw_decode(payload: bytes) -> np.ndarray:
    """μ-law bytes -> int16 samples."""
    return _ULAW_DECODE[np.frombuffer(payload, np.uint8)]


def ulaw_encode(pcm: np.ndarray) -> bytes:
    """int16 samples -> μ-law bytes."""
    return _ULAW_ENCODE[pcm.astype(np.int32) + 32768].tobytes()


def alaw_decode(payload: bytes) -> np.ndarray:
    """A-law bytes -> int16 samples."""
    return _ALAW_DECODE[np.frombuffer(payload, np.uint8)]


def alaw_encode(pcm: np.ndarray) -> bytes:
    """int16 samples -> A-law bytes."""
    return _ALAW_ENCODE[pcm.astype(np.int32) + 32768].tobytes()

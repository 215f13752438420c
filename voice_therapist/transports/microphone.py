"""The desktop: microphone in, speakers out, through PortAudio (sounddevice)."""

from __future__ import annotations

import asyncio
from collections import deque

import numpy as np

from ..audio.pcm import FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE
from ..pipeline.session import VoiceSession


class NoAudioDevice(RuntimeError):
    pass


def open_sounddevice():
    """The sounddevice module, once a usable input and output device are known to exist."""
    try:
        import sounddevice as sd
    except OSError as exc:  # PortAudio library missing
        raise NoAudioDevice(f"PortAudio is not available ({exc}); install libportaudio2") from exc
    try:
        sd.query_devices(kind="input")
        sd.query_devices(kind="output")
        sd.check_input_settings(samplerate=SAMPLE_RATE, channels=1, dtype="int16")
    except (sd.PortAudioError, ValueError) as exc:
        raise NoAudioDevice(
            "no usable microphone and speaker were found "
            f"({exc}). Plug in a headset, or use `voice-therapist session --input USER.wav`."
        ) from exc
    return sd


async def run_microphone(session: VoiceSession) -> None:
    sd = open_sounddevice()
    loop = asyncio.get_running_loop()
    incoming: asyncio.Queue[np.ndarray] = asyncio.Queue(maxsize=100)
    outgoing: deque[np.ndarray] = deque(maxlen=100)

    def offer(pcm: np.ndarray) -> None:
        if not incoming.full():  # a stalled loop drops input rather than growing memory
            incoming.put_nowait(pcm)

    def callback(indata, outdata, _frames, _time, _status) -> None:
        loop.call_soon_threadsafe(offer, indata[:, 0].copy())
        outdata[:, 0] = outgoing.popleft() if outgoing else 0

    with sd.Stream(samplerate=SAMPLE_RATE, blocksize=FRAME_SAMPLES, dtype="int16", channels=1, callback=callback):
        t_ms = 0.0
        while True:
            pcm = await incoming.get()
            outgoing.append(session.tick(pcm, t_ms))
            t_ms += FRAME_MS

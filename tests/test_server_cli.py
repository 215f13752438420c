"""`voice-therapist serve` as a user starts it: the real command, its own models, a real client."""

import asyncio
import json
import os
import signal
import sys
import time
from collections import deque

import httpx
import numpy as np
import pytest
from websockets.asyncio.client import connect

from voice_therapist.audio.pcm import resample, to_float, to_int16
from voice_therapist.config import load_config
from voice_therapist.storage.store import open_storage

from .server_helpers import free_port
from .speech import track, wer

pytestmark = pytest.mark.speech

SENTENCE = "Hi, I feel tired and worried about my job."
BARGE_IN = "Sorry to cut in, but it is mostly about my sister and her new job."
RATE = 48000  # the protocol's other rate, so the 48 kHz edge is exercised end to end
FRAME_BYTES = RATE // 50 * 2


async def start_server(port: int) -> tuple[asyncio.subprocess.Process, list[str]]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "voice_therapist", "serve", "--port", str(port),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=os.environ.copy())
    output: list[str] = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = await asyncio.wait_for(proc.stdout.readline(), deadline - time.monotonic())
        if not line:
            break
        output.append(line.decode(errors="replace"))
        if output[-1].startswith("serving on "):
            return proc, output
    proc.kill()
    raise AssertionError("serve did not start:\n" + "".join(output))


async def drain(proc, output: list[str]) -> None:
    async for line in proc.stdout:
        output.append(line.decode(errors="replace"))


def frames_48k(*parts) -> list[np.ndarray]:
    user = to_int16(resample(to_float(track(*parts)), 16000, RATE))
    return [user[i:i + RATE // 50] for i in range(0, user.size - RATE // 50 + 1, RATE // 50)]


async def talk_at_48k(url: str) -> tuple[int, list[bytes], list[dict], int]:
    """Speak in real time; 2 s into the reply, talk over it until the server says `clear`.

    Returns the frames sent, the frames and events received, and how many frames had come
    back when `clear` arrived.
    """
    frames = frames_48k(0.3, SENTENCE, 0.2)
    barge_in = frames_48k(BARGE_IN, 0.2)
    received: list[bytes] = []
    events: list[dict] = []
    cleared_at = None
    async with connect(url, proxy=None) as ws:
        await ws.send(json.dumps({"type": "start", "sample_rate": RATE}))

        async def receive():
            async for message in ws:
                if isinstance(message, bytes):
                    received.append(message)
                else:
                    events.append(json.loads(message))
                    if events[-1]["type"] == "clear":
                        nonlocal cleared_at
                        cleared_at = len(received)

        receiver = asyncio.ensure_future(receive())
        silence = np.zeros(RATE // 50, np.int16)
        source = deque(frames)
        sent, clock, barged = 0, time.monotonic(), False
        while time.monotonic() - clock < 60 and (cleared_at is None or len(received) < cleared_at + 25):
            await asyncio.sleep(max(0.0, clock + sent * 0.02 - time.monotonic()))
            await ws.send((source.popleft() if source else silence).astype("<i2").tobytes())
            sent += 1
            if not barged and sum(np.frombuffer(m, "<i2").any() for m in received[-400:]) >= 100:
                source.extend(barge_in)
                barged = True
        await ws.send(json.dumps({"type": "stop"}))
        await asyncio.wait_for(receiver, 10)
    return sent, received, events, cleared_at


async def test_serve_command_talks_at_48k_with_barge_in_and_shuts_down_cleanly(models):
    storage = open_storage(load_config())  # the same private data dir the server will use
    _, token = storage.create_user(user_id="carol")
    storage.close()
    port = free_port()
    proc, output = await start_server(port)
    reader = asyncio.ensure_future(drain(proc, output))
    base = f"http://127.0.0.1:{port}"
    try:
        assert output[-1].strip() == f"serving on {base}"
        async with httpx.AsyncClient(trust_env=False) as http:
            health = (await http.get(f"{base}/healthz")).json()
            page = await http.get(f"{base}/")
        assert health["models_loaded"] and health["active_sessions"] == 0
        assert "Start talking" in page.text and "default-src 'self'" in page.headers["content-security-policy"]

        sent, received, events, cleared_at = await talk_at_48k(f"ws://127.0.0.1:{port}/ws/talk?token={token}")
        kinds = [e["type"] for e in events]
        assert kinds[:2] == ["ready", "resources"] and kinds[-1] == "ended", kinds
        assert len(received) == sent and {len(m) for m in received} == {FRAME_BYTES}  # one frame back per frame
        said = next(e["text"] for e in events if e["type"] == "Transcript" and e["final"])
        assert wer(SENTENCE, said) <= 0.35, said
        # Barge-in: `clear` follows the session's Interrupt, and the reply's audio stops with it.
        assert cleared_at is not None and kinds.index("clear") == kinds.index("Interrupt") + 1, kinds
        assert not any(np.frombuffer(m, "<i2").any() for m in received[cleared_at + 1:])
        reply = to_int16(resample(to_float(np.frombuffer(b"".join(received[:cleared_at]), "<i2")), RATE, 16000))
        heard = models.asr.transcribe(reply)
        openings = models.protocols.responses.greeting + models.protocols.responses.returning_greeting
        n = lambda line: min(len(line.split()), len(heard.split()))  # noqa: E731  the shorter of the two, compared
        assert min(wer(" ".join(line.split()[:n(line)]), " ".join(heard.split()[:n(line)])) for line in openings) <= 0.35, heard

        async with httpx.AsyncClient(trust_env=False) as http:
            metrics = (await http.get(f"{base}/metrics")).text
        assert 'voice_therapist_sessions_total{door="talk"} 1.0' in metrics
        assert 'voice_therapist_active_sessions{door="talk"} 0.0' in metrics
    finally:
        proc.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(proc.wait(), 30)
        await reader
    log = "".join(output)
    assert code == 0, log
    assert "Traceback" not in log
    assert token not in log and "token=[redacted]" in log  # the WebSocket URL is logged without its token
    assert "worried" not in log.lower()  # nor what the user said

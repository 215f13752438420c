"""A real server on loopback for the server tests: in-process uvicorn on the shared models."""

from __future__ import annotations

import asyncio
import base64
import json
from contextlib import asynccontextmanager
from dataclasses import dataclass

import numpy as np

from voice_therapist.audio.g711 import TELEPHONE_RATE, ulaw_decode, ulaw_encode
from voice_therapist.audio.pcm import resample, to_float, to_int16
from voice_therapist.server.app import create_app
from voice_therapist.server.main import Server, bind, served_config, uvicorn_config
from voice_therapist.storage.store import Storage, open_storage

from .webhook import free_port



@dataclass
class Running:
    base: str  # http://127.0.0.1:PORT
    ws: str  # ws://127.0.0.1:PORT
    origin: str  # the origin the server allows
    ctx: object  # the app's ServerContext
    storage: Storage  # the server's own: users, tokens and memory
    tokens: dict[str, str]  # user id -> token, for alice and bob


@asynccontextmanager
async def serving(cfg, models, **server):
    """The app on a free port in this event loop, with users alice and bob; `server` overrides cfg.server keys."""
    port = free_port()
    cfg = served_config(cfg.model_copy(update={"server": cfg.server.model_copy(update=server)}), "127.0.0.1", port)
    storage = open_storage(cfg)  # in the test's private data dir (conftest)
    tokens = {name: storage.create_user(user_id=name)[1] for name in ("alice", "bob")}
    app = create_app(cfg, models, auth=storage, memory=storage)

    server_ = Server(uvicorn_config(app, cfg))
    task = asyncio.ensure_future(server_.serve(sockets=[bind("127.0.0.1", port)]))
    while not server_.started:
        assert not task.done(), "the server did not start"
        await asyncio.sleep(0.02)
    try:
        yield Running(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", f"http://127.0.0.1:{port}",
                      app.state.ctx, storage, tokens)
    finally:
        server_.should_exit = True
        await task
        storage.close()


def to_ulaw_frames(pcm16k: np.ndarray) -> list[bytes]:
    """16 kHz int16 speech as a phone network carries it: 20 ms frames of 8 kHz μ-law."""
    narrow = to_int16(resample(to_float(pcm16k), 16000, TELEPHONE_RATE))
    narrow = np.concatenate([narrow, np.zeros(-narrow.size % 160, np.int16)])
    data = ulaw_encode(narrow)
    return [data[i:i + 160] for i in range(0, len(data), 160)]


def from_ulaw(payloads: list[bytes]) -> np.ndarray:
    """μ-law 8 kHz back to 16 kHz int16, for the recognizer."""
    if not payloads:
        return np.zeros(0, np.int16)
    return to_int16(resample(to_float(ulaw_decode(b"".join(payloads))), TELEPHONE_RATE, 16000))


def media_message(sid: str, payload: bytes, seq: int) -> str:
    return json.dumps({"event": "media", "sequenceNumber": str(seq), "streamSid": sid,
                       "media": {"track": "inbound", "chunk": str(seq), "timestamp": str(seq * 20),
                                 "payload": base64.b64encode(payload).decode()}})


def start_message(sid: str, token: str | None = None) -> str:
    params = {"token": token} if token else {}
    return json.dumps({"event": "start", "sequenceNumber": "1", "streamSid": sid,
                       "start": {"accountSid": "AC0", "streamSid": sid, "callSid": "CA0", "tracks": ["inbound"],
                                 "customParameters": params,
                                 "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}}})


CONNECTED = json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"})

"""A disclosure followed at once by the end of the call still counts: risk, storage and the page.

Saying the worst thing and hanging up is a known pattern on crisis lines. The turn is decided
apart from the reply's audio: at the endpoint, or at the end of input for a turn still in
progress, and the close waits for that decision. Shown on every door (a WAV that ends, a
talk WebSocket that closes, a media stream's `stop`, a SIP BYE), each paging a real local
webhook, and with a speech synthesizer that fails.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time

import numpy as np
import pytest
from websockets.asyncio.client import connect

from voice_therapist.pipeline.session import VoiceSession
from voice_therapist.safety.escalation_service import escalation_service
from voice_therapist.storage import open_storage
from voice_therapist.transports.wav_file import run_wav_session

from .server_helpers import CONNECTED, media_message, serving, start_message, to_ulaw_frames
from .sip.peers import Baresip, SipServer, write_caller_wav
from .speech import track

pytestmark = pytest.mark.speech
DISCLOSURE = "I've taken all my pills an hour ago and I'm starting to feel sleepy."
PHONE_DISCLOSURE = "I want to kill myself tonight."  # "pills" does not survive 8 kHz for Whisper tiny.en


def with_webhook(cfg, url: str):
    return cfg.model_copy(update={"safety": cfg.safety.model_copy(update={"escalation_url": url,
                                                                          "escalation_timeout_s": 2.0})})


def broken_voice(models):
    """The same models, but every synthesis fails, as a crashed TTS worker would."""
    class BrokenModels(type(models)):
        async def synthesize(self, text: str) -> np.ndarray:
            raise RuntimeError("the voice is gone")

    return BrokenModels(**{f.name: getattr(models, f.name) for f in dataclasses.fields(models)})


async def wait_for_page(hook, timeout_s: float = 60.0) -> list:
    deadline = time.monotonic() + timeout_s
    while not hook.received and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return [body for body, _ in hook.received]


@pytest.mark.parametrize("silence_s", [0.0, 0.3, 0.7])
@pytest.mark.parametrize("voice", ["working", "broken"])
async def test_a_wav_that_ends_right_after_a_disclosure_pages_and_stores_it(cfg, models, webhook, silence_s, voice):
    hook = webhook()
    cfg = with_webhook(cfg, hook.url)
    used = models if voice == "working" else broken_voice(models)
    memory = open_storage(cfg)
    events: list[dict] = []
    try:
        async with escalation_service(cfg, memory) as escalations:
            session = VoiceSession(cfg, used, events.append, escalations=escalations, user_id="robin", memory=memory)
            await run_wav_session(session, track(0.5, DISCLOSURE, silence_s), paced=False, hang_up=True)
        risks = [e["level"] for e in events if e["type"] == "Risk"]
        assert risks == ["imminent"], events
        assert [body["level"] for body, _ in hook.received] == ["imminent"]
        assert "pills" not in json.dumps(hook.received)  # the page carries no words
        stored = memory.turns(session.session_id)
        assert [turn["risk_level"] for turn in stored] == ["imminent"], stored
    finally:
        memory.close()


async def test_a_talk_socket_closed_right_after_a_disclosure_pages(cfg, models, webhook):
    hook = webhook()
    async with serving(with_webhook(cfg, hook.url), models) as running:
        pcm = track(0.3, DISCLOSURE, 0.1)
        async with connect(f"{running.ws}/ws/talk?token={running.tokens['alice']}", origin=running.origin,
                           proxy=None) as ws:
            await ws.send(json.dumps({"type": "start", "sample_rate": 16000}))
            for i in range(0, pcm.size - 319, 320):
                await ws.send(pcm[i:i + 320].astype("<i2").tobytes())
                await asyncio.sleep(0.02)  # paced as a browser sends them
        pages = await wait_for_page(hook)
        stored = [turn["risk_level"] for session in running.storage.sessions("alice")
                  for turn in running.storage.turns(session["id"])]
        assert [body["level"] for body in pages] == ["imminent"], stored
        assert pages[0]["user_id"] == "alice"


async def test_a_media_stream_stopped_right_after_a_disclosure_pages_for_an_anonymous_caller(cfg, models, webhook):
    hook = webhook()
    async with serving(with_webhook(cfg, hook.url), models) as running:
        async with connect(f"{running.ws}/media-stream", proxy=None) as ws:
            await ws.send(CONNECTED)
            await ws.send(start_message("MZgone"))
            for seq, frame in enumerate(to_ulaw_frames(track(0.3, PHONE_DISCLOSURE, 0.1)), 2):
                await ws.send(media_message("MZgone", frame, seq))
                await asyncio.sleep(0.02)  # paced as a phone gateway sends them
            await ws.send(json.dumps({"event": "stop", "streamSid": "MZgone"}))
        pages = await wait_for_page(hook)
        assert [body["level"] for body in pages] == ["imminent"]
        assert pages[0]["user_id"] == "anonymous"


def test_a_phone_caller_who_hangs_up_right_after_a_disclosure_is_paged(tmp_path, webhook):
    hook = webhook()
    wav = tmp_path / "disclosure.wav"
    write_caller_wav(wav, track(0.5, PHONE_DISCLOSURE, 0.3))  # baresip sends BYE when its file ends
    server = SipServer(tmp_path / "data", {"VOICE_THERAPIST__SAFETY__ESCALATION_URL": hook.url})
    try:
        phone = Baresip(tmp_path / "phone", wav, f"sip:therapist@127.0.0.1:{server.port}")
        try:
            number = server.wait_for(r"call (\d+) answered \(PCMU\)").group(1)
            server.wait_for(rf"call {number} ended", timeout_s=60)
        finally:
            phone.stop()
        deadline = time.monotonic() + 30
        while not hook.received and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.stop()
    assert [body["level"] for body, _ in hook.received] == ["imminent"], server.lines[-20:]

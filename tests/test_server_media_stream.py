"""The phone door: a gateway speaking the Twilio Media Streams format, with real μ-law speech at real pace."""

import asyncio
import base64
import json
import time
from collections import deque

import pytest
from websockets.asyncio.client import connect

from .server_helpers import CONNECTED, from_ulaw, media_message, serving, start_message, to_ulaw_frames
from .speech import track, wer

pytestmark = pytest.mark.speech

FIRST = "Hi, I feel tired and worried about my job."
SECOND = "Sorry to cut in, but I really need to tell you that it is mostly about my sister and her new job."
SILENCE = b"\xff" * 160  # μ-law for zero
BARGE_IN_AFTER_S = 3.0  # into the reply, the caller starts talking over it


def heard_prefix(line: str, heard: str) -> float:
    """WER of the start of what was heard against the start of the line it should be, the shorter's length."""
    n = max(1, min(len(line.split()), len(heard.split())))
    return wer(" ".join(line.split()[:n]), " ".join(heard.split()[:n]))


async def test_caller_hears_the_reply_and_barging_in_clears_it(cfg, models, artifacts):
    async with serving(cfg, models) as running:
        received: list[tuple[float, dict]] = []
        source = deque(to_ulaw_frames(track(0.4, FIRST, 0.1)))
        async with connect(f"{running.ws}/media-stream", proxy=None) as ws:
            async def receive():
                async for message in ws:
                    received.append((time.monotonic(), json.loads(message)))

            receiver = asyncio.ensure_future(receive())
            await ws.send(CONNECTED)
            await ws.send(start_message("MZtest", token=running.tokens["alice"]))
            clock, seq, barged, second_end = time.monotonic(), 2, None, None
            deadline = clock + 70
            while time.monotonic() < deadline:
                await asyncio.sleep(max(0.0, clock - time.monotonic()))
                await ws.send(media_message("MZtest", source.popleft() if source else SILENCE, seq))
                clock += 0.02
                seq += 1
                media = [t for t, e in received if e["event"] == "media"]
                if barged is None and media and time.monotonic() - media[0] > BARGE_IN_AFTER_S:
                    barged = time.monotonic()
                    source.extend(to_ulaw_frames(track(SECOND, 0.1)))
                if barged and second_end is None and not source:
                    second_end = time.monotonic()
                if any(e["event"] == "mark" for _, e in received):
                    break
            await ws.send(json.dumps({"event": "stop", "streamSid": "MZtest", "stop": {"callSid": "CA0"}}))
            await asyncio.wait_for(receiver, 10)

    events = [e for _, e in received]
    kinds = [e["event"] for e in events]
    assert "clear" in kinds, kinds[:20]
    cleared = next(t for t, e in received if e["event"] == "clear")
    assert cleared > barged and all(e.get("streamSid") == "MZtest" for e in events)

    # What the caller heard before talking over it is the start of the welcome, through μ-law both ways.
    openings = models.protocols.responses.greeting + models.protocols.responses.returning_greeting  # before the limits
    before = [e["media"]["payload"] for t, e in received if e["event"] == "media" and t < cleared]
    heard = models.asr.transcribe(from_ulaw([base64.b64decode(p) for p in before]))
    assert min(heard_prefix(line, heard) for line in openings) <= 0.35, heard

    # After `clear` nothing more of that reply came; the next audio is the answer to the barge-in.
    after = [t for t, e in received if e["event"] == "media" and t > cleared]
    assert after and after[0] > second_end, "audio continued after clear"
    marks = [e["mark"]["name"] for e in events if e["event"] == "mark"]
    assert marks == ["reply-2"], marks
    second_reply = [base64.b64decode(e["media"]["payload"]) for t, e in received
                    if e["event"] == "media" and t > cleared]
    assert len(models.asr.transcribe(from_ulaw(second_reply)).split()) >= 3

    # What the server recognised on 8 kHz μ-law, from the known user's own record.
    storage = running.storage
    session = storage.sessions("alice")[-1]
    said = [t["user_text"] for t in storage.turns(session["id"])]
    errors = [round(wer(FIRST, said[0]), 3), round(wer(SECOND, said[-1]), 3)]
    (artifacts / "media_stream_call.json").write_text(json.dumps(
        {"events": [k for k in kinds if k != "media"], "media_messages": kinds.count("media"),
         "reply_heard_before_clear": heard, "user_turns_recognised": said, "user_turns_wer": errors}, indent=1))
    assert max(errors) <= 0.35, said


async def test_a_caller_without_a_token_is_anonymous_and_nothing_is_kept(cfg, models):
    async with serving(cfg, models) as running:
        async with connect(f"{running.ws}/media-stream", proxy=None) as ws:
            await ws.send(CONNECTED)
            await ws.send(start_message("MZanon"))
            for seq, frame in enumerate(to_ulaw_frames(track(0.2, "Hello there.", 0.5)), 2):
                await ws.send(media_message("MZanon", frame, seq))
                await asyncio.sleep(0.02)
            await ws.send(json.dumps({"event": "stop", "streamSid": "MZanon"}))
            await asyncio.wait_for(ws.wait_closed(), 10)
        for _ in range(50):
            if running.ctx.limiter.active == 0:
                break
            await asyncio.sleep(0.1)
        assert running.ctx.limiter.active == 0
        assert running.storage.sessions("anonymous") == []
        assert running.storage.sessions("alice") == [] and running.storage.sessions("bob") == []


async def test_telnyx_field_names_are_understood_and_our_own_track_is_ignored(cfg, models):
    """Telnyx's stream: snake_case names, PCMU, and with both tracks our own voice comes back as "outbound"."""
    start = {"event": "start", "sequence_number": "1", "stream_id": "32DE0DEA",
             "start": {"call_control_id": "v3:x", "custom_parameters": {},
                       "media_format": {"encoding": "PCMU", "sample_rate": 8000, "channels": 1}}}
    async with serving(cfg, models) as running:
        async with connect(f"{running.ws}/media-stream", proxy=None) as ws:
            await ws.send(json.dumps({"event": "connected", "version": "1.0.0"}))
            await ws.send(json.dumps(start))
            for seq, frame in enumerate(to_ulaw_frames(track(0.2, "Hello there.", 0.3)), 2):
                for side in ("inbound", "outbound"):
                    await ws.send(json.dumps({"event": "media", "sequence_number": str(seq), "stream_id": "32DE0DEA",
                                              "media": {"track": side, "payload": base64.b64encode(frame).decode()}}))
                await asyncio.sleep(0.02)
            await ws.send(json.dumps({"event": "stop", "stream_id": "32DE0DEA"}))
            await asyncio.wait_for(ws.wait_closed(), 10)
            assert ws.close_code == 1000
        assert running.ctx.metrics.exposition()[0].decode().count("voice_therapist_refused_total{") == 0

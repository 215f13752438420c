"""Bad input on every door gets a clear error, and the server goes on serving everyone else."""

import asyncio
import json
import re

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from .server_helpers import CONNECTED, media_message, serving, start_message

START = json.dumps({"type": "start", "sample_rate": 16000})


def talk(running, user="alice", token=None, origin=None, **kwargs):
    token = token if token is not None else running.tokens.get(user, "")
    query = f"?token={token}" if token else ""
    return connect(f"{running.ws}/ws/talk{query}", origin=origin, proxy=None, **kwargs)


async def refused(ws, *first: str | bytes) -> tuple[dict, int]:
    """Send `first`, then read up to the close: (the error message, the close code)."""
    for message in first:
        await ws.send(message)
    error = None
    try:
        while True:
            message = await asyncio.wait_for(ws.recv(), 10)
            parsed = json.loads(message) if isinstance(message, str) else {}
            if parsed.get("type", parsed.get("event")) == "error":  # the talk socket's, or the media stream's
                error = parsed
    except ConnectionClosed as closed:
        return error, closed.rcvd.code if closed.rcvd else None


async def assert_still_serving(running):
    async with httpx.AsyncClient(trust_env=False) as http:
        health = (await http.get(f"{running.base}/healthz")).json()
    assert health["status"] == "ok"
    async with talk(running) as ws:
        await ws.send(START)
        assert json.loads(await ws.recv())["type"] == "ready"
        await ws.send(json.dumps({"type": "stop"}))
        while json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] != "ended":
            pass


@pytest.fixture
async def running(cfg, models):
    async with serving(cfg, models) as running:
        yield running


async def test_talk_socket_refuses_bad_connections_and_input(running):
    async with talk(running, user=None) as ws:
        error, code = await refused(ws)
    assert code == 4401 and "token is required" in error["message"]

    async with talk(running, token="not-a-token") as ws:
        error, code = await refused(ws)
    assert code == 4401 and error["message"] == "unknown token"

    async with talk(running, origin="http://evil.example") as ws:
        error, code = await refused(ws)
    assert code == 4403 and "origin" in error["message"]

    async with talk(running, origin=running.origin) as ws:  # the page's own origin is fine
        await ws.send(START)
        assert json.loads(await ws.recv())["type"] == "ready"

    async with talk(running) as ws:
        error, code = await refused(ws, "this is not json")
    assert code == 4400 and "not valid JSON" in error["message"]

    async with talk(running) as ws:
        error, code = await refused(ws, b"\0" * 640)
    assert code == 4400 and "before any audio" in error["message"]

    async with talk(running) as ws:
        error, code = await refused(ws, json.dumps({"type": "start", "sample_rate": 44100}))
    assert code == 4400 and "sample_rate" in error["message"]

    async with talk(running) as ws:
        error, code = await refused(ws, START, b"\0" * 640, b"\0" * 100)
    assert code == 4400 and "exactly 640 bytes" in error["message"]

    async with talk(running) as ws:
        error, code = await refused(ws, START, json.dumps({"type": "dance"}))
    assert code == 4400 and "'dance'" in error["message"]

    limit = running.ctx.cfg.server.max_message_bytes
    async with talk(running) as ws:
        error, code = await refused(ws, START, b"\0" * (limit + 2))
    assert code == 1009 and "over the limit" in error["message"]

    async with talk(running, max_size=None) as ws:  # far over the limit: the protocol layer itself refuses
        await ws.send(START)
        await ws.recv()
        _, code = await refused(ws, b"\0" * (4 * limit))
    assert code == 1009

    await assert_still_serving(running)
    assert running.ctx.limiter.active == 0


async def test_media_stream_refuses_bad_input(running):
    async def stream(*messages):
        async with connect(f"{running.ws}/media-stream", proxy=None) as ws:
            return await refused(ws, *messages)

    error, code = await stream(CONNECTED, start_message("MZ1"), media_message("MZ1", b"\xff" * 160, 2)[:-40] + '!!"}}')
    assert code == 4400 and error["event"] == "error"  # cut JSON
    bad_base64 = json.dumps({"event": "media", "streamSid": "MZ1", "media": {"payload": "@@not base64@@"}})
    error, code = await stream(CONNECTED, start_message("MZ1"), bad_base64)
    assert code == 4400 and "base64" in error["message"]
    error, code = await stream(CONNECTED, start_message("MZ1"), media_message("MZ1", b"\xff" * 100, 2))
    assert code == 4400 and "160 bytes" in error["message"]
    error, code = await stream(CONNECTED, start_message("MZ1", token="not-a-token"))
    assert code == 4401 and error["message"] == "unknown token"
    wrong_codec = json.loads(start_message("MZ1"))
    wrong_codec["start"]["mediaFormat"] = {"encoding": "audio/x-l16", "sampleRate": 16000, "channels": 1}
    error, code = await stream(CONNECTED, json.dumps(wrong_codec))
    assert code == 4400 and "audio/x-mulaw" in error["message"]
    error, code = await stream(CONNECTED, media_message("MZ1", b"\xff" * 160, 1))
    assert code == 4400 and "start" in error["message"]
    error, code = await stream(b"\x00\x01")
    assert code == 4400 and "binary" in error["message"]
    await assert_still_serving(running)


async def test_webrtc_offer_refuses_bad_offers(running):
    from aiortc import RTCPeerConnection, RTCRtpSender

    async def offer(codec: str | None) -> str:
        pc = RTCPeerConnection()
        transceiver = pc.addTransceiver("audio")
        if codec:
            transceiver.setCodecPreferences([c for c in RTCRtpSender.getCapabilities("audio").codecs
                                             if c.mimeType == codec])
        await pc.setLocalDescription(await pc.createOffer())
        sdp = pc.localDescription.sdp
        await pc.close()
        return sdp

    url = f"{running.base}/webrtc/offer"
    auth = {"Authorization": f"Bearer {running.tokens['alice']}"}
    async with httpx.AsyncClient(trust_env=False, timeout=20) as http:
        assert (await http.post(url, json={"sdp": "v=0", "type": "offer"})).status_code == 401
        bad_origin = await http.post(url, json={"sdp": "v=0", "type": "offer"},
                                     headers={**auth, "Origin": "http://evil.example"})
        assert bad_origin.status_code == 403
        malformed = await http.post(url, json={"sdp": "v=0\r\nthis is not sdp\r\n", "type": "offer"}, headers=auth)
        assert malformed.status_code == 400 and "malformed SDP" in malformed.json()["error"]
        broken = re.sub(r"m=audio \d+ ", "m=audio nine ", await offer(None))
        broken = await http.post(url, json={"sdp": broken, "type": "offer"}, headers=auth)
        assert broken.status_code == 400 and "SDP" in broken.json()["error"]
        not_json = await http.post(url, content=b"{{", headers=auth)
        assert not_json.status_code == 400 and "JSON" in not_json.json()["error"]
        huge = await http.post(url, content=b"x" * (running.ctx.cfg.server.max_message_bytes + 1), headers=auth)
        assert huge.status_code == 413
        pcmu = await http.post(url, json={"sdp": await offer("audio/PCMU"), "type": "offer"}, headers=auth)
        assert pcmu.status_code == 400 and "Opus" in pcmu.json()["error"]
        good = await http.post(url, json={"sdp": await offer(None), "type": "offer"}, headers=auth)
        assert good.status_code == 200 and "opus/48000" in good.json()["sdp"]
        assert running.ctx.limiter.active == 1  # the answered call holds its place until it ends
    for call in list(running.ctx.closing):
        await call.close()
    assert running.ctx.limiter.active == 0
    await assert_still_serving(running)


async def test_too_many_sessions_are_refused_until_one_ends(cfg, models):
    async with serving(cfg, models, max_sessions=1) as running:
        async with talk(running) as first:
            await first.send(START)
            assert json.loads(await first.recv())["type"] == "ready"
            async with talk(running, user="bob") as second:
                error, code = await refused(second)
            assert code == 4429 and "too many sessions" in error["message"]
            async with connect(f"{running.ws}/media-stream", proxy=None) as phone:
                error, code = await refused(phone, CONNECTED, start_message("MZ9"))
            assert code == 4429
            await first.send(json.dumps({"type": "stop"}))
            assert json.loads(await first.recv())["type"] == "resources"
            assert json.loads(await first.recv()) == {"type": "ended", "reason": "stop"}
        await assert_still_serving(running)
        async with httpx.AsyncClient(trust_env=False) as http:
            metrics = (await http.get(f"{running.base}/metrics")).text
        assert 'voice_therapist_refused_total{door="talk",reason="too_many_sessions"} 1.0' in metrics
        assert 'voice_therapist_refused_total{door="media_stream",reason="too_many_sessions"} 1.0' in metrics

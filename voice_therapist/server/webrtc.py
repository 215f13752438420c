"""`POST /webrtc/offer`: the talk page's first choice, Opus over WebRTC (aiortc).

The browser's offer carries its microphone track and an "events" data channel; the answer
adds the assistant's voice as an audio track. The microphone's frames, resampled from
48 kHz, pace the session exactly as a WebSocket client's do: each 20 ms of the caller's
audio yields one 20 ms frame of reply, queued on the outgoing track.
"""

from __future__ import annotations

import asyncio
import fractions
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import av
import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpSender, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..audio.pcm import FRAME_SAMPLES, SAMPLE_RATE
from .admission import Admitted, Refusal, admit, bearer_token
from .context import ServerContext
from .edge_audio import Reframer
from .limits import MEDIA_TIMEOUT_S
from .sessions import new_session, run_session

log = logging.getLogger(__name__)
DOOR = "webrtc"
MAX_QUEUED_FRAMES = 50  # 1 s; beyond this the sender has stalled and old audio is dropped
MAX_UNSENT_EVENTS = 256  # kept until the data channel opens; a client without one does not want them


class BadOffer(ValueError):
    """An offer we cannot answer; the message says why."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class ReplyTrack(MediaStreamTrack):
    """The assistant's voice: 20 ms frames at 16 kHz, released as the session produces them."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._queue: asyncio.Queue[np.ndarray | None] = asyncio.Queue()
        self._pts = 0

    def push(self, pcm: np.ndarray) -> None:
        if self._queue.qsize() >= MAX_QUEUED_FRAMES:
            self._queue.get_nowait()
        self._queue.put_nowait(pcm)

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        pcm = await self._queue.get()
        if pcm is None:
            raise MediaStreamError
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._pts
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        self._pts += pcm.size
        return frame

    def stop(self) -> None:
        super().stop()
        self._queue.put_nowait(None)  # wakes a pending recv


class WebRtcCall:
    """One browser's peer connection and the session behind it."""

    def __init__(self, ctx: ServerContext, admitted: Admitted):
        self.ctx = ctx
        self.user_id = admitted.user_id
        self._slot = admitted.slot
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))  # host candidates only: no outside STUN
        self.reply = ReplyTrack()
        self._channel = None
        self._unsent: list[str] = []
        self._stop_requested = False
        self._task: asyncio.Task | None = None
        self._closed = False
        self.pc.on("datachannel", self._on_channel)
        self.pc.on("track", self._on_track)
        self.pc.on("connectionstatechange", self._on_state)
        ctx.closing.add(self)

    async def answer(self, sdp: str) -> RTCSessionDescription:
        _check_sdp_lines(sdp)
        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        except Exception as exc:  # aiortc's SDP parser raises many kinds on bad input
            raise BadOffer(f"malformed SDP offer ({type(exc).__name__})") from None
        audio = [t for t in self.pc.getTransceivers() if t.kind == "audio"]
        if not audio:
            raise BadOffer("the offer has no audio track")
        opus = [c for c in RTCRtpSender.getCapabilities("audio").codecs if c.mimeType.lower() == "audio/opus"]
        audio[0].setCodecPreferences(opus)
        try:
            await self.pc.setLocalDescription(await self.pc.createAnswer())
        except Exception as exc:
            raise BadOffer(f"cannot answer the offer ({type(exc).__name__}: {exc})") from None
        answer = self.pc.localDescription
        if "opus/48000" not in answer.sdp.lower():
            raise BadOffer("the offer's audio has no Opus codec; only Opus is accepted")
        return answer

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind == "audio" and self._task is None:
            self.pc.addTrack(self.reply)
            self._task = asyncio.ensure_future(self._converse(track))

    def _on_channel(self, channel) -> None:
        self._channel = channel
        channel.on("message", self._on_message)
        for text in self._unsent:
            channel.send(text)
        self._unsent.clear()

    def _on_message(self, message: Any) -> None:
        try:
            kind = json.loads(message).get("type") if isinstance(message, str) else None
        except (ValueError, AttributeError):
            kind = None
        if kind == "stop":
            self._stop_requested = True

    async def _on_state(self) -> None:
        if self.pc.connectionState in ("failed", "closed"):
            await self.close()

    def send_event(self, event: dict[str, Any]) -> None:
        text = json.dumps(event)
        if self._channel is not None and self._channel.readyState == "open":
            self._channel.send(text)
        elif len(self._unsent) < MAX_UNSENT_EVENTS:
            self._unsent.append(text)
        if event["type"] == "Interrupt":  # the server's own playback stops at once; the page is told too
            self.send_event({"type": "clear"})

    async def _converse(self, track: MediaStreamTrack) -> None:
        try:
            frames = self._mic_frames(track)
            first = await anext(frames, None)  # nothing before the media flows: ICE may never connect
            if first is None:
                return
            early: list[dict[str, Any]] = []  # what the session says as it opens (Resumed) follows `ready`
            session = new_session(self.ctx, DOOR, self.user_id,
                                  lambda event: early.append(event) if early is not None else self.send_event(event))
            self.send_event({"type": "ready", "session_id": session.session_id, "sample_rate": SAMPLE_RATE,
                             "modality": self.ctx.cfg.session.modality})
            self.send_event({"type": "resources", "locale": self.ctx.safety.locale,
                             "resources": self.ctx.safety.resources})
            for event in early:
                self.send_event(event)
            early = None

            async def play(frame: np.ndarray) -> None:
                self.reply.push(frame)

            reason = await run_session(self.ctx, DOOR, session, _prepend(first, frames), play)
            self.send_event({"type": "ended", "reason": reason})
            await asyncio.sleep(0.2)  # let the data channel carry the last events out
        except Exception:
            log.exception("webrtc session failed")
        finally:
            await self.close()

    async def _mic_frames(self, track: MediaStreamTrack) -> AsyncIterator[np.ndarray]:
        """The microphone as internal frames: Opus decodes to 48 kHz; resampled to 16 kHz mono."""
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        reframer = Reframer(FRAME_SAMPLES)
        while not self._stop_requested:
            try:
                frame = await asyncio.wait_for(track.recv(), MEDIA_TIMEOUT_S)
            except (MediaStreamError, TimeoutError):
                return
            for out in resampler.resample(frame):
                for pcm in reframer.push(out.to_ndarray().reshape(-1)):
                    yield pcm

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._slot.release()
        self.ctx.closing.discard(self)
        self.reply.stop()
        await self.pc.close()


def _check_sdp_lines(sdp: str) -> None:
    """aiortc's parser skips lines it does not know; text that is not SDP at all is refused here."""
    lines = [line for line in sdp.replace("\r\n", "\n").split("\n") if line]
    if not lines or lines[0] != "v=0":
        raise BadOffer("malformed SDP offer: it must begin with v=0")
    for number, line in enumerate(lines, 1):
        if len(line) < 2 or line[1] != "=" or not line[0].isalpha():
            raise BadOffer(f"malformed SDP offer: line {number} is not of the form x=value")


async def _prepend(first: np.ndarray, rest: AsyncIterator[np.ndarray]) -> AsyncIterator[np.ndarray]:
    yield first
    async for frame in rest:
        yield frame


async def webrtc_offer(request: Request) -> JSONResponse:
    ctx: ServerContext = request.app.state.ctx
    admitted = admit(ctx, DOOR, request.headers.get("origin"), bearer_token(request.headers, {}))
    if isinstance(admitted, Refusal):
        return JSONResponse({"error": admitted.message}, status_code=admitted.http_status)
    call = None
    try:
        sdp = await _read_offer(request, ctx.cfg.server.max_message_bytes)
        call = WebRtcCall(ctx, admitted)
        answer = await call.answer(sdp)
    except BadOffer as exc:
        ctx.metrics.refuse(DOOR, "bad_offer")
        if call is not None:
            await call.close()
        else:
            admitted.slot.release()
        return JSONResponse({"error": str(exc)}, status_code=exc.status)
    return JSONResponse({"sdp": answer.sdp, "type": answer.type})


async def _read_offer(request: Request, limit: int) -> str:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BadOffer(f"the offer is over the limit of {limit} bytes", status=413)
    try:
        offer = json.loads(body)
    except ValueError:
        raise BadOffer('the body must be JSON: {"sdp": "...", "type": "offer"}') from None
    if not isinstance(offer, dict) or offer.get("type") != "offer" or not isinstance(offer.get("sdp"), str):
        raise BadOffer('the body must be JSON: {"sdp": "...", "type": "offer"}')
    return offer["sdp"]

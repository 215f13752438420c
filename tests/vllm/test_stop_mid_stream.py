"""vLLM killed while a reply streams: a clear error, and the session goes on with its script.

Runs last in the stage (files run in name order): the server is started again for any test after it.
"""

import asyncio
import dataclasses

import pytest

from voice_therapist.llm.openai_api import OpenAIChat
from voice_therapist.pipeline.session import VoiceSession
from voice_therapist.transports.wav_file import run_wav_session

from ..speech import track

pytestmark = [pytest.mark.vllm, pytest.mark.speech]


class KillMidReply:
    """The real backend; once `armed`, the server's whole process group dies after a streamed token."""

    def __init__(self, chat: OpenAIChat, server):
        self._chat, self._server = chat, server
        self.armed = False
        self.tokens_before_kill = 0

    async def stream(self, messages, **opts):
        streamed = 0
        async for piece in self._chat.stream(messages, **opts):
            yield piece
            streamed += 1
            if self.armed and streamed == 2 and self._server.running():
                self.tokens_before_kill = streamed
                await asyncio.to_thread(self._server.kill)

    async def prefill(self, messages) -> None:
        await self._chat.prefill(messages)

    async def aclose(self) -> None:
        await self._chat.aclose()


async def test_the_session_goes_on_when_vllm_dies_mid_reply(cfg, models, vllm, vllm_chat_config, escalations):
    llm = vllm_chat_config(timeout_s=10.0, first_sentence_budget_ms=10000)  # the LLM answers every turn
    chat = KillMidReply(OpenAIChat(llm), vllm)
    pinned = cfg.model_copy(deep=True)
    pinned.llm = llm
    pinned.session.modality = "quick_help"  # its steps are all phrased by the LLM
    events = []
    session = VoiceSession(pinned, dataclasses.replace(models, llm=chat), events.append, escalations=escalations)
    user = track(0.5, "Hello.", 16.0, "About a four, I guess.", 9.0,
                 "My friends have not called me back and I feel ignored.", 9.0,
                 "I think I just need some rest tonight.", 9.0)

    async def arm_after_first_turn():
        while not any(e["type"] == "turn" for e in events):
            await asyncio.sleep(0.01)
        chat.armed = True

    arming = asyncio.ensure_future(arm_after_first_turn())
    await run_wav_session(session, user, paced=False)
    await arming
    await chat.aclose()

    assert chat.tokens_before_kill and not vllm.running()  # it died while a reply was streaming
    turns = [e for e in events if e["type"] == "turn"]
    assert len(turns) == 4 and all(t["assistant_text"] for t in turns)  # every turn was answered
    llm_errors = [e["message"] for e in events if e["type"] == "ErrorEvent" and e["stage"] == "llm"]
    assert llm_errors and "closed the stream mid-reply" in llm_errors[0], llm_errors
    assert any("unreachable" in m for m in llm_errors[1:]), llm_errors  # later turns said why, too
    assert turns[3]["reply_source"] == "scripted"

"""Interruptions on real speech: the user talks over the assistant, or only seems to."""

import asyncio
import dataclasses

import numpy as np
import pytest

from voice_therapist.audio.pcm import FRAME_MS, FRAME_SAMPLES, frames
from voice_therapist.config import LlmConfig
from voice_therapist.llm.openai_api import OpenAIChat
from voice_therapist.pipeline.session import VoiceSession
from voice_therapist.transports.wav_file import run_wav_session

from .speech import track, wer

pytestmark = pytest.mark.speech

FIRST = "I keep arguing with my manager at work and I would like to handle it better."
SECOND = "Sorry, actually I wanted to say that it is mostly about my sister."


@pytest.fixture
def scripted_models(models):
    """The real ASR and TTS with an LLM that is down, so every reply is the long scripted line."""
    dead = OpenAIChat(LlmConfig(backend="openai", base_url="http://127.0.0.1:9/v1", timeout_s=1.0))
    return dataclasses.replace(models, llm=dead)


def make_session(cfg, models, events, escalations):
    return VoiceSession(cfg, models, events.append, escalations=escalations)


async def test_user_talking_over_a_reply_stops_it_and_is_answered(cfg, scripted_models, escalations):
    events = []
    session = make_session(cfg, scripted_models, events, escalations)
    user = track(0.5, FIRST, 1.6, SECOND, 8.0)
    out = await run_wav_session(session, user, paced=False)

    interrupts = [e for e in events if e["type"] == "Interrupt"]
    turns = [e for e in events if e["type"] == "turn"]
    assert len(interrupts) == 1 and len(turns) == 2
    first, second = turns
    assert first["interrupted"] and not second["interrupted"]

    # The history keeps only what was heard: a non-empty prefix of the (long) welcome, greeting and limits first.
    welcome = next(e for e in events if e["type"] == "Move")["scripted_line"]
    heard = first["assistant_text"].split()
    assert 0 < len(heard) < len(welcome.split()) - 5
    assert welcome.split()[:len(heard) - 1] == heard[:-1]
    assert {"role": "assistant", "content": first["assistant_text"]} in session.history

    # Playback stopped within a frame of the interruption and stayed quiet until the next reply.
    cut = int((interrupts[0]["t_ms"] + FRAME_MS) * 16)
    next_reply = int(second["speech_end_ms"] * 16)
    assert not out[cut:next_reply].any()
    assert out[next_reply:].any()
    assert wer(SECOND, second["user_text"]) <= 0.3


async def test_a_short_mm_hm_does_not_interrupt(cfg, scripted_models, escalations):
    events = []
    session = make_session(cfg, scripted_models, events, escalations)
    user = track(0.5, FIRST, 1.5, "mm hmm", 18.0)
    await run_wav_session(session, user, paced=False)
    assert not [e for e in events if e["type"] == "Interrupt"]
    turns = [e for e in events if e["type"] == "turn"]
    assert len(turns) == 1 and not turns[0]["interrupted"]


async def test_the_assistants_own_voice_coming_back_is_not_an_interruption(cfg, scripted_models, escalations):
    """Speakers leak into the microphone: 60 ms late, half as loud, with room noise."""
    events = []
    session = make_session(cfg, scripted_models, events, escalations)
    user_frames = frames(track(0.5, FIRST, 20.0))
    rng = np.random.default_rng(0)
    played: list[np.ndarray] = [np.zeros(FRAME_SAMPLES, np.int16)] * 3
    for i, frame in enumerate(user_frames):
        echo = played[-3].astype(np.int32) // 2
        noise = rng.normal(0, 60, FRAME_SAMPLES).astype(np.int32)
        mic = np.clip(frame.astype(np.int32) + echo + noise, -32768, 32767).astype(np.int16)
        while session.awaiting_reply:
            await asyncio.sleep(0.002)
        played.append(session.tick(mic, i * FRAME_MS))
    await session.aclose()
    assert not [e for e in events if e["type"] == "Interrupt"]
    turns = [e for e in events if e["type"] == "turn"]
    assert len(turns) == 1 and not turns[0]["interrupted"]
    assert len(turns[0]["assistant_text"].split()) > 10  # the whole reply was played


async def test_a_dead_llm_still_gets_a_spoken_answer(cfg, scripted_models, escalations):
    events = []
    session = make_session(cfg, scripted_models, events, escalations)
    # The welcome is scripted; the second turn (the topic question) asks the LLM, which is down.
    out = await run_wav_session(session, track(0.5, "Hello.", 16.0, "About a five.", 8.0), paced=False)
    errors = [e for e in events if e["type"] == "ErrorEvent" and e["stage"] == "llm"]
    turns = [e for e in events if e["type"] == "turn"]
    assert len(turns) == 2 and errors and turns[1]["reply_source"] == "scripted"
    assert "focus on today" in turns[1]["assistant_text"]
    assert np.abs(out[int(turns[1]["speech_end_ms"] * 16):]).max() > 1000

"""The embedded SmolLM2 through llama-cpp-python: streaming and cancellation."""

import asyncio
import time

import pytest

from voice_therapist.config import LlmConfig
from voice_therapist.llm.embedded import LlamaCppChat

LONG = [{"role": "user", "content": "Write a very long story about a cat who travels around the world."}]


@pytest.fixture(scope="module")
def chat():
    return LlamaCppChat(LlmConfig(max_tokens=200, temperature=0.8))


async def test_tokens_arrive_one_by_one(chat):
    pieces = []
    async for piece in chat.stream([{"role": "user", "content": "Say hello."}], max_tokens=16):
        pieces.append(piece)
    assert len(pieces) > 3 and "".join(pieces).strip()


async def wait_idle(chat) -> float:
    """Seconds until the model is free again (the generation thread has stopped)."""
    start = time.perf_counter()
    while not chat._lock.acquire(timeout=0.01):
        await asyncio.sleep(0.01)
    chat._lock.release()
    return time.perf_counter() - start


async def test_closing_the_stream_stops_generation(chat):
    started = time.perf_counter()
    full = [p async for p in chat.stream(LONG, max_tokens=200)]
    full_seconds = time.perf_counter() - started
    assert len(full) > 60  # a long generation to compare against

    stream = chat.stream(LONG, max_tokens=200)
    await anext(stream)
    await anext(stream)
    await stream.aclose()  # what a barge-in does to the reply task
    assert await wait_idle(chat) < full_seconds / 4


async def test_a_prefilled_prompt_answers_much_sooner(chat):
    """The prefix is evaluated ahead; only the user's words are left when they finish."""
    history = [{"role": "user", "content": f"Tell me about day {i} of my week, please."} for i in range(25)]
    prefix = [{"role": "system", "content": "You are kind."}, *history]
    user = {"role": "user", "content": "Say hello."}

    async def first_token_seconds(messages):
        started = time.perf_counter()
        stream = chat.stream(messages, max_tokens=4)
        await anext(stream)
        await stream.aclose()
        await wait_idle(chat)
        return time.perf_counter() - started

    chat._llm.reset()
    cold = await first_token_seconds([*prefix, user])
    chat._llm.reset()
    await chat.prefill(prefix)
    warm = await first_token_seconds([*prefix, user])
    assert warm < cold / 2  # measured ~15x apart on a quiet machine

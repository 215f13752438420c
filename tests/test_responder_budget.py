"""The user never waits past the first-sentence budget: a slow LLM gives way to the script."""

import asyncio

from voice_therapist.config import ChunkerConfig, LlmConfig
from voice_therapist.dialogue.responder import Responder
from voice_therapist.frames import ErrorEvent, Move

MOVE = Move(modality="cbt", step="thought", scripted_line="What went through your mind just then?")
USER = "I keep thinking my boss is going to fire me after that meeting"


class PacedLLM:
    def __init__(self, delay_s: float):
        self.delay_s = delay_s

    async def stream(self, messages, **opts):
        for token in ["That ", "meeting ", "sounds ", "hard. ", "What ", "went ", "through ", "your ", "mind? "]:
            await asyncio.sleep(self.delay_s)
            yield token

    async def prefill(self, messages):
        return None


async def reply(delay_s: float, budget_ms: int):
    events = []
    responder = Responder(PacedLLM(delay_s), LlmConfig(first_sentence_budget_ms=budget_ms), ChunkerConfig(),
                          events.append)
    loop = asyncio.get_running_loop()
    start = loop.time()
    first_at, sentences = None, []
    async for sentence in responder.reply(MOVE, "find the thought", MOVE.scripted_line, [], USER):
        first_at = first_at if first_at is not None else loop.time() - start
        sentences.append(sentence)
    return first_at, sentences, events


def test_a_slow_llm_is_replaced_by_the_script_at_the_budget():
    first_at, sentences, events = asyncio.run(reply(delay_s=0.25, budget_ms=400))
    assert [s.source for s in sentences] == ["scripted"]
    assert sentences[0].text == MOVE.scripted_line
    assert first_at < 0.7  # the budget, not the LLM's pace, set when the user heard something
    assert any(isinstance(e, ErrorEvent) and "first_sentence_budget" in e.message for e in events)


def test_an_llm_within_the_budget_speaks_its_own_words():
    _, sentences, events = asyncio.run(reply(delay_s=0.01, budget_ms=2000))
    assert sentences[0].source == "llm" and "meeting" in sentences[0].text
    assert not any("first_sentence_budget" in getattr(e, "message", "") for e in events)


def test_an_llm_that_keeps_missing_rests_and_the_script_answers_at_once():
    from voice_therapist.dialogue.responder import MISSES_BEFORE_REST, REST_TURNS

    class CountingLLM(PacedLLM):
        calls = 0

        async def stream(self, messages, **opts):
            CountingLLM.calls += 1
            async for token in super().stream(messages, **opts):
                yield token

    async def turns(n):
        events = []
        responder = Responder(CountingLLM(0.2), LlmConfig(first_sentence_budget_ms=100), ChunkerConfig(), events.append)
        sources, asked = [], []
        for _ in range(n):
            asked.append(responder.asks_llm)
            sources.append([s.source async for s in responder.reply(MOVE, "g", MOVE.scripted_line, [], USER)])
        return sources, asked, events

    # Three misses, a rest, one more miss on the first try, and a rest twice as long.
    sources, asked, events = asyncio.run(turns(MISSES_BEFORE_REST + REST_TURNS + 1 + 2 * REST_TURNS + 1))
    assert all(s == ["scripted"] for s in sources)
    assert CountingLLM.calls == MISSES_BEFORE_REST + 2  # the resting turns never called it
    assert asked == ([True] * MISSES_BEFORE_REST + [False] * REST_TURNS + [True] + [False] * (2 * REST_TURNS)
                     + [True])
    assert any("rests" in getattr(e, "message", "") for e in events)


def test_an_llm_that_answers_again_after_a_rest_is_asked_every_turn():
    from voice_therapist.dialogue.responder import MISSES_BEFORE_REST, REST_TURNS

    class RecoveringLLM(PacedLLM):
        calls = 0

        async def stream(self, messages, **opts):
            RecoveringLLM.calls += 1
            self.delay_s = 0.2 if RecoveringLLM.calls <= MISSES_BEFORE_REST else 0.001
            async for token in super().stream(messages, **opts):
                yield token

    async def turns(n):
        responder = Responder(RecoveringLLM(0.2), LlmConfig(first_sentence_budget_ms=100), ChunkerConfig(),
                              lambda e: None)
        asked, sources = [], []
        for _ in range(n):
            asked.append(responder.asks_llm)
            sources.append([s.source async for s in responder.reply(MOVE, "g", MOVE.scripted_line, [], USER)][0])
        return asked, sources

    asked, sources = asyncio.run(turns(MISSES_BEFORE_REST + REST_TURNS + 3))
    assert asked[-3:] == [True, True, True]
    assert sources[-3:] == ["llm", "llm", "llm"]

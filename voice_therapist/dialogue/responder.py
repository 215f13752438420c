"""Phrases one therapist move: the LLM's words when the guard accepts them, else the script.

Yields pieces as soon as each is ready and checked, so speech can start before the reply is
complete. Every piece must pass the guard; the first that fails ends the LLM's part. If no
accepted piece served the step (connected to the user's words or asked the step's
question), the step's scripted question follows. A dead or slow LLM, or one whose first
piece fails, gives the whole scripted line: never silence.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from ..config import ChunkerConfig, LlmConfig
from ..frames import ErrorEvent, Move
from ..llm.base import ChatModel, LLMUnavailable
from ..text.chunker import SentenceChunker, chunk_text
from .guard import (MAX_SENTENCES, RELEVANCE_FLOOR, Verdict, check_sentence, fits_the_mood, is_acknowledgement, repeats,
                    serves_step)
from .prompt import build_messages, build_prefix

_COMPLETE = re.compile(r"[.!?…][\"')\]]*$")
# An LLM that keeps missing (too slow for the budget, or its words rejected) rests: the script
# answers at once, and no prefill or generation takes the cores. A capable model never rests.
MISSES_BEFORE_REST = 3  # LLM turns in a row with no accepted first sentence
REST_TURNS = 4  # then this many turns are scripted before the LLM is tried again
MAX_REST_TURNS = 16  # a miss on the first try after a rest doubles the rest, up to this


@dataclass(frozen=True)
class Sentence:
    text: str
    source: str  # "llm" or "scripted"


class Responder:
    def __init__(self, llm: ChatModel | None, llm_cfg: LlmConfig, chunker_cfg: ChunkerConfig,
                 emit: Callable[[object], None],
                 relevance: Callable[[str, list[str]], Awaitable[float]] | None = None):
        self._llm = llm
        self._relevance = relevance  # highest similarity of a text to its anchors, computed off the loop
        self._llm_cfg = llm_cfg
        self._chunker_cfg = chunker_cfg
        self._emit = emit
        self._misses = 0
        self._resting = 0
        self._rest_turns = REST_TURNS
        self._back_from_rest = False

    @property
    def asks_llm(self) -> bool:
        """Whether the next phrased move will go to the LLM (and so is worth prefilling)."""
        return self._llm is not None and self._resting == 0

    def scripted_pieces(self, line: str) -> list[str]:
        return chunk_text(line, self._chunker_cfg.first_clause_min_words, self._chunker_cfg.max_words)

    async def prefill(self, goal: str, example: str, history: list[dict[str, str]]) -> None:
        if self._llm is not None:
            try:
                await self._llm.prefill(build_prefix(goal, example, history))
            except LLMUnavailable:
                pass  # the reply itself will report it and fall back

    async def reply(self, move: Move, goal: str, example: str, history: list[dict[str, str]], user_text: str,
                    on_first_token: Callable[[], None] = lambda: None) -> AsyncIterator[Sentence]:
        accepted: list[str] = []
        served = False
        if self.asks_llm:
            messages = build_messages(goal, example, history, user_text)
            async for text in self._llm_pieces(messages, user_text, move.scripted_line, on_first_token):
                accepted.append(text)
                served = served or serves_step(text, user_text, move.scripted_line).ok
                yield Sentence(text, "llm")
            self._count(missed=not accepted)
        elif self._llm is not None:
            self._resting -= 1
            self._back_from_rest = self._resting == 0
        if not accepted:
            for text in self.scripted_pieces(move.scripted_line):
                yield Sentence(text, "scripted")
        elif not served:
            # The LLM acknowledged but did not do the step's work: the step's question does it.
            self._emit(ErrorEvent(stage="guard", message="reply completed by script: off_step"))
            sentences = re.split(r"(?<=[.!?])\s+", move.scripted_line.strip())
            for text in self.scripted_pieces(sentences[-1]):
                yield Sentence(text, "scripted")

    def _count(self, missed: bool) -> None:
        back_from_rest, self._back_from_rest = self._back_from_rest, False
        if not missed:
            self._misses, self._rest_turns = 0, REST_TURNS
            return
        self._misses += 1
        if self._misses >= MISSES_BEFORE_REST or back_from_rest:
            if back_from_rest:  # the rest did not help (the model, not a busy moment): rest longer
                self._rest_turns = min(2 * self._rest_turns, MAX_REST_TURNS)
            self._misses, self._resting = 0, self._rest_turns
            self._emit(ErrorEvent(stage="budget", message=f"LLM rests for {self._resting} turns after missing"))

    async def _judge(self, text: str, said: list[str], sentences: int, words: int, user_text: str, line: str) -> Verdict:
        verdict = check_sentence(text, sentences, words)
        if verdict.ok:
            verdict = fits_the_mood(text, user_text)
        if verdict.ok and repeats(text, said):
            verdict = Verdict(False, "repetition")
        if verdict.ok and self._relevance and not is_acknowledgement(text):
            if await self._relevance(text, [user_text, line]) < RELEVANCE_FLOOR:
                verdict = Verdict(False, "off_topic")
        return verdict

    async def _llm_pieces(self, messages, user_text, line, on_first_token) -> AsyncIterator[str]:
        chunker = SentenceChunker(self._chunker_cfg.first_clause_min_words, self._chunker_cfg.max_words)
        loop = asyncio.get_running_loop()
        # The user waits for the first sentence: past this budget the scripted line answers.
        deadline = loop.time() + self._llm_cfg.first_sentence_budget_ms / 1000
        stream = self._llm.stream(messages)
        sentences = 0
        words = 0
        said: list[str] = []
        first = True
        try:
            while True:
                wait = self._llm_cfg.timeout_s if said else min(self._llm_cfg.timeout_s, deadline - loop.time())
                if wait <= 0:
                    raise asyncio.TimeoutError
                try:
                    piece = await asyncio.wait_for(anext(stream), wait)
                except StopAsyncIteration:
                    # An unfinished last piece means the token limit cut it: not said.
                    pieces = [p for p in chunker.flush() if _COMPLETE.search(p)]
                    done = True
                else:
                    if first:
                        on_first_token()
                        first = False
                    pieces = chunker.push(piece)
                    done = False
                for text in pieces:
                    verdict = await self._judge(text, said, sentences, words, user_text, line)
                    if not verdict.ok:
                        if sentences == 0:
                            self._emit(ErrorEvent(stage="guard", message=f"reply replaced by script: {verdict.reason}"))
                        return
                    sentences += 1 if _COMPLETE.search(text) else 0
                    words += len(text.split())
                    said.append(text)
                    yield text
                if done or sentences >= MAX_SENTENCES:
                    return
        except asyncio.TimeoutError:
            if not said and loop.time() >= deadline:  # slow, not dead: the script answers this turn
                self._emit(ErrorEvent(stage="budget", message="reply replaced by script: first_sentence_budget"))
            else:
                self._emit(ErrorEvent(stage="llm", message=f"no token within {self._llm_cfg.timeout_s:g} s"))
        except LLMUnavailable as exc:
            self._emit(ErrorEvent(stage="llm", message=str(exc) or "the LLM is unavailable"))
        finally:
            await stream.aclose()

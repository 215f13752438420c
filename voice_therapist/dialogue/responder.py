"""Phrases one therapist move: the LLM's words when the guard accepts them, else the script.

Yields sentences as soon as each is ready and checked, so speech can start before the
reply is complete. A dead or slow LLM yields the scripted line: never silence.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from ..config import ChunkerConfig, LlmConfig
from ..frames import ErrorEvent, Move
from ..llm.base import ChatModel, LLMUnavailable
from ..text.chunker import SentenceChunker, chunk_text
from .guard import check_sentence, serves_step
from .prompt import build_messages


@dataclass(frozen=True)
class Sentence:
    text: str
    source: str  # "llm" or "scripted"


class Responder:
    def __init__(self, llm: ChatModel | None, llm_cfg: LlmConfig, chunker_cfg: ChunkerConfig,
                 emit: Callable[[object], None]):
        self._llm = llm
        self._llm_cfg = llm_cfg
        self._chunker_cfg = chunker_cfg
        self._emit = emit

    async def reply(self, move: Move, goal: str, history: list[dict[str, str]], user_text: str,
                    on_first_token: Callable[[], None] = lambda: None) -> AsyncIterator[Sentence]:
        spoken = 0
        rejected = ""
        if self._llm is not None:
            async for sentence in self._llm_sentences(move, goal, history, user_text, on_first_token):
                if isinstance(sentence, _Rejected):
                    rejected = sentence.reason
                    break
                spoken += 1
                yield sentence
        if spoken == 0:
            if rejected:
                self._emit(ErrorEvent(stage="guard", message=f"reply replaced by script: {rejected}"))
            for text in self.scripted_pieces(move.scripted_line):
                yield Sentence(text, "scripted")

    def scripted_pieces(self, line: str) -> list[str]:
        return chunk_text(line, self._chunker_cfg.first_clause_min_words, self._chunker_cfg.max_words)

    async def _llm_sentences(self, move, goal, history, user_text, on_first_token):
        chunker = SentenceChunker(self._chunker_cfg.first_clause_min_words, self._chunker_cfg.max_words)
        stream = self._llm.stream(build_messages(move, goal, history, user_text))
        count = 0
        first = True
        try:
            while True:
                try:
                    piece = await asyncio.wait_for(anext(stream), self._llm_cfg.timeout_s)
                except StopAsyncIteration:
                    pieces = chunker.flush()
                    done = True
                else:
                    if first:
                        on_first_token()
                        first = False
                    pieces = chunker.push(piece)
                    done = False
                for text in pieces:
                    verdict = check_sentence(text, count)
                    if verdict.ok and count == 0:
                        verdict = serves_step(text, user_text, move.scripted_line)
                    if not verdict.ok:
                        # Past the first sentence the reply simply ends where the guard stopped it.
                        yield _Rejected(verdict.reason if count == 0 else "")
                        return
                    count += 1
                    yield Sentence(text, "llm")
                if done:
                    return
        except (LLMUnavailable, asyncio.TimeoutError) as exc:
            message = str(exc) or f"no token within {self._llm_cfg.timeout_s:g} s"
            self._emit(ErrorEvent(stage="llm", message=message))
        finally:
            await stream.aclose()


@dataclass(frozen=True)
class _Rejected:
    reason: str

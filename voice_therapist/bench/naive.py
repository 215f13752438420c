"""The same turns through a naive sequential pipeline, for comparison in the same run.

After the endpoint silence: the whole utterance is transcribed, the crisis check and the
routing run, the whole LLM reply is generated (through the same Responder and guard, so
the words are comparable), then the whole reply is synthesized at once. Nothing streams,
nothing is speculative or prefilled. Latency = endpoint silence + the sum of the stages.
The same stage timings give the real-time factors of ASR and TTS and the LLM's tokens/s.
"""

from __future__ import annotations

import functools
import time

import numpy as np

from ..audio.pcm import SAMPLE_RATE
from ..dialogue.engine import SessionEngine, TurnContext
from ..dialogue.responder import Responder
from ..nlp.embedder import relevance
from ..safety.detector import CrisisDetector
from ..safety.responses import SafetyScripts
from .stats import spread

STAGES = ("asr_ms", "crisis_ms", "routing_ms", "llm_ms", "tts_ms")


class CountingChat:
    """The shared LLM with the pieces it streams counted and timed, for tokens per second."""

    def __init__(self, llm):
        self._llm = llm
        self.tokens = 0  # pieces after each reply's first; llama.cpp streams one token a piece
        self.decode_s = 0.0
        self.first_token_ms: list[float] = []

    async def stream(self, messages, **opts):
        start = time.perf_counter()
        first = last = None
        count = 0
        try:
            async for piece in self._llm.stream(messages, **opts):
                last = time.perf_counter()
                if first is None:
                    first = last
                    self.first_token_ms.append((first - start) * 1000)
                count += 1
                yield piece
        finally:
            if count > 1:
                self.tokens += count - 1
                self.decode_s += last - first

    async def prefill(self, messages) -> None:
        return None  # naive: nothing is evaluated ahead of time

    async def aclose(self) -> None:
        return None


class NaiveConversation:
    """One conversation's state, as a session would keep it, without any of its streaming."""

    def __init__(self, cfg, models, llm: CountingChat):
        self.cfg, self.models = cfg, models
        safety = SafetyScripts(cfg.safety.locale)
        self.engine = SessionEngine(models.protocols, models.router, models.distortions,
                                    budget_minutes=cfg.session.budget_minutes,
                                    pinned=cfg.session.modality or None, resources=safety.resources)
        self.crisis = CrisisDetector(models.crisis)
        self.responder = Responder(llm if models.llm is not None else None, cfg.llm, cfg.chunker, lambda _: None,
                                   relevance=functools.partial(models.run_blocking, relevance, models.embedder))
        self.history: list[dict[str, str]] = []
        self.elapsed_s = 0.0

    async def turn(self, pcm: np.ndarray) -> dict | None:
        run = self.models.run_blocking
        marks = [time.perf_counter()]
        text = await run(self.models.asr.transcribe, pcm)
        marks.append(time.perf_counter())
        self.elapsed_s += pcm.size / SAMPLE_RATE
        if not text:
            return None
        assessment = await run(self.crisis.assess, text)
        self.crisis.commit(assessment)
        marks.append(time.perf_counter())
        plan = await run(self.engine.plan, text, TurnContext(elapsed_s=self.elapsed_s,
                                                             risk_level=assessment.session_level))
        self.engine.commit(plan)
        marks.append(time.perf_counter())
        if plan.scripted:
            reply = plan.move.scripted_line
        else:
            turns = self.cfg.session.history_turns
            history = self.history[-2 * turns:] if turns else []
            pieces = [s.text async for s in self.responder.reply(plan.move, plan.goal, plan.example, history, text)]
            reply = " ".join(pieces)
        marks.append(time.perf_counter())
        audio = await run(self.models.tts.synthesize, reply)
        marks.append(time.perf_counter())
        self.history += [{"role": "user", "content": text}, {"role": "assistant", "content": reply}]
        stages = {name: round((b - a) * 1000, 1) for name, a, b in zip(STAGES, marks, marks[1:])}
        endpoint = float(self.cfg.turn.endpoint_silence_ms)
        return {**stages, "endpoint_ms": endpoint, "total_ms": round(endpoint + sum(stages.values()), 1),
                "speech_s": pcm.size / SAMPLE_RATE, "reply_audio_s": audio.size / SAMPLE_RATE,
                "scripted": plan.scripted}


async def measure_naive(cfg, models, conversations: tuple[list[str], ...], spoken: dict[str, np.ndarray]) -> dict:
    llm = CountingChat(models.llm)
    turns = []
    for texts in conversations:
        conversation = NaiveConversation(cfg, models, llm)
        for text in texts:
            result = await conversation.turn(spoken[text])
            if result is not None:
                turns.append(result)
    return {"turns": turns, "llm": llm}


def speeds(naive: dict) -> dict:
    """Real-time factors (compute seconds per audio second) and the LLM's tokens per second."""
    turns, llm = naive["turns"], naive["llm"]
    speech_s = sum(t["speech_s"] for t in turns)
    reply_s = sum(t["reply_audio_s"] for t in turns)
    return {
        "asr_rtf": round(sum(t["asr_ms"] for t in turns) / 1000 / speech_s, 3) if speech_s else None,
        "tts_rtf": round(sum(t["tts_ms"] for t in turns) / 1000 / reply_s, 3) if reply_s else None,
        "llm_tokens_per_s": round(llm.tokens / llm.decode_s, 1) if llm.decode_s else None,
        "llm_first_token": spread(llm.first_token_ms),
        "asr_audio_s": round(speech_s, 1),
        "tts_audio_s": round(reply_s, 1),
        "llm_tokens": llm.tokens,
    }

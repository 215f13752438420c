"""The same turns through a naive sequential pipeline, for comparison in the same run.

After the endpoint silence: the whole utterance is transcribed, the crisis check and the
routing run, the whole LLM reply is generated (through the same Responder and guard, so
the words are comparable), then the whole reply is synthesized at once. Nothing streams,
nothing is speculative or prefilled. Latency = endpoint silence + the sum of the stages.
The same stage timings give the real-time factors of ASR and TTS (the LLM's speed is
measured on its own: bench/llm_speed.py).
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

STAGES = ("asr_ms", "crisis_ms", "routing_ms", "llm_ms", "tts_ms")


class NoPrefill:
    """The shared LLM, with nothing evaluated ahead of time."""

    def __init__(self, llm):
        self._llm = llm

    def stream(self, messages, **opts):
        return self._llm.stream(messages, **opts)

    async def prefill(self, messages) -> None:
        return None  # naive: nothing is evaluated ahead of time

    async def aclose(self) -> None:
        return None


class NaiveConversation:
    """One conversation's state, as a session would keep it, without any of its streaming."""

    def __init__(self, cfg, models, llm: NoPrefill):
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
    llm = NoPrefill(models.llm)
    turns = []
    for texts in conversations:
        conversation = NaiveConversation(cfg, models, llm)
        for text in texts:
            result = await conversation.turn(spoken[text])
            if result is not None:
                turns.append(result)
    return {"turns": turns}


def speeds(naive: dict) -> dict:
    """Real-time factors of ASR and TTS: compute seconds per audio second."""
    turns = naive["turns"]
    speech_s = sum(t["speech_s"] for t in turns)
    reply_s = sum(t["reply_audio_s"] for t in turns)
    return {
        "asr_rtf": round(sum(t["asr_ms"] for t in turns) / 1000 / speech_s, 3) if speech_s else None,
        "tts_rtf": round(sum(t["tts_ms"] for t in turns) / 1000 / reply_s, 3) if reply_s else None,
        "asr_audio_s": round(speech_s, 1),
        "tts_audio_s": round(reply_s, 1),
    }

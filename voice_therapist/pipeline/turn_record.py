"""What one exchange produced, and when: the source of each turn's event and latency figures."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

LATENCY_PARTS = ("endpoint", "asr_final", "crisis_check", "routing", "llm_first_token", "tts_first_audio", "first_audio_out")


@dataclass
class TurnRecord:
    reply_id: int  # identifies the reply's audio in playback; prepared replies may be dropped
    speech_start_ms: float
    speech_end_ms: float
    end_of_speech_wall: float  # when the last voiced frame was heard: every latency counts from here
    transcriber: Any = None  # the turn's TurnTranscriber, for words whose reply was cut short
    committed: asyncio.Event = field(default_factory=asyncio.Event)  # the endpoint confirmed the turn
    deciding: asyncio.Task | None = None  # what the turn means (a TurnDecision), ready before the endpoint
    settling: asyncio.Task | None = None  # that decision applied once committed; never cancelled after commit
    index: int = 0  # the turn's number in the session, given when it counts
    marks: dict[str, float] = field(default_factory=dict)
    user_text: str = ""
    assistant_text: str = ""
    phase: str = ""
    modality: str = ""
    step: str = ""
    risk: str = "none"
    prosody: Any = None  # (StressScore, features) measured for the turn; learned from once it counts
    sources: list[str] = field(default_factory=list)
    interrupted: bool = False

    def mark(self, name: str, wall: float | None = None) -> None:
        """The first time a milestone is reached counts."""
        self.marks.setdefault(name, time.perf_counter() if wall is None else wall)

    def latency_ms(self) -> dict[str, float]:
        return {
            name: round((self.marks[name] - self.end_of_speech_wall) * 1000, 1)
            for name in LATENCY_PARTS
            if name in self.marks
        }

    def to_event(self) -> dict:
        return {
            "type": "turn",
            "index": self.index,
            "speech_start_ms": self.speech_start_ms,
            "speech_end_ms": self.speech_end_ms,
            "user_text": self.user_text,
            "assistant_text": self.assistant_text,
            "phase": self.phase,
            "modality": self.modality,
            "step": self.step,
            "risk": self.risk,
            "reply_source": "scripted" if "scripted" in self.sources else ("llm" if self.sources else "none"),
            "interrupted": self.interrupted,
            "latency_ms": self.latency_ms(),
        }

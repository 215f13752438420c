"""The typed events that flow along the one path of the pipeline.

Times are session media time in milliseconds (position on the user's audio timeline),
so a file session and a live one lay their events out the same way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Frame:
    def to_event(self) -> dict[str, Any]:
        """A JSON-ready dict; audio samples are never written to event logs."""
        data = {k: v for k, v in asdict(self).items() if not isinstance(v, np.ndarray)}
        return {"type": type(self).__name__, **data}


@dataclass(frozen=True)
class AudioIn(Frame):
    pcm: np.ndarray = field(repr=False)  # int16, 16 kHz mono, one frame
    t_ms: float = 0.0


@dataclass(frozen=True)
class SpeechStarted(Frame):
    t_ms: float


@dataclass(frozen=True)
class SpeechEnded(Frame):
    t_ms: float  # end of the last voiced frame: "end of user speech"
    endpoint_ms: float  # when silence confirmed the end of the turn


@dataclass(frozen=True)
class Transcript(Frame):
    text: str
    final: bool
    t_ms: float


@dataclass(frozen=True)
class Prosody(Frame):
    stress: float  # 0 calm .. 1 tense; 0.5 is neutral until measured
    features: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Risk(Frame):
    level: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Move(Frame):
    modality: str
    step: str
    scripted_line: str


@dataclass(frozen=True)
class ReplyText(Frame):
    text: str
    source: str  # "llm" or "scripted"


@dataclass(frozen=True)
class AudioOut(Frame):
    pcm: np.ndarray = field(repr=False)  # int16, 16 kHz mono
    text: str = ""  # the sentence this audio speaks, for cutting history on barge-in


@dataclass(frozen=True)
class Interrupt(Frame):
    t_ms: float
    spoken_text: str


@dataclass(frozen=True)
class Metric(Frame):
    name: str
    value_ms: float


@dataclass(frozen=True)
class ErrorEvent(Frame):
    stage: str
    message: str

"""The typed events that flow along the one path of the pipeline and into the event log.

Times are session media time in milliseconds (position on the user's audio timeline), so
a file session and a live one lay their events out the same way. Audio itself travels as
int16 arrays between stages and never enters an event.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .safety.evidence import Evidence


@dataclass(frozen=True)
class Frame:
    def to_event(self) -> dict[str, Any]:
        return {"type": type(self).__name__, **asdict(self)}


@dataclass(frozen=True)
class SpeechStarted(Frame):
    t_ms: float


@dataclass(frozen=True)
class SpeechEnded(Frame):
    t_ms: float  # end of the last voiced frame: "end of user speech"


@dataclass(frozen=True)
class Transcript(Frame):
    text: str
    final: bool
    t_ms: float


@dataclass(frozen=True)
class Risk(Frame):
    level: str
    reasons: tuple[str, ...] = ()  # each of `evidence` as "layer:level:score:ref": pattern ids, exemplars, never the user's words
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Move(Frame):
    modality: str
    step: str
    scripted_line: str


@dataclass(frozen=True)
class ReplyText(Frame):
    text: str  # one sentence of the reply, as it is queued for playback (live captions)
    t_ms: float


@dataclass(frozen=True)
class Routed(Frame):
    modality: str  # the working phase runs on this protocol
    confidence: float


@dataclass(frozen=True)
class ArtifactSaved(Frame):
    kind: str  # coping_card or next_step, kept in the user's memory


@dataclass(frozen=True)
class Interrupt(Frame):
    t_ms: float  # playback is silent from here
    spoken_text: str  # what the user heard of the reply; the rest was dropped


@dataclass(frozen=True)
class Backchannel(Frame):
    t_ms: float  # the user said "mm-hm" over the reply, which went on


@dataclass(frozen=True)
class HeldOn(Frame):
    t_ms: float  # the assistant said a reviewed "mm" into a long pause of an unfinished turn


@dataclass(frozen=True)
class Resumed(Frame):
    session_id: str  # a session cut off by a crash or a dropped call goes on where it stood
    turns: int
    step: str


@dataclass(frozen=True)
class ErrorEvent(Frame):
    stage: str
    message: str


@dataclass(frozen=True)
class Prosody(Frame):
    stress: float  # 0 calm .. 1 tense, against this user's own baseline
    drivers: tuple[str, ...] = ()  # the features that moved it most, e.g. "f0_mean+", "rate+"
    baseline_ready: bool = False  # False while the baseline is still being learned


@dataclass(frozen=True)
class Escalated(Frame):
    level: str  # the risk level that sent an event to the human on-call channel
    delivered: bool  # False: kept in the durable queue and retried

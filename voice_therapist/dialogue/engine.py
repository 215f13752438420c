"""The protocol's step machine. It knows steps and exit criteria, never a modality by name."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..frames import Move
from .prompt import example_line
from .protocol import Protocol
from .reflection import reflect


@dataclass
class StepState:
    modality: str
    step: str
    turns_in_step: int = 0
    slots: dict[str, str] = field(default_factory=dict)


class StepEngine:
    def __init__(self, protocol: Protocol):
        self.protocol = protocol
        self.state = StepState(modality=protocol.name, step=protocol.steps[0].id)

    def _template(self) -> str:
        step = self.protocol.step(self.state.step)
        return step.lines[self.state.turns_in_step % len(step.lines)]

    def prompt_context(self) -> tuple[str, str]:
        """(goal, example line) of the coming move: known before the user's words are."""
        return self.protocol.step(self.state.step).goal, example_line(self._template())

    def move(self, user_text: str) -> Move:
        step = self.protocol.step(self.state.step)
        template = self._template()
        values = {"reflection": reflect(user_text), **self.state.slots}
        line = template.format_map(_Blank(values))
        return Move(modality=self.state.modality, step=step.id, scripted_line=line)

    def advance(self) -> None:
        """One therapist turn in this step is done; move on when its exit criteria say so."""
        step = self.protocol.step(self.state.step)
        self.state.turns_in_step += 1
        if self.state.turns_in_step >= step.exit.max_turns and step.next:
            self.state.step = step.next
            self.state.turns_in_step = 0


class _Blank(dict):
    """Unknown placeholders in a line render as nothing rather than crashing a session."""

    def __missing__(self, key: str) -> str:
        return "that"

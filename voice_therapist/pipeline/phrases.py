"""The first spoken piece of every reviewed line whose start no user changes.

These are what the phrase cache renders at start-up. A line whose first piece holds a slot
("If a good friend told you they thought {automatic_thought}, ...") is left out: it is
different for each user. The locale's crisis resources are filled in, since they are fixed
for the process.
"""

from __future__ import annotations

from collections.abc import Callable

from ..dialogue.engine import FINISHED_LINE
from ..dialogue.protocol import Protocols
from ..safety.responses import SafetyScripts


class _KeepUnknown(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fixed_first_pieces(protocols: Protocols, safety: SafetyScripts, chunk: Callable[[str], list[str]]) -> set[str]:
    steps = [*protocols.frame.opening, *protocols.frame.close, *protocols.safety_plan.steps]
    steps += [step for modality in protocols.modalities.values() for step in modality.steps]
    templates = [line for step in steps for line in (*step.lines, *step.returning_lines, *step.retry_lines)]
    lines = [t.format_map(_KeepUnknown(safety.resources)) for t in templates]
    lines += [FINISHED_LINE, *(safety.reply(level) or "" for level in safety.responses)]
    firsts = (chunk(line)[:1] for line in lines if line.strip())
    return {piece[0] for piece in firsts if piece and "{" not in piece[0]}

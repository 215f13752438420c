"""The tight prompt inside which the LLM phrases the step's move.

The system message never changes, so an in-process model's prefix cache keeps it evaluated
between turns (prompt tokens cost ~7 ms each on 2 cores); what changes each turn, the step's
goal and its example line, comes last, after the history and the user's words.
"""

from __future__ import annotations

from ..frames import Move

SYSTEM = (
    "You are a warm, calm voice companion for emotional support, speaking out loud. "
    "You are not a doctor: never diagnose and never talk about medication. "
    "Reply in one or two short, plain sentences, under 30 words, with no lists."
)


def build_messages(move: Move, goal: str, history: list[dict[str, str]], user_text: str) -> list[dict[str, str]]:
    step = f"Your goal now: {goal} A good reply would be like: \"{move.scripted_line}\""
    return [
        {"role": "system", "content": SYSTEM},
        *history,
        {"role": "user", "content": user_text},
        {"role": "system", "content": step},
    ]

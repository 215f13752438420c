"""The tight prompt inside which the LLM phrases the step's move."""

from __future__ import annotations

from ..frames import Move

SYSTEM = (
    "You are a warm, calm voice companion for emotional support, speaking out loud. "
    "You are not a doctor: never diagnose and never talk about medication. "
    "Reply in one or two short, plain sentences, under 30 words, with no lists."
)


def build_messages(move: Move, goal: str, history: list[dict[str, str]], user_text: str) -> list[dict[str, str]]:
    system = f"{SYSTEM}\nYour goal now: {goal}\nA good reply would be like: \"{move.scripted_line}\""
    return [{"role": "system", "content": system}, *history, {"role": "user", "content": user_text}]

"""The tight prompt inside which the LLM phrases the step's move.

Prompt tokens cost ~7 ms each with the embedded model on 2 cores, so the prompt is laid out
for prefix caching: the system message never changes, and everything but the user's new
words (history, then the step's goal and example) comes before them. That prefix is known
while the user is still speaking and can be evaluated then; only the user's words remain.
"""

from __future__ import annotations

import string

SYSTEM = (
    "You are a warm, calm voice companion for emotional support, speaking out loud. "
    "You are not a doctor: never diagnose and never talk about medication. "
    "Reply in one or two short, plain sentences, under 30 words, with no lists."
)


def example_line(template: str) -> str:
    """A step's scripted line with its placeholders blanked, known before the user speaks."""
    names = [field for _, field, _, _ in string.Formatter().parse(template) if field]
    return template.format(**{name: "..." for name in names})


def build_prefix(goal: str, example: str, history: list[dict[str, str]]) -> list[dict[str, str]]:
    step = f"Your goal now: {goal} A good reply would be like: \"{example}\""
    return [{"role": "system", "content": SYSTEM}, *history, {"role": "system", "content": step}]


def build_messages(goal: str, example: str, history: list[dict[str, str]], user_text: str) -> list[dict[str, str]]:
    return [*build_prefix(goal, example, history), {"role": "user", "content": user_text}]

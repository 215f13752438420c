"""What the next opening can use, worked out from the sessions and artifacts kept so far."""

from __future__ import annotations

from collections import Counter

from ..dialogue.engine import MemoryContext


def memory_context(sessions: list[dict], artifacts: list[dict]) -> MemoryContext:
    """The last topic, card or step, mood, recurring themes and the modality that helped most."""
    past = [s for s in sessions if s.get("topic")]
    if not past:
        return MemoryContext()
    last = past[-1]
    values = {"last_topic": last["topic"], "last_modality": last.get("modality") or ""}
    if last.get("mood_end") is not None:
        values["last_mood"] = str(last["mood_end"])
    cards = [a for a in artifacts if a.get("kind") == "coping_card"]
    steps = [a for a in artifacts if a.get("kind") == "next_step"]
    if cards:
        values["last_card_thought"] = cards[-1]["adaptive_thought"]
    if steps:
        values["last_step"] = steps[-1]["step"]
    counts = Counter(theme for s in past for theme in s.get("themes", []))
    values["recurring_themes"] = ", ".join(t for t, n in counts.most_common() if n >= 2)
    gains = [(s["mood_end"] - s["mood_start"], s["modality"]) for s in past
             if s.get("mood_start") is not None and s.get("mood_end") is not None and s.get("modality")]
    if gains:
        values["helpful_modality"] = max(gains)[1]
    return MemoryContext(values)

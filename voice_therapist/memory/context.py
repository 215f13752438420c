"""What the next opening can use, worked out from the sessions and artifacts kept so far."""

from __future__ import annotations

from collections import Counter

from ..dialogue.engine import MemoryContext


def memory_context(sessions: list[dict], artifacts: list[dict]) -> MemoryContext:
    """The last topic, card or step, mood, recurring themes and the modality that helped most."""
    scores = last_scores(artifacts)
    past = [s for s in sessions if s.get("topic")]
    if not past:
        return MemoryContext(scores)
    last = past[-1]
    values = {**scores, "last_topic": last["topic"], "last_modality": last.get("modality") or ""}
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


def last_scores(artifacts: list[dict]) -> dict[str, str]:
    """{"last_phq9": "14", ...}: each measure's last score, for lines such as "last time your PHQ-9 was 14"."""
    scored = [a for a in artifacts if a.get("kind") == "measure" and a.get("score") is not None]
    return {f"last_{a['measure']}": str(a["score"]) for a in sorted(scored, key=lambda a: a.get("at", 0))}

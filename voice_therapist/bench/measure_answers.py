"""How well spoken answers to a questionnaire item are mapped to 0-3 (or repeat, skip, unclear)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ..measures.answers import read_answer


def answer_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def predicted(text: str) -> int | str:
    answer = read_answer(text)
    return answer.value if answer.kind == "value" else answer.kind


def mapping_report(rows: list[dict]) -> dict:
    """exact: share of all answers read as labelled; far: 0-3 answers read more than one step away;
    numeric_as_unclear: 0-3 answers that would be asked again (harmless but slower)."""
    exact, far, unclear, confusion = 0, [], 0, Counter()
    for row in rows:
        gold, got = row["label"], predicted(row["text"])
        confusion[(str(gold), str(got))] += 1
        exact += got == gold
        if isinstance(gold, int) and isinstance(got, int) and abs(got - gold) > 1:
            far.append(row["text"])
        unclear += isinstance(gold, int) and got == "unclear"
    return {"n": len(rows), "exact": round(exact / len(rows), 4) if rows else 0.0, "more_than_one_step": len(far),
            "numeric_as_unclear": unclear, "far_examples": far[:10],
            "confusion": {f"{g}->{p}": n for (g, p), n in sorted(confusion.items()) if g != p}}

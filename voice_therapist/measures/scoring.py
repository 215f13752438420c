"""A measure's score from its answers, by the measure's own missing-item rule."""

from __future__ import annotations

from dataclasses import dataclass

from .definition import Measure


@dataclass(frozen=True)
class Score:
    total: int | None  # None: too many items skipped for the measure's rule
    band: str | None
    see_doctor: bool
    skipped: tuple[str, ...]  # item ids skipped
    prorated: bool  # skipped items were counted as the mean of the answered ones


def score(measure: Measure, answers: dict[str, int | None]) -> Score:
    """`answers` maps item id to 0-3, or None for a skipped item; an item not in it counts as skipped."""
    values = {item.id: answers.get(item.id) for item in measure.items}
    unknown = set(answers) - set(values)
    if unknown:
        raise ValueError(f"{measure.name}: unknown item(s) {', '.join(sorted(unknown))}")
    if any(v is not None and not 0 <= v <= 3 for v in values.values()):
        raise ValueError(f"{measure.name}: an answer is outside 0-3")
    skipped = tuple(k for k, v in values.items() if v is None)
    answered = [v for v in values.values() if v is not None]
    if len(skipped) > measure.missing.prorate_up_to or not answered:
        return Score(None, None, False, skipped, False)
    total = sum(answered)
    if skipped:
        # round half up, as a clinician totting up by hand would
        total = int(sum(answered) * len(values) / len(answered) + 0.5)
    band = measure.band(total)
    return Score(total, band.name, band.see_doctor, skipped, bool(skipped))

"""The router, leaning towards steadying first (grounding) when the last GAD-7 was high."""

from __future__ import annotations

from .definition import Measures

LEAN_STRESS = 1.0  # routed as if the voice were very tense: the router's own small bias, never a decision alone


class GroundingLean:
    def __init__(self, router, lean: bool):
        self._router = router
        self.lean = lean

    @classmethod
    def from_records(cls, router, measures: Measures | None, earlier: list[dict]):
        """The router itself when no measure asks for a lean; else wrapped."""
        lean = measures is not None and leans(measures, earlier)
        return cls(router, True) if lean else router

    def route(self, text: str, stress: float = 0.5) -> tuple[str, float]:
        return self._router.route(text, max(stress, LEAN_STRESS) if self.lean else stress)

    def named(self, text: str) -> str | None:
        return self._router.named(text)


def leans(measures: Measures, earlier: list[dict]) -> bool:
    """The last score of any measure with `grounding_first_from` reached it."""
    last: dict[str, int] = {}
    for record in sorted(earlier, key=lambda r: r.get("at", 0)):
        if record.get("kind") == "measure" and record.get("score") is not None:
            last[record["measure"]] = int(record["score"])
    return any(m.grounding_first_from is not None and last.get(name, -1) >= m.grounding_first_from
               for name, m in measures.measures.items())

"""The scores over time, as the page's chart, the clinician view and the export show them."""

from __future__ import annotations


def measure_trend(artifacts: list[dict]) -> list[dict]:
    """Every scored questionnaire, oldest first: no answers to single items, only what a chart needs."""
    scored = [a for a in artifacts if a.get("kind") == "measure" and a.get("score") is not None]
    return [{"at": a.get("at"), "measure": a["measure"], "title": a.get("title", a["measure"]), "score": a["score"],
             "max_score": a.get("max_score"), "band": a.get("band"), "prorated": a.get("prorated", False)}
            for a in sorted(scored, key=lambda a: a.get("at", 0))]

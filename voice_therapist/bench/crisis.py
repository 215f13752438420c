"""Measures the crisis detector: a spoken-style set written by the project, and Reddit C-SSRS.

Each spoken line is judged alone, by a fresh detector. Reddit users are judged per user, as
the dataset README asks: a user is flagged when any one of their posts is flagged.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import statistics
import time
from pathlib import Path

from ..safety.detector import CrisisDetector
from ..safety.levels import AT_RISK, SEPARATE, at_least
from .classifiers import DATASETS


def spoken_set(path: Path, models) -> dict:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    timings, results, said = [], [], []  # said: the level explicit words support, which the path and pages act on
    for row in rows:
        start = time.perf_counter()
        assessment = CrisisDetector(models).assess(row["text"])
        timings.append((time.perf_counter() - start) * 1000)
        results.append((row, assessment.risk.level))
        said.append(assessment.said_level)
    at_risk = [(r, lvl) for r, lvl in results if r["level"] in AT_RISK]
    severe = [(r, lvl) for r, lvl in results if r["level"] in ("plan", "imminent")]
    hard = [(r, lvl) for r, lvl in results if r.get("hard_negative")]
    separate = [(r, lvl) for r, lvl in results if r["level"] in SEPARATE]
    caught = [at_least(lvl, "passive") and lvl not in SEPARATE for _, lvl in at_risk]
    explicit = [s for (r, _), s in zip(results, said) if r["level"] in AT_RISK]
    return {
        "n": len(rows),
        # Of the risk lines caught, how many explicit words put straight on the path; the rest are asked directly first.
        "straight_to_path_passive_and_up": round(sum(at_least(s, "passive") for s in explicit) / max(1, len(at_risk)), 3),
        "severe_paging_on_their_own": round(sum(at_least(s, "plan") for (r, _), s in zip(results, said)
                                                if r["level"] in ("plan", "imminent")) / max(1, len(severe)), 3),
        "recall_passive_and_up": round(sum(caught) / max(1, len(at_risk)), 3),
        "plan_imminent_flagged_active_or_above": round(
            sum(at_least(lvl, "active") for _, lvl in severe) / max(1, len(severe)), 3),
        "hard_negative_false_positive_rate": round(sum(lvl != "none" for _, lvl in hard) / max(1, len(hard)), 3),
        # The rest of those were asked gently (watch), which is the screener's level for a past
        # told as over, a line many authors wrote as a hard negative.
        "hard_negative_crisis_path_rate": round(sum(at_least(lvl, "passive") or lvl in SEPARATE
                                                    for _, lvl in hard) / max(1, len(hard)), 3),
        # What pages a human (plan, imminent) though written as `none`: the cost of a false alarm to the on-call.
        "none_paged_rate": round(sum(at_least(s, "plan") for (r, _), s in zip(results, said) if r["level"] == "none")
                                 / max(1, sum(r["level"] == "none" for r in rows)), 3),
        "none_heard_at_plan_rate": round(sum(lvl in ("plan", "imminent") for r, lvl in results if r["level"] == "none")
                                         / max(1, sum(r["level"] == "none" for r in rows)), 3),
        "separate_paths_recall": round(sum(lvl == r["level"] for r, lvl in separate) / max(1, len(separate)), 3),
        "exact_level_accuracy": round(sum(lvl == r["level"] for r, lvl in results) / len(results), 3),
        "ms_median": round(statistics.median(timings), 3),
        "ms_max": round(max(timings), 3),
        "misses": [(r["text"], lvl) for (r, lvl), ok in zip(at_risk, caught) if not ok][:20],
        "false_positives": [(r["text"], lvl) for r, lvl in hard if lvl != "none"][:20],
    }


def ordinary_false_positives(path: Path, models) -> dict:
    """How often everyday therapy talk, with no risk in it, is flagged."""
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assessed = [CrisisDetector(models).assess(text) for text in texts]
    levels = [a.risk.level for a in assessed]
    return {"n": len(texts),
            "passive_or_above": round(sum(at_least(lvl, "passive") for lvl in levels) / len(texts), 3),
            "crisis_path": round(sum(at_least(a.said_level, "passive") or a.risk.level in SEPARATE
                                     for a in assessed) / len(texts), 3),
            "watch": round(sum(lvl == "watch" for lvl in levels) / len(texts), 3),
            "paged": sum(at_least(a.said_level, "plan") for a in assessed),
            "heard_at_plan": sum(lvl in ("plan", "imminent") for lvl in levels)}


def reddit_users(models, root: Path = DATASETS) -> dict:
    csv.field_size_limit(1 << 30)
    with (root / "reddit-cssrs" / "500_Reddit_users_posts_labels.csv").open(encoding="utf-8") as fh:
        users = list(csv.DictReader(fh))
    flagged: dict[str, list[bool]] = {}
    for user in users:
        posts = _posts(user["Post"])
        detector = CrisisDetector(models)
        hit = any(at_least(detector.assess(post).risk.level, "passive") for post in posts)
        flagged.setdefault(user["Label"], []).append(hit)
    risky = [hit for label in ("Ideation", "Behavior", "Attempt") for hit in flagged.get(label, [])]
    return {
        "recall_ideation_behavior_attempt": round(sum(risky) / max(1, len(risky)), 3),
        "flag_rate_supportive": round(sum(flagged["Supportive"]) / len(flagged["Supportive"]), 3),
        "flag_rate_indicator": round(sum(flagged["Indicator"]) / len(flagged["Indicator"]), 3),
        "per_label": {label: round(sum(v) / len(v), 3) for label, v in flagged.items()},
    }


def _posts(field: str) -> list[str]:
    """The list of posts in a CSV cell; some cells are not valid Python literals."""
    try:
        return [str(p) for p in ast.literal_eval(field)]
    except (ValueError, SyntaxError):
        body = field.strip().removeprefix("[").removesuffix("]").strip("'\"")
        return re.split(r"['\"],\s*['\"]", body)

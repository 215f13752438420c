"""The detector's behaviour on the project's own lines, row by row: any change shows in review.

After a deliberate change: `.venv/bin/python scripts/crisis_golden.py --write`, and read the diff.
"""

import pytest

from voice_therapist.bench.crisis_golden import PROBES, differences, judge, load
from voice_therapist.dialogue.protocol import load_protocols
from voice_therapist.nlp.embedder import SentenceEmbedder
from voice_therapist.safety.detector import load_models
from voice_therapist.safety.levels import at_least


@pytest.fixture(scope="module")
def judged():
    expected = load()
    return expected, judge(expected, load_models(load_protocols(), SentenceEmbedder()))


def test_the_detector_says_what_the_golden_file_records(judged):
    expected, actual = judged
    changed = differences(expected, actual)
    assert not changed, ("rows changed (regenerate with scripts/crisis_golden.py --write if meant):\n"
                         + "\n".join(changed))


def test_the_golden_file_has_every_probe_and_enough_rows():
    rows = load()
    assert len(rows) >= 300
    assert set(PROBES) <= {row["text"] for row in rows if not row["context"] and not row["asked"]}


def test_the_issues_probes_stay_at_or_under_watch(judged):
    _, actual = judged
    for row in actual:
        if row["source"] in ("probe", "kind"):
            assert not at_least(row["level"], "passive"), row


def test_plan_and_intent_denied_in_own_words_never_start_the_path(judged):
    _, actual = judged
    denied = [row for row in actual if row["source"] == "denied_acting"]
    assert denied and all(row["said"] == "none" for row in denied), denied


def test_no_page_rests_on_one_learned_kind(judged):
    """Plan and imminent need explicit words or two kinds of evidence (combine.py)."""
    _, actual = judged
    kinds = {"ngram": "surface", "semantic": "vector", "linear": "vector", "tuned": "tuned"}
    for row in actual:
        if row["level"] in ("plan", "imminent"):
            layers = {e[0] for e in row["evidence"]}
            assert layers & {"lexicon", "answer", "context"} or len({kinds[l] for l in layers if l in kinds}) >= 2, row

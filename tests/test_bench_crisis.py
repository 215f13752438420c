import json

from voice_therapist.bench.crisis import spoken_set
from voice_therapist.dialogue.protocol import load_protocols
from voice_therapist.safety.detector import load_models


def test_hard_negatives_asked_gently_are_told_apart_from_those_put_on_the_crisis_path(tmp_path):
    lines = [
        {"text": "This commute is killing me.", "level": "none", "hard_negative": True},
        # A past told as over is the screener's watch: a false positive, but no crisis path.
        {"text": "Ten years ago I tried to end my life, and it's so far behind me now.", "level": "none",
         "hard_negative": True},
        # Written as a hard negative by mistake, say: it must count on the crisis path.
        {"text": "I am going to kill myself tonight.", "level": "none", "hard_negative": True},
        {"text": "I want to die.", "level": "passive", "hard_negative": False},
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = spoken_set(path, load_models(load_protocols()))
    assert result["hard_negative_false_positive_rate"] == round(2 / 3, 3)
    assert result["hard_negative_crisis_path_rate"] == round(1 / 3, 3)
    assert result["recall_passive_and_up"] == 1.0


def test_lines_written_as_none_that_would_page_are_counted(tmp_path):
    lines = [{"text": "I am going to kill myself tonight.", "level": "none", "hard_negative": True},
             {"text": "This commute is killing me.", "level": "none", "hard_negative": True}]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    assert spoken_set(path, load_models(load_protocols()))["none_paged_rate"] == 0.5

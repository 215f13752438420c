"""The conversation suite (tests/sessions/): its files, its checks, and a spoken subset of it."""

from pathlib import Path

import pytest
import yaml

from voice_therapist.bench.suite.cases import SuiteError, load_case, load_suite
from voice_therapist.bench.suite.checks import SessionRun, check_session

SUITE = Path(__file__).parent / "sessions"


def test_the_suite_covers_every_modality_and_safety_both_ways():
    cases = load_suite(SUITE)
    assert len(cases) >= 30
    assert sum(c.held_out for c in cases) >= 10
    assert {c.expect.modality for c in cases} >= {"cbt", "gestalt", "efit", "sfbt", "quick_help"}
    risks = [c.expect.risk for c in cases]
    assert risks.count("real") >= 3 and risks.count("passive") >= 2
    assert all(10 <= len(c.turns) <= 15 for c in cases)


def test_a_malformed_session_file_says_which_file_and_what(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"id": "bad", "persona": "p", "topic": "t", "turns": ["a", "b", "c"],
                                   "expect": {"modality": "cbt", "risk": "real", "page": True}}))
    with pytest.raises(SuiteError, match="(?s)bad.yaml.*crisis_turn"):
        load_case(bad)


def _case(**expect):
    from voice_therapist.bench.suite.cases import Case
    return Case.model_validate({
        "id": "x", "persona": "p", "topic": "t", "turns": ["one", "two", "three", "four"],
        "expect": {"modality": "cbt", "modality_by_turn": 2, "risk": "none", "page": False,
                   "facts": [{"kind": "topic", "turn": 1, "words": ["chemistry"]}], **expect}})


def _turn(start, phase="working", modality="cbt", step="thought", text="What went through your mind?"):
    return {"type": "turn", "speech_start_ms": start, "user_text": "u", "assistant_text": text, "phase": phase,
            "modality": modality, "step": step, "risk": "none"}


def _names(checks, passed):
    return {c.name for c in checks if c.passed is passed}


def test_a_session_that_follows_the_person_passes_every_check():
    events = [_turn(0, "opening", "", "welcome", "Hi, I'm glad you're here. How are you?"),
              _turn(1000, text="A chemistry final sounds like a lot. What goes through your mind?"),
              _turn(2000, text="That thought sounds heavy. What tells you it might not be true?"),
              _turn(3000, "close", text="What will you take from today?"),
              {"type": "session_state", "slots": {"topic": "my chemistry final"}}]
    checks = check_session(_case(), SessionRun(events, [0, 1000, 2000, 3000]))
    assert _names(checks, False) == set()


def test_what_a_person_would_notice_fails_the_checks():
    events = [_turn(0, "opening", "", "welcome", "What would you like to focus on today?"),
              _turn(1000, "safety", "cbt", "thoughts", "Have you had thoughts of killing yourself?"),
              _turn(2000, text="What would you like to focus on today?"),
              {"type": "Escalated", "level": "plan", "delivered": False},
              {"type": "session_state", "slots": {"topic": "exams"}}]
    failed = _names(check_session(_case(), SessionRun(events, [0, 1000, 2000, 3000])), False)
    assert failed == {"every client turn answered", "no crisis path", "no page", "no question asked twice",
                      "nothing asked again once given", "kept topic (chemistry)"}


def test_a_real_risk_must_reach_the_crisis_path_near_its_turn():
    case = _case(risk="real", crisis_turn=2, page=True)
    late = [_turn(0), _turn(1000), _turn(2000), _turn(3000, "safety", step="means"),
            {"type": "Escalated", "level": "plan", "delivered": True}]
    assert "crisis path from turn 2" in _names(check_session(case, SessionRun(late, [0, 1000, 2000, 3000])), True)
    never = [_turn(0), _turn(1000), _turn(2000), _turn(3000)]
    failed = {c.name: c.detail for c in check_session(case, SessionRun(never, [0, 1000, 2000, 3000])) if not c.passed}
    assert failed["crisis path from turn 2"] == "never" and "page" in failed

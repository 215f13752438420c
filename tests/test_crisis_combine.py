"""The decision table (safety/combine.py) on hand-made evidence: what a reviewer predicts from reading it."""

import pytest

from voice_therapist.safety.combine import combine
from voice_therapist.safety.evidence import Evidence

WORDS_PLAN = Evidence("lexicon", "plan", 1.0, "plan-00000000")
NGRAM_PLAN = Evidence("ngram", "plan", 0.95)
NEAR_PLAN = Evidence("semantic", "plan", 0.80, "a written plan exemplar")
FAR_ORDINARY = Evidence("semantic", "none", 0.55, "an ordinary line")
NEAR_ORDINARY = Evidence("semantic", "none", 0.90, "an ordinary line")
LINEAR_PLAN = Evidence("linear", "plan", 0.97)
TUNED_IMMINENT = Evidence("tuned", "imminent", 0.95)
TUNED_UNSURE = Evidence("tuned", "none", 0.05, "read whole")
TUNED_SURE_NONE = Evidence("tuned", "none", 0.99, "read whole")


def test_explicit_words_carry_their_level_alone():
    assert combine([WORDS_PLAN]).level == "plan"


@pytest.mark.parametrize("alone", [
    [NGRAM_PLAN, NEAR_ORDINARY],  # the n-gram model, an ordinary line nearest
    [NEAR_PLAN, FAR_ORDINARY],  # the nearest exemplar, clearly nearer than any ordinary line
    [NEAR_PLAN, FAR_ORDINARY, LINEAR_PLAN],  # the nearest exemplar and the linear layer: one sentence vector
    [TUNED_IMMINENT, NEAR_ORDINARY],  # the tuned layer with nothing to second it
])
def test_one_kind_of_learned_evidence_never_pages(alone):
    assert combine([*alone, TUNED_UNSURE]).level not in ("plan", "imminent")


def test_two_kinds_at_active_or_more_with_a_risk_exemplar_nearest_may_page():
    assert combine([NGRAM_PLAN, NEAR_PLAN, FAR_ORDINARY, TUNED_UNSURE]).level == "plan"


def test_two_kinds_with_an_ordinary_line_nearest_ask_directly_but_page_no_one():
    decision = combine([NGRAM_PLAN, Evidence("semantic", "passive", 0.62, "x"), NEAR_ORDINARY, LINEAR_PLAN, TUNED_UNSURE])
    assert decision.level == "active"


@pytest.mark.parametrize("frame,level", [("denial", "none"), ("figure_of_speech", "none"), ("past_over", "watch"),
                                         ("joke", "watch"), ("someone_else", "watch"), ("means_question", "active")])
def test_frames_silence_or_cap_the_learned_layers(frame, level):
    evidence = [NGRAM_PLAN, NEAR_PLAN, FAR_ORDINARY, LINEAR_PLAN, TUNED_IMMINENT,
                Evidence("frame", level, 1.0, frame)]
    if frame in ("past_over", "joke"):  # the lexicon has already made its own words of a past or a joke `watch`
        evidence.append(Evidence("lexicon", "watch", 1.0, "active-00000000"))
    assert combine(evidence).level == level


def test_a_frame_never_hides_words_that_remain():
    assert combine([WORDS_PLAN, Evidence("frame", "none", 1.0, "figure_of_speech")]).level == "plan"


def test_the_tuned_layers_sure_none_turns_a_lexicon_wish_into_a_gentle_question_and_keeps_a_plan():
    wish = Evidence("lexicon", "active", 1.0, "active-00000000")
    assert combine([wish, NGRAM_PLAN, NEAR_PLAN, FAR_ORDINARY, TUNED_SURE_NONE]).level == "watch"
    assert combine([WORDS_PLAN, TUNED_SURE_NONE]).level == "plan"


def test_every_counted_piece_says_which_row_let_it_count():
    decision = combine([NGRAM_PLAN, NEAR_PLAN, FAR_ORDINARY, TUNED_UNSURE])
    assert {c.rule for c in decision.counted} == {"nearest exemplar seconded by the n-gram model", "n-gram model alone"}
    assert NGRAM_PLAN in decision.because and NEAR_PLAN in decision.because

import pytest

from voice_therapist.dialogue.extractors import balanced_thought, clean_utterance, rating, yes_no


@pytest.mark.parametrize("text,value", [
    ("about a six I guess", "6"), ("7 out of 10", "7"), ("Maybe six or seven.", "6"), ("Zero, honestly.", "0"),
    ("It's a 4.", "4"), ("I don't know", None), ("Fifteen", None),
])
def test_ratings_are_read_from_speech(text, value):
    assert rating(text) == value


@pytest.mark.parametrize("text,value", [("Yeah, that fits.", "yes"), ("No, not really.", "no"),
                                        ("Hmm, I'm not sure.", None), ("Yes, but no...", "yes")])
def test_yes_and_no(text, value):
    assert yes_no(text) == value


def test_a_thought_that_only_reassures_is_not_balanced():
    assert balanced_thought("Everything will be fine and nothing will go wrong.") is None
    assert balanced_thought("I'm great.") is None


def test_a_realistic_thought_is_kept_in_the_users_words():
    text = "Well, one mistake doesn't mean I'm bad at my job, and I can fix it tomorrow."
    assert balanced_thought(text) == "one mistake doesn't mean I'm bad at my job, and I can fix it tomorrow"


def test_fillers_are_removed_before_quoting_back():
    assert clean_utterance("So um I guess I'm always late.") == "I'm always late"

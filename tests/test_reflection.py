from voice_therapist.dialogue.reflection import reflect


def test_pronouns_turn_towards_the_user():
    assert reflect("I feel like my boss hates me.") == "you feel like your boss hates you"


def test_fillers_and_greetings_are_dropped():
    assert reflect("Hi. So um I am just so tired of everything.") == "you are just so tired of everything"


def test_long_sentences_are_shortened():
    assert len(reflect(" ".join(["word"] * 40)).split()) == 18

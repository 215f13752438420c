import pytest

from voice_therapist.turn.backchannel import is_backchannel


@pytest.mark.parametrize("text", ["Mm-hm.", "Mm-mm-", "uh huh", "Yeah.", "Okay, okay.", "mhm", "Right."])
def test_listener_noises_are_backchannels(text):
    assert is_backchannel(text)


@pytest.mark.parametrize("text", ["", "Wait, stop.", "No, that's not it.", "Yeah but my sister called.", "Okay I want to talk about work"])
def test_words_that_carry_meaning_are_not(text):
    assert not is_backchannel(text)

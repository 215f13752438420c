"""Adults only: a user who says they are under 18 is recognised; other numbers are not."""

import pytest

from voice_therapist.safety.age import says_under_18


@pytest.mark.parametrize("text", [
    "I'm 15 and my parents fight all the time.",
    "i am sixteen years old",
    "Im only 14.",
    "I'm a minor, is that okay?",
    "I'm in year 10 at school and everyone hates me.",
    "I'm in ninth grade.",
    "I'm 17, and I feel awful.",
])
def test_an_under_18_statement_is_recognised(text):
    assert says_under_18(text)


@pytest.mark.parametrize("text", [
    "I'm 15 minutes late for everything.",
    "When I was 15 my dad left.",
    "I'm 45 and burned out.",
    "I'm 18 now.",
    "My son is 14 and struggling.",
    "I'm 16 weeks pregnant and anxious.",
    "I've been sober for 15 years.",
])
def test_other_numbers_are_not_an_age(text):
    assert not says_under_18(text)

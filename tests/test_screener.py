"""The crisis path's screener reads each answer for every question it covers, and only answers count."""

import pytest

from voice_therapist.safety.screener import answers_question, covered


@pytest.mark.parametrize("asked,text,expected", [
    # The self-criticism client: one answer settles method, plan and intent.
    ("method", "No, I haven't thought about doing anything, I don't have a plan",
     {"method": "no", "intent": "no", "plan_details": "no"}),
    ("thoughts", "No, not like that, I just wish I could disappear for a while",
     {"thoughts": "no", "method": "no", "intent": "no", "plan_details": "no"}),
    ("intent", "I'd never act on it, I haven't done anything", {"intent": "no", "preparation": "no"}),
    ("method", "Pills.", {"method": "yes"}),
    ("method", "Yeah, I've thought about the bridge near work", {"method": "yes"}),
    ("intent", "Maybe. I don't know.", {"intent": "yes"}),
    # A denial taken back by a named method is a yes.
    ("plan_details", "I don't have a plan, but I've thought about pills", {"plan_details": "yes"}),
])
def test_one_answer_settles_what_it_covers(asked, text, expected):
    assert covered(asked, text) == expected


@pytest.mark.parametrize("text", [
    "Yeah, I can save the number",
    "I guess I could try writing the worries down",
    "Yeah, my cat keeps me going",
    "Yes, I made a plan for organic chemistry revision",
])
def test_a_yes_to_something_else_is_no_answer(text):
    assert answers_question(text) is None
    assert "yes" not in covered("plan_details", text).values()


@pytest.mark.parametrize("text", ["Yes.", "Sometimes.", "I don't know", "Kind of, yeah", "Yeah, tonight",
                                  "Yes, I wrote the notes last week",
                                  # ambivalence is an answer: the suite's real-risk client was not paged for it
                                  "I don't know. I'm scared, actually. I don't really want to. I just want the pain to stop."])
def test_a_yes_or_a_hedge_to_the_question_counts(text):
    assert answers_question(text) == "yes"


@pytest.mark.parametrize("text,asks", [
    ("Okay. I'm in Perth in Australia. What number do I call?", True),
    ("Who do I call?", True),
    ("I need a number for my plumber", False),
])
def test_a_question_for_the_crisis_line_is_heard(text, asks):
    from voice_therapist.safety.screener import asks_for_the_line
    assert asks_for_the_line(text) is asks


@pytest.mark.parametrize("text,only_acting", [
    ("No, goodness no, I'd never do anything. I haven't got any plan.", True),
    ("No, nothing like that, I'm safe.", False),
    ("No, not really.", False),
])
def test_a_no_about_acting_is_told_from_a_no_to_the_thought(text, only_acting):
    from voice_therapist.safety.screener import denies_only_acting
    assert denies_only_acting(text) is only_acting

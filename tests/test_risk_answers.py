"""A short answer is heard with the question it answers: the screener's, or any question about risk."""

import pytest

from voice_therapist.safety.detector import CrisisDetector
from voice_therapist.safety.responses import SafetyScripts
from voice_therapist.safety.risk_answers import asked_level, risk_answer

THOUGHTS = "I'd like to understand a bit more. Have you been having thoughts of killing yourself?"
WATCH = SafetyScripts().reply("watch")


@pytest.mark.parametrize("text", ["Yeah, sometimes.", "Sometimes.", "Aye.", "I have.", "Every night.", "Mm-hm.",
                                  "Honestly... yeah.", "I guess so.", "A bit, yeah.", "I don't know.", "I'm not sure.",
                                  "No, but sometimes I wish I wouldn't wake up.", "Pills.", "The bridge by the station.",
                                  "Friday, after work."])
def test_yes_hedges_and_details_are_a_yes(text):
    assert risk_answer(text) == "yes"


@pytest.mark.parametrize("text", ["No.", "No, nothing like that.", "Not really, just tired.", "To be honest, no.",
                                  "Never.", "Nah.", "I haven't, no.", "Not since last year."])
def test_denials_are_a_no(text):
    assert risk_answer(text) == "no"


@pytest.mark.parametrize("text", ["What do you mean?", "Right now I'm just tired.", "The weather's been awful."])
def test_other_talk_is_no_answer(text):
    assert risk_answer(text) is None


def test_the_level_asked_about_comes_from_the_last_question_and_the_sentence_before_it():
    assert asked_level(THOUGHTS) == "active"
    assert asked_level(WATCH) == "passive"  # "... not wanting to be alive. Has anything like that been on your mind?"
    assert asked_level("Have you had any thoughts of harming yourself?") == "active"
    assert asked_level("How was your weekend?") is None
    assert asked_level("People talk about suicide in films a lot. I loved that one.") is None  # no question


@pytest.mark.parametrize("asked,answer,level", [
    (WATCH, "Yeah, sometimes.", "passive"),
    (WATCH, "I don't know, maybe.", "passive"),
    (THOUGHTS, "Most nights, if I'm honest.", "active"),
    ("Do you ever have thoughts of hurting yourself?", "Aye, now and then.", "active"),
    (WATCH, "No, nothing like that, I'm just worn out.", "none"),
    ("Did you manage to get out for a walk this weekend?", "Yeah, Friday.", "none"),
    ("", "Yeah, Friday.", "none"),
])
def test_a_short_answer_counts_at_the_level_the_question_asked_about(asked, answer, level):
    assert CrisisDetector().assess(answer, asked).risk.level == level


def test_a_long_answer_is_read_on_its_own_words():
    long_answer = ("yes I went to my sister's and we had a lovely lunch and then walked the dog along the river for "
                   "an hour or so before it rained")
    assert CrisisDetector().assess(long_answer, WATCH).risk.level == "none"


def test_a_question_that_is_not_about_thoughts_of_risk_asks_nothing():
    means = ("Let's make a plan together. Is there anything you could use to hurt yourself that you could put away, "
             "give to someone, or get out of the house?")
    assert asked_level(means) is None
    assert asked_level("If you ever think about suicide, please call 988. What brings you here today?") is None

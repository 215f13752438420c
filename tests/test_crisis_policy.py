"""Who acts on a level: explicit words start the crisis path and page; a learned layer's guess is asked about first."""

from voice_therapist.safety.detector import CrisisDetector
from voice_therapist.safety.escalation import needs_escalation
from voice_therapist.safety.levels import at_least
from voice_therapist.safety.responses import SafetyScripts

SCRIPTS = SafetyScripts("")


def test_a_guess_is_recorded_as_heard_but_neither_starts_the_path_nor_pages(models):
    detector = CrisisDetector(models.crisis)
    heard = detector.assess("I've just swallowed the lot")  # an exemplar no lexicon pattern names
    assert heard.session_level == "imminent" and heard.risk.level == "imminent"
    assert heard.said_level == "none" and not heard.said_raised
    assert not needs_escalation(heard.said_level)


def test_a_yes_to_the_direct_question_confirms_what_was_heard(models):
    detector = CrisisDetector(models.crisis)
    detector.commit(detector.assess("I've just swallowed the lot"))
    detector.asked_directly("imminent")
    answer = detector.assess("Yes.", SCRIPTS.reply("check_urgent"))
    assert answer.said_raised and answer.said_level == "imminent" and needs_escalation(answer.said_level)
    assert any(e.ref.startswith("yes to the direct question") for e in answer.risk.evidence)


def test_a_no_to_it_confirms_nothing_and_the_question_is_not_carried_on(models):
    detector = CrisisDetector(models.crisis)
    detector.commit(detector.assess("I've just swallowed the lot"))
    detector.asked_directly("imminent")
    answer = detector.assess("No, I'm fine, I meant my dinner.", SCRIPTS.reply("check_urgent"))
    assert answer.said_level == "none"
    detector.commit(answer)
    assert detector.assess("Yes.", "What would you like to focus on today?").said_level == "none"


def test_explicit_words_go_straight_to_the_path_and_a_plan_pages(models):
    detector = CrisisDetector(models.crisis)
    told = detector.assess("I'm going to kill myself tonight, I've got the pills ready.")
    assert told.said_raised and at_least(told.said_level, "plan") and needs_escalation(told.said_level)


def test_an_answer_in_words_of_its_own_is_taken_at_its_own_level(models):
    detector = CrisisDetector(models.crisis)
    detector.commit(detector.assess("I'm in the UK, by the way."))
    detector.asked_directly("active")  # a guess the gentle question asked about
    answer = detector.assess("Honestly, sometimes I wish I could go to sleep and not wake up.", SCRIPTS.reply("check"))
    assert answer.said_level == "passive"  # what they said, not the guess


def test_a_no_to_acting_after_a_wish_owns_the_wish(models):
    detector = CrisisDetector(models.crisis)
    detector.commit(detector.assess("Some mornings I think it would be easier, I've had a good long life."))
    detector.asked_directly("passive")
    answer = detector.assess("No, goodness, no, I'd never do anything. I haven't got any plan.", SCRIPTS.reply("check"))
    assert answer.said_level == "passive" and answer.said_raised  # the path, with acting already denied
    plain = CrisisDetector(models.crisis)
    plain.asked_directly("passive")
    assert plain.assess("No, nothing like that, I'm safe.", SCRIPTS.reply("check")).said_level == "none"

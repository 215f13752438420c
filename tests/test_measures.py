"""PHQ-9 and GAD-7 as data, the answer mapping, scoring, and the questionnaire's state machine."""

import json
import shutil
from pathlib import Path

import pytest

from voice_therapist.dialogue.protocol import ProtocolError
from voice_therapist.measures.answers import read_answer
from voice_therapist.measures.definition import MEASURES_DIR, load_measures
from voice_therapist.measures.hook import HELD, PAUSED, EngineView, MeasureHook
from voice_therapist.measures.lean import GroundingLean
from voice_therapist.measures.questionnaire import ASKING, IDLE, OFFERED, SCREENING, Questionnaire, QuestionnaireState
from voice_therapist.measures.schedule import DAY_S, offer_due
from voice_therapist.measures.scoring import score
from voice_therapist.memory.context import memory_context

DATA = Path(__file__).parent / "data"
NOW = 1_800_000_000.0


@pytest.fixture(scope="module")
def measures():
    return load_measures()


def rows(name):
    return [json.loads(line) for line in (DATA / name).read_text().splitlines() if line.strip()]


def label_of(text):
    answer = read_answer(text)
    return answer.value if answer.kind == "value" else answer.kind


def test_the_shipped_measures_load_with_their_licence_and_rules(measures):
    phq9, gad7 = measures.measures["phq9"], measures.measures["gad7"]
    assert len(phq9.items) == 9 and phq9.max_score == 27 and len(gad7.items) == 7 and gad7.max_score == 21
    assert phq9.items[-1].safety and not any(i.safety for i in gad7.items)
    assert "free to use" in phq9.licence and "free to use" in gad7.licence
    assert phq9.missing.prorate_up_to == 2 and "NHS Data Dictionary" in phq9.missing.source
    assert [phq9.band(s).name for s in (4, 5, 12, 15, 27)] == ["minimal", "mild", "moderate", "moderately severe", "severe"]


@pytest.mark.parametrize("change, message", [
    (("  - {low: 5, high: 9, name: mild}\n", "  - {low: 6, high: 9, name: mild}\n"), "without gaps"),
    (("safety: true}", "safety: false}"), None),
    (("  - {id: interest, say:", "  - {id: interest, safety: true, say:"), "safety item must be the last"),
    (("max_score: 27", "max_score: 30"), "max_score must be 3 times"),
    (("prorate_up_to: 2", "prorate_up_to: 9"), "prorate_up_to"),
])
def test_a_broken_measure_file_fails_with_its_line(tmp_path, change, message):
    folder = tmp_path / "measures"
    shutil.copytree(MEASURES_DIR, folder)
    path = folder / "phq9.yaml"
    path.write_text(path.read_text().replace(*change))
    if message is None:
        load_measures(folder)  # a measure without a safety item is allowed
        return
    with pytest.raises(ProtocolError, match=message) as err:
        load_measures(folder)
    assert "phq9.yaml, line" in str(err.value)


def test_an_unknown_placeholder_in_a_line_is_refused(tmp_path):
    folder = tmp_path / "measures"
    shutil.copytree(MEASURES_DIR, folder)
    path = folder / "conversation.yaml"
    path.write_text(path.read_text().replace("{score} of {max_score}", "{total} of {max_score}", 1))
    with pytest.raises(ProtocolError, match="total"):
        load_measures(folder)


def test_the_mappings_own_examples_are_all_read_right():
    examples = rows("measure_answers_dev.jsonl")
    assert len(examples) >= 40
    wrong = [(r["text"], r["label"], label_of(r["text"])) for r in examples if label_of(r["text"]) != r["label"]]
    assert wrong == []


def test_the_held_out_answers_are_apart_from_the_examples():
    held_out = {r["text"].lower() for r in rows("measure_answers_holdout.jsonl")}
    examples = {r["text"].lower() for r in rows("measure_answers_dev.jsonl")}
    assert len(held_out) >= 300 and not held_out & examples


def test_scoring_prorates_only_within_the_measures_rule(measures):
    phq9, gad7 = measures.measures["phq9"], measures.measures["gad7"]
    full = {i.id: 1 for i in phq9.items}
    assert score(phq9, full).total == 9 and not score(phq9, full).prorated
    two_skipped = {**full, "sleep": None, "energy": None}
    result = score(phq9, two_skipped)
    assert result.total == 9 and result.prorated and result.skipped == ("sleep", "energy")
    assert score(phq9, {**two_skipped, "appetite": None}).total is None
    one = {i.id: 2 for i in gad7.items}
    assert score(gad7, {**one, "relaxing": None}).total == 14
    assert score(gad7, {**one, "relaxing": None, "afraid": None}).total is None
    with pytest.raises(ValueError):
        score(gad7, {**one, "relaxing": 4})


def ask_all(q, state, answers):
    lines = []
    for text in answers:
        step = q.answer(state, text)
        state = step.state
        lines.append(step)
    return state, lines


def test_a_whole_phq9_with_natural_answers_is_scored_and_told_without_a_diagnosis(measures):
    q = Questionnaire(measures, clock=lambda: NOW)
    started = q.begin(QuestionnaireState(), ["phq9"], "What would you like to focus on today?", "Of course.")
    assert started.lines[-1].startswith("Over the last two weeks") and "interest or pleasure" in started.lines[-1]
    answers = ["most days", "a couple of times", "yeah, pretty much every day", "no, not really", "two",
               "several days", "nearly every day", "not at all", "no"]
    state, steps = ask_all(q, started.state, answers)
    assert state.stage == IDLE
    last = steps[-1]
    said = " ".join(last.lines)
    assert "Your answers add up to 12 of 27, in the moderate range." in said
    assert "This isn't a diagnosis, but it's worth talking about with a doctor." in said
    assert said.endswith("What would you like to focus on today?")
    assert last.records[0]["score"] == 12 and last.records[0]["status"] == "complete"
    assert "depress" not in said.lower().replace("depressed, or hopeless", "")


def test_repeat_unclear_and_skip(measures):
    q = Questionnaire(measures, clock=lambda: NOW)
    state = q.begin(QuestionnaireState(), ["gad7"], "", "Of course.").state
    repeated = q.answer(state, "Sorry, can you repeat that?")
    assert repeated.state == state and "nervous, anxious, or on edge" in repeated.lines[0]
    unclear = q.answer(state, "Hmm, I don't know.")
    assert "not at all, several days, more than half the days, or nearly every day" in unclear.lines[0]
    still = q.answer(unclear.state, "It's complicated.")  # unclear twice: marked skipped, never guessed
    assert still.state.index == 1 and still.state.answers["nervous"] is None
    state, steps = ask_all(q, still.state, ["skip", "most days", "most days", "most days", "most days", "most days"])
    said = " ".join(steps[-1].lines)
    assert "You skipped 2 of the questions, so I won't add up a score" in said
    assert steps[0].lines[0] == "Okay, we'll skip that one."
    assert steps[-1].records[0]["score"] is None and steps[-1].records[0]["skipped"] == ["nervous", "control_worry"]


def test_item_9_above_zero_raises_and_the_score_waits_for_the_screener(measures):
    q = Questionnaire(measures, clock=lambda: NOW)
    state = q.begin(QuestionnaireState(), ["phq9", "gad7"], "", "Okay.").state
    state, steps = ask_all(q, state, ["not at all"] * 8)
    step = q.answer(state, "several days")
    assert step.raises == "passive" and step.lines == () and step.state.stage == SCREENING
    safe = q.after_screener(step.state, safe=True)
    assert safe.state.stage == IDLE and safe.records[0]["answers"]["self_harm"] == 1
    assert "add up to 1 of 27, in the minimal range" in " ".join(safe.lines)
    assert not any("GAD-7" in line for line in safe.lines)  # no second questionnaire after a crisis check
    unsafe = q.after_screener(step.state, safe=False)
    assert unsafe.lines == () and unsafe.records[0]["status"] == "stopped_for_safety"


def test_an_unclear_answer_to_item_9_twice_counts_as_above_zero(measures):
    q = Questionnaire(measures, clock=lambda: NOW)
    state = q.begin(QuestionnaireState(), ["phq9"], "", "Okay.").state
    state, _ = ask_all(q, state, ["no"] * 8 + ["I don't know"])
    assert q.answer(state, "hard to say").raises == "passive"


def test_a_rise_of_five_is_said_kindly(measures):
    earlier = [{"kind": "measure", "measure": "phq9", "score": 6, "at": NOW - 20 * DAY_S}]
    q = Questionnaire(measures, earlier, clock=lambda: NOW)
    state = q.begin(QuestionnaireState(), ["phq9"], "", "Okay.").state
    _, steps = ask_all(q, state, ["most days"] * 6 + ["no"] * 3)
    said = " ".join(steps[-1].lines)
    assert "That's 6 points higher than last time, when it was 6." in said and "sorry" in said


def test_the_offer_can_be_declined_or_accepted(measures):
    q = Questionnaire(measures, clock=lambda: NOW)
    offered = q.offer(QuestionnaireState(), "What would you like to focus on today?")
    assert offered.state.stage == OFFERED and "Would you like to do them now?" in offered.lines[0]
    declined = q.answer(offered.state, "No thanks, not today.")
    assert declined.state.stage == IDLE and declined.lines[-1] == "What would you like to focus on today?"
    assert {r["status"] for r in declined.records} == {"declined"} and len(declined.records) == 2
    accepted = q.answer(offered.state, "Yes, okay.")
    assert accepted.state.stage == ASKING and accepted.state.queue == ("gad7",)
    unsure = q.answer(offered.state, "Hmm.")
    assert unsure.state.stage == OFFERED and q.answer(unsure.state, "Hmm.").state.stage == IDLE


def test_requests_name_the_measure_and_ordinary_talk_does_not(measures):
    q = Questionnaire(measures)
    assert q.requested("Can we do the depression questionnaire?") == ["phq9"]
    assert q.requested("could we do the anxiety questions") == ["gad7"]
    assert q.requested("Can we do the questionnaires?") == ["phq9", "gad7"]
    assert q.requested("I have been feeling so depressed and anxious") == []
    assert q.requested("I failed my test and I feel so depressed") == []
    assert q.requested("my anxiety questions keep me up at night") == []


def test_offered_at_the_first_session_then_every_two_weeks():
    assert offer_due([], ["phq9"], 14, NOW)
    taken = [{"kind": "measure", "measure": "phq9", "at": NOW - 3 * DAY_S, "status": "declined"}]
    assert not offer_due(taken, ["phq9"], 14, NOW)
    assert offer_due(taken, ["phq9"], 14, NOW + 11 * DAY_S)


def hook(measures, earlier=(), offer=True):
    return MeasureHook(measures, list(earlier), first_step="welcome", screener_steps={"thoughts", "method"},
                       offer=offer, clock=lambda: NOW)


def test_the_hook_offers_as_the_opening_moves_on_and_holds_the_engines_line(measures):
    h = hook(measures)
    welcome, topic = EngineView("opening", "welcome", False), EngineView("opening", "topic", False)
    assert h.settle(None, before=welcome, after=welcome, move_line="x", safety_spoke=False, session_level="none") is None
    turn = h.settle(None, before=welcome, after=topic, move_line="What would you like to focus on today?",
                    safety_spoke=False, session_level="none")
    assert turn.engine == HELD and turn.state.held_line == "What would you like to focus on today?"
    h.commit(turn)
    answered = h.read("no thanks", "", topic, "none")
    assert answered.engine == PAUSED
    settled = h.settle(answered, before=topic, after=topic, move_line="", safety_spoke=False, session_level="none")
    assert settled.lines[-1] == "What would you like to focus on today?"
    recent = [{"kind": "measure", "measure": "phq9", "at": NOW - DAY_S, "status": "declined"}]
    assert hook(measures, recent).settle(None, before=welcome, after=topic, move_line="", safety_spoke=False,
                                         session_level="none") is None


def test_the_hook_gives_way_to_safety(measures):
    h = hook(measures)
    topic = EngineView("opening", "topic", False)
    h.commit(h.read("can we do the depression questionnaire", "What would you like to focus on today?", topic, "none"))
    # a check-in from safety over an item: the item is asked again after it, not answered by it
    checked = h.settle(h.read("most days", "", topic, "watch"), before=topic, after=None, move_line="",
                       safety_spoke=True, session_level="watch")
    h.commit(checked)
    again = h.read("no, nothing like that", "", topic, "watch")
    assert "Let's go back to the questions." in again.lines[0] and again.state.index == 0
    h.commit(again)
    # the crisis path entered over an ordinary item: the questionnaire waits for the screener's end
    h.commit(h.read("most days", "", topic, "none"))
    crisis = EngineView("safety", "thoughts", True)
    waiting = h.settle(h.read("yeah pretty much every day", "", topic, "passive"), before=topic, after=crisis,
                       move_line="", safety_spoke=True, session_level="passive")
    assert waiting.state.stage == SCREENING and waiting.engine != PAUSED and waiting.state.answers == {"interest": 2}
    h.commit(waiting)
    assert h.read("can we do the depression questionnaire", "", crisis, "passive") is None  # not on the crisis path
    means = EngineView("safety", "means", True)
    resumed = h.settle(None, before=crisis, after=means, move_line="Is there anything you could put away?",
                       safety_spoke=False, session_level="passive")
    assert resumed.engine == HELD and "Let's go back to the questions." in resumed.lines
    assert "feeling down, depressed, or hopeless?" in resumed.lines[-1]
    h.commit(resumed)
    state = h.state
    for _ in range(7):
        state = h.questionnaire.answer(state, "no").state
    end = h.questionnaire.answer(state, "no")
    assert end.lines[-1] == "Is there anything you could put away?" and end.records[0]["score"] == 2
    unsafe = h.settle(None, before=crisis, after=means, move_line="", safety_spoke=False, session_level="active")
    assert unsafe is None  # already taken up again; an unsafe end would have stopped it:
    stopped = h.questionnaire.after_screener(waiting.state, safe=False)
    assert stopped.state.stage == IDLE and stopped.records[0]["status"] == "stopped_for_safety"


def test_a_safety_answer_lets_the_engine_enter_the_screener(measures):
    h = hook(measures)
    topic = EngineView("opening", "topic", False)
    h.commit(h.read("can we do the depression questionnaire", "", topic, "none"))
    for _ in range(8):
        h.commit(h.read("no", "", topic, "none"))
    raised = h.read("several days", "", topic, "none")
    assert raised.raises == "passive"
    screener = EngineView("safety", "thoughts", True)
    settled = h.settle(raised, before=topic, after=screener, move_line="Have you been having thoughts of killing yourself?",
                       safety_spoke=True, session_level="passive")
    assert settled.engine != PAUSED and settled.state.stage == SCREENING  # the engine's crisis path is kept
    h.commit(settled)
    still = h.settle(None, before=screener, after=EngineView("safety", "method", True), move_line="", safety_spoke=False,
                     session_level="passive")
    assert still is None
    done = h.settle(None, before=screener, after=EngineView("safety", "means", True), move_line="", safety_spoke=False,
                    session_level="passive")
    assert "add up to 1 of 27" in " ".join(done.lines) and done.records[0]["status"] == "complete"
    unsafe = h.settle(None, before=screener, after=EngineView("safety", "means", True), move_line="", safety_spoke=False,
                      session_level="active")
    assert unsafe.lines == () and unsafe.records[0]["status"] == "stopped_for_safety"


def test_the_last_scores_reach_the_protocol_lines_and_a_high_gad7_leans_to_grounding(measures):
    earlier = [{"kind": "measure", "measure": "phq9", "score": 14, "at": NOW - 1},
               {"kind": "measure", "measure": "gad7", "score": 12, "at": NOW - 1}]
    assert memory_context([], earlier).values == {"last_phq9": "14", "last_gad7": "12"}

    class Router:
        def route(self, text, stress=0.5):
            return ("quick_help" if stress > 0.9 else "cbt"), stress

        def named(self, text):
            return None

    router = Router()
    assert GroundingLean.from_records(router, measures, earlier).route("work stress", 0.5)[0] == "quick_help"
    calm = [{**earlier[1], "score": 4}]
    assert GroundingLean.from_records(router, measures, calm) is router

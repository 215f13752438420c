"""A session that follows the person: what is said is kept, not asked again, and quoted back in short."""

import re

from voice_therapist.dialogue.engine import OPENING, WORKING, SessionEngine, TurnContext
from voice_therapist.dialogue.key_phrase import key_phrase
from voice_therapist.dialogue.protocol import load_protocols

PROTOCOLS = load_protocols()


class Router:
    def __init__(self, modality):
        self.modality = modality

    def route(self, text, stress=0.5):
        return self.modality, 0.9

    def named(self, text):
        return None


class Namer:
    def __init__(self):
        self.read = []

    def classify(self, text):
        self.read.append(text)
        return "fortune_telling", 0.8

    def describe(self, label):
        return {"title": "fortune telling", "explanation": "That sounds like predicting the future as if it were fact.",
                "question": "Can you know that yet?"}


def engine(modality="cbt", namer=None):
    return SessionEngine(PROTOCOLS, Router(modality), namer or Namer())


def talk(e, turns, start=30.0, each=45.0):
    plans = []
    for i, text in enumerate(turns):
        plan = e.plan(text, TurnContext(elapsed_s=start + each * i))
        e.commit(plan)
        plans.append(plan)
    return plans


def sentences(line):
    return [s for s in re.split(r"(?<=[.!?])\s+", line) if s]


EXAM = [
    "I've got my chemistry final on Friday and I'm freaking out.",
    "Honestly like an eight out of ten anxious.",
    "I keep thinking I'm going to fail and everyone will know I'm not cut out for this.",
    "Yeah, I guess, but I did pass the midterm.",
    "I failed the practice quiz last week though.",
    "I'd tell them one quiz isn't the whole course.",
    "Even if the final is hard, I've prepared and I can get through it.",
    "I'll do one past paper each evening.",
]


def test_a_topic_given_in_the_greeting_is_not_asked_for_again():
    e = engine()
    first, second = talk(e, EXAM[:2])
    assert e.state.slots["topic"] == "I've got my chemistry final on Friday"
    assert "chemistry final on Friday" in first.move.scripted_line  # acknowledged before the limits and the mood
    assert "focus on today" not in second.move.scripted_line
    assert second.state.phase == WORKING and second.move.step == "automatic_thought"


def test_an_anxiety_rating_is_not_the_mood_and_the_mood_is_not_asked_again():
    e = engine()
    plans = talk(e, EXAM[:2])
    assert e.state.slots["rating_anxiety"] == "8" and "mood_start" not in e.state.slots
    assert "Just a number" not in plans[1].move.scripted_line and "mood" not in plans[1].move.scripted_line


def test_the_mood_is_asked_once_more_only_when_no_number_came_and_never_a_third_time():
    e = engine()
    plans = talk(e, ["Hi.", "Not great honestly.", "Meh."])
    assert "Just a number" in plans[1].move.scripted_line
    assert plans[2].move.step == "topic" and "number" not in plans[2].move.scripted_line


def test_evidence_against_said_early_is_kept_and_evidence_for_is_asked_knowing_it():
    e = engine()
    plans = talk(e, EXAM[:4])
    assert e.state.slots["evidence_against"] == "I did pass the midterm"
    assert plans[3].move.step == "evidence_for"
    assert "you did pass the midterm" in plans[3].move.scripted_line
    after = talk(e, EXAM[4:5])[0]
    assert after.move.step == "friend_view"  # evidence against is already known: not asked


def test_the_distortion_is_named_on_the_thought_not_on_the_evidence():
    namer = Namer()
    e = engine(namer=namer)
    talk(e, EXAM[:5])
    assert namer.read == ["I'm going to fail and everyone will know I'm not cut out for this"]


def test_no_line_is_said_twice_and_the_session_does_not_close_early():
    e = engine()
    plans = talk(e, EXAM + ["Maybe a five now.", "That I'll look stupid in front of everyone.", "What do you mean?",
                            "I don't know.", "I'm stubborn, I don't give up.", "My flatmate Sam.",
                            "A sticky note on my desk."])
    said = [s for p in plans for s in sentences(p.move.scripted_line) if len(s.split()) >= 4]
    assert len(said) == len(set(said)), [s for s in said if said.count(s) > 1]
    assert all(p.state.phase in (OPENING, WORKING) for p in plans)  # 15 turns, about 11 minutes: still working


def test_slot_values_are_key_phrases_not_whole_utterances():
    e = engine("gestalt")
    talk(e, ["Hi.", "A four I guess. I'm just tired all the time and I don't know why.",
             "In my chest, like a tight cold feeling, I've had it since I was a kid, and it comes back whenever I'm alone."])
    sensation = e.state.slots["body_sensation"]
    assert "chest" in sensation and len(sensation.split()) <= 12
    assert "since I was a kid" not in sensation


def test_a_question_back_is_answered_and_the_question_put_another_way():
    e = engine()
    plans = talk(e, EXAM[:2] + ["What do you mean?"])
    assert plans[2].kind == "question" and plans[2].move.step == "automatic_thought"
    assert plans[2].scripted  # the reviewed answer is said as written, not rephrased by the LLM
    assert plans[2].move.scripted_line != plans[1].move.scripted_line
    assert "I mean the words your mind says" in plans[2].move.scripted_line
    normal = talk(e, ["Is that normal, to feel it this much?"])[0]
    assert "common" in normal.move.scripted_line


def test_i_dont_know_gets_a_smaller_question_then_the_step_moves_on():
    e = engine()
    plans = talk(e, EXAM[:2] + ["I don't know.", "I really don't know."])
    assert plans[2].move.step == "automatic_thought" and "For example" in plans[2].move.scripted_line
    assert plans[3].move.step != "automatic_thought"


def test_a_correction_replaces_the_slot():
    e = engine()
    talk(e, ["Hi.", "A five.", "My chemistry final on Friday."])
    plan = talk(e, ["No, I meant my physics final, not chemistry."])[0]
    assert e.state.slots["topic"].startswith("my physics final")
    assert plan.kind == "correction" and "physics final" in plan.move.scripted_line


def test_i_would_rather_not_is_accepted_and_the_session_moves_on():
    e = engine("gestalt")
    plans = talk(e, ["Hi.", "A five.", "I feel numb lately.", "I'd rather not."])
    assert "leave that" in plans[3].move.scripted_line or "don't have to" in plans[3].move.scripted_line \
        or "skip" in plans[3].move.scripted_line or "move on" in plans[3].move.scripted_line
    assert plans[3].move.step != plans[2].move.step


def test_a_new_concern_is_acknowledged_offered_and_noted_for_later():
    e = engine()
    talk(e, EXAM[:3])
    offer = talk(e, ["Actually, there's something else, my dad is in hospital."])[0]
    assert offer.kind == "new_concern" and "now, or" in offer.move.scripted_line and "dad is in hospital" in offer.move.scripted_line
    later = talk(e, ["Later, let's finish this first."])[0]
    assert e.state.slots["later_concern"] == "my dad is in hospital" and later.state.modality == "cbt"


def test_a_new_concern_taken_now_becomes_the_topic_and_is_routed():
    e = SessionEngine(PROTOCOLS, Router("efit"), Namer())
    talk(e, ["Hi.", "A five.", "Work has been stressful."])
    talk(e, ["Actually, the bigger thing is my girlfriend left me last week."])
    switched = talk(e, ["Yes, let's talk about that now."])[0]
    assert switched.routed == ("efit", 0.9) and e.state.slots["topic"] == "my girlfriend left me last week"


def test_a_whole_utterance_is_never_pasted_into_a_line():
    e = engine("efit")
    plans = talk(e, ["Hi.", "A three.", "My partner and I keep fighting and I feel so alone.",
                     "In my chest like a tight-cold feeling, I've had it since I was a kid.",
                     "I shout and she goes quiet and leaves the room.",
                     "I just want her to see me, to know I matter to her."])
    assert [p.move.step for p in plans[2:]] == ["steady", "cycle", "need", "small_step"]
    for plan in plans:
        assert "since I was a kid" not in plan.move.scripted_line
    assert "what you long for: you just want her to see you." in plans[-1].move.scripted_line


def test_key_phrases_pick_the_clause_that_carries_the_content():
    assert key_phrase("Um, yeah, so, I guess my heart's going like crazy.") == "my heart's going like crazy"
    assert key_phrase("I've got my chemistry final on Friday and I'm freaking out.") == "I've got my chemistry final on Friday"


def test_a_state_restored_from_its_json_snapshot_goes_on_without_repeating_itself():
    import json
    from dataclasses import asdict

    from voice_therapist.dialogue.engine import EngineState

    e = engine()
    before = talk(e, EXAM[:3] + ["I'd rather not."])
    restored = engine()
    restored.state = EngineState(**json.loads(json.dumps(asdict(e.state))))
    after = talk(restored, ["I'd rather not say."] + EXAM[5:7], start=300)
    said = [s for p in before + after for s in sentences(p.move.scripted_line) if len(s.split()) >= 4]
    assert len(said) == len(set(said))


def test_an_aside_noted_for_later_does_not_switch_the_work():
    e = engine()
    talk(e, EXAM[:3])
    offer = talk(e, ["Also, unrelated, but my visa renewal is stressing me out way more, honestly."])[0]
    assert offer.kind == "new_concern" and "visa renewal" in offer.move.scripted_line
    stay = talk(e, ["Let's stick with the exam for now, the visa can wait."])[0]
    assert stay.state.modality == "cbt" and stay.routed is None and "visa renewal" in e.state.slots["later_concern"]


def test_with_time_left_after_the_steps_the_concern_kept_for_later_is_offered_again():
    e = SessionEngine(PROTOCOLS, Router("sfbt"), Namer())
    talk(e, ["Hi.", "A four.", "I'm burned out at work and stuck."])
    talk(e, ["Also, unrelated, but my sister and I fell out.", "Later, let's keep going with work."], start=150)
    answers = ["I'd wake up with some energy.", "A three.", "Last Sunday I felt better after a walk.",
               "I'll take a short walk at lunch.", "My colleague would notice.", "I'm stubborn.", "A seven.",
               "My husband.", "My mornings.", "I just keep going.", "I'd have more energy.", "I'd block my calendar.",
               "To feel like myself again."]
    plans = talk(e, answers, start=250, each=30)
    offer = plans[-1]
    assert "Earlier you mentioned this: your sister and you fell out" in offer.move.scripted_line
    switched = talk(e, ["Yes, let's talk about that now."], start=700)[0]
    assert switched.routed is not None and e.state.slots["topic"] == "my sister and I fell out"

"""PHQ-9 and GAD-7 by voice, spoken by espeak-ng and run through `voice-therapist session`.

Two sessions cover the four cases: (1) an offer accepted, a whole PHQ-9 with natural answers
scored right, then a GAD-7 with one item repeated and one skipped; (2) an offer declined and the
session going on, then a PHQ-9 asked for, whose item 9 answered "several days" enters the
screener on that turn, and whose score is told only after the screener found it safe.
"""

import json
import os
import subprocess
import sys

import pytest

from voice_therapist.audio.wavfile import write_int16
from voice_therapist.config import load_config
from voice_therapist.storage import open_storage

from .speech import track

pytestmark = pytest.mark.speech
ITEM_GAP = 12.0  # an item's question, the longest (PHQ-9 item 8) about 9 s
OPENING_GAP = 18.0  # the welcome
OFFER_GAP = 14.0
INTRO_GAP = 30.0  # a questionnaire's introduction with its first item
RESULT_GAP = 36.0  # a score, what it means, and the next questionnaire's introduction
SCRIPT_GAP = 26.0  # a safety script and the screener's question

ACCEPTED = [
    ("Hello.", OPENING_GAP),
    ("About a five.", OFFER_GAP),
    ("Yes, okay.", INTRO_GAP),
    # PHQ-9: 2 + 1 + 3 + 0 + 2 + 1 + 3 + 0 + 0 = 12, moderate
    ("More than half the days.", ITEM_GAP),
    ("A couple of times.", ITEM_GAP),
    ("Nearly every day.", ITEM_GAP),
    ("No, not really.", ITEM_GAP),
    ("I'd say a two.", ITEM_GAP),
    ("Several days.", ITEM_GAP),
    ("Nearly every day.", ITEM_GAP),
    ("No.", ITEM_GAP),  # Whisper heard espeak's "Not at all." as "That's at all." in this run: asked again, out of step
    ("No.", RESULT_GAP),
    # GAD-7: item 1 repeated, item 2 skipped; 1 + _ + 2 + 1 + 0 + 2 + 0 = 6 of 6 items, prorated to 7, mild
    ("Sorry, can you repeat that?", ITEM_GAP),
    ("Several days.", ITEM_GAP),
    ("Skip that one.", ITEM_GAP),
    ("More than half the days.", ITEM_GAP),
    ("Sometimes.", ITEM_GAP),
    ("No.", ITEM_GAP),
    ("A lot.", ITEM_GAP),
    ("No.", RESULT_GAP),
]

DECLINED_THEN_ITEM_9 = [
    ("Hello.", OPENING_GAP),
    ("About a four.", OFFER_GAP),
    ("No thanks, not today.", OFFER_GAP),
    ("I want to talk about my stress at work.", OPENING_GAP),
    ("Can we do the depression questionnaire?", INTRO_GAP),
    ("Not at all.", ITEM_GAP),
    ("Several days.", ITEM_GAP),
    ("Not at all.", ITEM_GAP),
    ("Several days.", ITEM_GAP),
    ("No.", ITEM_GAP),
    ("Not at all.", ITEM_GAP),
    ("No.", ITEM_GAP),
    ("Not at all.", ITEM_GAP),
    ("Several days.", SCRIPT_GAP),  # item 9: the screener asks on this turn
    ("No.", ITEM_GAP),  # no thoughts of killing oneself: method, intent and plan are not asked
    ("No, nothing like that.", 40.0),  # preparation, the screener's end: the score, then the safety plan's first step
]


def run_cli(tmp_path, name, lines, user):
    parts: list = [0.5]
    for line, gap in lines:
        parts += [line, gap]
    wav = tmp_path / f"{name}.wav"
    write_int16(wav, track(*parts))
    events = tmp_path / f"{name}.jsonl"
    env = {**os.environ, "VOICE_THERAPIST__MEASURES__OFFER": "true"}
    result = subprocess.run(
        [sys.executable, "-m", "voice_therapist", "session", "--input", str(wav), "--output", str(tmp_path / "out.wav"),
         "--events", str(events), "--fast", "--user", user],
        capture_output=True, text=True, timeout=900, env=env)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in events.read_text().splitlines()]


def turns_of(events):
    return [e for e in events if e["type"] == "turn"]


def stored(user):
    store = open_storage(load_config())  # the data dir the CLI wrote to (conftest's private one)
    try:
        return store.artifacts(user, "measure")
    finally:
        store.close()


def test_a_whole_phq9_then_a_gad7_with_a_repeat_and_a_skip(tmp_path, artifacts):
    events = run_cli(tmp_path, "accepted", ACCEPTED, "sam")
    (artifacts / "spoken_measures_accepted.jsonl").write_text("\n".join(json.dumps(e) for e in events))
    turns = turns_of(events)
    assert len(turns) == len(ACCEPTED), [t["user_text"] for t in turns]
    assert "Would you like to do them now?" in turns[1]["assistant_text"]
    assert "This is the PHQ-9" in turns[2]["assistant_text"]
    assert all(t["step"] == "measure:phq9" for t in turns[3:12]), [t["step"] for t in turns]
    told = turns[11]["assistant_text"]
    assert "you can reach 988" in told  # a no to item 9: the crisis line offered once (the safety layer's check)
    assert "Your answers add up to 12 of 27, in the moderate range." in told
    assert "This isn't a diagnosis, but it's worth talking about with a doctor." in told and "This is the GAD-7" in told
    assert "nervous, anxious, or on edge" in turns[12]["assistant_text"]  # repeated
    assert turns[14]["assistant_text"].startswith("Okay, we'll skip that one.")
    last = turns[-1]["assistant_text"]
    assert "your answers add up to 7 of 21, in the mild range" in last
    assert "What would you like to focus on today?" in last  # the session goes on where it was

    kept = {r["measure"]: r for r in stored("sam")}
    assert kept["phq9"]["score"] == 12 and kept["phq9"]["band"] == "moderate" and kept["phq9"]["status"] == "complete"
    assert kept["gad7"]["score"] == 7 and kept["gad7"]["prorated"] and kept["gad7"]["skipped"] == ["control_worry"]


def test_a_declined_offer_then_item_9_enters_the_screener_and_the_score_waits(tmp_path, artifacts):
    events = run_cli(tmp_path, "item9", DECLINED_THEN_ITEM_9, "kim")
    (artifacts / "spoken_measures_item9.jsonl").write_text("\n".join(json.dumps(e) for e in events))
    turns = turns_of(events)
    assert len(turns) == len(DECLINED_THEN_ITEM_9), [t["user_text"] for t in turns]
    declined = turns[2]["assistant_text"]
    assert "we'll leave them for today" in declined and "What would you like to focus on today?" in declined
    assert not turns[3]["step"].startswith("measure")  # the session went on with the person's topic
    assert "This is the PHQ-9" in turns[4]["assistant_text"]

    item9 = turns[13]
    assert item9["risk"] == "passive" and item9["step"] == "thoughts"
    assert "Have you been having thoughts of killing yourself?" in item9["assistant_text"]
    assert "add up to" not in turns[14]["assistant_text"]  # nothing told during the screener
    assert "prepare" in turns[14]["assistant_text"]
    after = turns[-1]["assistant_text"]
    assert "Thank you for answering those questions" in after
    assert "Your answers add up to 3 of 27, in the minimal range." in after
    assert "Is there anything you could use to hurt yourself" in after  # the safety plan goes on

    kept = {r["measure"]: r for r in stored("kim") if r["status"] != "declined"}
    assert kept["phq9"]["answers"]["self_harm"] == 1 and kept["phq9"]["score"] == 3
    assert {r["measure"] for r in stored("kim") if r["status"] == "declined"} == {"phq9", "gad7"}

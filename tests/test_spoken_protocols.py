"""Whole sessions on each protocol, spoken by espeak-ng, heard by Whisper, run by the real engine."""

import json
import subprocess
import sys

import numpy as np
import pytest

from voice_therapist.audio.wavfile import write_int16
from voice_therapist.config import load_config
from voice_therapist.storage import open_storage
from voice_therapist.pipeline.session import VoiceSession
from voice_therapist.transports.wav_file import run_wav_session

from .speech import track, wer

pytestmark = pytest.mark.speech
GAP = 18.0  # seconds after each user line: room for the longest reply (the welcome)

CBT = [
    "Hello.",
    "About a four.",
    "I want to work on my stress about a presentation at work.",
    "I thought, I am such an idiot, everyone saw me fail.",
    "Yes, that fits.",
    "I forgot two of my slides.",
    "My manager said the content was good.",
    "I would tell a friend that one bad talk does not make them an idiot.",
    "One rough talk does not mean I am an idiot, and I can practise more next time.",
    "I will write down one thing that went well.",
    "That's all for today, I have to go now.",  # time is left: without this the session goes deeper
]
ADAPTIVE = CBT[8]


def spoken(lines: list[str]) -> np.ndarray:
    parts: list = [0.5]
    for line in lines:
        parts += [line, GAP]
    return track(*parts)


def run_cli(tmp_path, name, lines, *extra):
    wav = tmp_path / f"{name}.wav"
    write_int16(wav, spoken(lines))
    events = tmp_path / f"{name}.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "voice_therapist", "session", "--input", str(wav), "--output", str(tmp_path / "out.wav"),
         "--events", str(events), "--fast", "--user", "alex", *extra],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in events.read_text().splitlines()]


def test_a_spoken_cbt_session_ends_with_a_coping_card_that_the_next_session_recalls(tmp_path, artifacts):
    events = run_cli(tmp_path, "cbt", CBT, "--modality", "cbt")
    (artifacts / "cbt_session_events.jsonl").write_text("\n".join(json.dumps(e) for e in events))
    turns = [e for e in events if e["type"] == "turn"]
    steps = [t["step"] for t in turns]
    assert steps[:2] == ["welcome", "topic"]
    for step in ["automatic_thought", "name_distortion", "evidence_for", "adaptive_thought", "coping_card"]:
        assert step in steps, steps
    assert steps[-1] == "summary"
    card_turn = turns[-1]
    assert "Here is your coping card" in card_turn["assistant_text"]
    assert [e for e in events if e["type"] == "ArtifactSaved" and e["kind"] == "coping_card"]

    store = open_storage(load_config())  # the data dir the CLI wrote to
    cards = store.artifacts("alex", "coping_card")
    assert len(cards) == 1 and wer(ADAPTIVE, cards[0]["adaptive_thought"]) <= 0.3, cards
    assert cards[0]["distortion"] in {"labeling", "overgeneralization", "all_or_nothing", "mind_reading",
                                      "catastrophizing", "emotional_reasoning", "personalization", "mental_filter",
                                      "fortune_telling", "should_statements", "disqualifying_positive", "none"}
    assert store.sessions("alex")[0]["mood_start"] == 4
    store.close()

    again = run_cli(tmp_path, "again", ["Hi, it's me again.", "A six today."])
    second = [e for e in again if e["type"] == "turn"]
    assert "Welcome back" in second[0]["assistant_text"]
    assert second[1]["step"] == "last_time"
    assert wer(cards[0]["adaptive_thought"], second[1]["assistant_text"].split("coping card said:")[1]) <= 0.6


SESSIONS = {
    "gestalt": ["Hi.", "About a five.", "I keep saying I'm fine but I feel tense all the time.",
                "My shoulders are tight and my chest feels heavy.", "I think it is sadness.",
                "I feel sad.", "It feels a bit lighter.", "I will go for a slow walk tonight."],
    "efit": ["Hello.", "Maybe a three.", "My partner and I keep having the same fight about chores.",
             "I get angry and then I feel very alone.", "I criticise him and he walks away.",
             "I want to feel that I matter to him.", "I could tell him I miss him when he is busy."],
    "sfbt": ["Hi there.", "A four.", "I am burned out at work and I feel stuck.",
             "I would wake up with some energy and want to start my day.", "Maybe a three.",
             "Last Sunday I felt better after I went outside.", "I will take a short walk at lunch."],
    "quick_help": ["Hey.", "A two, honestly.", "I just need to vent, today was awful.",
                   "My boss shouted at me in front of everyone.", "Yes, mostly worn out.",
                   "A bit calmer now.", "I will have a bath and go to bed early."],
}


@pytest.mark.parametrize("modality", list(SESSIONS))
async def test_each_modality_reaches_its_last_step(modality, cfg, models, tmp_path, escalations):
    pinned = cfg.model_copy(deep=True)
    pinned.session.modality = modality
    events: list[dict] = []
    memory = open_storage(load_config())
    session = VoiceSession(pinned, models, events.append, escalations=escalations, user_id="sam", memory=memory)
    # Spare lines: a misheard rating is asked again, and a gentle safety check-in (watch)
    # pauses the protocol for a turn; each costs one line. With time left the session goes
    # deeper after its last step, so then the person asks to stop.
    await run_wav_session(session, spoken(SESSIONS[modality] + ["Yes, that sounds right.", "Okay.",
                                                                "Thank you, I have to go now."]), paced=False)
    steps = [t["step"] for t in events if t["type"] == "turn"]
    last_step = models.protocols.modalities[modality].steps[-1].id
    saved = [e for e in events if e["type"] == "ArtifactSaved"]
    # The last step was asked, or its answer came before it was asked (then it is passed over);
    # either way its small step is kept.
    assert saved, ("the small step was kept", last_step, steps)
    assert "summary" in steps, steps  # finished the modality and moved on to the close
    memory.close()

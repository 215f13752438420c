"""The end-of-turn decision: what the words, the pitch and Smart Turn say about a pause."""

import numpy as np
import pytest

from voice_therapist.audio.pcm import FRAME_MS, frames
from voice_therapist.config import ConfigError, TurnConfig, load_config
from voice_therapist.turn.detector import TurnDetector, TurnEvent
from voice_therapist.turn.end_of_turn import Evidence, judge
from voice_therapist.turn.hold_on import HoldOn, HoldOnError, load_hold_on
from voice_therapist.turn.pitch_cue import NEUTRAL, Ending
from voice_therapist.turn.words_cue import judge_words

CFG = TurnConfig(end_of_turn="model")
FALLING = Ending(-3.0, 180.0, True)
RISING = Ending(3.0, 180.0, True)


@pytest.mark.parametrize("text", ["I just feel...", "I wanted to call her, um", "My sister and", "I went to the",
                                  "I keep thinking that...", "It's like,", "When I get home.", "I feel like"])
def test_words_that_trail_off_are_unfinished(text):
    assert judge_words(text) == "unfinished"


@pytest.mark.parametrize("text", ["I had a rough day at work today.", "No, not really.", "Yes.",
                                  "I don't know what to do.", "When she left, the house felt empty."])
def test_a_finished_sentence_reads_finished(text):
    assert judge_words(text) == "finished"


@pytest.mark.parametrize("text", ["My manager said.", "That's how I feel.", "I wish I could."])
def test_a_sentence_that_may_go_on_is_no_evidence_either_way(text):
    assert judge_words(text) == "open"


def test_no_words_say_nothing():
    assert judge_words("") == "unknown"
    assert judge_words("  ") == "unknown"


def test_unfinished_words_wait_the_longest_whatever_the_audio_model_says():
    verdict = judge(Evidence(0.99, "unfinished", FALLING), CFG)
    assert verdict.silence_ms == CFG.max_wait_ms and not verdict.finished


def test_a_finished_sentence_with_falling_pitch_is_answered_quickly():
    verdict = judge(Evidence(0.8, "finished", FALLING), CFG)
    assert verdict.silence_ms == CFG.quick_silence_ms and verdict.finished
    assert CFG.quick_silence_ms < TurnConfig().endpoint_silence_ms


def test_the_pitch_moves_a_borderline_judgement():
    cfg = TurnConfig(end_of_turn="model", smart_turn_weight=1.0, pitch_weight=0.3, words_weight=0.0)
    assert judge(Evidence(0.6, "unknown", FALLING), cfg).silence_ms == cfg.quick_silence_ms
    assert judge(Evidence(0.6, "unknown", RISING), cfg).silence_ms == cfg.max_wait_ms
    assert judge(Evidence(0.6, "unknown", NEUTRAL), cfg).silence_ms == cfg.unsure_silence_ms


def test_an_audio_model_that_hears_more_coming_waits():
    verdict = judge(Evidence(0.05, "unknown", NEUTRAL), CFG)
    assert verdict.silence_ms == CFG.max_wait_ms and not verdict.finished


def test_settings_out_of_order_are_refused_at_start_up():
    with pytest.raises(ValueError):
        TurnConfig(quick_silence_ms=900, unsure_silence_ms=700)
    with pytest.raises(ValueError):
        TurnConfig(finished_above=0.3, probably_above=0.5)
    with pytest.raises(ConfigError):
        load_config(environ={"VOICE_THERAPIST__TURN__END_OF_TURN": "guess"})


def test_the_shipped_configuration_judges_pauses():
    assert load_config(environ={}).turn.end_of_turn == "model"


def _voice(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * 16000)) / 16000
    tone = sum(np.sin(2 * np.pi * f * t) / k for k, f in enumerate((140, 280, 420, 560, 700, 840), 1))
    return (3000 * tone).astype(np.int16)


def _run(detector: TurnDetector, pcm: np.ndarray, judged_ms=None):
    out = []
    for i, frame in enumerate(frames(pcm)):
        for signal in detector.process(frame, i * FRAME_MS, assistant_speaking=False):
            out.append((signal.event, i * FRAME_MS + FRAME_MS, signal.t_ms))
            if signal.event is TurnEvent.SPECULATE and judged_ms is not None:
                detector.judge(detector.pause_number, judged_ms)
    return out


def test_a_judged_pause_ends_the_turn_after_the_judged_silence():
    pcm = np.concatenate([_voice(1.0), np.zeros(3 * 16000, np.int16)])
    ended = [s for s in _run(TurnDetector(CFG), pcm, judged_ms=240) if s[0] is TurnEvent.SPEECH_ENDED]
    assert len(ended) == 1 and ended[0][1] - ended[0][2] == pytest.approx(240, abs=FRAME_MS)


def test_an_unjudged_pause_waits_the_maximum():
    pcm = np.concatenate([_voice(1.0), np.zeros(3 * 16000, np.int16)])
    ended = [s for s in _run(TurnDetector(CFG), pcm) if s[0] is TurnEvent.SPEECH_ENDED]
    assert ended[0][1] - ended[0][2] == pytest.approx(CFG.max_wait_ms, abs=FRAME_MS)


def test_a_judgement_for_an_earlier_pause_does_not_end_a_later_one():
    detector = TurnDetector(CFG)
    pcm = np.concatenate([_voice(0.8), np.zeros(8000, np.int16), _voice(0.8), np.zeros(3 * 16000, np.int16)])
    events = []
    first_pause = None
    for i, frame in enumerate(frames(pcm)):
        for signal in detector.process(frame, i * FRAME_MS, assistant_speaking=False):
            events.append((signal.event, i * FRAME_MS + FRAME_MS, signal.t_ms))
            if signal.event is TurnEvent.SPECULATE and first_pause is None:
                first_pause = detector.pause_number
            elif signal.event is TurnEvent.RESUMED:
                detector.judge(first_pause, 200)  # late: speech already came back
    kinds = [e[0] for e in events]
    assert kinds.count(TurnEvent.SPEECH_ENDED) == 1 and TurnEvent.RESUMED in kinds
    end = events[-1]
    assert end[1] - end[2] == pytest.approx(CFG.max_wait_ms, abs=FRAME_MS)


def test_the_hold_on_lines_are_short_and_said_in_turn():
    lines = load_hold_on()
    assert lines and all(len(line.split()) <= 4 for line in lines)
    hold_on = HoldOn(lines)
    said = [hold_on.next_line() for _ in range(len(lines) + 1)]
    assert said[: len(lines)] == list(lines) and said[-1] == lines[0]


def test_a_malformed_hold_on_file_says_where(tmp_path):
    bad = tmp_path / "hold_on.yaml"
    bad.write_text("lines:\n  - \"Please tell me more about how that made you feel today.\"\n")
    with pytest.raises(HoldOnError, match="lines\\[0\\]"):
        load_hold_on(bad)
    with pytest.raises(HoldOnError, match="cannot read"):
        load_hold_on(tmp_path / "missing.yaml")

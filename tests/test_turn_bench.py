"""The turn-taking benchmark's own arithmetic and its utterance set (no models needed)."""

from voice_therapist.bench.paused_turns import utterances
from voice_therapist.bench.turn_taking import Pause, replay
from voice_therapist.config import TurnConfig
from voice_therapist.turn.end_of_turn import Evidence
from voice_therapist.turn.pitch_cue import Ending

INF = float("inf")
TRAILING = Evidence(0.9, "unfinished", Ending(0.0, 100.0, True))
DONE = Evidence(0.9, "finished", Ending(-3.0, 100.0, True))


def test_the_set_has_200_utterances_half_paused_in_several_voices_split_by_text():
    us = utterances()
    paused = [u for u in us if u.paused]
    assert len(us) >= 200 and len(paused) * 2 == len(us)
    assert all(0.5 <= u.pause_s <= 2.0 for u in paused)
    assert {u.kind for u in paused} == {"clause", "filler", "mid_phrase"}
    assert len({u.voice for u in us}) >= 3
    held = {u.text for u in us if u.held_out}
    tuned = {u.text for u in us if not u.held_out}
    assert held and tuned and not held & tuned  # no text, in any voice, on both sides


def test_the_old_rule_cuts_a_long_pause_and_the_model_waits_it_out():
    pauses = [Pause(1000, 900, TRAILING), Pause(3000, INF, DONE)]
    assert replay(pauses, TurnConfig(endpoint_silence_ms=500)) == (True, None)
    cut, endpoint = replay(pauses, TurnConfig(end_of_turn="model"))
    assert not cut and endpoint == TurnConfig().quick_silence_ms


def test_a_pause_longer_than_the_longest_wait_is_a_cut_off():
    pauses = [Pause(1000, 2100, TRAILING), Pause(3000, INF, DONE)]
    assert replay(pauses, TurnConfig(end_of_turn="model", max_wait_ms=2000))[0]

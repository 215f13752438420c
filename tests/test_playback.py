import numpy as np

from voice_therapist.audio.pcm import FRAME_SAMPLES
from voice_therapist.pipeline.playback import Playback


def tone(frames):
    return np.full(frames * FRAME_SAMPLES, 1000, np.int16)


def test_plays_in_order_and_reports_start_and_finish():
    p = Playback()
    p.enqueue(1, "first sentence here.", tone(2))
    p.enqueue(1, "second.", tone(1))
    assert p.close_reply(1) is False
    frames = [p.next_frame() for _ in range(4)]
    assert frames[0].started == [1]
    assert frames[2].finished == [1]
    assert not frames[3].pcm.any()
    assert p.spoken_text(1) == "first sentence here. second."


def test_clear_stops_at_once_and_keeps_only_the_heard_words():
    p = Playback()
    p.enqueue(7, "one two three four", tone(4))
    p.enqueue(7, "never heard at all", tone(4))
    p.next_frame()
    p.next_frame()  # half of the first sentence has played
    heard = p.clear()
    assert heard == {7: "one two"}
    assert not p.speaking and not p.next_frame().pcm.any()

"""Partial and final transcripts of one turn, on real speech with the real recognizer."""

import asyncio

import pytest

from voice_therapist.asr.streaming import TurnTranscriber
from voice_therapist.audio.pcm import frames

from .speech import track, wer

pytestmark = pytest.mark.speech

FIRST = "I could not sleep at all last night."
SECOND = "My boss said my report was late again."


class CountingRecognizer:
    def __init__(self, asr):
        self.asr, self.calls = asr, []

    def transcribe(self, pcm, prompt=""):
        self.calls.append(pcm.size)
        return self.asr.transcribe(pcm, prompt)


async def run_blocking(fn, *args):
    return await asyncio.to_thread(fn, *args)


async def test_partials_grow_and_a_pause_commits_so_the_final_pass_is_short(models):
    asr = CountingRecognizer(models.asr)
    turn = TurnTranscriber(asr, run_blocking, partial_interval_ms=600)
    pcm = track(FIRST, 0.4, SECOND, 0.3)
    pause_at = len(frames(track(FIRST))) + 10  # 200 ms into the pause
    partials = []
    for i, frame in enumerate(frames(pcm)):
        turn.feed(frame)
        if i == pause_at:
            partials.append(await turn.partial(commit_pause=True))
        elif turn.want_partial():
            partials.append(await turn.partial(commit_pause=False))
    assert len(partials) >= 3
    # The first sentence was recognised while the user was still speaking.
    assert any(wer(FIRST, p) <= 0.25 for p in partials), partials
    asr.calls.clear()
    final = await turn.final()
    assert wer(f"{FIRST} {SECOND}", final) <= 0.25, final
    # Only the audio after the committed pause was recognised at the end.
    assert asr.calls and asr.calls[0] < pcm.size * 0.7


async def test_a_speculative_final_is_reused_unless_speech_resumes(models):
    asr = CountingRecognizer(models.asr)
    turn = TurnTranscriber(asr, run_blocking, partial_interval_ms=10_000)
    for frame in frames(track("Can we talk about my sleep?", 0.2)):
        turn.feed(frame)
    turn.speculate()
    text = await turn.final()
    assert len(asr.calls) == 1 and "sleep" in text.lower()

    turn.cancel_speculation()
    for frame in frames(track("And my work.", 0.2)):
        turn.feed(frame)
    text = await turn.final()
    assert len(asr.calls) == 2 and "work" in text.lower()



async def test_a_commit_during_the_final_pass_does_not_repeat_words(models):
    """A partial may commit text while a speculative final pass covers the same audio."""
    turn = TurnTranscriber(models.asr, run_blocking, partial_interval_ms=10_000)
    for frame in frames(track(FIRST, 0.4)):
        turn.feed(frame)
    turn.speculate()
    await turn.partial(commit_pause=True)  # commits the whole sentence meanwhile
    text = await turn.final()
    assert wer(FIRST, text) <= 0.25, text

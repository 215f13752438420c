"""The fixed first pieces of reviewed lines are rendered once, kept on disk, and never hold a user's words."""

import numpy as np

from voice_therapist.dialogue.protocol import load_protocols
from voice_therapist.pipeline.phrases import fixed_first_pieces
from voice_therapist.safety.responses import SafetyScripts
from voice_therapist.text.chunker import chunk_text
from voice_therapist.tts.phrase_cache import PhraseCache


class CountingVoice:
    def __init__(self):
        self.rendered = []

    def synthesize(self, text):
        self.rendered.append(text)
        return np.full(160 * len(text), 7, np.int16)


def test_phrases_are_rendered_once_and_then_read_from_disk(tmp_path):
    first = CountingVoice()
    cache = PhraseCache(first, ["Thank you.", "Hi, I'm glad you're here."], "voice-a", tmp_path)
    assert cache.prepare() == 2
    assert cache.get("Thank you.").size == 160 * len("Thank you.")

    again = CountingVoice()
    reloaded = PhraseCache(again, ["Thank you.", "Hi, I'm glad you're here."], "voice-a", tmp_path)
    assert reloaded.prepare() == 0 and again.rendered == []
    assert np.array_equal(reloaded.get("Thank you."), cache.get("Thank you."))

    other_voice = PhraseCache(CountingVoice(), ["Thank you."], "voice-b", tmp_path)
    assert other_voice.prepare() == 1  # another voice or setting is another sound


def test_a_damaged_file_is_rendered_again(tmp_path):
    PhraseCache(CountingVoice(), ["Thank you."], "v", tmp_path).prepare()
    for path in tmp_path.glob("*.npy"):
        path.write_bytes(b"not audio")
    voice = CountingVoice()
    cache = PhraseCache(voice, ["Thank you."], "v", tmp_path)
    assert cache.prepare() == 1 and cache.get("Thank you.").size


def test_a_users_words_are_synthesised_each_time_and_never_kept(tmp_path):
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from voice_therapist.pipeline.models import Models

    voice = CountingVoice()
    cache = PhraseCache(voice, ["Thank you."], "v", tmp_path)
    cache.prepare()
    models = Models(asr=None, tts=voice, llm=None, protocols=None, embedder=None, router=None, distortions=None,
                    crisis=None, executor=ThreadPoolExecutor(1), phrases=cache)

    async def speak(text):
        return await models.synthesize(text)

    for _ in range(2):
        asyncio.run(speak("You said: I am a failure."))
    assert asyncio.run(speak("Thank you.")) is cache.get("Thank you.")
    assert voice.rendered.count("You said: I am a failure.") == 2 and voice.rendered.count("Thank you.") == 1
    assert cache.get("You said: I am a failure.") is None
    assert len(list(tmp_path.glob("*.npy"))) == 1


def test_the_cached_pieces_are_the_reviewed_lines_first_pieces():
    safety = SafetyScripts("en-US")
    pieces = fixed_first_pieces(load_protocols(), safety, chunk_text)
    # What someone at risk hears first is ready at once, with the locale's numbers in it.
    assert chunk_text(safety.reply("imminent"))[0] in pieces
    assert any(safety.resources["emergency"] in p for p in pieces)
    assert "Thank you." in pieces
    # A first piece that holds a slot differs per user: never cached.
    assert not any("{" in p for p in pieces)
    assert not any(p.startswith("If a good friend told you") for p in pieces)

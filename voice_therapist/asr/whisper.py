"""faster-whisper's CTranslate2 model as the speech recognizer, loaded by path.

Whisper is trained on 30 s windows, and faster-whisper always pads to one. A spoken turn is
rarely longer than a few seconds, and the encoder's cost grows with the window: on 2 cores
tiny.en takes ~440 ms to encode 30 s but ~55 ms for 10 s, with the same text. So a turn is
padded (with real silence, before the log-mel) only to the smallest window from WINDOWS
that holds it. Windows under 10 s made the decoder repeat itself, so 10 s is the floor.
"""

from __future__ import annotations

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import get_suppressed_tokens

from ..audio.pcm import SAMPLE_RATE, to_float
from ..config import AsrConfig
from ..model_registry import resolve_model_path

MIN_SAMPLES = SAMPLE_RATE // 10  # under 0.1 s there is nothing to recognise
WINDOWS = (10, 15, 20, 30)  # seconds
HOP = 160  # samples per log-mel frame
MAX_PROMPT_TOKENS = 100
NO_SPEECH_THRESHOLD = 0.6
TOKENS_PER_SECOND = 8  # generous upper bound for speech, against runaway repetition
MAX_TOKENS = 448  # Whisper's decoder context
# tiny.en sometimes ends after the first sentence of a long turn ("Dead tired, to be honest." and 6 s
# more dropped); speech runs at 2-3 words a second, so fewer than one a second means words were lost.
MIN_WORDS_PER_SECOND = 1.0
CHECK_RATE_FROM_S = 3.0


class WhisperRecognizer:
    def __init__(self, cfg: AsrConfig):
        path = resolve_model_path("whisper-tiny-en", cfg.model)
        self._cfg = cfg
        self._whisper = WhisperModel(
            str(path), device="cpu", compute_type=cfg.compute_type, cpu_threads=cfg.cpu_threads, num_workers=2,
        )
        multilingual = self._whisper.model.is_multilingual
        self._tokenizer = Tokenizer(self._whisper.hf_tokenizer, multilingual, task="transcribe",
                                    language=cfg.language if multilingual else None)
        self._suppress = get_suppressed_tokens(self._tokenizer, [-1])

    def transcribe(self, pcm: np.ndarray, prompt: str = "") -> str:
        if pcm.size < MIN_SAMPLES:
            return ""
        audio = to_float(pcm)
        if audio.size > WINDOWS[-1] * SAMPLE_RATE - SAMPLE_RATE // 2:
            return self._long_form(audio, prompt)
        window = next(w for w in WINDOWS if audio.size <= w * SAMPLE_RATE - SAMPLE_RATE // 2)
        padded = np.zeros(window * SAMPLE_RATE, np.float32)
        padded[: audio.size] = audio
        features = self._whisper.feature_extractor(padded, padding=0, chunk_length=window)
        features = features[:, : window * SAMPLE_RATE // HOP]
        encoded = self._whisper.model.encode(ctranslate2.StorageView.from_array(features[None]), to_cpu=False)
        prompt_tokens = self._prompt_tokens(prompt)
        result = self._whisper.model.generate(
            encoded,
            [prompt_tokens],
            beam_size=self._cfg.beam_size,
            # The length counts the prompt too: a long committed text before a short tail left it at 0 or below.
            max_length=min(MAX_TOKENS, len(prompt_tokens) + 10 + int(TOKENS_PER_SECOND * audio.size / SAMPLE_RATE)),
            suppress_blank=True,
            suppress_tokens=self._suppress,
            return_no_speech_prob=True,
            repetition_penalty=1.1,
            no_repeat_ngram_size=4,
        )[0]
        if result.no_speech_prob > NO_SPEECH_THRESHOLD:
            return ""
        tokens = [t for t in result.sequences_ids[0] if t < self._tokenizer.eot]
        text = self._tokenizer.decode(tokens).strip()
        if audio.size >= CHECK_RATE_FROM_S * SAMPLE_RATE and len(text.split()) < MIN_WORDS_PER_SECOND * audio.size / SAMPLE_RATE:
            return self._long_form(audio, prompt)  # it stopped early: the timestamped decoder goes on past a sentence end
        return text

    def _prompt_tokens(self, prompt: str) -> list[int]:
        tokens = list(self._tokenizer.sot_sequence) + [self._tokenizer.no_timestamps]
        if prompt:
            previous = self._tokenizer.encode(" " + prompt.strip())[-MAX_PROMPT_TOKENS:]
            tokens = [self._tokenizer.sot_prev, *previous, *tokens]
        return tokens

    def _long_form(self, audio: np.ndarray, prompt: str) -> str:
        segments, _ = self._whisper.transcribe(
            audio, language=self._cfg.language, beam_size=self._cfg.beam_size, without_timestamps=True,
            condition_on_previous_text=False, vad_filter=False, initial_prompt=prompt or None,
        )
        return " ".join(seg.text.strip() for seg in segments).strip()

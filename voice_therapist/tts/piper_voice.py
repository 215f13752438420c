"""Piper as the speech synthesizer, loaded by path; output converted to the internal format."""

from __future__ import annotations

import dataclasses
import json
import threading

import numpy as np
import onnxruntime
from piper import PiperVoice
from piper.config import PiperConfig, SynthesisConfig

from ..audio.pcm import SAMPLE_RATE, resample, to_int16
from ..config import TtsConfig
from ..model_registry import resolve_model_path

VOLUME = 0.8  # Piper normalises each sentence to full scale; leave headroom for resampling


class PiperSynthesizer:
    def __init__(self, cfg: TtsConfig, threads: int = 1):
        model = resolve_model_path("piper-joe-medium", cfg.voice)
        config_file = model.with_name(model.name + ".json")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._voice = PiperVoice(
            config=PiperConfig.from_dict(json.loads(config_file.read_text(encoding="utf-8"))),
            session=onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"]),
        )
        self._syn = SynthesisConfig(length_scale=cfg.length_scale, volume=VOLUME)
        # One synthesis at a time: on two cores a second one only time-slices with the first,
        # while each holds ~20 MB of buffers per second of audio, which malloc then keeps.
        self._one_at_a_time = threading.Lock()
        self.native_rate = self._voice.config.sample_rate
        # Identifies the sound of this voice and these settings, for audio kept on disk.
        self.fingerprint = f"{model.resolve()}:{model.stat().st_size}:{self._syn}:{VOLUME}:{SAMPLE_RATE}"

    def style(self, **overrides: float) -> SynthesisConfig:
        """This voice's settings with other length or noise scales (length_scale, noise_scale, noise_w_scale)."""
        return dataclasses.replace(self._syn, **overrides)

    def synthesize(self, text: str, style: SynthesisConfig | None = None) -> np.ndarray:
        with self._one_at_a_time:
            parts = [chunk.audio_float_array for chunk in self._voice.synthesize(text, style or self._syn)]
        if not parts:
            return np.zeros(0, np.int16)
        return to_int16(resample(np.concatenate(parts), self.native_rate, SAMPLE_RATE))

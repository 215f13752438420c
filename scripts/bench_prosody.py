"""How well the vocal stress cue separates calm from tense renderings of the same sentences.

Usage: .venv/bin/python scripts/bench_prosody.py [--json FILE] [--no-piper]

Each setup speaks the same 12 everyday sentences twice, calm and tense, with one synthetic
voice (espeak-ng: pitch, rate, amplitude; Piper: length and noise scales). The baseline is
learned from other sentences at neutral settings, as a session's first minute would be. Acted
synthetic pairs only: this shows the cue follows pitch/loudness/tempo, not that it detects stress.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from functools import lru_cache
from typing import Callable

import numpy as np

from voice_therapist.audio.pcm import SAMPLE_RATE, resample, to_int16
from voice_therapist.audio.wavfile import read_any
from voice_therapist.model_registry import resolve_model_path
from voice_therapist.prosody.baseline import Baseline
from voice_therapist.prosody.features import extract, warm_up
from voice_therapist.prosody.stress import StressScorer

PAIRED = [
    "I have been feeling a little tired this week, but work is going fine.",
    "Can you remind me what we talked about last time?",
    "My sister called me yesterday and we argued about money again.",
    "I need to finish the report before my manager gets back on Monday.",
    "The bus was late this morning so I missed the start of the meeting.",
    "I keep thinking about what my friend said at dinner.",
    "We are moving to a new flat at the end of the month.",
    "I tried to go for a walk every day, but it rained most of the time.",
    "My son has his exams next week and he is not sleeping well.",
    "I forgot to call the doctor back about the test results.",
    "The neighbours were playing music until two in the morning.",
    "I told my partner that I need more time for myself.",
]
NEUTRAL = [
    "Today I had breakfast and then I read the news for a while.",
    "The weather has been mild, and the garden looks quite nice.",
    "I usually take the train to work and listen to a podcast.",
    "On Sunday we visited my parents and had lunch together.",
]

Synth = Callable[[str], np.ndarray]


@dataclass
class Setup:
    name: str
    neutral: Synth
    calm: Synth
    tense: Synth
    rows: dict[str, list[float]] = field(default_factory=lambda: {"calm": [], "tense": []})


def espeak(pitch: int = 50, speed: int = 165, amplitude: int = 100, voice: str = "en-us") -> Synth:
    def speak(text: str) -> np.ndarray:
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "u.wav"
            subprocess.run(["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "-a", str(amplitude),
                            "-w", str(wav), text], check=True)
            return read_any(wav)
    return lru_cache(maxsize=None)(speak)  # setups share the neutral voice: speak each text once


class Piper:
    """The project's Piper voice (models/registry.yaml), with the noise scales exposed."""

    def __init__(self) -> None:
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig

        model = resolve_model_path("piper-joe-medium", "default")
        config = json.loads(model.with_name(model.name + ".json").read_text(encoding="utf-8"))
        options = onnxruntime.SessionOptions()
        # idle ONNX threads spin for a while after each call and would slow the timed extraction
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
        self.voice = PiperVoice(config=PiperConfig.from_dict(config), session=session)

    def synth(self, length: float = 1.0, noise: float | None = None, noise_w: float | None = None) -> Synth:
        from piper.config import SynthesisConfig

        # volume as in voice_therapist/tts/piper_voice.py; Piper normalises loudness per sentence
        cfg = SynthesisConfig(length_scale=length, noise_scale=noise, noise_w_scale=noise_w, volume=0.8)

        def speak(text: str) -> np.ndarray:
            parts = [chunk.audio_float_array for chunk in self.voice.synthesize(text, cfg)]
            return to_int16(resample(np.concatenate(parts), self.voice.config.sample_rate, SAMPLE_RATE))
        return lru_cache(maxsize=None)(speak)


def setups(with_piper: bool) -> list[Setup]:
    neutral = espeak()
    out = [
        Setup("espeak pitch 40/70", neutral, espeak(pitch=40), espeak(pitch=70)),
        Setup("espeak rate 150/200", neutral, espeak(speed=150), espeak(speed=200)),
        Setup("espeak amplitude 100/180", neutral, neutral, espeak(amplitude=180)),  # calm = neutral here
        Setup("espeak all (p40 s150 a100 / p70 s200 a180)", neutral,
              espeak(40, 150, 100), espeak(70, 200, 180)),
    ]
    if with_piper:
        piper = Piper()
        base = piper.synth()
        out += [
            Setup("piper length 1.15/0.8", base, piper.synth(1.15), piper.synth(0.8)),
            Setup("piper noise 0.33,0.4/0.9,1.2", base, piper.synth(noise=0.33, noise_w=0.4),
                  piper.synth(noise=0.9, noise_w=1.2)),
            Setup("piper length+noise", base, piper.synth(1.15, 0.33, 0.4), piper.synth(0.8, 0.9, 1.2)),
        ]
    return out


def auc(negatives: list[float], positives: list[float]) -> float:
    """P(a tense score > a calm score), ties counting half (Mann-Whitney)."""
    neg, pos = np.asarray(negatives)[:, None], np.asarray(positives)[None, :]
    return float(((pos > neg).sum() + 0.5 * (pos == neg).sum()) / (neg.size * pos.size))


def run(setup: Setup, scorer: StressScorer, timings: list[tuple[float, float]]) -> dict:
    baseline = Baseline()
    for text in NEUTRAL:
        baseline.add(extract(setup.neutral(text)))
    for text in PAIRED:
        for kind in ("calm", "tense"):
            pcm = getattr(setup, kind)(text)
            start = time.perf_counter()
            result = scorer.score(extract(pcm), baseline)
            timings.append((time.perf_counter() - start, pcm.size / SAMPLE_RATE))
            setup.rows[kind].append(result.score)
    calm, tense = setup.rows["calm"], setup.rows["tense"]
    return {
        "setup": setup.name,
        "mean_calm": round(float(np.mean(calm)), 3),
        "mean_tense": round(float(np.mean(tense)), 3),
        "tense_above_calm": round(float(np.mean(np.asarray(tense) > np.asarray(calm))), 3),
        "auc": round(auc(calm, tense), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--no-piper", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    warm_up()  # numba kernels load once; not an utterance's cost
    scorer, results = StressScorer(), []
    print(f"{len(PAIRED)} paired sentences, baseline from {len(NEUTRAL)} neutral ones\n")
    print("| setup | mean calm | mean tense | pairs tense > calm | AUC | ms/utterance | ms/s of audio |\n"
          "|---|---|---|---|---|---|---|")
    for setup in setups(not args.no_piper):
        timings: list[tuple[float, float]] = []
        row = run(setup, scorer, timings)
        seconds, audio = np.asarray(timings).sum(axis=0)
        row["ms_per_utterance"] = round(1000 * seconds / len(timings), 1)
        row["ms_per_audio_s"] = round(1000 * seconds / audio, 1)
        results.append(row)
        print(f"| {row['setup']} | {row['mean_calm']} | {row['mean_tense']} | {row['tense_above_calm']} "
              f"| {row['auc']} | {row['ms_per_utterance']} | {row['ms_per_audio_s']} |")
    print(f"\nextract+score time covers feature extraction and scoring, not synthesis; "
          f"whole run {time.perf_counter() - started:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

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

from voice_therapist.audio.pcm import SAMPLE_RATE
from voice_therapist.audio.wavfile import read_any
from voice_therapist.bench.prosody_sentences import NEUTRAL, PAIRED
from voice_therapist.config import TtsConfig
from voice_therapist.prosody.baseline import Baseline
from voice_therapist.prosody.features import extract, warm_up
from voice_therapist.prosody.stress import StressScorer
from voice_therapist.tts.piper_voice import PiperSynthesizer

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


def piper(voice: PiperSynthesizer, **style: float) -> Synth:
    """The project's Piper voice with other length or noise scales."""
    config = voice.style(**style)
    return lru_cache(maxsize=None)(lambda text: voice.synthesize(text, config))


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
        voice = PiperSynthesizer(TtsConfig())
        base = piper(voice)
        out += [
            Setup("piper length 1.15/0.8", base, piper(voice, length_scale=1.15), piper(voice, length_scale=0.8)),
            Setup("piper noise 0.33,0.4/0.9,1.2", base, piper(voice, noise_scale=0.33, noise_w_scale=0.4),
                  piper(voice, noise_scale=0.9, noise_w_scale=1.2)),
            Setup("piper length+noise", base, piper(voice, length_scale=1.15, noise_scale=0.33, noise_w_scale=0.4),
                  piper(voice, length_scale=0.8, noise_scale=0.9, noise_w_scale=1.2)),
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

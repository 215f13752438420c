"""`voice-therapist bench --turns`: does the assistant wait while people pause, and answer fast
when they are done? Spoken utterances (bench/paused_turns.py) go through two stages:

1. Decisions. Each utterance runs through the turn detector; at every pause the evidence the
   session would see (Smart Turn on the audio so far, Whisper's words, the pitch) is gathered
   once. Any rule can then be replayed on it: a rule cuts the speaker off when the silence it
   needs is shorter than a pause inside the utterance; on a finished one, that silence is its
   endpoint. Settings are chosen on the tuning part only, and reported on the held-out part.
2. Live. Held-out utterances go through a real VoiceSession in real time, once with the old
   silence-only rule and once with the model, in the same run: cut-offs as heard, and end of
   speech to first reply audio, with LLM-worded and scripted replies reported apart.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..audio.pcm import FRAME_MS, SAMPLE_RATE, frames
from ..audio.wavfile import read_any
from ..config import TurnConfig
from ..turn.detector import TurnDetector, TurnEvent
from ..turn.end_of_turn import Evidence, gather, judge
from ..turn.pitch_cue import Ending
from .paused_turns import Utterance, utterances
from .single import by_reply_source
from .stats import spread
from .voices import trim

log = logging.getLogger(__name__)

LEAD_S, TAIL_S = 0.3, 3.0  # silence around each utterance in the decision stage
OBSERVE_WAIT_MS = 6000  # the detector waits this long in stage 1, so every pause is seen
GRID = {  # the settings tried; the curve is over all of them
    "quick_silence_ms": (200, 240, 300),
    "unsure_silence_ms": (500, 700, 1000),
    "max_wait_ms": (1500, 2000, 2500),
    "finished_above": (0.2, 0.3, 0.45, 0.6, 0.75, 0.9),
    "probably_above": (0.0, 0.1, 0.2, 0.4),
    "smart_turn_weight": (0.0, 0.5, 1.0),
    "pitch_weight": (0.0, 0.15, 0.3),
    "words_weight": (0.0, 0.3, 0.6),
}
CUT_OFF_TARGET = 0.05


@dataclass(frozen=True)
class Spoken:
    utterance: Utterance
    pcm: np.ndarray
    speech_end_ms: float  # from the start of pcm
    pause_ms: tuple[float, float] | None  # the inserted pause, from the start of pcm


@dataclass(frozen=True)
class Pause:
    start_ms: float  # end of the last voiced frame
    length_ms: float  # until speech resumed; inf for the pause that ends the utterance
    evidence: Evidence


def espeak(text: str, voice: str, speed: int) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "u.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(wav), text], check=True)
        return trim(read_any(wav))


def speak(u: Utterance) -> Spoken:
    parts = [espeak(p, u.voice, u.speed) for p in u.pieces]
    gap = np.zeros(int(u.pause_s * SAMPLE_RATE), np.int16)
    speech = np.concatenate([parts[0], gap, parts[1]]) if u.paused else parts[0]
    lead = int(LEAD_S * SAMPLE_RATE)
    pause = None
    if u.paused:
        start = (lead + parts[0].size) * 1000 / SAMPLE_RATE
        pause = (start, start + u.pause_s * 1000)
    pcm = np.concatenate([np.zeros(lead, np.int16), speech, np.zeros(int(TAIL_S * SAMPLE_RATE), np.int16)])
    return Spoken(u, pcm, (lead + speech.size) * 1000 / SAMPLE_RATE, pause)


def observe(models, spoken: Spoken) -> list[Pause]:
    """Every pause the detector sees in one utterance, with the evidence a session would judge it on."""
    cfg = TurnConfig(end_of_turn="model", max_wait_ms=OBSERVE_WAIT_MS)
    detector = TurnDetector(cfg)
    pauses: list[Pause] = []
    opened: tuple[float, Evidence] | None = None
    turn_start = None
    for i, frame in enumerate(frames(spoken.pcm)):
        for signal in detector.process(frame, i * FRAME_MS, assistant_speaking=False):
            if signal.event is TurnEvent.SPEECH_STARTED and turn_start is None:
                turn_start = signal.t_ms - TurnDetector.PREROLL_MS
            elif signal.event is TurnEvent.SPECULATE:
                # The audio the session's transcriber holds at SPECULATE: pre-roll to now.
                audio = spoken.pcm[int(max(turn_start, 0) * 16):(i + 1) * FRAME_MS * 16]
                text = models.asr.transcribe(audio)
                opened = (signal.t_ms, gather(models.smart_turn, audio, text))
            elif signal.event is TurnEvent.RESUMED and opened is not None:
                pauses.append(Pause(opened[0], signal.t_ms - FRAME_MS - opened[0], opened[1]))
                opened = None
            elif signal.event is TurnEvent.SPEECH_ENDED and opened is not None:
                pauses.append(Pause(opened[0], float("inf"), opened[1]))
                opened = None
    if opened is not None:  # the utterance's last pause, still waiting when the audio ran out
        pauses.append(Pause(opened[0], float("inf"), opened[1]))
    return pauses


def replay(pauses: list[Pause], cfg: TurnConfig) -> tuple[bool, float | None]:
    """(cut off inside the utterance, endpoint silence at its end) under one rule."""
    for pause in pauses:
        need = cfg.endpoint_silence_ms if cfg.end_of_turn == "silence" else judge(pause.evidence, cfg).silence_ms
        if pause.length_ms == float("inf"):
            return False, float(need)
        if need <= pause.length_ms:
            return True, None
    return False, None


def score_rule(observed: list[tuple[Spoken, list[Pause]]], cfg: TurnConfig) -> dict:
    cut_paused, cut_finished, endpoints = [], [], []
    for spoken, pauses in observed:
        cut, endpoint = replay(pauses, cfg)
        (cut_paused if spoken.utterance.paused else cut_finished).append(cut)
        if not spoken.utterance.paused and endpoint is not None:
            endpoints.append(endpoint)
    return {
        "false_cut_offs_paused": _rate(cut_paused),
        "false_cut_offs_finished": _rate(cut_finished),
        "false_cut_offs_all": _rate(cut_paused + cut_finished),
        "endpoint_finished_ms": spread(endpoints),
        "n_paused": len(cut_paused), "n_finished": len(cut_finished),
    }


def _rate(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 3) if flags else None


def sweep(tune: list, held_out: list, base: TurnConfig) -> dict:
    """Every setting of GRID on the tuning part; the chosen one (fewest milliseconds with cut-offs
    at or under the target) and the old rule are then scored on the held-out part."""
    curve = []
    names = list(GRID)
    for values in itertools.product(*GRID.values()):
        setting = dict(zip(names, values))
        if not (setting["quick_silence_ms"] <= setting["unsure_silence_ms"] <= setting["max_wait_ms"]
                and setting["probably_above"] <= setting["finished_above"]):
            continue
        cfg = base.model_copy(update={**setting, "end_of_turn": "model"})
        curve.append({"setting": setting, "tune": score_rule(tune, cfg)})
    meets = [c for c in curve if c["tune"]["false_cut_offs_paused"] <= CUT_OFF_TARGET]
    pool = meets or curve
    chosen = min(pool, key=lambda c: (c["tune"]["endpoint_finished_ms"]["median_ms"],
                                      c["tune"]["endpoint_finished_ms"]["p95_ms"],
                                      c["tune"]["false_cut_offs_paused"]))
    silence = {ms: base.model_copy(update={"end_of_turn": "silence", "endpoint_silence_ms": ms,
                                          "speculative_silence_ms": min(base.speculative_silence_ms, ms)})
               for ms in (300, 500, 800, 1200, 2100)}
    model_cfg = base.model_copy(update={**chosen["setting"], "end_of_turn": "model"})
    configured = base.model_copy(update={"end_of_turn": "model"})
    return {
        "grid": {k: list(v) for k, v in GRID.items()},
        "settings_tried": len(curve),
        "chosen": chosen["setting"], "chosen_met_target_on_tune": bool(meets),
        "held_out": {"model_chosen": score_rule(held_out, model_cfg),
                     "model_configured": score_rule(held_out, configured),
                     "silence_500ms": score_rule(held_out, silence[500])},
        "tune": {"model_chosen": chosen["tune"], "model_configured": score_rule(tune, configured),
                 "silence_500ms": score_rule(tune, silence[500])},
        "curve": _frontier(curve),
        "silence_curve": {ms: {"tune": score_rule(tune, c), "held_out": score_rule(held_out, c)}
                          for ms, c in silence.items()},
    }


def _frontier(curve: list[dict]) -> list[dict]:
    """The settings no other beats on both cut-offs and median endpoint (tuning part)."""
    def key(c):
        return c["tune"]["false_cut_offs_paused"], c["tune"]["endpoint_finished_ms"]["median_ms"]
    best = []
    for c in sorted(curve, key=key):
        if not best or key(c)[1] < key(best[-1])[1]:
            best.append(c)
    return [{"setting": c["setting"], "false_cut_offs_paused": key(c)[0], "median_endpoint_ms": key(c)[1],
             "p95_endpoint_ms": c["tune"]["endpoint_finished_ms"]["p95_ms"]} for c in best]


def decisions(models, base: TurnConfig, quick: bool) -> tuple[dict, list[Spoken]]:
    started = time.monotonic()
    chosen = utterances()
    if quick:
        chosen = chosen[::4]
    spoken = [speak(u) for u in chosen]
    observed = [(s, observe(models, s)) for s in spoken]
    tune = [o for o in observed if not o[0].utterance.held_out]
    held = [o for o in observed if o[0].utterance.held_out]
    result = sweep(tune, held, base)
    result["utterances"] = {"all": len(spoken), "paused": sum(s.utterance.paused for s in spoken),
                            "finished": sum(not s.utterance.paused for s in spoken),
                            "tune": len(tune), "held_out": len(held),
                            "voices": sorted({s.utterance.voice for s in spoken}),
                            "pause_s": [min(s.utterance.pause_s for s in spoken if s.utterance.paused),
                                        max(s.utterance.pause_s for s in spoken if s.utterance.paused)]}
    result["by_kind_held_out"] = _by_kind(held, base.model_copy(update={**result["chosen"], "end_of_turn": "model"}))
    result["pauses_judged"] = sum(len(p) for _, p in observed)
    result["observations"] = [_observation(s, p) for s, p in observed]  # any rule can be replayed on these
    result["duration_s"] = round(time.monotonic() - started, 1)
    return result, spoken


def _observation(spoken: Spoken, pauses: list[Pause]) -> dict:
    u = spoken.utterance
    return {"key": u.key, "kind": u.kind, "pause_s": u.pause_s, "held_out": u.held_out,
            "pauses": [{"start_ms": p.start_ms, "length_ms": None if p.length_ms == float("inf") else p.length_ms,
                        "complete_p": round(p.evidence.complete_p, 4), "words": p.evidence.words,
                        "movement_st": round(p.evidence.ending.movement_st, 2),
                        "last_run_ms": p.evidence.ending.last_run_ms, "voiced": p.evidence.ending.voiced}
                       for p in pauses]}


def rescore(saved: dict, base: TurnConfig) -> dict:
    """The sweep again over a run's saved observations: no speech, no models, seconds not minutes."""
    observed = []
    for o in saved["observations"]:
        u = Utterance(o["key"], "", ("",) if o["kind"] == "finished" else ("", ""), o["kind"], o["pause_s"], "", 0,
                      o["held_out"])
        pauses = [Pause(p["start_ms"], float("inf") if p["length_ms"] is None else p["length_ms"],
                        Evidence(p["complete_p"], p["words"], Ending(p["movement_st"], p["last_run_ms"], p["voiced"])))
                  for p in o["pauses"]]
        observed.append((Spoken(u, np.zeros(0, np.int16), 0.0, None), pauses))
    tune = [x for x in observed if not x[0].utterance.held_out]
    held = [x for x in observed if x[0].utterance.held_out]
    result = sweep(tune, held, base)
    result["by_kind_held_out"] = _by_kind(held, base.model_copy(update={**result["chosen"], "end_of_turn": "model"}))
    return result


def _by_kind(observed: list, cfg: TurnConfig) -> dict:
    out = {}
    for kind in ("clause", "filler", "mid_phrase"):
        flags = [replay(p, cfg)[0] for s, p in observed if s.utterance.kind == kind]
        out[kind] = {"false_cut_offs": _rate(flags), "n": len(flags)}
    return out


async def live(cfg, models, spoken: list[Spoken], chosen: dict, per_rule: int) -> dict:
    """Held-out utterances through a real session in real time: old rule and model, same run."""
    from ..pipeline.session import VoiceSession
    from ..safety.escalation_service import escalation_service
    from .single import LEAD_IN_S, PAUSE_S, PacedDriver

    held = [s for s in spoken if s.utterance.held_out]
    finished = [s for s in held if not s.utterance.paused][: per_rule * 2 // 3]
    paused = [s for s in held if s.utterance.paused][: per_rule - len(finished)]
    order = [x for pair in itertools.zip_longest(finished, paused) for x in pair if x is not None]
    rules = {"silence_500ms": cfg.turn.model_copy(update={"end_of_turn": "silence"}),
             "model": cfg.turn.model_copy(update={**chosen, "end_of_turn": "model"})}
    out = {}
    for name, turn_cfg in rules.items():
        run_cfg = cfg.model_copy(update={"turn": turn_cfg})
        run_models = dataclasses.replace(models, smart_turn=models.smart_turn if name == "model" else None)
        events: list[dict] = []
        starts: list[float] = []
        async with escalation_service(run_cfg) as escalations:
            session = VoiceSession(run_cfg, run_models, events.append, escalations=escalations)
            driver = PacedDriver(session)
            try:
                await driver.quiet(LEAD_IN_S)
                for s in order:
                    starts.append(driver.t_ms - LEAD_S * 1000)
                    speech = s.pcm[int(LEAD_S * SAMPLE_RATE):int(s.speech_end_ms * 16)]
                    await driver.say(speech)
                    await driver.await_reply()
                    await driver.quiet(PAUSE_S)
            finally:
                await session.aclose()
        out[name] = _live_summary(order, starts, events)
    return out


def _live_summary(order: list[Spoken], starts: list[float], events: list[dict]) -> dict:
    turns = [e for e in events if e["type"] == "turn"]
    held_on = sum(e["type"] == "HeldOn" for e in events)
    cut, answered = [], []
    for s, t0 in zip(order, starts):
        if s.pause_ms is not None:
            lo, hi = t0 + s.pause_ms[0] - 200, t0 + s.pause_ms[1]
            cut.append(any(lo <= t["speech_end_ms"] <= hi for t in turns))
        else:
            end = t0 + s.speech_end_ms
            match = [t for t in turns if abs(t["speech_end_ms"] - end) <= 300]
            if match and "first_audio_out" in match[0]["latency_ms"]:
                answered.append(match[0])
    return {
        "false_cut_offs_paused": _rate(cut), "n_paused": len(cut),
        "first_audio_finished_ms": spread([t["latency_ms"]["first_audio_out"] for t in answered]),
        "endpoint_finished_ms": spread([t["latency_ms"]["endpoint"] for t in answered if "endpoint" in t["latency_ms"]]),
        "by_reply_source": by_reply_source(answered),
        "held_on": held_on,
    }


async def run_turns(cfg, models, quick: bool) -> dict:
    if models.smart_turn is None:
        from ..turn.smart_turn import SmartTurn

        models = dataclasses.replace(models, smart_turn=SmartTurn.default())
    result, spoken = await models.run_blocking(decisions, models, cfg.turn, quick)
    log.info("bench: turn decisions done (%d utterances, %.0f s)", result["utterances"]["all"], result["duration_s"])
    started = time.monotonic()
    result["live"] = await live(cfg, models, spoken, result["chosen"], 6 if quick else 18)
    result["live"]["duration_s"] = round(time.monotonic() - started, 1)
    held = result["held_out"]
    result["targets"] = {
        "false_cut_offs_at_most": CUT_OFF_TARGET,
        "held_out_false_cut_offs_paused": held["model_chosen"]["false_cut_offs_paused"],
        "met_cut_offs": (held["model_chosen"]["false_cut_offs_paused"] or 0) <= CUT_OFF_TARGET,
        "met_latency": _not_worse(result["live"]),
    }
    return result


def _not_worse(live_result: dict) -> bool | None:
    old = live_result["silence_500ms"]["first_audio_finished_ms"]["median_ms"]
    new = live_result["model"]["first_audio_finished_ms"]["median_ms"]
    return None if old is None or new is None else new <= old

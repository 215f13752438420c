"""Drive the dialogue engine with the client turns of the conversation suite, as text, and count
what a listener would notice: questions asked again after they were answered, lines said twice,
slot values that are whole utterances, turns before the close, and facts kept in the slots.

    python scripts/measure_dialogue.py tests/sessions [--router real|pinned] [--json out.json] [-v]

Sessions marked `held_out: true` are skipped unread (only the lines up to the flag are read);
`--held-out` measures only those instead, for reporting them apart (never for tuning).
No audio and no crisis detector: a session's expected risk is given to the engine at its
crisis turn, so the safety path runs where it should and the dialogue before it is measured.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voice_therapist.dialogue.engine import SessionEngine, TurnContext  # noqa: E402
from voice_therapist.dialogue.protocol import load_protocols  # noqa: E402

SECONDS_PER_TURN = 45  # a client turn and a reply, spoken; 13 turns is about 10 minutes
RISK_LEVEL = {"passive": "passive", "real": "plan"}
# What a question asks for, by the suite's fact kinds; the close's own mood check is not a repeat.
ASKS = {
    "topic": r"focus on today|work on today|brings you here|like to talk about",
    "rating": r"how is your mood right now|where is your mood right now|just a number|mood right now",
    "thought": r"went through your mind|mind telling you|what thought goes|sentence in your head|what does yours say",
    "evidence_for": r"feel true|evidence for it",
    "evidence_against": r"doesn't fit|speaks against",
    "body": r"notice in your body right now|where in your body|any tightness",
    "feeling": r"what feeling would it name|what you're feeling most|what do you feel inside|what happens inside you",
    "need": r"long for from them|most need from them",
    "exception": r"a little closer to that miracle|what was different then|a bit easier",
    "goal": r"miracle happens|first small (thing|sign)",
    "balanced_thought": r"more balanced way|fair, includes the hard part",
    "next_step": r"one small (thing|step|way)|what will you do",
    "support": r"who in your life|who could (you|support)",
    "strength": r"what strengths?( of yours)? (has|have) helped",
}


class FixedNamer:
    def classify(self, text):
        return "all_or_nothing", 0.5

    def describe(self, label):
        return {"title": "all or nothing thinking", "explanation": "That sounds like all or nothing thinking.",
                "question": "Is there a middle ground?"}


class PinnedRouter:
    def __init__(self, modality: str):
        self.modality = modality

    def route(self, text, stress=0.5):
        return self.modality, 1.0

    def named(self, text):
        return None


def not_held_out(path: Path) -> bool:
    """Reads only up to the held_out flag: a held-out session's turns are never read."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("held_out:"):
                return line.split(":", 1)[1].strip().lower() == "false"
    return False


def sentences(line: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", line) if len(s.split()) >= 4]


def questions(line: str) -> list[str]:
    return [s for s in sentences(line) if s.endswith("?")] or sentences(line)[-1:]


def is_whole(value: str, said: str) -> bool:
    """The value is (nearly) all of a client turn of more than ten words: pasted, not a phrase of it."""
    words = re.sub(r"[^\w' ]", " ", said.lower()).split()
    kept = set(re.sub(r"[^\w' ]", " ", value.lower()).split())
    return len(words) > 10 and sum(w in kept for w in words) >= 0.9 * len(words)


def run_session(session: dict, protocols, router, namer) -> dict:
    expect = session["expect"]
    modality = expect["modality"] if expect["modality"] != "any" else None
    engine = SessionEngine(protocols, router if router is not None else PinnedRouter(modality or "cbt"), namer)
    crisis_turn = expect.get("crisis_turn")
    risk = RISK_LEVEL.get(expect.get("risk", "none"), "none")
    given: dict[str, int] = {}  # fact kind -> the turn it was first given
    for fact in expect.get("facts", []):
        if fact["kind"] != "rating" or fact["turn"] <= 3:  # later numbers (belief, scale) are not the mood
            given.setdefault(fact["kind"], fact["turn"])
    asked_again, said_sentences, transcript = [], {}, []
    close_turn = None
    routed = None
    for number, text in enumerate(session["turns"], start=1):
        level = risk if crisis_turn and number >= crisis_turn else "none"
        plan = engine.plan(text, TurnContext(elapsed_s=number * SECONDS_PER_TURN, risk_level=level))
        engine.commit(plan)
        line = plan.move.scripted_line
        transcript.append({"client": text, "assistant": line, "step": plan.move.step, "phase": plan.state.phase})
        if plan.routed and routed is None:
            routed = (plan.routed[0], number)
        if plan.state.phase in ("close", "done") and close_turn is None:
            close_turn = number
        if plan.state.phase == "safety":
            continue  # a repeated safety line is allowed; the screener's questions are not counted here
        for sentence in sentences(line):
            said_sentences[sentence] = said_sentences.get(sentence, 0) + 1
        for question in questions(line):
            for kind, pattern in ASKS.items():
                if kind in given and number >= given[kind] and re.search(pattern, question, re.I):
                    asked_again.append({"turn": number, "kind": kind, "question": question})
    slots = engine.state.slots
    utterances = session["turns"]
    whole = [k for k, v in slots.items() if isinstance(v, str) and any(is_whole(v, u) for u in utterances)]
    kept_text = " ".join(str(v) for v in slots.values()).lower()
    facts = expect.get("facts", [])
    kept = [f for f in facts if all(str(w).lower() in kept_text for w in f["words"])]
    return {
        "id": session["id"],
        "expected_modality": expect["modality"],
        "routed": routed[0] if routed else None,
        "routed_turn": routed[1] if routed else None,
        "asked_again": asked_again,
        "lines_repeated": sum(n - 1 for n in said_sentences.values() if n > 1),
        "whole_utterance_slots": whole,
        "turns": len(utterances),
        "turns_before_close": (close_turn - 1) if close_turn else len(utterances),
        "facts": len(facts),
        "facts_kept": len(kept),
        "transcript": transcript,
        "slots": {k: v for k, v in slots.items() if not k.startswith("distortion_")},
    }


def load_router(kind: str):
    if kind != "real":
        return None, FixedNamer()
    from voice_therapist.nlp.distortions import DistortionNamer
    from voice_therapist.nlp.embedder import SentenceEmbedder
    from voice_therapist.nlp.router import ModalityRouter

    embedder = SentenceEmbedder()
    return ModalityRouter(embedder, load_protocols()), DistortionNamer(embedder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--router", choices=["real", "pinned"], default="pinned")
    parser.add_argument("--json", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--held-out", action="store_true", help="measure only the held-out sessions")
    args = parser.parse_args()
    protocols = load_protocols()
    router, namer = load_router(args.router)
    results = []
    for path in sorted(args.folder.glob("*.yaml")):
        if not_held_out(path) == args.held_out:
            continue
        session = yaml.safe_load(path.read_text(encoding="utf-8"))
        results.append(run_session(session, protocols, router, namer))
    print(f"{'session':36} {'routed':>11} {'again':>5} {'rep':>4} {'whole':>5} {'close@':>6} {'facts':>6}")
    for r in results:
        routed = f"{r['routed'] or '-'}{'' if r['routed'] in (r['expected_modality'], None) or r['expected_modality'] == 'any' else '!'}"
        print(f"{r['id']:36} {routed:>11} {len(r['asked_again']):5} {r['lines_repeated']:4} "
              f"{len(r['whole_utterance_slots']):5} {r['turns_before_close']:3}/{r['turns']:<2} "
              f"{r['facts_kept']:3}/{r['facts']:<2}")
        if args.verbose:
            for a in r["asked_again"]:
                print(f"    asked again at turn {a['turn']} ({a['kind']}): {a['question']}")
            for k in r["whole_utterance_slots"]:
                print(f"    whole utterance in {k}: {r['slots'][k]}")
    n = len(results)
    total = {
        "sessions": n,
        "asked_again": sum(len(r["asked_again"]) for r in results),
        "lines_repeated": sum(r["lines_repeated"] for r in results),
        "whole_utterance_slots": sum(len(r["whole_utterance_slots"]) for r in results),
        "closed_within_turns": sum(r["turns_before_close"] < r["turns"] for r in results),
        "mean_turns_before_close": round(sum(r["turns_before_close"] for r in results) / max(n, 1), 1),
        "facts_kept": f"{sum(r['facts_kept'] for r in results)}/{sum(r['facts'] for r in results)}",
        "routed_as_expected": sum(r["routed"] == r["expected_modality"] for r in results if r["expected_modality"] != "any"),
        "routed_of": sum(r["expected_modality"] != "any" for r in results),
    }
    print(json.dumps(total))
    if args.json:
        args.json.write_text(json.dumps({"total": total, "sessions": results}, indent=1))


if __name__ == "__main__":
    main()

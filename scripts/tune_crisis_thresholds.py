"""Chooses the crisis detector's model thresholds by leaving one development set out at a time.

For each development set (DEV_SETS in scripts/exemplars_from_dev_sets.py), the models are
trained on the written exemplars and the other development sets, and the left-out set is
judged with the lexicon switched off: its patterns were fixed on these sets' errors, so with
it on every setting looks perfect. Prints, for each setting, the recall of passive and up,
the plan/imminent lines at active or above, and the hard negatives flagged, over all of them.
The honest sets (NEVER in that script) take no part.

Usage: .venv/bin/python scripts/tune_crisis_thresholds.py   (about 10 minutes)
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import numpy as np

from voice_therapist.dialogue.protocol import load_protocols
from voice_therapist.nlp.distortions import KNOWLEDGE_FILE
from voice_therapist.nlp.embedder import SentenceEmbedder
from voice_therapist.safety import classifier, combine, linear_classifier, semantic
from voice_therapist.safety.detector import EXEMPLARS_FILE, CrisisDetector, exemplars, ordinary_talk, trained
from voice_therapist.safety.levels import AT_RISK, SEPARATE, at_least

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from exemplars_from_dev_sets import DEV_SETS  # noqa: E402

GRID = {"MIN_SIMILARITY": [0.55, 0.6, 0.65], "MARGIN_OVER_NONE": [0.04, 0.08], "MIN_RISK_MASS": [0.8, 0.9, 0.95]}


class MemoEmbedder:
    """Every sentence embedded once for all folds."""

    def __init__(self, embedder: SentenceEmbedder, texts: list[str]):
        self._embedder = embedder
        self.dim = embedder.dim
        self._vectors = dict(zip(texts, embedder.embed_exemplars(texts, wide=True)))

    def embed_wide(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vectors[t] if t in self._vectors else self._embedder.embed_wide([t])[0] for t in texts])

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.embed_wide(texts)[:, :self.dim]

    def embed_exemplars(self, texts: list[str], wide: bool = False) -> np.ndarray:
        return self.embed_wide(texts) if wide else self.embed(texts)


def main() -> None:
    sets = {name: [json.loads(line) for line in (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines()
                   if line.strip()] for name in DEV_SETS}
    written = exemplars((EXEMPLARS_FILE,), ordinary_talk(load_protocols(), KNOWLEDGE_FILE))
    every_text = sorted({t for texts in written.values() for t in texts} | {r["text"] for rows in sets.values() for r in rows})
    embedder = MemoEmbedder(SentenceEmbedder(), every_text)
    classifier.lexicon_evidence = lambda text, layer="lexicon": []  # the lexicon off: see the docstring

    folds = []
    for held_out in DEV_SETS:
        training = {level: list(texts) for level, texts in written.items()}
        for name, rows in sets.items():
            if name != held_out:
                for row in rows:
                    training[row["level"]].append(row["text"])
        folds.append((trained(training, embedder), sets[held_out]))
        print(f"fold {held_out}: models trained", file=sys.stderr)

    print("| MIN_SIMILARITY | MARGIN_OVER_NONE | MIN_RISK_MASS | recall, passive and up | plan/imminent at active+ | "
          "hard negatives flagged |\n|---|---|---|---|---|---|")
    for values in itertools.product(*GRID.values()):
        settings = dict(zip(GRID, values))
        semantic.MIN_SIMILARITY, combine.CLEAR_MARGIN = settings["MIN_SIMILARITY"], settings["MARGIN_OVER_NONE"]
        linear_classifier.MIN_RISK_MASS = settings["MIN_RISK_MASS"]
        judged = [(row, CrisisDetector(models).assess(row["text"]).risk.level) for models, rows in folds for row in rows]
        recall = np.mean([at_least(level, "passive") and level not in SEPARATE
                          for row, level in judged if row["level"] in AT_RISK])
        severe = np.mean([at_least(level, "active") and level not in SEPARATE
                          for row, level in judged if row["level"] in ("plan", "imminent")])
        flagged = np.mean([level != "none" for row, level in judged if row.get("hard_negative")])
        print(f"| {' | '.join(str(v) for v in values)} | {recall:.3f} | {severe:.3f} | {flagged:.3f} |", flush=True)


if __name__ == "__main__":
    main()

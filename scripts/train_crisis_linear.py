"""Trains the crisis detector's linear layer from the exemplars and writes models/crisis_linear.npz.

`make train-crisis` runs it (after the tuned layer) in the project's .venv; commit the result.
tests/test_crisis_models.py fails while the shipped layer's digest differs from the exemplars'.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voice_therapist.dialogue.protocol import load_protocols  # noqa: E402
from voice_therapist.nlp.distortions import KNOWLEDGE_FILE  # noqa: E402
from voice_therapist.nlp.embedder import SentenceEmbedder  # noqa: E402
from voice_therapist.safety.detector import EXEMPLAR_FILES, exemplar_lines, exemplars, ordinary_talk  # noqa: E402
from voice_therapist.safety.linear_classifier import SHIPPED, LinearCrisisModel, training_digest  # noqa: E402


def main() -> None:
    written = exemplars(EXEMPLAR_FILES, ordinary_talk(load_protocols(), KNOWLEDGE_FILE))
    texts, labels = exemplar_lines(written)
    vectors = SentenceEmbedder().embed_exemplars(texts, wide=True)
    LinearCrisisModel(vectors, labels).save(SHIPPED, training_digest(texts, labels))
    print(f"wrote {SHIPPED.relative_to(ROOT)} ({len(texts)} exemplars)")


if __name__ == "__main__":
    main()

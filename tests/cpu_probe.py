"""What the int8 graphs compute for a few fixed inputs, as JSON on stdout. The CPU-independence
test runs it natively and under `qemu-x86_64 -cpu Haswell` (AVX2 without AVX-512 or VNNI) and
compares. Usage: python -m tests.cpu_probe"""

import json

import numpy as np

SENTENCES = [
    "I had a good day at work and I'm looking forward to the weekend.",
    "Some nights I wish I just wouldn't wake up in the morning.",
    "I've been thinking about killing myself a lot lately.",
    "This commute is killing me, honestly, every single day.",
    "My manager moved our one-to-one to Friday. She must be planning to let me go.",
    "I would wake up with some energy and want to start my day.",
    "I will go for a slow walk tonight.",
    "Everyone would be better off without me.",
    "My brother is unhappy in his marriage and it's my fault for introducing them.",
    "um yeah so i dunno it's been a lot lately with the kids and the job",
]


def clustered_matrix() -> np.ndarray:
    """Unit rows in tight clusters, as in tests/test_exemplar_index.py: many near-ties."""
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(20, 384)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    matrix = centres[rng.integers(0, 20, 3000)] + rng.normal(0, 0.05, (3000, 384)).astype(np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def main() -> None:
    from voice_therapist.nlp.embedder import SentenceEmbedder
    from voice_therapist.nlp.exact_int8 import s8_weights_are_exact
    from voice_therapist.nlp.exemplar_index import ExemplarIndex
    from voice_therapist.safety.tuned_model import REFERENCE_TEXTS, TunedCrisisModel

    tuned = TunedCrisisModel()
    print(json.dumps({
        "s8_exact": s8_weights_are_exact(),
        "vectors": SentenceEmbedder().embed_wide(SENTENCES).tolist(),
        "tuned": [list(tuned.probabilities(text).values()) for text in REFERENCE_TEXTS],
        "index_margin": ExemplarIndex(clustered_matrix(), {"all": np.arange(3000)}).margin,
    }))


if __name__ == "__main__":
    main()

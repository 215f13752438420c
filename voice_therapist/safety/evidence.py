"""What one layer of the crisis detector heard in one utterance, in a form a reviewer can check.

`ref` names what fired: a lexicon pattern's id (lexicon.pattern_by_id shows it), the nearest
exemplar's text (the project's own written lines), a frame's name ("denial", "past_over"), or
"" when a layer has nothing to point at. It is never the user's words: escalation payloads
carry these strings to a third party.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Evidence:
    layer: str  # lexicon, context, answer, frame, ngram, semantic, linear, tuned, build_up, vocal_stress, screener
    level: str  # the level this evidence speaks for ("none" for a frame that silences, or an ordinary line)
    score: float  # 1.0 for words; else the layer's own probability or similarity
    ref: str = ""

    def __str__(self) -> str:
        return f"{self.layer}:{self.level}:{self.score:.2f}:{self.ref}"

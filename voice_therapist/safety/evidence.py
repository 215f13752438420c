"""What one layer of the crisis detector heard in one utterance, in a form a reviewer can check.

`ref` names what fired: a lexicon pattern's id (lexicon.pattern_by_id shows it), the nearest
exemplar's text (the project's own written lines), a frame's name ("denial", "past_over"), or
"" when a layer has nothing to point at. It is never the user's words. An escalation leaves for
a third party with `for_payload`, where an exemplar is named by its digest: a user who says an
exemplar's words nearly as written must not have them sent on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

EXEMPLAR_LAYERS = ("semantic",)  # the layers whose `ref` is an exemplar's text


@dataclass(frozen=True)
class Evidence:
    layer: str  # lexicon, context, answer, frame, ngram, semantic, linear, tuned, build_up, vocal_stress, screener
    level: str  # the level this evidence speaks for ("none" for a frame that silences, or an ordinary line)
    score: float  # 1.0 for words; else the layer's own probability or similarity
    ref: str = ""

    def __str__(self) -> str:
        return f"{self.layer}:{self.level}:{self.score:.2f}:{self.ref}"

    def for_payload(self) -> str:
        """As `str`, with an exemplar's text replaced by `exemplar-<sha256[:8]>` of that text."""
        if self.layer in EXEMPLAR_LAYERS and self.ref:
            return f"{self.layer}:{self.level}:{self.score:.2f}:{exemplar_id(self.ref)}"
        return str(self)


def exemplar_id(text: str) -> str:
    """A stable name for an exemplar line; grep the exemplar files' digests to find it."""
    return "exemplar-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]

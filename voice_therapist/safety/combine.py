"""The one place where the crisis detector's evidence becomes a level.

Every layer reports what it heard as `Evidence` (classifier.py); this table says what it is
worth. Kinds of evidence: words (lexicon patterns, a yes to the assistant's risk question), the
n-gram model (surface words), the sentence vector (nearest exemplar and linear layer read the
same embedding: one kind), and the tuned layer.

| evidence | counts as |
|---|---|
| words | their own level |
| a frame, no words of risk left: figure of speech, suicide as a topic, a denial | learned layers: nothing |
| a frame: a past that is over, a joke, someone else's overdose or words | learned layers: at most `watch` |
| an answer to the safety plan's means question | learned layers: at most `active` |
| the tuned layer sure of `none` (SURE_NONE, read whole) | other learned layers: nothing; the lexicon's passive/active: `watch` |
| a learned claim seconded by another kind (below) | its own level |
| a learned claim only its own kind supports (nearest exemplar clearly nearer than any ordinary line; linear with only the nearest exemplar behind it) | at most `active`: asked directly, no page |
| the n-gram model alone, a risk exemplar nearest | `watch`, whatever it names |
| learned evidence alone at plan/imminent, unless two kinds each claim `active` or more and the nearest exemplar is a risk line | `active`: asked directly, no page |

Seconding: the n-gram model claims at NGRAM_CLAIM and "leans" below it; the nearest exemplar
claims when nearer than the nearest ordinary line, "clear" when CLEAR_MARGIN nearer. The n-gram
claim is seconded by words; the nearest exemplar's by an n-gram claim on the suicide scale; the
linear layer's by words or an n-gram claim of the same kind; the tuned layer's by words, any
risk exemplar past semantic.MIN_SIMILARITY, or the n-gram lean. So plan and imminent need
explicit words or two kinds of evidence: one model's guess never pages anyone. The thresholds
are the layers' own, chosen in earlier rounds on read sets (docs/safety-record.md). What the
conversation adds is conversation.py's; what is said and who is paged is the policy's.
"""

from __future__ import annotations

from dataclasses import dataclass

from .evidence import Evidence
from .levels import LEVELS, SEPARATE, rank

WORDS = ("lexicon", "answer")
# What each frame the lexicon or the question reports leaves the learned layers: "none" silences
# them (when no words of risk remain), a level caps them, None leaves them be.
FRAME_CAPS = {
    "figure_of_speech": "none", "denial": "none",
    "past_over": "watch", "joke": "watch", "someone_else": "watch",
    # The safety plan's means question puts pills and ropes in any answer: no page on the learned layers' word.
    "means_question": "active",
    "harmless_frame": None,  # work or a story: only the lexicon's words are taken out (silencing lost 5 read-set risk lines)
}
NGRAM_CLAIM = 0.6  # the n-gram posterior that makes a claim
CLEAR_MARGIN = 0.08  # the nearest risk exemplar this much nearer than any ordinary line stands on its own
SURE_NONE = 0.98  # the tuned layer this sure of `none` vetoes the topic-reading layers (no risk line lost at 0.98; 3 at 0.95)
ONE_KIND_CAP = "active"  # the most one kind of learned evidence may raise: asked directly, never a page
NGRAM_ALONE_CAP = "watch"  # alone the n-gram model flagged 2.4% of ordinary talk: a check-in at most


@dataclass(frozen=True)
class Counted:
    evidence: Evidence
    level: str  # what the table lets it count as
    rule: str  # the row that decided it
    seconded_by: tuple[Evidence, ...] = ()  # the other kind's evidence that made it count


@dataclass(frozen=True)
class Decision:
    level: str  # the suicide-scale level the utterance says by itself
    separate: tuple[str, ...]  # harm_others / abuse heard, in order
    counted: tuple[Counted, ...]  # every piece of evidence that counts, with the row that let it
    notes: tuple[Evidence, ...] = ()  # what lowered or silenced others (frames, the tuned layer's veto); never raises

    @property
    def because(self) -> tuple[Evidence, ...]:
        """What a reviewer needs to see: the evidence that counts and what seconded it, once each."""
        return tuple(dict.fromkeys(e for c in self.counted for e in (c.evidence, *c.seconded_by)))


def _same_kind(heard: str, level: str) -> bool:
    """Both on the suicide scale, or both a separate path."""
    return heard != "none" and (heard in SEPARATE) == (level in SEPARATE)


def _capped(level: str, cap: str) -> str:
    return level if level in SEPARATE or rank(level) <= rank(cap) else cap


def _learned_claims(layers: dict[str, list[Evidence]], words: list[Evidence]) -> list[Counted]:
    """The learned layers' claims, each at the level its seconding allows (the table's lower rows)."""
    ngram = next(iter(layers.get("ngram", [])), None)
    ngram_claims = ngram is not None and ngram.score >= NGRAM_CLAIM
    semantic = layers.get("semantic", [])
    risk_near = next((e for e in semantic if e.level != "none"), None)
    ordinary_near = next((e for e in semantic if e.level == "none"), None)
    nearer = risk_near is not None and (ordinary_near is None or risk_near.score >= ordinary_near.score)
    clear = risk_near is not None and (ordinary_near is None or risk_near.score - ordinary_near.score >= CLEAR_MARGIN)
    said = tuple(words)
    claims = []
    if ngram_claims and words:
        claims.append(Counted(ngram, ngram.level, "n-gram model seconded by words", said))
    elif ngram_claims and (nearer or not semantic):  # without the semantic layer (tests), nothing says no
        claims.append(Counted(ngram, NGRAM_ALONE_CAP, "n-gram model alone",  # harm_others and abuse too
                              (risk_near,) if risk_near else ()))
    if nearer and ngram_claims and ngram.level not in SEPARATE and risk_near.level not in SEPARATE:
        claims.append(Counted(risk_near, risk_near.level, "nearest exemplar seconded by the n-gram model", (ngram,)))
    elif clear:
        claims.append(Counted(risk_near, _capped(risk_near.level, ONE_KIND_CAP), "nearest exemplar alone"))
    for e in layers.get("linear", []):
        if words or (ngram_claims and _same_kind(ngram.level, e.level)):
            claims.append(Counted(e, e.level, "linear layer seconded by words or the n-gram model", said or (ngram,)))
        elif nearer and _same_kind(risk_near.level, e.level):
            claims.append(Counted(e, _capped(e.level, ONE_KIND_CAP), "linear layer with the nearest exemplar (one vector)",
                                  (risk_near,)))
    for e in layers.get("tuned", []):
        leans = ngram if ngram is not None and ngram.level != "none" else None
        seconders = said or tuple(x for x in (risk_near, leans) if x is not None)
        if e.level != "none" and seconders:
            claims.append(Counted(e, e.level, "tuned layer seconded by words, a risk exemplar or the n-gram lean", seconders))
    return claims


def _may_page(claims: list[Counted], layers: dict[str, list[Evidence]]) -> bool:
    """Learned evidence alone reaches plan or imminent only when two kinds each claim at least
    `active` and the nearest exemplar is a risk line, not an ordinary one."""
    semantic = layers.get("semantic", [])
    risk_near = max((e.score for e in semantic if e.level != "none"), default=None)
    ordinary_near = max((e.score for e in semantic if e.level == "none"), default=-1.0)
    if semantic and (risk_near is None or risk_near < ordinary_near):
        return False
    kinds = {KIND[c.evidence.layer] for c in claims if rank(c.evidence.level) >= rank("active")}
    kinds |= {KIND[e.layer] for c in claims for e in c.seconded_by if rank(e.level) >= rank("active")}
    return len(kinds) >= 2


KIND = {"ngram": "surface", "semantic": "vector", "linear": "vector", "tuned": "tuned", "lexicon": "words", "answer": "words"}


def combine(evidence: list[Evidence] | tuple[Evidence, ...]) -> Decision:
    layers: dict[str, list[Evidence]] = {}
    for item in evidence:
        layers.setdefault(item.layer, []).append(item)
    words = [e for layer in WORDS for e in layers.get(layer, []) if e.level != "none"]
    caps = [FRAME_CAPS[e.ref] for e in layers.get("frame", []) if FRAME_CAPS.get(e.ref) is not None]
    vetoed = any(e.level == "none" and e.score >= SURE_NONE and e.ref == "read whole" for e in layers.get("tuned", []))

    counted = [Counted(e, "watch", "explicit words, asked gently: the tuned layer is sure of none")
               if vetoed and e.layer == "lexicon" and e.level in ("passive", "active") else Counted(e, e.level, "explicit words")
               for e in words]
    silenced = "none" in caps and not words
    cap = min((c for c in caps if c != "none"), key=rank, default=None)
    heard = [] if silenced else _learned_claims(layers, words)
    claims = [c for c in heard if c.evidence.layer == "tuned" or c.level in SEPARATE] if vetoed else heard
    why = "capped by a frame"
    if (cap is None or rank(cap) > rank("active")) and not words and not _may_page(claims, layers):
        cap, why = "active", "no page on learned evidence without two kinds at active"
    for claim in claims:
        if cap is not None and claim.level not in SEPARATE and rank(claim.level) > rank(cap):
            claim = Counted(claim.evidence, cap, f"{claim.rule}, {why}", claim.seconded_by)
        counted.append(claim)

    separate = tuple(dict.fromkeys(c.level for c in counted if c.level in SEPARATE))
    level = max((c.level for c in counted if c.level in LEVELS), key=rank, default="none")
    notes = list(layers.get("frame", []))
    if vetoed and (len(claims) < len(heard) or any(c.rule.startswith("explicit words, asked") for c in counted)):
        notes += [e for e in layers["tuned"] if e.level == "none"]
    return Decision(level, separate, tuple(counted), tuple(notes))

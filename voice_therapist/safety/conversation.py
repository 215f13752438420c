"""The crisis detector's memory of one conversation: what the per-utterance classifier cannot see.

Risk builds up over a conversation: the session's level never falls on a calm sentence (the
ratchet), the last few utterances are also read together by the lexicon (a veiled statement is
often spread over turns), and hopelessness said WATCHES_TO_ASK times becomes a reason to ask
directly. Nothing here reads the models; the state is plain data a resumed session restores.
"""

from __future__ import annotations

from collections import deque

from .classifier import lexicon_evidence
from .evidence import Evidence
from .levels import rank

CONTEXT_TURNS = 3  # the utterance and the two before it are also read as one
WATCHES_TO_ASK = 3  # hopelessness said this often is treated as a wish to be dead: ask directly


class ConversationState:
    def __init__(self):
        self.session_level = "none"
        self.said_level = "none"  # what explicit words support: the crisis path and paging act on this
        self.checks_declined = 0  # "no" to a direct question about risk: the crisis line is offered the first time
        self.checked = ""  # the level heard (learned layers only) that the last reply asked about directly
        self.recent: deque[str] = deque(maxlen=CONTEXT_TURNS - 1)
        self.watches = 0

    def context_evidence(self, text: str, already: set[str]) -> list[Evidence]:
        """What the lexicon hears in the last turns read with this one, at levels this utterance
        did not already give (`already`: its own words' levels, vetoed or not, so a veto does not
        come back through the context)."""
        if not self.recent:
            return []
        joined = lexicon_evidence(" ".join([*self.recent, text]), layer="context")
        return [e for e in joined if e.layer == "context" and e.level != "none" and e.level not in already]

    def build_up(self, scale: str, own_watch: bool) -> Evidence | None:
        """Hopelessness said often enough is asked about directly; only a hopeless statement of its
        own counts ("yes, that fits" carried over by context is the same statement, not another)."""
        if scale == "watch" and own_watch and self.watches + 1 >= WATCHES_TO_ASK:
            return Evidence("build_up", "passive", 1.0, f"watch said {self.watches + 1} times")
        return None

    def commit(self, session_level: str, watch: bool, text: str, said_level: str = "none") -> None:
        if rank(session_level) > rank(self.session_level):
            self.session_level = session_level
        if rank(said_level) > rank(self.said_level):
            self.said_level = said_level
        self.watches += watch
        self.checked = ""
        if text:
            self.recent.append(text)

    def snapshot(self) -> dict:
        """What a resumed session needs: the level reached never resets, and recent context carries on."""
        return {"session_level": self.session_level, "recent": list(self.recent), "watches": self.watches,
                "said_level": self.said_level, "checks_declined": self.checks_declined, "checked": self.checked}

    def restore(self, snapshot: dict) -> None:
        self.session_level = snapshot.get("session_level", "none")
        self.recent.extend(snapshot.get("recent", []))
        self.watches = int(snapshot.get("watches", 0))
        # An older snapshot knew one level: taken as said, so a resumed session stays on its path.
        self.said_level = snapshot.get("said_level", self.session_level)
        self.checks_declined = int(snapshot.get("checks_declined", 0))
        self.checked = snapshot.get("checked", "")

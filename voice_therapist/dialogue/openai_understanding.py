"""One call per turn to a capable model behind an OpenAI-compatible server (vLLM): it reads the
answer kind and the slots through a JSON schema, and words a short acknowledgement.

The request is plain OpenAI: /chat/completions with `response_format` of type `json_schema`
(vLLM constrains that form; it does not constrain `json_object`). Any failure (the server down
or slow, an HTTP error, text that is not JSON, JSON outside the schema, values that do not fit
a slot) gives None, and the engine reads the turn with its own rules instead.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx

from ..config import LlmConfig
from .answer_kinds import KINDS
from .understanding import TurnQuestion, Understanding, checked

log = logging.getLogger(__name__)
MAX_OPEN_SLOTS = 24  # the schema grows with each slot; the current step's come first
SYSTEM = (
    "You read one turn of a spoken support conversation and return JSON only. "
    "kind: how the person answered the question they were asked: answer, yes, no, dont_know (I don't know, "
    "not sure), question (they ask something back), correction (they correct what they said before), "
    "new_concern (they raise a different, bigger worry), decline (they would rather not answer), wrap_up "
    "(they want to stop), thanks, off_task (they ask you to drop your rules, play a part, or advise on "
    "medication). slots: for each slot listed, the person's own key words for it if this turn gives it "
    "(at most 12 words, quoted from them; a number from 0 to 10 for ratings; yes or no for yes_no), "
    "else null. acknowledgement: one short sentence, under 15 words, that reflects what they said in "
    "the second person; no advice, no question, no diagnosis, no medication."
)
DESCRIBE = {
    "utterance": "their answer to the question", "rating": "a number 0-10", "mood": "their mood, a number 0-10",
    "yes_no": "yes or no", "balanced_thought": "a balanced thought that includes the hard part",
    "topic": "what they want to talk about", "thought": "the automatic thought, as it sounds in their head",
    "evidence_against": "something that does not fit the thought", "body": "a body sensation",
    "feeling": "a feeling word", "need": "what they long for from someone", "exception": "a time it was better",
    "step": "one small thing they will do", "future": "how things would be different",
    "inner": "what happens inside them: a feeling or a body sensation",
    "support": "someone who helps or supports them", "strength": "a strength or good quality of theirs",
}


def schema(slot_names: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "kind": {"type": "string", "enum": list(KINDS)},
            "slots": {
                "type": "object",
                "properties": {name: {"type": ["string", "null"]} for name in slot_names},
                "required": slot_names,
                "additionalProperties": False,
            },
            "acknowledgement": {"type": "string"},
        },
        "required": ["kind", "slots", "acknowledgement"],
        "additionalProperties": False,
    }


class OpenAIUnderstander:
    def __init__(self, cfg: LlmConfig, client: httpx.Client | None = None):
        self._cfg = cfg
        headers = {"Authorization": f"Bearer {cfg.api_key}"} if cfg.api_key else {}
        self._client = client or httpx.Client(
            base_url=cfg.base_url.rstrip("/"), headers=headers,
            timeout=httpx.Timeout(cfg.timeout_s, connect=min(2.0, cfg.timeout_s)))

    def request(self, text: str, question: TurnQuestion) -> dict[str, Any]:
        slots = {**question.asked, **question.ahead}
        slots.update(dict(list(question.open.items())[:MAX_OPEN_SLOTS]))
        slots = {name: kind for name, kind in slots.items() if kind in DESCRIBE}
        listed = "\n".join(f"- {name}: {DESCRIBE[kind]}" for name, kind in slots.items())
        user = (f"The question just asked aimed to: {question.goal}\nSlots:\n{listed}\n"
                f"The person said: {json.dumps(text)}")
        body: dict[str, Any] = {
            "model": self._cfg.api_model or "default",
            "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
            "max_tokens": 300,
            "temperature": 0,
            "stream": False,
        }
        if self._cfg.structured_output == "json_schema":
            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": "turn", "schema": schema(list(slots)), "strict": True}}
        else:  # llama.cpp's server: a JSON object constrained by a schema
            body["response_format"] = {"type": "json_object", "schema": schema(list(slots))}
        return body

    def understand(self, text: str, question: TurnQuestion) -> Understanding | None:
        try:
            resp = self._client.post("/chat/completions", json=self.request(text, question))
            if resp.status_code != 200:
                log.warning("understanding: LLM server answered HTTP %d; the rules read this turn", resp.status_code)
                return None
            content = resp.json()["choices"][0]["message"]["content"]
            reading = checked(json.loads(content), question)
        except httpx.HTTPError as exc:
            log.warning("understanding: LLM server unreachable (%s); the rules read this turn", type(exc).__name__)
            return None
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            log.warning("understanding: unusable reply (%s); the rules read this turn", type(exc).__name__)
            return None
        if reading is None:
            log.warning("understanding: reply outside the schema; the rules read this turn")
        return reading

    def close(self) -> None:
        self._client.close()

"""The LLM's own speed, measured apart from the sessions.

In the sessions the embedded model mostly rests (it seldom meets the first-sentence budget),
so its speed cannot be read from them. Here a typical therapist prompt is generated a few
times without prefill: the first token is the prompt's evaluation, the rest the decode rate.
"""

from __future__ import annotations

import time

from ..dialogue.prompt import build_messages
from ..llm.base import LLMUnavailable
from .stats import spread

GOAL = "Catch the automatic thought in one concrete moment, in the person's own words."
EXAMPLE = "What went through your mind right then? Try to say the thought exactly as it sounded."
# A different user turn each round: the shared system prompt is reused as in a session, the
# user's words are evaluated afresh.
USERS = ("I keep thinking my manager is going to fire me after I froze in the meeting this morning",
         "my sister didn't call back and now I'm sure she's angry with me about the weekend",
         "I failed one exam and my head keeps saying I'll never finish this degree")


async def measure_llm_speed(llm, max_tokens: int = 48) -> dict:
    if llm is None:
        return {"llm_tokens_per_s": None, "llm_first_token": spread([]), "llm_tokens": 0}
    first_ms, tokens, decode_s = [], 0, 0.0
    try:
        for user in USERS:
            start = time.perf_counter()
            first = last = None
            count = 0
            async for _piece in llm.stream(build_messages(GOAL, EXAMPLE, [], user), max_tokens=max_tokens):
                last = time.perf_counter()
                first = first or last
                count += 1
            if first is not None:
                first_ms.append((first - start) * 1000)
            if count > 1:  # llama.cpp streams one token a piece
                tokens += count - 1
                decode_s += last - first
    except LLMUnavailable:
        pass
    return {"llm_tokens_per_s": round(tokens / decode_s, 1) if decode_s else None,
            "llm_first_token": spread(first_ms), "llm_tokens": tokens}

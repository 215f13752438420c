"""vLLM's speed on this machine, written for the stage's report; no timing is asserted."""

import json
import time

import pytest

from voice_therapist.bench.llm_speed import measure_llm_speed

pytestmark = pytest.mark.vllm


async def test_the_speed_report_has_first_token_and_decode_rate(vllm_chat, artifacts):
    await measure_llm_speed(vllm_chat, max_tokens=4)  # one round first: the engine's first pass is slow
    speed = await measure_llm_speed(vllm_chat, max_tokens=48)
    started = time.perf_counter()
    step = "".join([p async for p in vllm_chat.stream(
        [{"role": "user", "content": "I feel sad. Give the feeling as JSON."}],
        json_schema={"type": "object", "properties": {"feeling": {"enum": ["sad", "calm"]}}, "required": ["feeling"]},
        max_tokens=20)])
    speed["json_schema_step_ms"] = round((time.perf_counter() - started) * 1000, 1)
    (artifacts / "vllm-speed.json").write_text(json.dumps(speed))
    assert speed["llm_first_token"]["n"] == 3 and speed["llm_tokens"] > 0, speed
    assert json.loads(step)["feeling"] in ("sad", "calm")

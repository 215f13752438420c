"""The `openai` backend against a real vLLM server: streaming, json_schema steps, bad input."""

import json

import pytest

from voice_therapist.llm.base import LLMUnavailable
from voice_therapist.llm.openai_api import OpenAIChat

pytestmark = pytest.mark.vllm

MESSAGES = [{"role": "system", "content": "You are a kind assistant. Answer briefly."},
            {"role": "user", "content": "Say hello to me."}]

FEELINGS = ["sad", "anxious", "angry", "calm", "ashamed"]
# A step's structured output: vLLM constrains it to this schema only when it is sent as json_schema.
STEP_SCHEMA = {
    "type": "object",
    "properties": {"feeling": {"enum": FEELINGS}, "intensity": {"type": "integer", "minimum": 0, "maximum": 10}},
    "required": ["feeling", "intensity"],
    "additionalProperties": False,
}


async def test_tokens_stream_from_vllm(vllm_chat):
    pieces = [p async for p in vllm_chat.stream(MESSAGES, max_tokens=24)]
    assert len(pieces) > 3  # streamed token by token, not one block
    assert "".join(pieces).strip()


async def test_the_default_model_name_is_served_too(vllm_chat_config):
    chat = OpenAIChat(vllm_chat_config(api_model="", timeout_s=60.0))  # sends model "default"
    text = "".join([p async for p in chat.stream(MESSAGES, max_tokens=8)])
    await chat.aclose()
    assert text.strip()


@pytest.mark.parametrize("said", ["I feel so sad since my dog died.",
                                  "My heart races before every exam and I cannot breathe.",
                                  "I am furious that my brother lied to me again."])
async def test_a_json_schema_step_gets_json_that_fits_the_schema(vllm_chat, said):
    messages = [{"role": "system", "content": "Name the person's feeling and its intensity from 0 to 10, as JSON."},
                {"role": "user", "content": said}]
    text = "".join([p async for p in vllm_chat.stream(messages, json_schema=STEP_SCHEMA, max_tokens=60)])
    step = json.loads(text)
    assert set(step) == {"feeling", "intensity"}
    assert step["feeling"] in FEELINGS
    assert isinstance(step["intensity"], int) and 0 <= step["intensity"] <= 10


async def test_a_prompt_longer_than_the_context_is_a_clear_error(vllm_chat):
    too_long = [{"role": "user", "content": "hello " * 3000}]  # the server's context is 2048 tokens
    with pytest.raises(LLMUnavailable, match="HTTP 400"):
        [p async for p in vllm_chat.stream(too_long, max_tokens=8)]
    # Nothing is broken: the next request is answered.
    assert "".join([p async for p in vllm_chat.stream(MESSAGES, max_tokens=8)]).strip()

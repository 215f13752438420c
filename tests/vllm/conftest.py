"""The vLLM stage's fixtures: one real vLLM server for the stage, restarted if a test killed it.

scripts/vllm_stage.sh builds .venv-vllm and the converted model, then names them in
VOICE_THERAPIST_VLLM_PYTHON and VOICE_THERAPIST_VLLM_MODEL.
"""

import json
import os
import resource

import pytest

from voice_therapist.config import LlmConfig
from voice_therapist.llm.openai_api import OpenAIChat

from .server import VllmServer


@pytest.fixture(scope="session")
def vllm_server(artifacts):
    python = os.environ.get("VOICE_THERAPIST_VLLM_PYTHON")
    model = os.environ.get("VOICE_THERAPIST_VLLM_MODEL")
    if not python or not model:
        pytest.fail("the vLLM tests run in their own stage: bash scripts/vllm_stage.sh")
    log = artifacts / "vllm-server.log"
    log.write_bytes(b"")
    server = VllmServer(python, model, log)
    yield server
    server.kill()
    # Read by scripts/vllm_stage.sh for its report; speed itself is measured by scripts/vllm_bench.py.
    (artifacts / "vllm-server.json").write_text(json.dumps({
        "ready_s": [round(s, 1) for s in server.ready_s],
        "server_peak_rss_mb": round(server.peak_rss / 2**20),
        "pytest_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


@pytest.fixture
def vllm(vllm_server):
    """The server, started again if an earlier test killed it."""
    return vllm_server.ensure_running()


@pytest.fixture
def vllm_chat_config(vllm):
    def make(**kw) -> LlmConfig:
        return LlmConfig(**{"backend": "openai", "base_url": vllm.base_url, "api_model": "smollm2", **kw})

    return make


@pytest.fixture
async def vllm_chat(vllm_chat_config):
    # Patient: the answer is checked here, not its speed (two cores shared with other work).
    chat = OpenAIChat(vllm_chat_config(timeout_s=60.0))
    yield chat
    await chat.aclose()

"""The `openai` backend against a real OpenAI-compatible server: llama_cpp.server on loopback."""

import asyncio
import dataclasses
import json
import socket
import subprocess
import sys
import time

import httpx
import pytest

from voice_therapist.config import LlmConfig
from voice_therapist.llm.base import LLMUnavailable
from voice_therapist.llm.openai_api import OpenAIChat
from voice_therapist.model_registry import resolve_model_path
from voice_therapist.pipeline.session import VoiceSession
from voice_therapist.transports.wav_file import run_wav_session

from .speech import track

MESSAGES = [{"role": "system", "content": "You are a kind assistant. Answer briefly."},
            {"role": "user", "content": "Say hello to me."}]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    model = resolve_model_path("smollm2-135m", "default")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "2048", "--n_threads", "2", "--model_alias", "smollm2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("llama_cpp.server did not start")


@pytest.fixture
def server():
    port = free_port()
    proc = start_server(port)
    yield proc, port
    proc.kill()
    proc.wait()


def backend(port: int, **kw) -> OpenAIChat:
    return OpenAIChat(LlmConfig(backend="openai", base_url=f"http://127.0.0.1:{port}/v1", api_model="smollm2", **kw))


# What these tests check is the answer, not its speed: with the suite running beside it, the
# grammar-constrained JSON reply once took longer than the production 8 s (a clean-clone CI).
PATIENT_S = 60.0


async def test_tokens_stream_from_a_real_server(server):
    _, port = server
    chat = backend(port, timeout_s=PATIENT_S)
    pieces = [p async for p in chat.stream(MESSAGES, max_tokens=20)]
    await chat.aclose()
    assert len(pieces) > 1  # streamed, not one block
    assert "".join(pieces).strip()


def test_the_vllm_request_carries_the_schema_as_openai_json_schema():
    schema = {"type": "object"}
    body = backend(1)._body(MESSAGES, {"json_schema": schema})
    assert body["response_format"] == {"type": "json_schema", "json_schema": {"name": "step", "schema": schema}}
    assert body["stream"] is True and body["model"] == "smollm2"


async def test_a_step_asking_for_json_gets_json(server):
    _, port = server
    chat = backend(port, structured_output="json_object", timeout_s=PATIENT_S)
    schema = {"type": "object", "properties": {"feeling": {"type": "string"}}, "required": ["feeling"]}
    text = "".join([p async for p in chat.stream(
        [{"role": "user", "content": "I feel sad. Give the feeling as JSON."}], json_schema=schema, max_tokens=40)])
    await chat.aclose()
    assert isinstance(json.loads(text)["feeling"], str)


async def test_a_server_that_never_answers_is_a_clear_timeout():
    async def hang(reader, writer):
        await asyncio.sleep(30)

    srv = await asyncio.start_server(hang, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    chat = backend(port, timeout_s=0.5)
    started = time.perf_counter()
    with pytest.raises(LLMUnavailable, match="timed out"):
        [p async for p in chat.stream(MESSAGES)]
    assert time.perf_counter() - started < 3
    await chat.aclose()
    srv.close()


async def test_a_refused_connection_is_a_clear_error():
    chat = backend(free_port())
    with pytest.raises(LLMUnavailable, match="unreachable"):
        [p async for p in chat.stream(MESSAGES)]
    await chat.aclose()



def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


async def _half_stream_server(finish: bytes):
    """A server that streams two tokens, then ends the body with `finish` and closes."""
    async def answer(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
        for word in ("Hello", " there"):
            writer.write(_chunk(b'data: {"choices":[{"delta":{"content":"%s"}}]}\n\n' % word.encode()))
        writer.write(finish)
        await writer.drain()
        writer.close()

    return await asyncio.start_server(answer, "127.0.0.1", 0)


@pytest.mark.parametrize("finish", [b"", b"0\r\n\r\n"], ids=["connection_dropped", "body_ended_without_done"])
async def test_a_server_gone_mid_reply_is_a_clear_error_after_the_tokens_it_sent(finish):
    srv = await _half_stream_server(finish)
    chat = backend(srv.sockets[0].getsockname()[1])
    pieces = []
    with pytest.raises(LLMUnavailable, match="closed the stream mid-reply"):
        async for piece in chat.stream(MESSAGES):
            pieces.append(piece)
    assert pieces == ["Hello", " there"]
    await chat.aclose()
    srv.close()

@pytest.mark.speech
async def test_the_session_goes_on_when_the_llm_server_dies(cfg, models, server, escalations):
    proc, port = server
    chat = backend(port, timeout_s=3.0)
    events = []
    pinned = cfg.model_copy(deep=True)
    pinned.session.modality = "quick_help"  # its steps are all phrased by the LLM
    session = VoiceSession(pinned, dataclasses.replace(models, llm=chat), events.append, escalations=escalations)
    user = track(0.5, "Hello.", 16.0, "About a four, I guess.", 9.0,
                 "My friends have not called me back and I feel ignored.", 9.0,
                 "I think I just need some rest tonight.", 9.0)

    async def kill_after_second_turn():
        while sum(e["type"] == "turn" for e in events) < 2:
            await asyncio.sleep(0.01)
        proc.kill()

    killer = asyncio.ensure_future(kill_after_second_turn())
    await run_wav_session(session, user, paced=False)
    await killer
    await chat.aclose()

    turns = [e for e in events if e["type"] == "turn"]
    assert len(turns) == 4
    assert all(t["assistant_text"] for t in turns)
    killed_at = [i for i, e in enumerate(events) if e["type"] == "turn"][1]
    llm_errors = [i for i, e in enumerate(events) if e["type"] == "ErrorEvent" and e["stage"] == "llm"]
    assert len(llm_errors) >= 2 and min(llm_errors) > killed_at  # fine while alive, then each turn said why
    assert turns[2]["reply_source"] == turns[3]["reply_source"] == "scripted"

"""Any OpenAI-compatible chat server: vLLM in production, llama_cpp.server in tests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx

from ..config import LlmConfig
from .base import LLMUnavailable


class OpenAIChat:
    def __init__(self, cfg: LlmConfig):
        self._cfg = cfg
        headers = {"Authorization": f"Bearer {cfg.api_key}"} if cfg.api_key else {}
        self._client = httpx.AsyncClient(
            base_url=cfg.base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(cfg.timeout_s, connect=min(2.0, cfg.timeout_s)),
        )

    def _body(self, messages: list[dict[str, str]], opts: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self._cfg.api_model or "default",
            "messages": messages,
            "stream": True,
            "max_tokens": opts.get("max_tokens", self._cfg.max_tokens),
            "temperature": opts.get("temperature", self._cfg.temperature),
        }
        schema = opts.get("json_schema")
        if schema is not None:
            if self._cfg.structured_output == "json_schema":
                # The OpenAI form, which vLLM maps onto its structured-output backend.
                body["response_format"] = {"type": "json_schema", "json_schema": {"name": "step", "schema": schema}}
            else:
                # llama.cpp's server: a JSON object constrained by a schema.
                body["response_format"] = {"type": "json_object", "schema": schema}
        body.update(opts.get("extra_body", {}))
        return body

    async def stream(self, messages: list[dict[str, str]], **opts: Any) -> AsyncIterator[str]:
        answered = False
        try:
            async with self._client.stream("POST", "/chat/completions", json=self._body(messages, opts)) as resp:
                if resp.status_code != 200:
                    detail = (await resp.aread())[:200].decode("utf-8", "replace")
                    raise LLMUnavailable(f"LLM server answered HTTP {resp.status_code}: {detail}")
                answered = True
                async for line in resp.aiter_lines():
                    piece = _parse_sse_line(line)
                    if piece is None:
                        return
                    if piece:
                        yield piece
            # A server that dies between two events may close the connection cleanly.
            raise LLMUnavailable("LLM server closed the stream mid-reply: no [DONE]")
        except httpx.TimeoutException as exc:
            raise LLMUnavailable(f"LLM server timed out after {self._cfg.timeout_s:g} s") from exc
        except httpx.HTTPError as exc:
            if answered:  # it was reachable: say that it went away, not that it never answered
                raise LLMUnavailable(f"LLM server closed the stream mid-reply: {type(exc).__name__}") from exc
            raise LLMUnavailable(f"LLM server unreachable at {self._cfg.base_url}: {type(exc).__name__}") from exc

    async def prefill(self, messages: list[dict[str, str]]) -> None:
        """Nothing to do: vLLM's automatic prefix caching reuses repeated prompt prefixes itself."""

    async def aclose(self) -> None:
        await self._client.aclose()


def _parse_sse_line(line: str) -> str | None:
    """The text in one server-sent event line; '' for keep-alives, None at [DONE]."""
    if not line.startswith("data:"):
        return ""
    payload = line[5:].strip()
    if payload == "[DONE]":
        return None
    try:
        choices = json.loads(payload).get("choices") or [{}]
    except (json.JSONDecodeError, AttributeError) as exc:
        raise LLMUnavailable("LLM server sent a malformed stream event") from exc
    delta = choices[0].get("delta") or {}
    return delta.get("content") or ""

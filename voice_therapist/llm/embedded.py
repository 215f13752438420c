"""The embedded default: a GGUF model run in-process by llama-cpp-python."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

from ..config import LlmConfig
from ..model_registry import resolve_model_path
from .base import LLMUnavailable

_DONE = object()


class LlamaCppChat:
    def __init__(self, cfg: LlmConfig):
        from llama_cpp import Llama  # imported here: building it is optional for the openai backend

        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        path = resolve_model_path("smollm2-135m", cfg.model)
        self._cfg = cfg
        self._llm = Llama(model_path=str(path), n_ctx=cfg.n_ctx, n_threads=cfg.n_threads, verbose=False)
        self._lock = threading.Lock()  # one llama context: generations take turns
        # The model's own chat template, without the generation prompt, renders a prompt's
        # prefix exactly as create_chat_completion will render the whole prompt later.
        template = self._llm.metadata.get("tokenizer.chat_template")
        self._prefix_format = Jinja2ChatFormatter(
            template=template, eos_token=self._token_text(self._llm.token_eos()),
            bos_token=self._token_text(self._llm.token_bos()), add_generation_prompt=False,
        ) if template else None

    def _token_text(self, token: int) -> str:
        return self._llm.detokenize([token], special=True).decode("utf-8", "replace") if token != -1 else ""

    def _prefill(self, messages: list[dict[str, str]]) -> None:
        with self._lock:
            prompt = self._prefix_format(messages=messages).prompt
            # Evaluating the prefix leaves it in the KV cache; llama-cpp-python reuses the
            # longest common prefix of the next prompt, so only the rest is evaluated then.
            self._llm.create_completion(prompt=prompt, max_tokens=1, temperature=0.0)

    async def prefill(self, messages: list[dict[str, str]]) -> None:
        """Evaluate the start of the next prompt now, while the user is still speaking."""
        if self._prefix_format is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._prefill, messages)

    def _generate(self, messages, opts, emit, stop: threading.Event) -> None:
        try:
            with self._lock:
                kwargs: dict[str, Any] = {}
                if opts.get("json_schema") is not None:
                    kwargs["response_format"] = {"type": "json_object", "schema": opts["json_schema"]}
                chunks = self._llm.create_chat_completion(
                    messages=messages,
                    stream=True,
                    max_tokens=opts.get("max_tokens", self._cfg.max_tokens),
                    temperature=opts.get("temperature", self._cfg.temperature),
                    **kwargs,
                )
                for chunk in chunks:
                    if stop.is_set():
                        break
                    piece = chunk["choices"][0]["delta"].get("content")
                    if piece:
                        emit(piece)
        except Exception as exc:  # the model failing must not kill the session
            emit(LLMUnavailable(f"embedded LLM failed: {type(exc).__name__}: {exc}"))
        finally:
            emit(_DONE)

    async def stream(self, messages: list[dict[str, str]], **opts: Any) -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()
        stop = threading.Event()

        def emit(item: object) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, item)

        worker = loop.run_in_executor(None, self._generate, messages, opts, emit, stop)
        try:
            while True:
                item = await queue.get()
                if item is _DONE:
                    break
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            stop.set()  # a cancelled consumer stops the generation at the next token
            worker.add_done_callback(lambda f: f.exception())  # nothing left unretrieved

    async def aclose(self) -> None:
        return None

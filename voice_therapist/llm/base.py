from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Protocol


class LLMUnavailable(RuntimeError):
    """The model could not answer (down, timed out, refused); the session falls back to its script."""


class ChatModel(Protocol):
    """`stream` yields text pieces as they are generated; cancelling the consumer stops generation.

    `prefill` may evaluate the start of a coming prompt ahead of time (or do nothing).
    """

    def stream(self, messages: list[dict[str, str]], **opts: Any) -> AsyncIterator[str]: ...

    async def prefill(self, messages: list[dict[str, str]]) -> None: ...

    async def aclose(self) -> None: ...

from __future__ import annotations

from ..config import LlmConfig
from .base import ChatModel


def make_chat_model(cfg: LlmConfig) -> ChatModel:
    if cfg.backend == "openai":
        from .openai_api import OpenAIChat

        return OpenAIChat(cfg)
    from .embedded import LlamaCppChat

    return LlamaCppChat(cfg)

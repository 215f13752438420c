"""The models, loaded once per process and shared by every session."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

from ..asr.base import SpeechRecognizer
from ..config import Config
from ..llm.base import ChatModel
from ..tts.base import SpeechSynthesizer

log = logging.getLogger(__name__)


@dataclass
class Models:
    asr: SpeechRecognizer
    tts: SpeechSynthesizer
    llm: ChatModel | None
    executor: ThreadPoolExecutor

    async def run_blocking(self, fn: Callable[..., Any], *args: Any) -> Any:
        """CPU-heavy stages run here, off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    async def aclose(self) -> None:
        if self.llm is not None:
            await self.llm.aclose()
        self.executor.shutdown(wait=False, cancel_futures=True)


def load_models(cfg: Config) -> Models:
    from ..asr.whisper import WhisperRecognizer
    from ..llm.factory import make_chat_model
    from ..tts.piper_voice import PiperSynthesizer

    log.info("loading models (asr=%s, tts=%s, llm=%s)", cfg.asr.backend, cfg.tts.backend, cfg.llm.backend)
    return Models(
        asr=WhisperRecognizer(cfg.asr),
        tts=PiperSynthesizer(cfg.tts),
        llm=make_chat_model(cfg.llm),
        executor=ThreadPoolExecutor(max_workers=4, thread_name_prefix="vt-stage"),
    )

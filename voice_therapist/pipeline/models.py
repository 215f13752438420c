"""The models, loaded once per process and shared by every session."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from ..asr.base import SpeechRecognizer
from ..config import Config
from ..dialogue.protocol import Protocols
from ..llm.base import ChatModel
from ..tts.base import SpeechSynthesizer
from ..tts.phrase_cache import PhraseCache

if TYPE_CHECKING:
    import numpy as np

    from ..measures.definition import Measures
    from ..nlp.distortions import DistortionNamer
    from ..nlp.embedder import SentenceEmbedder
    from ..nlp.router import ModalityRouter
    from ..safety.detector import CrisisModels
    from ..turn.smart_turn import SmartTurn

log = logging.getLogger(__name__)


@dataclass
class Models:
    asr: SpeechRecognizer
    tts: SpeechSynthesizer
    llm: ChatModel | None
    protocols: Protocols
    embedder: "SentenceEmbedder"
    router: "ModalityRouter"
    distortions: "DistortionNamer"
    crisis: "CrisisModels"
    executor: ThreadPoolExecutor
    phrases: PhraseCache | None = None
    understander: Any = None  # llm.backend openai: the model reads each turn's kind and slots (dialogue/openai_understanding.py)
    measures: "Measures | None" = None  # PHQ-9, GAD-7 (protocols/measures/); None: never asked
    smart_turn: "SmartTurn | None" = None  # the end-of-turn audio model (turn.end_of_turn: model)
    hold_on: tuple[str, ...] = ()  # the reviewed "mm" lines said into a long unfinished pause

    async def run_blocking(self, fn: Callable[..., Any], *args: Any) -> Any:
        """CPU-heavy stages run here, off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    async def synthesize(self, text: str) -> "np.ndarray":
        """A reply piece's audio: at once from the phrase cache, else rendered off the loop."""
        cached = self.phrases.get(text) if self.phrases is not None else None
        return cached if cached is not None else await self.run_blocking(self.tts.synthesize, text)

    async def warm_up(self) -> None:
        """One small run of each model, so the first user does not pay for lazy set-up."""
        import numpy as np

        from ..dialogue.prompt import SYSTEM
        from ..llm.base import LLMUnavailable

        await self.run_blocking(self.asr.transcribe, np.zeros(16000, np.int16))
        await self.run_blocking(self.tts.synthesize, "Hello.")
        if self.phrases is not None:
            rendered = await self.run_blocking(self.phrases.prepare)
            log.info("phrase cache: %d pieces ready, %d rendered now", len(self.phrases), rendered)
        from ..prosody.features import warm_up as compile_prosody

        await self.run_blocking(compile_prosody)  # librosa's numba kernels compile on first use
        if self.smart_turn is not None:
            from ..turn.end_of_turn import gather

            await self.run_blocking(gather, self.smart_turn, np.zeros(16000, np.int16), "")
        if self.llm is not None:
            try:
                async for _ in self.llm.stream([{"role": "system", "content": SYSTEM},
                                                {"role": "user", "content": "Hello."}], max_tokens=1):
                    pass
            except LLMUnavailable as exc:  # a remote server may come up later; sessions fall back
                log.warning("LLM not reachable at start-up: %s", exc)

    async def aclose(self) -> None:
        if self.llm is not None:
            await self.llm.aclose()
        self.executor.shutdown(wait=False, cancel_futures=True)


def load_models(cfg: Config, protocols: Protocols) -> Models:
    from ..asr.whisper import WhisperRecognizer
    from ..measures.definition import load_measures
    from ..llm.factory import make_chat_model
    from ..nlp.distortions import DistortionNamer
    from ..nlp.embedder import SentenceEmbedder
    from ..nlp.router import ModalityRouter
    from ..safety.detector import load_models as load_crisis_models
    from ..tts.piper_voice import PiperSynthesizer

    log.info("loading models (asr=%s, tts=%s, llm=%s)", cfg.asr.backend, cfg.tts.backend, cfg.llm.backend)
    if cfg.session.modality and cfg.session.modality not in protocols.modalities:
        from ..config import ConfigError

        raise ConfigError(f"session.modality: no protocol named {cfg.session.modality!r}")
    embedder = SentenceEmbedder()
    tts = PiperSynthesizer(cfg.tts)
    smart_turn, hold_on = _end_of_turn(cfg)
    return Models(
        asr=WhisperRecognizer(cfg.asr),
        tts=tts,
        llm=make_chat_model(cfg.llm),
        protocols=protocols,
        embedder=embedder,
        router=ModalityRouter(embedder, protocols),
        distortions=DistortionNamer(embedder),
        crisis=load_crisis_models(protocols, embedder),
        executor=ThreadPoolExecutor(max_workers=4, thread_name_prefix="vt-stage"),
        phrases=_phrase_cache(cfg, protocols, tts, embedder.cache.directory) if cfg.tts.phrase_cache else None,
        understander=_understander(cfg),
        measures=load_measures(),
        smart_turn=smart_turn,
        hold_on=hold_on,
    )


def _understander(cfg: Config):
    if cfg.llm.backend != "openai":
        return None  # the embedded model cannot read a turn: the rules do
    from ..dialogue.openai_understanding import OpenAIUnderstander

    return OpenAIUnderstander(cfg.llm)


def _end_of_turn(cfg: Config):
    """Smart Turn and the hold-on lines, when pauses are judged by the model (else nothing)."""
    if cfg.turn.end_of_turn != "model":
        return None, ()
    from ..turn.hold_on import load_hold_on
    from ..turn.smart_turn import SmartTurn

    return SmartTurn.default(), load_hold_on()


def _phrase_cache(cfg: Config, protocols: Protocols, tts, cache_dir) -> PhraseCache:
    from ..safety.responses import SafetyScripts
    from ..text.chunker import chunk_text
    from .phrases import fixed_first_pieces

    def chunk(line: str) -> list[str]:  # as the responder cuts a scripted line
        return chunk_text(line, cfg.chunker.first_clause_min_words, cfg.chunker.max_words)

    phrases = fixed_first_pieces(protocols, SafetyScripts(cfg.safety.locale), chunk)
    return PhraseCache(tts, phrases, tts.fingerprint, cache_dir / "phrases")

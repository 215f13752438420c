"""One voice conversation: audio frames in, audio frames out, events to the side.

A transport calls `tick` once per 20 ms input frame and plays the frame it returns. The
heavy stages (ASR, LLM, TTS) run as tasks off the event loop; `tick` itself only does VAD
and bookkeeping, so playback can stop within the frame a barge-in is detected.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

from ..asr.streaming import TurnTranscriber
from ..audio.pcm import FRAME_MS
from ..config import Config
from ..dialogue.engine import StepEngine
from ..dialogue.protocol import Protocol
from ..dialogue.responder import Responder, Sentence, split_sentences
from ..frames import Interrupt, Risk, Transcript
from ..safety.detector import CrisisDetector
from ..safety.levels import rank
from ..safety.responses import SafetyScripts
from ..turn.backchannel import is_backchannel
from ..turn.detector import TurnDetector, TurnEvent, TurnSignal
from .models import Models
from .playback import Playback
from .turn_record import TurnRecord

log = logging.getLogger(__name__)
PAUSE_COMMIT_MS = 120  # a pause this long inside a turn lets the ASR commit what came before


class VoiceSession:
    def __init__(self, cfg: Config, models: Models, protocol: Protocol,
                 emit: Callable[[dict[str, Any]], None], safety: SafetyScripts | None = None):
        self.cfg = cfg
        self.models = models
        self._emit_event = emit
        self.turns = TurnDetector(cfg.turn)
        self.playback = Playback()
        self.crisis = CrisisDetector()
        self.safety = safety or SafetyScripts()
        self.engine = StepEngine(protocol)
        self.responder = Responder(models.llm, cfg.llm, cfg.chunker, self._emit)
        self.history: list[dict[str, str]] = []
        self._frame_walls: deque[tuple[float, float]] = deque(maxlen=400)
        self._transcriber: TurnTranscriber | None = None
        self._turn_start_ms = 0.0
        self._turn_index = 0
        self._active: TurnRecord | None = None
        self._reply_task: asyncio.Task | None = None
        self._barge_check: asyncio.Task | None = None  # is the speech over our reply words or "mm-hm"?
        self._backchannels: set[int] = set()  # ids of turns found to be only "mm-hm"
        self._next_frame_ms = 0.0
        self._pending_barge_in = False
        self._tasks: set[asyncio.Task] = set()
        self._carry_text = ""  # user words whose reply was cut before a sound was played

    # --- the per-frame path -------------------------------------------------------------
    def tick(self, pcm: np.ndarray, t_ms: float) -> np.ndarray:
        now = time.perf_counter()
        self._next_frame_ms = t_ms + FRAME_MS
        self._frame_walls.append((t_ms + FRAME_MS, now))
        signals = self.turns.process(pcm, t_ms, assistant_speaking=self.assistant_active)
        fed = False
        for signal in signals:
            fed |= self._on_signal(signal, now)
        if self.turns.in_turn and self._transcriber is not None:
            if not fed:
                self._transcriber.feed(pcm)
            if self._transcriber.want_partial():
                self._spawn(self._partial(self._transcriber, t_ms))
        frame = self.playback.next_frame()
        self.turns.echo.played(frame.pcm)
        if self._active is not None and self._active.index in frame.started:
            self._active.mark("first_audio_out", now)
        for reply_id in frame.finished:
            if self._active is not None and self._active.index == reply_id:
                self._finish(self._active)
        return frame.pcm

    @property
    def assistant_active(self) -> bool:
        """From the end of a user turn until the reply has finished playing."""
        return self._active is not None or self.playback.speaking

    @property
    def awaiting_reply(self) -> bool:
        """A reply is being prepared and nothing plays yet, or a barge-in is being checked.

        A file driver running faster than real time waits here, so that compute costs no
        media time and the timeline stays what a live caller would hear.
        """
        preparing = self._reply_task is not None and not self._reply_task.done() and not self.playback.speaking
        checking = self._barge_check is not None and not self._barge_check.done()
        return preparing or checking

    def _on_signal(self, signal: TurnSignal, now: float) -> bool:
        if signal.event is TurnEvent.SPEECH_STARTED:
            barging_in = self._pending_barge_in
            self._pending_barge_in = False
            self._turn_start_ms = signal.t_ms
            self._transcriber = TurnTranscriber(self.models.asr, self.models.run_blocking, self.cfg.asr.partial_interval_ms)
            for frame in signal.preroll:
                self._transcriber.feed(frame)
            self._emit({"type": "SpeechStarted", "t_ms": signal.t_ms})
            if barging_in:
                self._barge_check = self._spawn(self._check_barge_in(self._transcriber, self._turn_index + 1))
            elif self._active is not None:
                self.interrupt()  # spoke again before the reply was heard
            return True
        if signal.event is TurnEvent.BARGE_IN:
            self._pending_barge_in = True
        elif signal.event is TurnEvent.SPECULATE and self._transcriber is not None:
            self._transcriber.speculate()
        elif signal.event is TurnEvent.RESUMED and self._transcriber is not None:
            self._transcriber.cancel_speculation()
        elif signal.event is TurnEvent.SPEECH_ENDED and self._transcriber is not None:
            self._turn_index += 1
            record = TurnRecord(
                index=self._turn_index,
                speech_start_ms=self._turn_start_ms,
                speech_end_ms=signal.t_ms,
                end_of_speech_wall=self._wall_at(signal.t_ms, now),
            )
            record.mark("endpoint", now)
            self._emit({"type": "SpeechEnded", "t_ms": signal.t_ms})
            transcriber, self._transcriber = self._transcriber, None
            check = self._barge_check
            if check is not None and not check.done():
                self._spawn(self._reply_after_check(check, record, transcriber))
            elif record.index not in self._backchannels:
                self._begin_reply(record, transcriber)
        return False

    def _begin_reply(self, record: TurnRecord, transcriber: TurnTranscriber) -> None:
        self._active = record
        self._reply_task = self._spawn(self._respond(record, transcriber))

    async def _reply_after_check(self, check: asyncio.Task, record: TurnRecord, transcriber: TurnTranscriber) -> None:
        await asyncio.shield(check)
        if record.index not in self._backchannels:
            self._begin_reply(record, transcriber)

    def _wall_at(self, media_ms: float, default: float) -> float:
        for end_ms, wall in reversed(self._frame_walls):
            if end_ms <= media_ms:
                return wall
        return default

    # --- barge-in -------------------------------------------------------------------------
    async def _check_barge_in(self, transcriber: TurnTranscriber, turn_index: int) -> None:
        """Speech over our reply: words interrupt, a listener's "mm-hm" does not."""
        heard = await self.models.run_blocking(self.models.asr.transcribe, transcriber.audio.copy())
        if is_backchannel(heard):
            self._backchannels.add(turn_index)
            self._emit({"type": "Backchannel", "t_ms": self._next_frame_ms})
        else:
            self.interrupt()

    def interrupt(self) -> None:
        """Stop talking now: drop queued audio, cancel generation, keep only what was heard."""
        record = self._active
        heard = self.playback.clear()
        if self._reply_task is not None and not self._reply_task.done():
            self._reply_task.cancel()
        if record is None:
            return
        spoken = heard.get(record.index) or self.playback.spoken_text(record.index)
        if not spoken and record.user_text:
            # Nothing was heard: the user's words roll into their next turn.
            self._carry_text = record.user_text
            if self.history and self.history[-1]["role"] == "user":
                self.history.pop()
        record.interrupted = True
        self._finish(record, spoken_override=spoken)
        # Playback is silent from the start of the next output frame.
        self._emit(Interrupt(t_ms=self._next_frame_ms, spoken_text=spoken).to_event())

    # --- the reply path -------------------------------------------------------------------
    async def _partial(self, transcriber: TurnTranscriber, t_ms: float) -> None:
        text = await transcriber.partial(commit_pause=self.turns.pause_ms >= PAUSE_COMMIT_MS)
        if text and transcriber is self._transcriber:
            self._emit(Transcript(text=text, final=False, t_ms=t_ms).to_event())

    async def _respond(self, record: TurnRecord, transcriber: TurnTranscriber) -> None:
        try:
            await self._reply(record, transcriber)
        except asyncio.CancelledError:
            raise
        except Exception:
            self._finish(record)  # whatever was queued still plays; the session goes on
            raise

    async def _reply(self, record: TurnRecord, transcriber: TurnTranscriber) -> None:
        text = await transcriber.final()
        record.mark("asr_final")
        text = f"{self._carry_text} {text}".strip() if self._carry_text else text
        self._carry_text = ""
        if not text:
            self._active = None  # noise, not words: nothing to answer
            return
        record.user_text = text
        self._emit(Transcript(text=text, final=True, t_ms=record.speech_end_ms).to_event())

        before = self.crisis.session_level
        risk, _ = self.crisis.assess(text)
        record.mark("crisis_check")
        record.risk = risk.level
        self._emit(risk.to_event())
        self.history.append({"role": "user", "content": text})

        move = self.engine.move(text)
        record.modality, record.step = move.modality, move.step
        safety_line = self._safety_line(risk, before)
        if safety_line is not None:
            sentences = _scripted(safety_line)
        else:
            goal = self.engine.protocol.step(move.step).goal
            history = self.history[-1 - 2 * self.cfg.session.history_turns:-1]
            sentences = self.responder.reply(move, goal, history, text, on_first_token=lambda: record.mark("llm_first_token"))
        async for sentence in sentences:
            record.mark("llm_first_token")
            audio = await self.models.run_blocking(self.models.tts.synthesize, sentence.text)
            record.mark("tts_first_audio")
            record.sources.append(sentence.source)
            self.playback.enqueue(record.index, sentence.text, audio)
        if safety_line is None:
            self.engine.advance()
        if self.playback.close_reply(record.index) and self._active is record:
            self._finish(record)

    def _safety_line(self, risk: Risk, level_before: str) -> str | None:
        """The reviewed safety script, when this turn raised the risk or took a separate path."""
        raised = rank(risk.level) > rank(level_before) and risk.level != "none"
        if raised or risk.level in ("harm_others", "abuse"):
            return self.safety.reply(risk.level)
        return None

    def _finish(self, record: TurnRecord, spoken_override: str | None = None) -> None:
        if self._active is not record:
            return
        self._active = None
        record.assistant_text = spoken_override if spoken_override is not None else self.playback.spoken_text(record.index)
        if record.assistant_text:
            self.history.append({"role": "assistant", "content": record.assistant_text})
        self.playback.forget(record.index)
        if record.user_text:
            self._emit(record.to_event())
            log.info("turn %d done: source=%s risk=%s latency=%s", record.index,
                     record.to_event()["reply_source"], record.risk, record.latency_ms())

    # --- plumbing -------------------------------------------------------------------------
    def _emit(self, event: Any) -> None:
        self._emit_event(event if isinstance(event, dict) else event.to_event())

    def _spawn(self, coro) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            log.error("session task failed: %s", type(exc).__name__, exc_info=exc)
            self._emit({"type": "ErrorEvent", "stage": "session", "message": f"{type(exc).__name__}: {exc}"})

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def _scripted(text: str):
    for sentence in split_sentences(text):
        yield Sentence(sentence, "scripted")

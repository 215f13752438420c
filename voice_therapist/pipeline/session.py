"""One voice conversation: audio frames in, audio frames out, events to the side.

A transport calls `tick` once per 20 ms input frame and plays the frame it returns. The
heavy stages (ASR, LLM, TTS) run as tasks off the event loop; `tick` itself only does VAD
and bookkeeping, so playback can stop within the frame a barge-in is confirmed.

A reply starts speculatively once the user has been quiet for `speculative_silence_ms`:
final transcript, crisis check, LLM and TTS all run while the endpoint silence is still
being confirmed. Nothing is heard and no state changes until the endpoint commits the turn;
if the user goes on speaking, the speculative reply is dropped without a trace.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import numpy as np

from ..asr.streaming import TurnTranscriber
from ..audio.pcm import FRAME_MS
from ..config import Config
from ..dialogue.engine import EngineState, MemoryContext, Plan, SessionEngine, TurnContext
from ..dialogue.responder import Responder, Sentence
from ..frames import (ArtifactSaved, Backchannel, ErrorEvent, Escalated, HeldOn, Interrupt, Prosody, ReplyText,
                      Resumed, Routed, SpeechEnded, SpeechStarted, Transcript)
from ..measures.hook import FOLLOWS, PAUSED, EngineView, MeasureHook, MeasureTurn
from ..measures.lean import GroundingLean
from ..nlp.embedder import relevance
from ..prosody.baseline import Baseline
from ..prosody.stress import ProsodyTracker
from ..safety.age import says_under_18
from ..safety.country import named_locale
from ..safety.detector import Assessment, CrisisDetector
from ..safety.escalation import EscalationEvent, needs_escalation
from ..safety.escalation_service import EscalationService
from ..safety.levels import SEPARATE, at_least, rank
from ..safety.responses import SafetyScriptError, SafetyScripts
from ..safety.screener import asks_for_the_line
from ..safety.risk_answers import asked_level, risk_answer
from ..storage.store import Storage
from ..turn.backchannel import is_backchannel
from ..turn.detector import TurnDetector, TurnEvent, TurnSignal
from ..turn.end_of_turn import judge, listen, with_words
from ..turn.hold_on import HoldOn
from .models import Models
from .persistence import OrderedWriter
from .playback import Playback
from .turn_decision import TurnDecision
from .turn_record import TurnRecord

log = logging.getLogger(__name__)
PAUSE_COMMIT_MS = 120  # a pause this long inside a turn lets the ASR commit what came before
RESUME_HISTORY_TURNS = 20  # turns of the conversation kept in the resume snapshot
CLOSE_SETTLE_S = 30.0  # at close, a committed turn's decision may take this long (a long final ASR pass)


class VoiceSession:
    def __init__(self, cfg: Config, models: Models, emit: Callable[[dict[str, Any]], None], *,
                 escalations: EscalationService, user_id: str = "local", memory: Storage | None = None,
                 safety: SafetyScripts | None = None):
        self.cfg = cfg
        self.models = models
        self._emit_event = emit
        self.user_id = user_id
        self.memory = memory  # None: an anonymous caller, nothing is kept
        resumed = memory.resumable(user_id, cfg.storage.resume_within_minutes * 60) if memory else None
        self.session_id = resumed[0] if resumed else (memory.start_session(user_id) if memory else None)
        self._writer = OrderedWriter()
        self.turns = TurnDetector(cfg.turn)
        self.playback = Playback()
        self.crisis = CrisisDetector(models.crisis)
        known_voice = memory.voice_baseline(user_id) if memory else None
        self.prosody = ProsodyTracker(Baseline.from_dict(known_voice) if known_voice else None)
        self.safety = safety or SafetyScripts(cfg.safety.locale)
        self.escalations = escalations  # the process's: it delivers and retries, whatever this session does
        earlier_measures = memory.artifacts(user_id, "measure") if memory and models.measures else []
        self.engine = SessionEngine(
            models.protocols, GroundingLean.from_records(models.router, models.measures, earlier_measures),
            models.distortions,
            memory.memory_context(user_id) if memory else MemoryContext(),
            budget_minutes=cfg.session.budget_minutes, pinned=cfg.session.modality or None,
            resources=self.safety.resources, understander=models.understander)
        self.measures = self._measure_hook(earlier_measures)  # None: no questionnaires in this process
        self.responder = Responder(models.llm, cfg.llm, cfg.chunker, self._emit,
                                   relevance=functools.partial(models.run_blocking, relevance, models.embedder))
        self.history: list[dict[str, str]] = []
        self._frame_walls: deque[tuple[float, float]] = deque(maxlen=400)
        self._next_frame_ms = 0.0
        self._transcriber: TurnTranscriber | None = None
        self._turn_start_ms = 0.0
        self._turns_committed = 0
        self._reply_ids = 0
        self._pending: tuple[TurnRecord, asyncio.Task] | None = None  # a speculative reply
        self._active: TurnRecord | None = None  # the committed reply, until it has been heard
        self._reply_task: asyncio.Task | None = None
        self._barge_in_detected = False
        self._barge_check: asyncio.Task | None = None  # words over our reply, or only "mm-hm"?
        self._backchannel_turn = False
        self._tasks: set[asyncio.Task] = set()
        self._deliveries: set[asyncio.Task] = set()  # escalations in flight: awaited, never cancelled, at close
        self._settling: set[asyncio.Task] = set()  # committed turns being decided and applied: awaited at close
        self._minor = False  # said they are under 18: from then on, only youth resources
        # User turns whose reply was cut before a sound of it was heard: their words (a
        # transcriber when the final text was not ready yet) lead into the next turn.
        self._carry: list[str | TurnTranscriber] = []
        self._elapsed_before_s = 0.0  # session time spent before a resume
        self._judging: asyncio.Task | None = None  # the current pause's end-of-turn judgement
        self._hold_on = HoldOn(models.hold_on) if models.hold_on else None
        self._hold_on_ready: tuple[int, str, np.ndarray] | None = None  # (pause, line, audio) to say if it lasts
        if resumed:
            self._restore(resumed[1])

    # --- the per-frame path -------------------------------------------------------------
    def tick(self, pcm: np.ndarray, t_ms: float) -> np.ndarray:
        now = time.perf_counter()
        self._next_frame_ms = t_ms + FRAME_MS
        self._frame_walls.append((t_ms + FRAME_MS, now))
        fed = False
        for signal in self.turns.process(pcm, t_ms, assistant_speaking=self.assistant_active):
            fed |= self._on_signal(signal, now)
        self._say_hold_on_if_due()
        if self.turns.in_turn and self._transcriber is not None:
            if not fed:
                self._transcriber.feed(pcm)
            if self._transcriber.want_partial():
                self._spawn(self._partial(self._transcriber, t_ms))
        frame = self.playback.next_frame()
        self.turns.echo.played(frame.pcm)
        active = self._active
        if active is not None and active.reply_id in frame.started:
            active.mark("first_audio_out", now)
        if active is not None and active.reply_id in frame.finished:
            self._finish(active)
        return frame.pcm

    @property
    def assistant_active(self) -> bool:
        """From the end of a user turn until the reply has finished playing."""
        return self._active is not None or self.playback.speaking

    @property
    def awaiting_reply(self) -> bool:
        """A committed reply is being prepared and nothing plays yet, or a barge-in is checked.

        A file driver running faster than real time waits here, so that compute costs no
        media time and the timeline stays what a live caller would hear.
        """
        preparing = self._active is not None and not self.playback.speaking and not (
            self._reply_task is None or self._reply_task.done())
        judging = self._judging is not None and not self._judging.done()
        return preparing or self._checking_barge_in or judging

    def _on_signal(self, signal: TurnSignal, now: float) -> bool:
        event = signal.event
        if event is TurnEvent.BARGE_IN:
            self._barge_in_detected = True
        elif event is TurnEvent.SPEECH_STARTED:
            self._start_turn(signal)
            return True
        elif event is TurnEvent.SPECULATE and self._transcriber is not None:
            self._transcriber.speculate()
            if self.turns.judging:
                self._judging = self._spawn(self._judge_pause(self._transcriber, self.turns.pause_number))
            if not self.assistant_active and not self._checking_barge_in:
                self._pending = self._prepare_reply(self._transcriber, signal.t_ms, now)
        elif event is TurnEvent.RESUMED and self._transcriber is not None:
            self._transcriber.cancel_speculation()
            self._drop_pending()
        elif event is TurnEvent.SPEECH_ENDED and self._transcriber is not None:
            self._end_turn(signal, now)
        return False

    def _start_turn(self, signal: TurnSignal) -> None:
        self._turn_start_ms = signal.t_ms
        self._backchannel_turn = False
        self._transcriber = TurnTranscriber(self.models.asr, self.models.run_blocking, self.cfg.asr.partial_interval_ms)
        for frame in signal.preroll:
            self._transcriber.feed(frame)
        self._emit(SpeechStarted(t_ms=signal.t_ms))
        # While a reply is on its way the detector always reports BARGE_IN first, so speech
        # over an active reply is checked (words or "mm-hm?") before it can interrupt.
        if self._barge_in_detected:
            self._barge_in_detected = False
            self._barge_check = self._spawn(self._check_barge_in(self._transcriber))
        if not self.assistant_active:
            self._prefill()

    def _prefill(self) -> None:
        """Evaluate the LLM prompt up to the user's words while they are being spoken."""
        if self.measures is not None and self.measures.holds_floor:
            return  # a questionnaire's item is answered: no LLM this turn
        context = self.engine.prompt_context()
        if context is not None and self.responder.asks_llm:  # else no LLM: its CPU goes to recognition
            self._spawn(self.responder.prefill(*context, self._llm_history()))

    def _end_turn(self, signal: TurnSignal, now: float) -> None:
        self._emit(SpeechEnded(t_ms=signal.t_ms))
        transcriber, self._transcriber = self._transcriber, None
        pending, self._pending = self._pending, None
        if self._checking_barge_in:
            self._spawn(self._end_after_barge_check(transcriber, signal, now))
        elif not self._backchannel_turn:
            self._commit(pending or self._prepare_reply(transcriber, signal.t_ms, now), now)

    async def _end_after_barge_check(self, transcriber: TurnTranscriber, signal: TurnSignal, now: float) -> None:
        await asyncio.shield(self._barge_check)
        if not self._backchannel_turn:
            self._commit(self._prepare_reply(transcriber, signal.t_ms, now), now)

    @property
    def _checking_barge_in(self) -> bool:
        return self._barge_check is not None and not self._barge_check.done()

    def _wall_at(self, media_ms: float, default: float) -> float:
        for end_ms, wall in reversed(self._frame_walls):
            if end_ms <= media_ms:
                return wall
        return default

    # --- end of turn ---------------------------------------------------------------------
    async def _judge_pause(self, transcriber: TurnTranscriber, pause: int) -> None:
        """Is this pause the end of the turn? The words come from the speculative final pass the
        reply needs anyway, so judging costs the reply no time."""
        smart_turn = self.models.smart_turn if self.cfg.turn.smart_turn_weight > 0 else None
        sound, text = await asyncio.gather(  # the sound is read while the words are recognised
            self.models.run_blocking(listen, smart_turn, transcriber.audio.copy()), transcriber.final())
        verdict = judge(with_words(sound, text), self.cfg.turn)
        self.turns.judge(pause, verdict.silence_ms)
        wait_ms = self.cfg.turn.backchannel_silence_ms
        if not verdict.finished and self._hold_on is not None and 0 < wait_ms < verdict.silence_ms:
            line = self._hold_on.next_line()
            self._hold_on_ready = (pause, line, await self.models.synthesize(line))

    def _say_hold_on_if_due(self) -> None:
        """A long pause inside an unfinished turn hears a reviewed "mm", never the next question."""
        ready = self._hold_on_ready
        if ready is None or self.turns.pause_ms < self.cfg.turn.backchannel_silence_ms:
            return
        self._hold_on_ready = None
        pause, line, audio = ready
        if self.turns.in_turn and pause == self.turns.pause_number and not self.assistant_active:
            self._reply_ids += 1
            self.playback.enqueue(self._reply_ids, line, audio)
            self.playback.close_reply(self._reply_ids)
            self._emit(HeldOn(t_ms=self._next_frame_ms))

    # --- barge-in -------------------------------------------------------------------------
    async def _check_barge_in(self, transcriber: TurnTranscriber) -> None:
        """Speech over our reply: words interrupt, a listener's "mm-hm" does not."""
        heard = await self.models.run_blocking(self.models.asr.transcribe, transcriber.audio.copy())
        if is_backchannel(heard):
            self._backchannel_turn = True
            self._emit(Backchannel(t_ms=self._next_frame_ms))
        else:
            self.interrupt()
            self._prefill()

    def interrupt(self) -> None:
        """Stop talking now: drop queued audio, cancel generation, keep only what was heard."""
        record = self._active
        heard = self.playback.clear()
        if self._reply_task is not None and not self._reply_task.done():
            self._reply_task.cancel()
        if record is None:
            return
        spoken = heard.get(record.reply_id) or self.playback.spoken_text(record.reply_id)
        if not record.user_text:  # still being decided: it counts all the same, and its words lead the next turn
            self._carry.append(record.transcriber)
        elif not spoken:
            self._carry.append(record.user_text)
            if self.history and self.history[-1]["role"] == "user":
                self.history.pop()
        record.interrupted = True
        self._finish(record, spoken_override=spoken)
        # Playback is silent from the start of the next output frame.
        self._emit(Interrupt(t_ms=self._next_frame_ms, spoken_text=spoken))

    # --- the reply path -------------------------------------------------------------------
    async def _partial(self, transcriber: TurnTranscriber, t_ms: float) -> None:
        text = await transcriber.partial(commit_pause=self.turns.pause_ms >= PAUSE_COMMIT_MS)
        if text and transcriber is self._transcriber:
            self._emit(Transcript(text=text, final=False, t_ms=t_ms))

    def _prepare_reply(self, transcriber: TurnTranscriber, end_ms: float, now: float) -> tuple[TurnRecord, asyncio.Task]:
        self._reply_ids += 1
        record = TurnRecord(
            reply_id=self._reply_ids,
            speech_start_ms=self._turn_start_ms,
            speech_end_ms=end_ms,
            end_of_speech_wall=self._wall_at(end_ms, now),
            transcriber=transcriber,
        )
        record.deciding = self._spawn(self._decide(record))
        record.settling = asyncio.ensure_future(self._settle(record))
        self._settling.add(record.settling)
        record.settling.add_done_callback(functools.partial(self._settled, record))
        return record, self._spawn(self._respond(record))

    def _drop_pending(self) -> None:
        """Speech went on: the speculative turn never counted, so all of it goes."""
        if self._pending is not None:
            record, task = self._pending
            for work in (record.deciding, record.settling, task):
                work.cancel()
            self._pending = None

    def _commit(self, prepared: tuple[TurnRecord, asyncio.Task], now: float) -> None:
        record, task = prepared
        record.mark("endpoint", now)
        self._active, self._reply_task = record, task
        record.committed.set()

    async def _respond(self, record: TurnRecord) -> None:
        try:
            await self._reply(record)
        except asyncio.CancelledError:
            raise
        except Exception:
            self._finish(record)  # whatever was queued still plays; the session goes on
            raise

    async def _decide(self, record: TurnRecord) -> TurnDecision | None:
        """What the turn means: words, risk, the protocol's move and what safety says. Runs
        speculatively in the endpoint silence; nothing changes until `_settle` applies it."""
        carried = list(self._carry)
        heard = [c if isinstance(c, str) else await c.final() for c in carried]
        heard.append(await record.transcriber.final())
        record.mark("asr_final")
        text = " ".join(h for h in heard if h).strip()
        if not text:
            return None  # noise, not words: nothing to answer
        # The words and the voice are read side by side; the voice can only add a gentle check-in.
        assessment, (stress, features) = await asyncio.gather(
            self.models.run_blocking(self.crisis.assess, text, self._last_reply_heard()),
            self.models.run_blocking(self.prosody.measure, record.transcriber.audio, len(text.split())))
        assessment = self.crisis.with_stress(assessment, stress.score)
        record.prosody = (stress, features)
        record.mark("crisis_check")
        before = _engine_view(self.engine.state)
        measure = self.measures.read(text, self._last_reply_heard(), before, assessment.session_level) \
            if self.measures is not None else None
        if measure is not None and measure.raises:  # a safety item above 0: the person's own answer, the screener asks now
            assessment = self.crisis.raised_to(assessment, measure.raises, f"measure:{measure.measure}")
        # Only explicit words start the crisis path; a level the learned layers alone raised is asked about first.
        context = TurnContext(elapsed_s=self._elapsed_before_s + record.speech_end_ms / 1000, stress=stress.score,
                              risk_level=assessment.said_level)
        declined = self._declined_check(text, assessment)
        plan = self.engine.resume() if declined else await self.models.run_blocking(self.engine.plan, text, context)
        record.mark("routing")
        if plan.raises:
            assessment = self.crisis.raised_to(assessment, plan.raises, f"screener:{self.engine.state.step}")
        minor = self._minor or says_under_18(text)
        locale = named_locale(text)
        scripts = self.safety if locale in (None, self.safety.locale) else self._scripts_for(locale)
        safety_lines, kind = self._safety_lines(assessment, plan, minor, declined, scripts, text)
        if safety_lines is not None and kind != "declined" and (minor or not plan.state.crisis_path):
            plan = None  # the protocol pauses on this turn
        if self.measures is not None:
            measure = self.measures.settle(
                measure, before=before, after=_engine_view(plan.state) if plan is not None else None,
                move_line=plan.move.scripted_line if plan is not None else "",
                safety_spoke=safety_lines is not None and kind != "declined", session_level=assessment.session_level)
            if measure is not None and measure.engine == PAUSED:
                plan = None  # the questionnaire had this turn; the protocol waits where it was
                if kind == "declined":  # the crisis line offered once, then the questions, not the paused step
                    safety_lines = [safety_lines[0], *measure.lines]
        return TurnDecision(text, len(carried), assessment, plan, minor,
                            tuple(safety_lines) if safety_lines is not None else None, kind, scripts, measure)

    async def _settle(self, record: TurnRecord) -> TurnDecision | None:
        """Once the endpoint commits the turn, its decision counts: risk, storage, escalation.
        Neither a barge-in, a failed synthesis nor the end of the call cancels this."""
        decision = await asyncio.shield(record.deciding)
        await record.committed.wait()
        if decision is not None:
            self._apply_turn(record, decision)
        return decision

    def _settled(self, record: TurnRecord, task: asyncio.Task) -> None:
        self._settling.discard(task)
        exc = None if task.cancelled() else task.exception()
        if exc is not None and not (record.deciding.done() and not record.deciding.cancelled()
                                    and record.deciding.exception() is exc):  # else reported as the deciding task's
            log.error("a turn could not be applied: %s", type(exc).__name__, exc_info=exc)
            self._emit(ErrorEvent(stage="apply_turn", message=f"{type(exc).__name__}: {exc}"))

    async def _reply(self, record: TurnRecord) -> None:
        """Speaks the turn's decision; its first sound waits until the decision has been applied."""
        decision = await asyncio.shield(record.deciding)
        if decision is None:
            await record.committed.wait()
            self._finish(record)
            return
        if decision.safety_lines is not None:
            pieces = [p for line in decision.safety_lines for p in self.responder.scripted_pieces(line)]
            sentences = _scripted(pieces)
        elif decision.measure is not None and (decision.measure.lines or decision.plan is None):
            lines = list(decision.measure.lines)
            if decision.measure.engine == FOLLOWS and decision.plan is not None:
                lines.append(decision.plan.move.scripted_line)
            sentences = _scripted([p for line in lines for p in self.responder.scripted_pieces(line)])
        elif decision.plan.scripted:
            sentences = _scripted(self.responder.scripted_pieces(decision.plan.move.scripted_line))
        else:
            plan = decision.plan
            if self.turns.judging:  # a judged pause may last 2 s: the LLM's first-sentence budget starts with the wait
                await record.committed.wait()
            sentences = self.responder.reply(plan.move, plan.goal, plan.example, self._llm_history(), decision.text,
                                             on_first_token=lambda: record.mark("llm_first_token"))
        async for sentence in sentences:
            record.mark("llm_first_token")
            audio = await self.models.synthesize(sentence.text)
            record.mark("tts_first_audio")
            await asyncio.shield(record.settling)  # nothing is heard before the turn counts
            record.sources.append(sentence.source)
            self._emit(ReplyText(text=sentence.text, t_ms=self._next_frame_ms))
            self.playback.enqueue(record.reply_id, sentence.text, audio)
        await asyncio.shield(record.settling)
        if self.playback.close_reply(record.reply_id):
            self._finish(record)

    def _apply_turn(self, record: TurnRecord, decision: TurnDecision) -> None:
        """The turn is certain: now it counts, in the order a listener would expect.

        `decision.plan` is None when the safety path answered: the protocol pauses where it was.
        """
        text, assessment, plan, minor = decision.text, decision.assessment, decision.plan, decision.minor
        del self._carry[:decision.carried]
        self._turns_committed += 1
        record.index = self._turns_committed
        record.user_text = text
        record.risk = assessment.risk.level
        self.crisis.commit(assessment)
        if decision.safety_kind == "declined":
            self.crisis.declined_check()
        elif decision.safety_kind == "check":
            self.crisis.asked_directly(max(assessment.heard, "watch", key=rank))
        if decision.scripts is not self.safety:  # the country they named: its crisis lines from now on
            self.safety = decision.scripts
            self.engine.resources = decision.scripts.resources
        self._minor = minor
        if not (record.interrupted and record.transcriber in self._carry):  # else its words lead the next turn
            self.history.append({"role": "user", "content": text})
        self._emit(Transcript(text=text, final=True, t_ms=record.speech_end_ms))
        stress, features = record.prosody
        self.prosody.learn(features)
        self._emit(Prosody(stress=round(stress.score, 3), drivers=stress.drivers, baseline_ready=stress.baseline_ready))
        self._emit(assessment.risk)
        if assessment.said_raised and needs_escalation(assessment.said_level):
            self._escalate(assessment)
        state = self.engine.state
        if plan is not None:
            self.engine.commit(plan)
            state = plan.state
            if plan.routed:
                self._emit(Routed(modality=plan.routed[0], confidence=round(plan.routed[1], 3)))
            self._emit(plan.move)
            if plan.artifact and self.memory:
                self._writer.submit(self.memory.save_artifact, self.session_id, self.user_id, plan.artifact)
                self._emit(ArtifactSaved(kind=plan.artifact["kind"]))
        if decision.measure is not None:
            self._apply_measure(decision.measure)
        record.phase, record.modality = state.phase, state.modality or ""
        record.step = plan.move.step if plan is not None else (
            "under_18" if minor else "safety_check" if decision.safety_kind == "check" else "safety")
        if plan is None and decision.measure is not None and decision.safety_kind in ("", "declined"):
            record.step = f"measure:{decision.measure.measure}"  # the questionnaire had the turn
        if self.memory:
            self._writer.submit(self.memory.update_session, self.session_id, state.slots, state.modality)
            self._record(record)

    def _apply_measure(self, turn: MeasureTurn) -> None:
        self.measures.commit(turn)
        for result in turn.records:
            if self.memory:
                self._writer.submit(self.memory.save_artifact, self.session_id, self.user_id, result)
                self._emit(ArtifactSaved(kind="measure"))
            self._emit({"type": "Measured", "measure": result["measure"], "status": result["status"],
                        "score": result.get("score"), "band": result.get("band")})

    def _measure_hook(self, earlier: list[dict]) -> MeasureHook | None:
        if self.models.measures is None:
            return None
        protocols = self.models.protocols
        return MeasureHook(self.models.measures, earlier, first_step=protocols.frame.opening[0].id,
                           screener_steps={s.id for s in protocols.safety_plan.steps if s.raises},
                           offer=self.cfg.measures.offer and self.memory is not None)

    def _record(self, record: TurnRecord) -> None:
        """The turn and where the session now stands, so a crash can resume from here."""
        self._writer.submit(self.memory.record_turn, self.session_id, record.index, record.user_text,
                            record.assistant_text, record.step, record.risk)
        self._writer.submit(self.memory.save_state, self.session_id, self._snapshot(), self.crisis.session_level)

    def _snapshot(self) -> dict:
        return {"engine": asdict(self.engine.state), "crisis": self.crisis.snapshot(), "locale": self.safety.locale,
                "history": self.history[-2 * RESUME_HISTORY_TURNS:], "turns": self._turns_committed,
                "minor": self._minor, "elapsed_s": self._elapsed_before_s + self._next_frame_ms / 1000,
                **({"measures": self.measures.snapshot()} if self.measures is not None else {})}

    def _restore(self, snapshot: dict) -> None:
        self.engine.state = EngineState(**snapshot["engine"])
        self.crisis.restore(snapshot["crisis"])
        if snapshot.get("locale") not in (None, self.safety.locale):
            self.safety = self._scripts_for(snapshot["locale"])
            self.engine.resources = self.safety.resources
        self.history = list(snapshot["history"])
        self._turns_committed = int(snapshot["turns"])
        self._minor = bool(snapshot["minor"])
        self._elapsed_before_s = float(snapshot["elapsed_s"])
        if self.measures is not None and "measures" in snapshot:
            self.measures.restore(snapshot["measures"])
        self._emit(Resumed(session_id=str(self.session_id), turns=self._turns_committed, step=self.engine.state.step))

    def _last_reply_heard(self) -> str:
        """The assistant's last reply as far as it was heard (an interrupted one is cut where it stopped)."""
        return self.history[-1]["content"] if self.history and self.history[-1]["role"] == "assistant" else ""

    def _llm_history(self) -> list[dict[str, str]]:
        turns = self.cfg.session.history_turns
        return self.history[-2 * turns:] if turns else []

    def _declined_check(self, text: str, assessment: Assessment) -> bool:
        """A clear no to the direct question about thoughts of not wanting to be alive, off the crisis path."""
        return (not self.engine.state.crisis_path and not assessment.said_raised
                and asked_level(self._last_reply_heard()) is not None and risk_answer(text) == "no")

    def _scripts_for(self, locale: str) -> SafetyScripts:
        try:
            return SafetyScripts(locale)
        except SafetyScriptError:
            return self.safety  # a country without reviewed crisis lines keeps the configured ones

    def _safety_lines(self, assessment: Assessment, plan: Plan, minor: bool, declined: bool,
                      scripts: SafetyScripts, text: str) -> tuple[list[str] | None, str]:
        """The reviewed words for this turn when safety speaks, in order (None when it does not),
        and what they are: "crisis" (the path), "check" (a direct question) or "declined".

        Explicit words raised to `passive` or above: that level's script, then on the crisis path
        the safety plan's next question. A level only the learned layers raised, or `watch`: the
        direct question. A clear no to it: the crisis line offered once, and back to the work.
        Someone under 18 hears the youth resources instead of a protocol.
        """
        level, said = assessment.risk.level, assessment.said_level
        lines, kind = [], ""
        if level in SEPARATE:
            lines, kind = [scripts.reply(level)], "crisis"
        elif assessment.said_raised and at_least(said, "passive"):
            lines, kind = [scripts.reply(said)], "crisis"
        elif declined:
            offer = "check_declined" if self.crisis.state.checks_declined == 0 else "check_declined_again"
            lines, kind = [scripts.reply(offer)], "declined"
        elif not at_least(said, "passive") and (
                ((assessment.raised or assessment.said_raised) and level != "none")
                or (at_least(assessment.heard, "passive") and rank(assessment.heard) > rank(said))):
            # a new guess at passive or above is asked about even when an earlier one set the heard level higher
            explicit_watch = assessment.said_raised and said == "watch"
            urgent = at_least(assessment.heard, "plan")  # the question names an act, and the emergency number
            lines, kind = [scripts.reply("watch" if explicit_watch else "check_urgent" if urgent else "check")], "check"
        if minor:
            lines.append(scripts.reply("minor"))
        elif plan.state.crisis_path and asks_for_the_line(text) and not lines:
            lines, kind = [scripts.reply("the_line"), plan.move.scripted_line], "crisis"
        elif lines and (plan.state.crisis_path or kind == "declined"):
            lines.append(plan.move.scripted_line)
        return (lines or None), kind

    def _escalate(self, assessment: Assessment) -> None:
        reasons = tuple(e.for_payload() for e in assessment.risk.evidence) or assessment.risk.reasons
        event = EscalationEvent(level=assessment.session_level, reasons=reasons,
                                session_id=str(self.session_id or ""), user_id=self.user_id,
                                locale=self.safety.locale, transfer_number=self.safety.resources["transfer_number"])
        task = asyncio.ensure_future(self._submit(event))
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    async def _submit(self, event: EscalationEvent) -> None:
        delivery = await self.escalations.submit(event)  # on disk from here; the service delivers it
        delivered = await asyncio.shield(delivery)
        self._emit(Escalated(level=event.level, delivered=delivered))

    def _finish(self, record: TurnRecord, spoken_override: str | None = None) -> None:
        if self._active is not record:
            return
        self._active = None
        spoken = self.playback.spoken_text(record.reply_id) if spoken_override is None else spoken_override
        record.assistant_text = spoken
        if spoken:
            self.history.append({"role": "assistant", "content": spoken})
        self.playback.forget(record.reply_id)
        if record.user_text and self.memory:
            self._record(record)
        if record.user_text:
            event = record.to_event()
            self._emit(event)
            log.info("turn %d done: source=%s risk=%s latency=%s", record.index,
                     event["reply_source"], record.risk, event["latency_ms"])

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
            self._emit(ErrorEvent(stage="session", message=f"{type(exc).__name__}: {exc}"))

    def _end_input(self, now: float) -> None:
        """The input is over: a turn in progress is committed as it stands, and its final
        recognition forced, so a disclosure followed at once by a hang-up still counts."""
        if self._checking_barge_in:
            self._barge_check.cancel()  # nobody is left to interrupt: whatever was said is a turn
            self._barge_check = None
            self._backchannel_turn = False
        for signal in self.turns.end_input():
            if self._transcriber is not None:
                self._end_turn(signal, now)

    async def aclose(self) -> None:
        self._end_input(time.perf_counter())
        if self._settling:  # shielded from the reply's cancellation: the decision is applied, stored and escalated
            await asyncio.wait(set(self._settling), timeout=CLOSE_SETTLE_S)
        if self.memory and self.prosody.baseline.n:
            self._writer.submit(self.memory.save_voice_baseline, self.user_id, self.prosody.baseline.to_dict())
        if self.memory:  # a clean end; only a session cut off by a crash is resumed later
            self._writer.submit(self.memory.end_session, self.session_id)
        await self._writer.drain()
        if self._deliveries:  # submitted to the process's service; this only lets the outcome be reported
            await asyncio.wait(set(self._deliveries), timeout=self.escalations.notifier.round_limit_s)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def _engine_view(state: EngineState) -> EngineView:
    return EngineView(state.phase, state.step, state.crisis_path)


async def _scripted(pieces: list[str]):
    for piece in pieces:
        yield Sentence(piece, "scripted")

"""The `voice-therapist` command."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from pathlib import Path

from .audio.pcm import AudioFormatError
from .blas_threads import limit_blas_threads
from .cli_storage import COMMANDS as STORAGE_COMMANDS
from .cli_storage import add_storage_commands, run_storage_command
from .config import Config, ConfigError, load_config
from .dialogue.protocol import ProtocolError, Protocols, load_protocols
from .event_log import EventLog
from .logging_setup import configure_logging
from .malloc_arenas import limit_malloc_arenas
from .model_registry import ModelNotFound
from .storage.consent import AccessDenied
from .storage.crypto import MasterKeyError
from .storage.database import StorageError
from .storage.store import UnknownUser
from .transports.microphone import NoAudioDevice
from .workers import as_worker

log = logging.getLogger("voice_therapist")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="voice-therapist", description=__doc__)
    parser.add_argument("--config", help="a YAML file merged over config/default.yaml")
    sub = parser.add_subparsers(dest="command", required=True)

    session = sub.add_parser("session", help="hold a session with a WAV file as the user's side")
    session.add_argument("--input", required=True, help="the user's audio (any WAV rate or channel count)")
    session.add_argument("--output", required=True, help="the assistant's audio, on the same timeline")
    session.add_argument("--events", required=True, help="JSON lines, one event each")
    session.add_argument("--fast", action="store_true", help="do not pace the input in real time")
    session.add_argument("--hang-up", action="store_true",
                         help="the call ends with the file, as a caller who hangs up (else the last reply is heard)")
    _user_args(session)

    talk = sub.add_parser("talk", help="talk through the desktop microphone and speakers")
    _user_args(talk)

    run = sub.add_parser("run", help="the main job: talk when a microphone is present, else a spoken demo")
    _user_args(run)
    run.add_argument("--demo-dir", default="demo-output", help="where the demo writes its files")

    classify = sub.add_parser("classify", help="classify lines of text from stdin, one JSON line each")
    classify.add_argument("what", choices=["modality", "distortion", "crisis"])
    classify.add_argument("--conversation", action="store_true",
                          help="crisis: read the lines as one conversation, so risk builds up across them")

    plan = sub.add_parser("safety-plan", help="read back a user's latest saved safety plan")
    plan.add_argument("--user", default="local")

    serve = sub.add_parser("serve", help="the talk page, its WebSocket and WebRTC doors, and the phone media stream")
    serve.add_argument("--host", help="default: server.host in the config")
    serve.add_argument("--port", type=int, help="default: server.port in the config")
    serve.add_argument("--worker", type=int, help="run as worker N of cluster.serve_workers (its host and port)")

    sip = sub.add_parser("sip", help="answer phone calls over SIP (UDP) with RTP audio")
    sip.add_argument("--host", help="default: sip.host in the config")
    sip.add_argument("--port", type=int, help="default: sip.port in the config")
    sip.add_argument("--worker", type=int, help="run as worker N of cluster.sip_workers (its ports and RTP range)")

    bench = sub.add_parser("bench", help="measure voice-to-voice latency, a naive pipeline, concurrency and memory")
    bench.add_argument("--json", default="bench-output/bench.json", help="where the results go (a .md table beside it)")
    bench.add_argument("--quick", action="store_true", help="fewer turns and sessions, for a smoke run")
    bench.add_argument("--turns", action="store_true",
                       help="only the turn-taking benchmark: cut-offs in pauses and end-of-turn latency")

    sub.add_parser("pin-hash", help="print the hash of a phone PIN for sip.callers (the PIN is read from stdin)")
    add_storage_commands(sub)
    sub.add_parser("check", help="load the configuration, protocols and models, then exit")
    return parser


def _user_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", default="local", help="who is talking (default: the one local user)")
    parser.add_argument("--modality", help="pin the working phase to one protocol instead of routing")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "pin-hash":
        return _pin_hash()
    try:
        cfg = load_config(args.config)
        if getattr(args, "modality", None):
            cfg.session.modality = args.modality
        if getattr(args, "worker", None) is not None:
            cfg = as_worker(cfg, args.command, args.worker)
        configure_logging(cfg.logging.level)
        if args.command in STORAGE_COMMANDS:
            return run_storage_command(args, cfg)
        limit_malloc_arenas()
        limit_blas_threads()
        protocols = load_protocols()
        if args.command == "classify":
            return _classify_crisis(args.conversation) if args.what == "crisis" else _classify(args.what)
        if args.command == "safety-plan":
            return _read_safety_plan(cfg, args.user)
        return asyncio.run(_dispatch(args, cfg, protocols))
    except (ConfigError, ProtocolError, ModelNotFound, AudioFormatError, NoAudioDevice, StorageError,
            MasterKeyError, ValueError) as exc:
        print(f"voice-therapist: {exc}", file=sys.stderr)
        return 2
    except UnknownUser as exc:
        print(f"voice-therapist: {exc.args[0] if exc.args else 'unknown user'}", file=sys.stderr)
        return 3
    except AccessDenied as exc:
        print(f"voice-therapist: access denied: {exc}", file=sys.stderr)
        return 4
    except KeyboardInterrupt:
        return 130


def _pin_hash() -> int:
    """Never from argv: a PIN on the command line would stay in the shell's history and the process list."""
    import getpass

    from .telephony.pin import hash_pin

    if sys.stdin.isatty():
        pin = getpass.getpass("PIN (4-12 digits): ")
        if getpass.getpass("the same PIN again: ") != pin:
            print("voice-therapist: the two PINs differ", file=sys.stderr)
            return 2
    else:
        pin = sys.stdin.readline().strip()
    try:
        print(hash_pin(pin))
    except ValueError as exc:
        print(f"voice-therapist: {exc}", file=sys.stderr)
        return 2
    return 0


def _classify(what: str) -> int:
    from .nlp.embedder import SentenceEmbedder

    embedder = SentenceEmbedder()
    if what == "modality":
        from .nlp.router import ModalityRouter

        classify = ModalityRouter(embedder, load_protocols()).route
    else:
        from .nlp.distortions import DistortionNamer

        classify = DistortionNamer(embedder).classify
    for line in sys.stdin:
        text = line.strip()
        if not text:
            continue
        label, confidence = classify(text)
        print(json.dumps({"text": text, "label": label, "confidence": round(confidence, 3)}), flush=True)
    return 0


def _classify_crisis(conversation: bool) -> int:
    from dataclasses import asdict

    from .nlp.embedder import SentenceEmbedder
    from .safety.detector import CrisisDetector, load_models

    models = load_models(load_protocols(), SentenceEmbedder())
    detector = CrisisDetector(models)
    for line in sys.stdin:
        text = line.strip()
        if not text:
            continue
        start = time.perf_counter()
        assessment = detector.assess(text)
        ms = (time.perf_counter() - start) * 1000
        if conversation:
            detector.commit(assessment)
        else:
            detector = CrisisDetector(models)
        # "evidence": what decided the level (combine.py's table); "heard": what every layer reported.
        print(json.dumps({"text": text, "level": assessment.risk.level, "score": assessment.score,
                          "reasons": list(assessment.risk.reasons),
                          "evidence": [asdict(e) for e in assessment.risk.evidence],
                          "heard": [asdict(e) for e in assessment.reading.evidence], "ms": round(ms, 2)}), flush=True)
    return 0


def _read_safety_plan(cfg: Config, user: str) -> int:
    from .safety.plan_text import read_back
    from .safety.responses import SafetyScripts

    memory = _memory(cfg)
    plans = memory.artifacts(user, kind="safety_plan")
    memory.close()
    if not plans:
        print(f"No safety plan saved for {user!r}.", file=sys.stderr)
        return 1
    print(read_back(plans[-1], load_protocols().safety_plan, SafetyScripts(cfg.safety.locale).resources))
    return 0


def _memory(cfg: Config):
    from .storage.store import open_storage

    return open_storage(cfg)


async def _dispatch(args: argparse.Namespace, cfg: Config, protocols: Protocols) -> int:
    from .pipeline.models import load_models

    if args.command == "talk":
        from .transports.microphone import open_sounddevice

        open_sounddevice()  # fail before loading models when there is no device
    pin_lines = None
    if args.command == "sip":
        from .telephony.main import check_sip_setup

        pin_lines = check_sip_setup(cfg)  # a bad line fails before the models take their minute to load
    models = load_models(cfg, protocols)
    await models.warm_up()
    try:
        if args.command == "check":
            print("configuration, protocols and models are ready")
            return 0
        if args.command == "session":
            return await _file_session(args, cfg, models)
        if args.command == "talk":
            return await _talk(args, cfg, models)
        if args.command == "run":
            return await _run(args, cfg, models)
        if args.command == "serve":
            from .server.main import run_server

            return await run_server(args, cfg, models)
        if args.command == "sip":
            from .telephony.main import run_sip

            return await run_sip(args, cfg, models, pin_lines)
        if args.command == "bench":
            from .bench.run import run_bench

            return await run_bench(args, cfg, models)
    finally:
        await models.aclose()
    return 1


async def _file_session(args, cfg, models) -> int:
    from .audio.wavfile import read_any, write_int16
    from .pipeline.session import VoiceSession
    from .safety.escalation_service import escalation_service
    from .transports.wav_file import run_wav_session

    user_pcm = read_any(args.input)
    memory = _memory(cfg)
    with EventLog(Path(args.events)) as events:
        async with escalation_service(cfg, memory) as escalations:
            session = VoiceSession(cfg, models, events.write, escalations=escalations, user_id=args.user,
                                   memory=memory)
            events.write({"type": "session_started", "user": args.user, "session_id": session.session_id,
                          "input_seconds": round(user_pcm.size / 16000, 2), "paced": not args.fast,
                          "time": time.time()})
            out = await run_wav_session(session, user_pcm, paced=not args.fast, hang_up=args.hang_up)
            state = session.engine.state  # where the session stood: the conversation suite checks its slots
            events.write({"type": "session_state", "phase": state.phase, "modality": state.modality or "",
                          "step": state.step, "slots": dict(state.slots)})
            events.write({"type": "session_ended", "output_seconds": round(out.size / 16000, 2)})
    memory.close()
    write_int16(args.output, out)
    return 0


async def _talk(args, cfg, models) -> int:
    from .pipeline.session import VoiceSession
    from .safety.escalation_service import escalation_service
    from .transports.microphone import run_microphone

    memory = _memory(cfg)
    with EventLog(cfg.data_dir() / "users" / args.user / "events.jsonl") as events:
        async with escalation_service(cfg, memory) as escalations:
            print("Listening. Say hello when you are ready; press Ctrl+C to stop.", file=sys.stderr)
            await run_microphone(VoiceSession(cfg, models, events.write, escalations=escalations, user_id=args.user,
                                              memory=memory))
    return 0


async def _run(args, cfg, models) -> int:
    from .transports.microphone import open_sounddevice

    try:
        open_sounddevice()
    except NoAudioDevice as exc:
        print(f"No microphone here ({exc}).\nRunning a spoken demo session instead.", file=sys.stderr)
        from .demo import run_demo

        return await run_demo(cfg, models, Path(args.demo_dir))
    return await _talk(args, cfg, models)


if __name__ == "__main__":
    raise SystemExit(main())

"""`voice-therapist serve`: uvicorn in this process, on the models already loaded."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import socket
import sys
import threading

import uvicorn

from ..config import Config
from ..pipeline.models import Models
from ..storage.store import open_storage
from .app import create_app
from .logs import redact_uvicorn_logs


def served_config(cfg: Config, host: str, port: int) -> Config:
    """The config with the address actually served, and that address's own origin allowed.

    `serve --port 9000` must not lock out its own page because the list names port 8000.
    Only the literal address chosen by the operator is added, never the request's Host
    header, which DNS rebinding could control.
    """
    origins = list(cfg.server.allowed_origins)
    names = [host] + (["localhost"] if host == "127.0.0.1" else []) + (["127.0.0.1"] if host == "localhost" else [])
    origins += [url for url in (f"http://{shown(name)}:{port}" for name in names) if url not in origins]
    server = cfg.server.model_copy(update={"host": host, "port": port, "allowed_origins": origins})
    return cfg.model_copy(update={"server": server})


def shown(host: str) -> str:
    """A host as it appears in a URL (IPv6 in brackets)."""
    return f"[{host}]" if ":" in host else host


def uvicorn_config(app, cfg: Config) -> uvicorn.Config:
    # The protocol layer refuses only what is far over the limit; the app refuses the rest
    # with a message that says why (see socket_io.receive).
    return uvicorn.Config(app, log_config=None, lifespan="on", ws_max_size=2 * cfg.server.max_message_bytes,
                          ws_ping_interval=20, ws_ping_timeout=20, timeout_graceful_shutdown=5)


class Server(uvicorn.Server):
    """uvicorn that, on SIGINT or SIGTERM, stops serving and returns.

    uvicorn re-raises the signal after its shutdown; that would skip closing the models and
    storage and end `serve` with 130. A service that was asked to stop and did exits 0.
    """

    @contextlib.contextmanager
    def capture_signals(self):
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        loop = asyncio.get_running_loop()
        stops = (signal.SIGINT, signal.SIGTERM)
        for sig in stops:
            loop.add_signal_handler(sig, self.handle_exit, sig, None)
        try:
            yield
        finally:
            for sig in stops:
                loop.remove_signal_handler(sig)


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


async def run_server(args: argparse.Namespace, cfg: Config, models: Models) -> int:
    host = args.host if args.host is not None else cfg.server.host
    port = args.port if args.port is not None else cfg.server.port
    try:
        sock = bind(host, port)
    except OSError as exc:
        print(f"voice-therapist: cannot listen on {host}:{port}: {exc.strerror}", file=sys.stderr)
        return 2
    port = sock.getsockname()[1]
    cfg = served_config(cfg, host, port)
    storage = open_storage(cfg)  # knows the users' tokens and keeps their memory
    redact_uvicorn_logs()
    server = Server(uvicorn_config(create_app(cfg, models, auth=storage, memory=storage), cfg))
    serving = asyncio.ensure_future(server.serve(sockets=[sock]))
    try:
        while not server.started and not serving.done():
            await asyncio.sleep(0.05)
        if server.started:
            print(f"serving on http://{shown(host)}:{port}", flush=True)
        await serving
    finally:
        storage.close()
    return 0 if server.started else 1

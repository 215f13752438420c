"""The talk server, started inside the benchmark's process as `voice-therapist serve` starts it.

It shares the models the benchmark already loaded, so the process's resident memory is the
server's and each session's share of it can be measured. Each caller gets a user and token
of its own; nothing is remembered (no storage), which keeps the run free of disk writes.
"""

from __future__ import annotations

import asyncio
import secrets
from contextlib import asynccontextmanager

STARTUP_TIMEOUT_S = 20.0


class ServerUnavailable(RuntimeError):
    """The server package is missing or did not start; the message says which."""


class BenchTokens:
    """The server's Authenticator for the run: one fresh token per caller."""

    def __init__(self, callers: int):
        self.tokens = {secrets.token_urlsafe(16): f"bench-{i}" for i in range(callers)}

    def user_for_token(self, token: str) -> str | None:
        return self.tokens.get(token)


@asynccontextmanager
async def talk_server(cfg, models, callers: int):
    """Yields one ws:// URL (each with its own token) per caller."""
    try:
        import uvicorn

        from ..server.app import create_app
        from ..server.logs import redact_uvicorn_logs
        from ..server.main import bind, uvicorn_config
    except ImportError as exc:
        raise ServerUnavailable(f"the server cannot be imported ({exc})") from exc
    auth = BenchTokens(callers)
    redact_uvicorn_logs()  # the tokens are in the URLs uvicorn logs
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn_config(create_app(cfg, models, auth, None), cfg))
    task = asyncio.ensure_future(server.serve(sockets=[sock]))
    loop = asyncio.get_running_loop()
    give_up = loop.time() + STARTUP_TIMEOUT_S
    while not server.started:
        if task.done() or loop.time() > give_up:
            server.should_exit = True
            sock.close()
            raise ServerUnavailable(f"the talk server did not start on port {port}")
        await asyncio.sleep(0.05)
    try:
        yield [f"ws://127.0.0.1:{port}/ws/talk?token={token}" for token in auth.tokens]
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15.0)
        sock.close()

"""A real HTTP server on loopback that stands in for the human on-call channel."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Webhook:
    """A stdlib HTTP server in a thread that records each request and answers from a script."""

    def __init__(self, port: int, statuses: tuple[int, ...] = ()):
        self.port = port
        self.statuses = list(statuses)  # answered in order; 200 once used up
        self.received: list[tuple[dict, dict]] = []  # (json body, headers)
        self.answers: list[tuple[str, int, float]] = []  # (event id, status answered, time.monotonic())
        self.down = False  # answers 503 to everything while set: the on-call channel is failing
        lock = threading.Lock()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    hook.received.append((body, {k.lower(): v for k, v in self.headers.items()}))
                    status = 503 if hook.down else hook.statuses.pop(0) if hook.statuses else 200
                    hook.answers.append((str(body.get("id", "")), status, time.monotonic()))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/escalate"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

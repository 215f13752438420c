"""A real vLLM OpenAI-compatible server on loopback, in its own process group.

vLLM runs an API process, an engine core and a worker: a SIGKILL to the API process alone
leaves about 2.6 GB of engine processes, so the whole group is always signalled.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx

READY_LIMIT_S = 600  # two cores shared with other work: a cold start once took 2 minutes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def group_rss_bytes(pgid: int) -> int:
    """The resident memory of every process in one process group, from /proc."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:  # stat's 5th field, the process group
                total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")  # 24th field, rss in pages
        except (OSError, IndexError, ValueError):
            continue  # the process ended while being read
    return total


class VllmServer:
    """Start on demand, kill the whole group; remembers its start times and peak memory."""

    def __init__(self, python: str, model_dir: str, log_path: Path):
        self.python, self.model_dir, self.log_path = python, model_dir, log_path
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.ready_s: list[float] = []
        self.peak_rss = 0
        self._sampler: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ensure_running(self) -> "VllmServer":
        if not self.running():
            self.start()
        return self

    def start(self) -> None:
        self.port = free_port()
        env = dict(os.environ, VLLM_CPU_KVCACHE_SPACE="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
                   VLLM_NO_USAGE_STATS="1", DO_NOT_TRACK="1")
        env.pop("OMP_NUM_THREADS", None)  # vLLM binds its own CPU threads
        log = self.log_path.open("ab")
        started = time.perf_counter()
        # The `vllm` console script fails: the distribution is named vllm-cpu, so run the module.
        self.proc = subprocess.Popen(
            [self.python, "-m", "vllm.entrypoints.openai.api_server", "--model", self.model_dir,
             "--dtype", "float32", "--enforce-eager", "--max-model-len", "2048",
             "--served-model-name", "smollm2", "default", "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        log.close()
        pidfile = os.environ.get("VOICE_THERAPIST_VLLM_PIDFILE")
        if pidfile:  # the stage kills a group a crashed test run left behind
            Path(pidfile).write_text(str(self.proc.pid))
        self._sampler = threading.Thread(target=self._sample, args=(self.proc,), daemon=True)
        self._sampler.start()
        while time.perf_counter() - started < READY_LIMIT_S:
            if self.proc.poll() is not None:
                raise RuntimeError(f"vLLM exited with code {self.proc.returncode} while starting: see {self.log_path}")
            try:
                if httpx.get(f"{self.base_url}/models", timeout=2).status_code == 200:
                    self.ready_s.append(time.perf_counter() - started)
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.kill()
        raise RuntimeError(f"vLLM did not answer within {READY_LIMIT_S} s: see {self.log_path}")

    def _sample(self, proc: subprocess.Popen) -> None:
        while proc.poll() is None:
            self.peak_rss = max(self.peak_rss, group_rss_bytes(proc.pid))
            time.sleep(0.5)

    def kill(self) -> None:
        """SIGKILL to every process of the group, then wait until none is left."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        pidfile = os.environ.get("VOICE_THERAPIST_VLLM_PIDFILE")
        if pidfile:
            Path(pidfile).unlink(missing_ok=True)
        deadline = time.time() + 30
        while group_rss_bytes(self.proc.pid) and time.time() < deadline:
            time.sleep(0.2)  # the engine processes are reaped by init, a moment later

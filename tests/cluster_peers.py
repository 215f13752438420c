"""The parts of a cluster on loopback: voice workers, Kamailio, nginx and a self-signed certificate."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"


class LoggedProcess:
    """A child in its own process group, its output kept line by line with the time each line came."""

    def __init__(self, name: str, args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
                 log: Path | None = None):
        self.name = name
        self.log = log  # the lines are also written here as they come, to follow a long run
        self.lines: list[tuple[float, str]] = []
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        env=env, cwd=cwd, start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        sink = open(self.log, "a") if self.log else None
        for line in self.process.stdout:
            self.lines.append((time.monotonic(), line.rstrip("\n")))
            if sink:
                sink.write(line)
                sink.flush()
        if sink:
            sink.close()

    def text(self) -> str:
        return "\n".join(line for _, line in self.lines)

    def find(self, pattern: str, after: int = 0) -> list[tuple[float, re.Match]]:
        regex = re.compile(pattern)
        return [(t, m) for t, line in self.lines[after:] for m in [regex.search(line)] if m]

    def wait_for(self, pattern: str, after: int = 0, timeout_s: float = 60) -> tuple[float, re.Match]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = self.find(pattern, after)
            if found:
                return found[0]
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        tail = "\n".join(line for _, line in self.lines[-20:])
        raise AssertionError(f"{self.name}: no line matching {pattern!r}; last lines:\n{tail}")

    def kill(self) -> float:
        """SIGKILL to the whole group, as a crash or a pulled plug would; returns when it happened."""
        at = time.monotonic()
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        return at

    def stop(self, timeout_s: float = 20) -> int | None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._reader.join(5)
        return self.process.returncode


def worker(kind: str, number: int, config: Path, data_dir: Path, env: dict[str, str]) -> LoggedProcess:
    """`voice-therapist serve|sip --worker N`, its own data directory (nothing shared through local disk)."""
    env = {**os.environ, **env, "VOICE_THERAPIST_DATA_DIR": str(data_dir), "OMP_NUM_THREADS": "1"}
    data_dir.mkdir(parents=True, exist_ok=True)
    return LoggedProcess(f"{kind}-{number}", [sys.executable, "-m", "voice_therapist", "--config", str(config), kind,
                                              "--worker", str(number)], env=env, cwd=REPO, log=data_dir / "worker.log")


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made now with openssl; a client trusts exactly this one."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def kamailio(directory: Path, udp_port: int, workers: list[int], tls: tuple[int, Path, Path] | None = None) \
        -> LoggedProcess:
    """deploy/kamailio/kamailio.cfg as shipped, on loopback, dispatching to the given SIP worker ports."""
    directory.mkdir(parents=True, exist_ok=True)
    listing = directory / "dispatcher.list"
    listing.write_text("".join(f"1 sip:127.0.0.1:{port}\n" for port in workers))
    args = ["kamailio", "-DD", "-E", "-f", str(DEPLOY / "kamailio" / "kamailio.cfg"), "-Y", str(directory),
            "-P", str(directory / "kamailio.pid"), "-m", "64", "-M", "8",
            "-A", f"LISTEN_UDP=udp:127.0.0.1:{udp_port}", "-A", f'DISPATCHER_LIST="{listing}"']
    if tls is not None:
        port, cert, key = tls
        shipped = (DEPLOY / "kamailio" / "tls.cfg").read_text()
        (directory / "tls.cfg").write_text(shipped.replace("/etc/kamailio/voice-therapist-cert.pem", str(cert))
                                           .replace("/etc/kamailio/voice-therapist-key.pem", str(key)))
        args += ["-A", "WITH_TLS", "-A", f"LISTEN_TLS=tls:127.0.0.1:{port}",
                 "-A", f'TLS_CONFIG="{directory / "tls.cfg"}"']
    return LoggedProcess("kamailio", args, log=directory / "kamailio.log")


def nginx(directory: Path, port: int, workers: list[int], cert: Path, key: Path) -> LoggedProcess:
    """deploy/nginx/voice-therapist.conf as shipped, with this run's ports and certificate, in a private prefix."""
    directory.mkdir(parents=True, exist_ok=True)
    site = (DEPLOY / "nginx" / "voice-therapist.conf").read_text()
    site = re.sub(r"(?m)^    server 127\.0\.0\.1:800\d .*\n", "", site)
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in workers)
    site = site.replace("    least_conn;", servers + "    least_conn;", 1) if "least_conn;" in site else site
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
    site = site.replace("/etc/ssl/voice-therapist/cert.pem", str(cert)).replace("/etc/ssl/voice-therapist/key.pem",
                                                                               str(key))
    site = re.sub(r"(?s)\nserver \{\n    listen 80;.*?\n\}\n", "\n", site)  # no plain-HTTP redirect on loopback
    (directory / "voice-therapist.conf").write_text(site)
    (directory / "nginx.conf").write_text(
        f"daemon off;\nworker_processes 1;\npid {directory}/nginx.pid;\nerror_log stderr warn;\n"
        "events { worker_connections 512; }\n"
        f"http {{\n  access_log {directory}/access.log;\n"
        + "".join(f"  {kind}_temp_path {directory}/{kind};\n"
                  for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"  include {directory}/voice-therapist.conf;\n}}\n")
    return LoggedProcess("nginx", ["nginx", "-p", str(directory), "-c", str(directory / "nginx.conf")],
                         log=directory / "nginx-output.log")

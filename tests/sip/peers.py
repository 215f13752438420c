"""Real SIP peers for the telephony tests: sipp scenarios, a baresip caller, the `voice-therapist sip` server."""

from __future__ import annotations

import asyncio
import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import soundfile

SCENARIOS = Path(__file__).resolve().parent
BARESIP_MODULES = Path("/usr/lib/baresip/modules")


def free_udp_port(even: bool = False) -> int:
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if not even or port % 2 == 0 and port < 65534:
            return port


def sipp_args(scenario: str, target: str, tmp: Path, *extra: str, timeout_s: float = 40,
              port: int | None = None) -> list[str]:
    """sipp running one scenario of tests/sip once, on free ports, logging messages and errors under `tmp`."""
    args = ["sipp", "-sf", str(SCENARIOS / scenario), "-i", "127.0.0.1", "-p", str(port or free_udp_port()),
            "-mi", "127.0.0.1", "-mp", str(free_udp_port(even=True)), "-m", "1", "-nostdin",
            "-timeout", str(int(timeout_s)), "-timeout_error", "-trace_err", "-error_file",
            str(tmp / f"{scenario}.errors.log"), "-trace_msg", "-message_file", str(tmp / f"{scenario}.messages.log"),
            "-watchdog_minor_threshold", "2000", "-watchdog_major_threshold", "10000", *extra]  # busy is no failure
    return args[:3] + [target] + args[3:] if target else args


def sipp_log(scenario: str, tmp: Path) -> str:
    paths = (tmp / f"{scenario}.errors.log", tmp / f"{scenario}.messages.log")
    return "".join(p.read_text(errors="replace")[-3000:] for p in paths if p.exists())


async def run_sipp(scenario: str, target: str, tmp: Path, *extra: str, timeout_s: float = 40,
                   port: int | None = None) -> tuple[int, str]:
    """Run one sipp scenario to its end; returns (exit code, the tail of its message and error logs)."""
    process = await asyncio.create_subprocess_exec(
        *sipp_args(scenario, target, tmp, *extra, timeout_s=timeout_s, port=port), cwd=tmp,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        code = await asyncio.wait_for(process.wait(), timeout_s + 10)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return code, sipp_log(scenario, tmp)


class SipServer:
    """`python -m voice_therapist sip` on a free port, with its log collected line by line."""

    def __init__(self, data_dir: Path, extra_env: dict[str, str] | None = None):
        self.lines: list[str] = []
        env = {**os.environ, "VOICE_THERAPIST_DATA_DIR": str(data_dir), **(extra_env or {})}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "voice_therapist", "sip", "--host", "127.0.0.1", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        self.port = self._wait_listening()

    def _read_log(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def _wait_listening(self, timeout_s: float = 240) -> int:
        ready, _, _ = select.select([self.process.stdout], [], [], timeout_s)  # models load first
        line = self.process.stdout.readline() if ready else ""  # the one line printed when the socket is bound
        match = re.match(r"listening for SIP on udp:127\.0\.0\.1:(\d+)", line)
        if not match:
            self.stop()
            raise RuntimeError(f"server did not start: {line!r}\n" + "\n".join(self.lines[-20:]))
        return int(match.group(1))

    def wait_for(self, pattern: str, after: int = 0, timeout_s: float = 60) -> re.Match:
        """The first log line from index `after` on that matches `pattern`, waiting for it to appear."""
        deadline = time.monotonic() + timeout_s
        regex = re.compile(pattern)
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                match = regex.search(line)
                if match:
                    return match
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"no log line matching {pattern!r}; last lines:\n" + "\n".join(self.lines[-15:]))

    def stop(self, timeout_s: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(5)
        return self.process.returncode


def write_caller_wav(path: Path, pcm16k: np.ndarray) -> None:
    """baresip's aufile source wants the codec's own rate: 8 kHz mono 16-bit."""
    from voice_therapist.audio.pcm import resample, to_float, to_int16

    soundfile.write(str(path), to_int16(resample(to_float(pcm16k), 16000, 8000)), 8000, subtype="PCM_16")


class Baresip:
    """A headless baresip that dials once, plays a WAV as the caller, and records what it hears.

    No sound card: the source is the aufile module, the player is aubridge (a paced sink), and
    the sndfile filter dumps the decoded incoming audio to <dir>/dump-*-dec.wav. Commands such
    as /hangup reach it over UDP through the cons module.
    """

    def __init__(self, workdir: Path, wav: Path, target: str, user: str = "caller", local_ip: str = "127.0.0.1"):
        """`user` is the caller ID in its From; `local_ip` the address its SIP goes out from."""
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.records = self.dir / "records"
        self.records.mkdir(exist_ok=True)
        self.cons_port = free_udp_port()
        rtp = free_udp_port(even=True)
        (self.dir / "accounts").write_text(f"<sip:{user}@{local_ip}>;regint=0\n")
        (self.dir / "config").write_text("\n".join([
            "poll_method poll",
            f"sip_listen {local_ip}:{free_udp_port()}",
            f"rtp_ports {rtp}-{rtp + 9}",  # room for a second call: the transfer target
            f"audio_source aufile,{wav}",
            "audio_player aubridge,sink",
            "audio_alert aubridge,sink",
            f"module_path {BARESIP_MODULES}",
            "module g711.so", "module aufile.so", "module aubridge.so", "module sndfile.so", "module cons.so",
            "module_app account.so", "module_app menu.so",
            f"cons_listen 127.0.0.1:{self.cons_port}",
            f"snd_path {self.records}",
        ]) + "\n")
        self.log = open(self.dir / "baresip.log", "w")
        self.process = subprocess.Popen(["baresip", "-f", str(self.dir), "-e", f"/dial {target}", "-t", "120"],
                                        stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def command(self, text: str) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(text.encode() + b"\n", ("127.0.0.1", self.cons_port))

    def output(self) -> str:
        self.log.flush()
        return (self.dir / "baresip.log").read_text(errors="replace")

    def wait_for(self, text: str, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if text in self.output():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"baresip never said {text!r}:\n{self.output()[-2000:]}")

    def heard(self) -> np.ndarray:
        """What came back over RTP, as baresip decoded it, resampled to 16 kHz."""
        from voice_therapist.audio.wavfile import read_any

        dumps = sorted(self.records.glob("dump-*-dec.wav"))
        assert dumps, f"baresip recorded nothing:\n{self.output()[-2000:]}"
        return read_any(dumps[-1])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.command("q")
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.terminate()
                try:
                    self.process.wait(5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        self.log.close()


class SipProbe:
    """A bare UDP socket for hand-made SIP datagrams, good and bad, and the responses they get."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]

    def send(self, data: bytes) -> None:
        self.sock.sendto(data, self.target)

    def responses(self, wait_s: float = 1.0, until=None) -> list[bytes]:
        """Everything that arrives within `wait_s`, or until `until(datagrams)` is true."""
        got: list[bytes] = []
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline and not (until and until(got)):
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                got.append(self.sock.recv(65535))
            except TimeoutError:
                break
        return got

    def request(self, method: str, call_id: str, cseq: int = 1, body: bytes = b"", to_tag: str = "",
                extra: str = "", content_type: str = "application/sdp") -> bytes:
        to = f"<sip:therapist@127.0.0.1:{self.target[1]}>" + (f";tag={to_tag}" if to_tag else "")
        head = (f"{method} sip:therapist@127.0.0.1:{self.target[1]} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bK{call_id}{cseq}{method}\r\n"
                f"Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1:{self.port}>;tag=probe{call_id}\r\n"
                f"To: {to}\r\nCall-ID: {call_id}\r\nCSeq: {cseq} {method}\r\n"
                f"Contact: <sip:probe@127.0.0.1:{self.port}>\r\n{extra}")
        if body:
            head += f"Content-Type: {content_type}\r\n"
        return (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body

    def close(self) -> None:
        self.sock.close()


def status_of(datagram: bytes) -> int:
    first = datagram.split(b"\r\n", 1)[0].split()
    return int(first[1]) if len(first) > 1 and first[0] == b"SIP/2.0" else 0


def header_of(datagram: bytes, name: str) -> str:
    for line in datagram.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        key, _, value = line.decode(errors="replace").partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return ""


def offer_sdp(rtp_port: int, codecs: str = "0 101") -> bytes:
    return ("v=0\r\no=probe 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            f"m=audio {rtp_port} RTP/AVP {codecs}\r\na=rtpmap:101 telephone-event/8000\r\n").encode()

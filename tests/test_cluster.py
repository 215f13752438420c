"""A load test on loopback: PostgreSQL, Kamailio, nginx, three `sip` and three `serve` workers.

Phones (sipp, speaking espeak-ng sentences as RTP) call through Kamailio; browsers' talk
sessions (WebSocket, TLS) come through nginx. A worker of each kind is killed in the middle:
new calls go to the others, the killed worker's talk session resumes on its next connection,
and every page, from every worker, reaches the on-call webhook exactly once, including the one
the killed worker had stored but not delivered. The figures go to test-artifacts/cluster-report.*.
Run it with scripts/cluster_test.sh (it is skipped in the main suite).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from sqlalchemy import select

from voice_therapist.audio.g711 import ulaw_encode
from voice_therapist.audio.pcm import resample, to_float, to_int16
from voice_therapist.storage.database import open_engine
from voice_therapist.storage.tables import escalations

from .cluster_peers import kamailio, nginx, self_signed_certificate, worker
from .postgres import PostgresServer
from .sip.peers import SCENARIOS, free_udp_port
from .sip.pcap import write_rtp_pcap
from .speech import track
from .talk_client import TalkClient
from .webhook import Webhook, free_port

pytestmark = [pytest.mark.cluster, pytest.mark.speech]

WORKERS = 3
IMMINENT = "I want to kill myself tonight."  # pages, and on the phone the caller is offered the crisis line
NEUTRAL = "Hello, I have been feeling anxious about work this week."
RTP_BASE = 31000  # each SIP worker gets 100 ports from here on, apart from the others'


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = np.sort(np.asarray(values, float))
    return {"n": len(values), "p50": round(float(np.percentile(ordered, 50))), "p90": round(float(np.percentile(
        ordered, 90))), "max": round(float(ordered[-1]))}


class Cluster:
    """Everything the test started, stopped in reverse order whatever happens."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.started: list = []

    def add(self, part):
        self.started.append(part)
        return part

    def stop(self) -> None:
        for part in reversed(self.started):
            try:
                part.stop() if hasattr(part, "stop") else part.close()
            except Exception:
                pass


def write_config(path: Path, pg: PostgresServer, hook: Webhook, nginx_port: int, serve_ports, sip_ports) -> dict:
    config = {
        "asr": {"cpu_threads": 1},
        "llm": {"n_threads": 1},
        "storage": {"url": pg.create_database("vt_data"), "keystore_url": pg.create_database("vt_keys")},
        "safety": {"escalation_url": hook.url, "escalation_timeout_s": 1.0, "escalation_attempts": 1,
                   "escalation_first_retry_s": 1.0, "escalation_retry_s": 3.0},
        "server": {"allowed_origins": [f"https://127.0.0.1:{nginx_port}"], "max_sessions": 4},
        "sip": {"max_calls": 3},
        "cluster": {
            "serve_workers": [{"host": "127.0.0.1", "port": p} for p in serve_ports],
            "sip_workers": [{"host": "127.0.0.1", "port": p, "rtp_port_min": RTP_BASE + 100 * i,
                             "rtp_port_max": RTP_BASE + 100 * i + 99} for i, p in enumerate(sip_ports)],
        },
    }
    path.write_text(yaml.safe_dump(config))
    return config


def speech_pcap(path: Path, text: str) -> Path:
    pcm = track(0.5, text, 2.0)
    narrow = to_int16(resample(to_float(pcm), 16000, 8000))
    write_rtp_pcap(path, ulaw_encode(narrow))
    return path


async def call(tmp: Path, name: str, proxy_port: int, pcap: Path) -> dict:
    """One sipp call through the proxy; its outcome, the time its INVITE went out and the messages it saw."""
    scenario = tmp / f"{name}.xml"
    scenario.write_text((SCENARIOS / "cluster_uac.xml").read_text().replace("SPEECH_PCAP", str(pcap)))
    args = ["sipp", "-sf", str(scenario), f"127.0.0.1:{proxy_port}", "-i", "127.0.0.1", "-p", str(free_udp_port()),
            "-mi", "127.0.0.1", "-mp", str(free_udp_port(even=True)), "-m", "1", "-nostdin", "-timeout", "200",
            "-timeout_error", "-trace_err", "-error_file", str(tmp / f"{name}.errors.log"), "-trace_msg",
            "-message_file", str(tmp / f"{name}.messages.log"), "-watchdog_minor_threshold", "5000",
            "-watchdog_major_threshold", "20000"]
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(*args, cwd=tmp, stdout=subprocess.DEVNULL,
                                                   stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        code = await asyncio.wait_for(process.wait(), 220)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    messages = (tmp / f"{name}.messages.log").read_text(errors="replace") \
        if (tmp / f"{name}.messages.log").exists() else ""
    return {"name": name, "code": code, "started": started, "seconds": time.monotonic() - started,
            "messages": messages, "transferred": "REFER sip:" in messages}


def options_over_tls(port: int, cafile: Path) -> str:
    """The status line of the answer to an OPTIONS sent over TLS to the proxy, for the therapist service."""
    context = ssl.create_default_context(cafile=str(cafile))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        local = tls.getsockname()[1]
        tls.sendall((f"OPTIONS sip:therapist@127.0.0.1:{port};transport=tls SIP/2.0\r\n"
                     f"Via: SIP/2.0/TLS 127.0.0.1:{local};branch=z9hG4bK-tls-probe;rport\r\n"
                     "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=tlsprobe\r\n"
                     f"To: <sip:therapist@127.0.0.1:{port}>\r\nCall-ID: tls-probe@127.0.0.1\r\n"
                     "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").encode())
        return tls.recv(65535).decode(errors="replace").split("\r\n", 1)[0]


def _stored(config: dict) -> int:
    with open_engine(config["storage"]["url"]).connect() as db:
        return len(db.execute(select(escalations.c.id)).all())


def answered_by(sip_workers, after: list[int]) -> dict[str, int]:
    """How many calls each SIP worker answered since the marks."""
    return {w.name: len(w.find(r"call \d+ answered", after=mark)) for w, mark in zip(sip_workers, after)}


def latencies_from_logs(workers) -> list[float]:
    """End of the user's speech to the first audio out, per turn, as each worker logged it."""
    found = []
    for w in workers:
        for _, match in w.find(r"turn \d+ done: .* latency=(\{.*\})"):
            value = re.search(r"'first_audio_out': ([0-9.]+)", match.group(1))
            if value:
                found.append(float(value.group(1)))
    return found


def delivered_once(hook: Webhook, ids: set[str]) -> dict[str, int]:
    """How many times each page was acknowledged (answered 200) by the webhook."""
    counts = {i: 0 for i in ids}
    for event_id, status, _ in hook.answers:
        if status == 200:
            counts[event_id] = counts.get(event_id, 0) + 1
    return counts


async def until(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.2)


async def test_a_cluster_serves_calls_and_sessions_and_survives_a_killed_worker(tmp_path, artifacts):
    cluster = Cluster(tmp_path)
    try:
        await _exercise(cluster, tmp_path, artifacts)
    finally:
        cluster.stop()
        _keep_logs(tmp_path, artifacts / "cluster")


def _keep_logs(tmp: Path, into: Path) -> None:
    """Every process's log and every call's SIP messages, in test-artifacts/cluster/, pass or fail."""
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    for path in tmp.rglob("*.log"):
        shutil.copy(path, into / "-".join(path.relative_to(tmp).parts))


async def _exercise(cluster: Cluster, tmp: Path, artifacts: Path) -> None:
    t0 = time.monotonic()
    pg = cluster.add(PostgresServer())
    hook = cluster.add(Webhook(free_port()))
    hook.down = True  # the on-call channel fails at first: pages wait in the shared outbox, every loop retries
    nginx_port = free_port()
    serve_ports = [free_port() for _ in range(WORKERS)]
    sip_ports = [free_udp_port() for _ in range(WORKERS)]
    config_path = tmp / "cluster.yaml"
    config = write_config(config_path, pg, hook, nginx_port, serve_ports, sip_ports)
    env = {"VOICE_THERAPIST_MASTER_KEY": base64.b64encode(os.urandom(32)).decode()}

    # Users and their tokens, made in the shared store as an operator would (`voice-therapist user add`).
    tokens = _make_users(config, env, count=2 * WORKERS)

    serves = [cluster.add(worker("serve", n + 1, config_path, tmp / f"serve-{n + 1}", env)) for n in range(WORKERS)]
    sips = [cluster.add(worker("sip", n + 1, config_path, tmp / f"sip-{n + 1}", env)) for n in range(WORKERS)]
    for w in serves:
        await asyncio.to_thread(w.wait_for, r"serving on http://", 0, 600)
    for w in sips:
        await asyncio.to_thread(w.wait_for, r"listening for SIP on udp:", 0, 600)
    workers_ready_s = time.monotonic() - t0

    cert, key = self_signed_certificate(tmp)
    proxy_port = free_udp_port()
    tls_port = free_port()
    sip_proxy = cluster.add(kamailio(tmp / "kamailio", proxy_port, sip_ports, tls=(tls_port, cert, key)))
    cluster.add(nginx(tmp / "nginx", nginx_port, serve_ports, cert, key))
    print(f"workers ready after {workers_ready_s:.0f} s; proxies starting in {tmp}", flush=True)
    await asyncio.to_thread(sip_proxy.wait_for, r"Listening on", 0, 30)
    await asyncio.sleep(3)  # a round of OPTIONS probes: every worker answers
    assert not sip_proxy.find(r"is down"), sip_proxy.text()[-2000:]
    # SIP over TLS ends at the proxy: an OPTIONS for the service is relayed to a worker, its answer comes back.
    assert await asyncio.to_thread(options_over_tls, tls_port, cert) == "SIP/2.0 200 OK"
    tls = ssl.create_default_context(cafile=str(cert))
    ws_url, origin = f"wss://127.0.0.1:{nginx_port}/ws/talk", f"https://127.0.0.1:{nginx_port}"

    imminent_pcap = speech_pcap(tmp / "imminent.pcap", IMMINENT)
    imminent, neutral = track(0.3, IMMINENT), track(0.3, NEUTRAL)

    # --- before the kill: a call to each SIP worker and a session on each serve worker -----------
    first = [TalkClient(ws_url, tokens[i], tls, origin) for i in range(WORKERS)]
    await asyncio.gather(*(c.open() for c in first))
    for c in first:
        c.say(imminent)
    calls_before = asyncio.gather(*(call(tmp, f"before-{i}", proxy_port, imminent_pcap) for i in range(WORKERS)))
    await asyncio.gather(*(c.wait_turn(1, 240) for c in first))
    before = await calls_before
    assert [c["code"] for c in before] == [0] * WORKERS, [c["messages"][-3000:] for c in before]
    assert all(n == 1 for n in answered_by(sips, [0] * WORKERS).values()), answered_by(sips, [0] * WORKERS)
    assert all(c.turns()[0]["risk"] == "imminent" for c in first), [c.turns() for c in first]
    await until(lambda: _stored(config) >= WORKERS + sum(c["transferred"] for c in before), 30, "the pages stored")
    with open_engine(config["storage"]["url"]).connect() as db:
        rows = db.execute(select(escalations.c.id, escalations.c.claimed_by, escalations.c.delivered_at)).all()
    assert all(r.delivered_at is None for r in rows), rows  # the channel is down: nothing got through yet

    # --- the kill: one worker of each kind, with a session open on the serve worker -----------
    victim_serve, victim_sip = serves[0], sips[0]
    victim_pids = {victim_serve.process.pid, victim_sip.process.pid}
    held_by_victims = {r.id for r in rows if r.claimed_by and int(r.claimed_by.split(":")[1]) in victim_pids}
    sip_marks = [len(w.lines) for w in sips]
    killed_at = victim_serve.kill()
    victim_sip.kill()
    hook.down = False  # the channel comes back as the workers die: the survivors page everything

    # Sessions: the ones on the killed worker drop and come back through nginx, resumed.
    await asyncio.sleep(1.0)
    dropped = [c for c in first if c.dropped_at is not None]
    assert len(dropped) >= 1, "no session was on the killed worker"
    resumed_ids = []
    for c in dropped:
        old_id = c.session_id
        await c.close()
        await c.open()
        resumed_ids.append((old_id, c.session_id, c.connected_at - killed_at))
    assert all(old == new for old, new, _ in resumed_ids), resumed_ids  # the same session, on another worker

    # New calls go to the workers left; then the sessions talk on.
    calls_after = await asyncio.gather(*(call(tmp, f"after-{i}", proxy_port, imminent_pcap) for i in range(WORKERS)))
    assert [c["code"] for c in calls_after] == [0] * WORKERS, [c["messages"][-3000:] for c in calls_after]
    after_counts = answered_by(sips, sip_marks)
    assert after_counts[victim_sip.name] == 0 and sum(after_counts.values()) == WORKERS, after_counts
    assert sum(c["transferred"] for c in calls_after) >= 1, "no call after the kill was transferred"
    down_at = sip_proxy.wait_for(r"worker sip:127\.0\.0\.1:%d is down" % sip_ports[0], 0, 30)[0]
    for c in first:
        c.say(neutral)
    second = [TalkClient(ws_url, tokens[WORKERS + i], tls, origin) for i in range(WORKERS)]
    await asyncio.gather(*(c.open() for c in second))
    for c in second:
        c.say(neutral)
    for c in first:  # the resumed sessions go on with their second turn, as do the others
        assert (await c.wait_turn(2, 240))["index"] == 2, c.turns()
    for c in second:
        assert (await c.wait_turn(1, 240))["index"] == 1
    # Every REFER reached its caller through the proxy: its top Via is Kamailio's.
    for c in before + calls_after:
        if c["transferred"]:
            refer = c["messages"].split("REFER sip:")[1].split("\n\n")[0]
            assert f"Via: SIP/2.0/UDP 127.0.0.1:{proxy_port}" in refer, refer

    # --- pages: each one acknowledged once, the killed workers' included ----------------------
    with open_engine(config["storage"]["url"]).connect() as db:
        ids = set(db.execute(select(escalations.c.id)).scalars())
    await until(lambda: all(n >= 1 for n in delivered_once(hook, ids).values()), 60, "every page delivered")
    await asyncio.sleep(4)  # a heartbeat of every surviving worker more: no page goes out again
    counts = delivered_once(hook, ids)
    assert set(counts.values()) == {1}, counts
    assert held_by_victims, "the killed workers held no page: nothing showed a takeover"
    victim_paged = [t for i, s, t in hook.answers if s == 200 and i in held_by_victims]
    talk_sessions = {c.session_id for c in first}
    from_sessions = len({body["id"] for body, _ in hook.received if body["session_id"] in talk_sessions})

    for c in first + second:
        await c.close()
    turns = [t for c in first + second for t in c.turns()]
    report = {
        "workers": {"serve": WORKERS, "sip": WORKERS, "ready_s": round(workers_ready_s, 1)},
        "calls_served": sum(c["code"] == 0 for c in before + calls_after),
        "calls_transferred_by_refer": sum(c["transferred"] for c in before + calls_after),
        "calls_after_kill_by_worker": after_counts,
        "sessions_served": len(first) + len(second),
        "sessions_resumed": len(resumed_ids),
        "turns_answered": len(turns),
        "first_audio_ms_talk": percentiles([t["latency_ms"]["first_audio_out"] for t in turns
                                            if "first_audio_out" in t["latency_ms"]]),
        "first_audio_ms_all_workers_logs": percentiles(latencies_from_logs(serves[1:] + sips[1:])),
        "client_heard_reply_ms": percentiles([1000 * s for c in first + second for s in c.heard_after_speech]),
        "call_seconds": percentiles([c["seconds"] * 1000 for c in before + calls_after]),
        "failover": {
            "sip_worker_out_of_rotation_s": round(down_at - killed_at, 2),
            "talk_session_resumed_s": [round(s, 2) for _, _, s in resumed_ids],
            "killed_workers_pages_delivered_s": [round(t - killed_at, 2) for t in victim_paged],
        },
        "pages": {"stored": len(ids), "delivered_once": sum(n == 1 for n in counts.values()),
                  "held_by_killed_workers": len(held_by_victims),
                  "from_talk_sessions": from_sessions, "from_calls": len(ids) - from_sessions,
                  "webhook_requests": len(hook.answers), "answered_503": sum(s == 503 for _, s, _ in hook.answers)},
        "total_s": round(time.monotonic() - t0, 1),
    }
    (artifacts / "cluster-report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


def _make_users(config: dict, env: dict[str, str], count: int) -> list[str]:
    from voice_therapist.storage.store import Storage

    master = base64.b64decode(env["VOICE_THERAPIST_MASTER_KEY"])
    storage = Storage(open_engine(config["storage"]["url"]), open_engine(config["storage"]["keystore_url"]), master)
    try:
        return [storage.create_user()[1] for _ in range(count)]
    finally:
        storage.close()

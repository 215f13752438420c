"""Many workers of one kind behind a proxy: the `cluster` section lists them, `--worker N` picks one.

Each worker binds its own ports, and on one host no two SIP workers' RTP ranges (nor a SIP
port and a range) overlap. That is checked when the configuration loads, before any worker
starts, so a clash fails loudly instead of as calls that lose their audio.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})


class _Bound(Protocol):
    host: str
    port: int


def same_host(a: str, b: str) -> bool:
    return a == b or a in WILDCARD_HOSTS or b in WILDCARD_HOSTS


def check_distinct_ports(workers: Sequence[_Bound], kind: str) -> None:
    for i, a in enumerate(workers):
        for j, b in enumerate(workers[:i]):
            if same_host(a.host, b.host) and a.port == b.port:
                raise ValueError(f"{kind} workers {j + 1} and {i + 1} both bind {a.host}:{a.port}")


def check_rtp_ranges(workers: Sequence[Any]) -> None:
    """SIP workers: ranges [rtp_port_min, rtp_port_max] apart on one host, and no SIP port inside one."""
    for i, a in enumerate(workers):
        for j, b in enumerate(workers):
            if not same_host(a.host, b.host):
                continue
            if j < i and a.rtp_port_min <= b.rtp_port_max and b.rtp_port_min <= a.rtp_port_max:
                raise ValueError(f"sip workers {j + 1} and {i + 1}: RTP port ranges {b.rtp_port_min}-{b.rtp_port_max} "
                                 f"and {a.rtp_port_min}-{a.rtp_port_max} overlap on {a.host}")
            if b.rtp_port_min <= a.port <= b.rtp_port_max:
                raise ValueError(f"sip worker {i + 1}'s SIP port {a.port} lies in worker {j + 1}'s RTP range "
                                 f"{b.rtp_port_min}-{b.rtp_port_max}")


def chosen(workers: Sequence[Any], number: int, kind: str) -> Any:
    """Worker `number` (counted from 1) of the `kind` list, or a clear error."""
    if not workers:
        raise ValueError(f"--worker {number}: cluster.{kind}_workers lists no workers")
    if not 1 <= number <= len(workers):
        raise ValueError(f"--worker {number}: cluster.{kind}_workers lists workers 1 to {len(workers)}")
    return workers[number - 1]


def as_worker(cfg, command: str, number: int):
    """The configuration of worker `number` of `command` (serve or sip): its own address and ports."""
    storage = cfg.storage
    if storage.url and not storage.keystore_url:
        raise ValueError("--worker: storage.url is shared but storage.keystore_url is not; every worker must "
                         "read the same user keys (set storage.keystore_url)")
    if command == "serve":
        worker = chosen(cfg.cluster.serve_workers, number, "serve")
        server = cfg.server.model_copy(update={"host": worker.host, "port": worker.port})
        return cfg.model_copy(update={"server": server})
    worker = chosen(cfg.cluster.sip_workers, number, "sip")
    sip = cfg.sip.model_copy(update={"host": worker.host, "port": worker.port, "rtp_port_min": worker.rtp_port_min,
                                     "rtp_port_max": worker.rtp_port_max})
    return cfg.model_copy(update={"sip": sip})

"""Resident memory of a process, read from /proc (psutil is not a dependency)."""

from __future__ import annotations

import asyncio
from pathlib import Path


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmRSS for process {pid}")


class PeakRss:
    """Samples a process's RSS while a block runs; `peak_mb` is the highest seen."""

    def __init__(self, pid: int | str = "self", every_s: float = 0.25):
        self.pid, self.every_s = pid, every_s
        self.peak_mb = 0.0
        self._task: asyncio.Task | None = None

    async def _sample(self) -> None:
        while True:
            self.peak_mb = max(self.peak_mb, rss_mb(self.pid))
            await asyncio.sleep(self.every_s)

    async def __aenter__(self) -> "PeakRss":
        self.peak_mb = rss_mb(self.pid)
        self._task = asyncio.ensure_future(self._sample())
        return self

    async def __aexit__(self, *exc) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self.peak_mb = max(self.peak_mb, rss_mb(self.pid))

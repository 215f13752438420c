"""A throwaway PostgreSQL server on loopback, from Debian's binaries, for the storage tests."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .webhook import free_port


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (scripts/setup.sh installs Debian's postgresql)")
    return found[-1]


class PostgresServer:
    """initdb + pg_ctl in a temporary directory; as root, it runs as the `postgres` account."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="vt-pg-"))
        self.port = free_port()
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.dir, "postgres")
        data = self.dir / "data"
        self._run(_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._run(_bin("pg_ctl"), "-D", str(data), "-l", str(self.dir / "log"), "-w", "-o",
                  f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.dir} "
                  "-c fsync=off", "start")
        self.data = data

    def _run(self, *cmd: str) -> None:
        subprocess.run([*self._as, *cmd], check=True, capture_output=True, timeout=120)

    def create_database(self, name: str) -> str:
        self._run(_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def dump(self, name: str) -> str:
        """pg_dump of one database: what a backup of it would hold."""
        out = subprocess.run([*self._as, _bin("pg_dump"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                              name], check=True, capture_output=True, timeout=120)
        return out.stdout.decode("utf-8", "replace")

    def stop(self) -> None:
        subprocess.run([*self._as, _bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)

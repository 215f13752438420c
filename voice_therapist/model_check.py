"""Checks every default model against models/registry.yaml: `python -m voice_therapist.model_check`."""

from __future__ import annotations

import sys

from .model_registry import ModelNotFound, load_registry


def main() -> int:
    failed = False
    for entry in load_registry().values():
        try:
            where = entry.verify()
            print(f"    ok  {entry.name:18} {entry.size_bytes / 1e6:6.1f} MB  {where}")
        except ModelNotFound as exc:
            print(f"    BAD {exc}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Logging for the process: our own records at the configured level, other libraries' at INFO and up.

Libraries log what they were given at DEBUG (Piper logs every sentence it speaks), and a
therapy transcript must never reach a log file, whatever level an operator turns on.
"""

from __future__ import annotations

import logging

OWN = "voice_therapist"


class _LibraryDebugFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.INFO or record.name == OWN or record.name.startswith(OWN + ".")


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(_LibraryDebugFilter())

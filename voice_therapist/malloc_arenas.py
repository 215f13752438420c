"""Fewer glibc malloc arenas for the long-running voice processes.

glibc gives each thread that allocates its own arena (up to 8 per core), and the model
threads of every session (ASR, TTS, prosody, crisis check) leave freed memory stranded in
them: an extra talking session cost 90 MB of resident memory with the default and 52 MB with
two arenas (voice-therapist bench). Set before the models load, so it covers their threads.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_ARENA_MAX = -8  # from glibc's malloc.h
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """True when glibc took the limit; an explicit MALLOC_ARENA_MAX, or another libc, is left alone."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        return bool(ctypes.CDLL(name).mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False

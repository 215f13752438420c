"""One BLAS thread for the voice processes.

numpy's and scipy's OpenBLAS each start a thread per core. On two cores the second thread
spins after every call and competes with the ASR, LLM and TTS threads; the products here are
small (a sentence against ~8,000 exemplars), so it never paid for itself: the crisis check's
nearest-exemplar search took 3-4 ms with two threads and 1.0-1.5 ms with one, and the
sentence encoder beside it got slower too.
"""

from __future__ import annotations


def limit_blas_threads(threads: int = 1) -> None:
    """Limit every BLAS library loaded now or by the imports below, for the rest of the process."""
    import numpy  # noqa: F401  (loads numpy's OpenBLAS)
    import scipy.linalg  # noqa: F401  (scipy ships its own, used by librosa and scikit-learn)
    from threadpoolctl import threadpool_limits

    threadpool_limits(threads, user_api="blas")

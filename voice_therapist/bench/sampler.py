"""A sampling profiler for every thread, in the standard library (py-spy is not installed).

cProfile and pyinstrument see one thread; here the stages run in executor threads. Every
`interval_s` each thread's Python stack is read (sys._current_frames). A thread whose
innermost frame is a known wait (an idle executor worker, the event loop's select, a lock or
condition wait) counts as idle; the others count as busy. Native work (CTranslate2,
onnxruntime, llama.cpp) appears as the Python frame that called into it, which is what a
per-stage account needs. Busy samples are attributed to a stage by the outermost frame of
the project's code that names one.
"""

from __future__ import annotations

import re
import sys
import threading
from collections import Counter

# (file path fragment, function name) -> stage; checked from the outermost frame inwards.
STAGES = (
    ("voice_therapist/asr/", "transcribe", "ASR (Whisper)"),
    ("voice_therapist/tts/", "synthesize", "TTS (Piper)"),
    ("voice_therapist/llm/embedded.py", "_prefill", "LLM prefill (prompt ahead of the words)"),
    ("voice_therapist/llm/embedded.py", "_generate", "LLM generation"),
    ("voice_therapist/safety/detector.py", "assess", "crisis check"),
    ("voice_therapist/prosody/", "measure", "prosody"),
    ("voice_therapist/dialogue/engine.py", "plan", "routing and step planning"),
    ("voice_therapist/nlp/embedder.py", "relevance", "guard relevance (MiniLM)"),
    ("voice_therapist/pipeline/session.py", "tick", "per-frame tick (VAD, playback)"),
)
IDLE_LEAVES = {
    ("threading.py", "wait"), ("selectors.py", "select"), ("concurrent/futures/thread.py", "_worker"),
    ("queue.py", "get"), ("threading.py", "_wait_for_tstate_lock"),
}


def _thread_group(name: str) -> str:
    return re.sub(r"[_-]?\d+$", "", name) or name


def _stage(stack: list[tuple[str, str]]) -> str:
    for filename, function in reversed(stack):  # outermost first
        for fragment, name, stage in STAGES:
            if function == name and fragment in filename:
                return stage
    return "other Python (event loop, asyncio, glue)"


class StackSampler:
    def __init__(self, interval_s: float = 0.01):
        self.interval_s = interval_s
        self.busy = Counter()  # stage -> samples
        self.by_thread = Counter()  # thread group -> busy samples
        self.leaves = Counter()  # innermost (file:function) of busy samples
        self.idle = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)

    def __enter__(self) -> "StackSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = threading.get_ident()
        while not self._stop.wait(self.interval_s):
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if ident != me:
                    self._take(names.get(ident, "unknown"), frame)

    def _take(self, thread_name: str, frame) -> None:
        stack = []
        while frame is not None:
            stack.append((frame.f_code.co_filename, frame.f_code.co_name))
            frame = frame.f_back
        leaf_file, leaf_function = stack[0]
        if any(leaf_file.endswith(f) and leaf_function == fn for f, fn in IDLE_LEAVES):
            self.idle += 1
            return
        self.busy[_stage(stack)] += 1
        self.by_thread[_thread_group(thread_name)] += 1
        self.leaves[f"{leaf_file.split('site-packages/')[-1]}:{leaf_function}"] += 1

    def seconds(self, counter: Counter) -> dict[str, float]:
        return {key: round(count * self.interval_s, 2) for key, count in counter.most_common()}

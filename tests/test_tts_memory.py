"""Sessions speaking at once do not each add the synthesizer's working memory to the server."""

import subprocess
import sys

# Each Piper run holds ~20 MB of buffers per second of audio, which the allocator keeps; run
# side by side, four of them kept 455-515 MB more than one did. One at a time: 20-25 MB, once 143.
FOUR_AT_ONCE = """
from concurrent.futures import ThreadPoolExecutor
from voice_therapist.config import load_config
from voice_therapist.malloc_arenas import limit_malloc_arenas
limit_malloc_arenas()
from voice_therapist.tts.piper_voice import PiperSynthesizer
def rss():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS")) / 1024
tts = PiperSynthesizer(load_config(environ={}).tts)
line = ("Let's look closely at one moment when this was strongest, and what went through your mind right then, "
        "and try to say the thought exactly as it sounded to you.")
tts.synthesize(line)
one = rss()
with ThreadPoolExecutor(4) as pool:
    lengths = list(pool.map(lambda _: tts.synthesize(line).size, range(4)))
print(rss() - one, min(lengths))
"""


def test_four_sessions_synthesising_at_once_hold_no_more_memory_than_one():
    out = subprocess.run([sys.executable, "-c", FOUR_AT_ONCE], capture_output=True, text=True, check=True)
    grown_mb, samples = out.stdout.split()
    assert int(samples) > 16000 * 4  # every caller got its whole sentence
    assert float(grown_mb) < 250

import subprocess
import sys

CHECK = "from voice_therapist.malloc_arenas import limit_malloc_arenas; print(limit_malloc_arenas())"


def test_the_arena_limit_is_taken_by_glibc():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, env={}, check=True)
    assert out.stdout.strip() == "True"


def test_an_explicit_malloc_arena_max_is_left_alone():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                         env={"MALLOC_ARENA_MAX": "4"}, check=True)
    assert out.stdout.strip() == "False"

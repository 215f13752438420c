"""The benchmark end to end with tiny counts: the JSON has every key the issue names, with
numbers in them, and the Markdown table and the PNG are written beside it. No timing is asserted."""

from numbers import Real

import pytest

from voice_therapist.bench.conversations import PARTNER
from voice_therapist.bench.run import BenchPlan, run_plan

pytestmark = [pytest.mark.speech, pytest.mark.slow]

TINY = BenchPlan(quick=True, conversations=(PARTNER,), turns_per_conversation=2, crisis_rounds=1, levels=(1,),
                 budget_s=300.0)
NUMBERS = ["single.median_ms", "single.p95_ms", "single.max_ms", "naive.median_ms", "naive.ratio",
           "memory.rss_mb", "memory.per_session_mb", "speed.asr_rtf", "speed.tts_rtf", "crisis_check.p95_ms"]


def lookup(results, dotted):
    for key in dotted.split("."):
        results = results[key]
    return results


async def test_bench_writes_the_json_the_table_and_the_plot(cfg, models, tmp_path):
    json_path = tmp_path / "bench.json"
    results = await run_plan(cfg, models, TINY, json_path)

    for key in NUMBERS:
        assert isinstance(lookup(results, key), Real), key
    for part in ("endpoint", "asr_final", "crisis_check", "tts_first_audio", "first_audio_out"):
        assert isinstance(results["single"]["parts"][part]["median_ms"], Real), part
    sessions = results["concurrency"]["max_sessions_p95_under_2s"]
    assert isinstance(sessions, int), results["concurrency"]["status"]
    level = results["concurrency"]["levels"][0]
    assert level["sessions"] == 1 and level["n"] >= 1 and isinstance(level["p95_ms"], Real), level["errors"]
    for name, target in results["targets"].items():
        assert target["met"] in (True, False), name

    assert json_path.exists()
    table = json_path.with_suffix(".md").read_text()
    assert "| voice-to-voice median, one session |" in table and "first audio out" in table
    assert json_path.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

"""Access and observability: a token reads only its own user's data; health and metrics answer."""

import argparse
import logging
import socket

import httpx
import numpy as np
import pytest

from voice_therapist.audio.stream_resample import from_internal_frames, to_internal_frames
from voice_therapist.server.logs import RedactTokens
from voice_therapist.server.main import run_server, served_config

from .server_helpers import serving

CARD = {"kind": "coping_card", "modality": "cbt", "situation": "exams", "thought": "I will fail",
        "adaptive_thought": "I have prepared", "action": "sleep early"}


def remember(storage, user: str, mood: tuple[int, int], card: dict) -> None:
    session = storage.start_session(user)
    storage.update_session(session, {"topic": f"{user}'s topic", "mood_start": str(mood[0]),
                                     "mood_end": str(mood[1])}, "cbt")
    storage.save_artifact(session, user, card)
    storage.end_session(session)


@pytest.fixture
async def running(cfg, models):
    async with serving(cfg, models) as running:
        remember(running.storage, "alice", (3, 6), CARD)
        remember(running.storage, "bob", (7, 8), {**CARD, "situation": "bob's private situation"})
        yield running


async def test_a_token_reads_only_its_own_users_cards_and_moods(running):
    alice = {"Authorization": f"Bearer {running.tokens['alice']}"}
    bob = {"Authorization": f"Bearer {running.tokens['bob']}"}
    async with httpx.AsyncClient(base_url=running.base, trust_env=False) as http:
        assert (await http.get("/api/me", headers=alice)).json() == {"user": "alice"}
        cards = (await http.get("/api/me/cards", headers=alice)).json()
        assert [c["situation"] for c in cards["coping_cards"]] == ["exams"]
        moods = (await http.get("/api/me/moods", headers=alice)).json()["sessions"]
        assert [(m["mood_start"], m["mood_end"]) for m in moods] == [(3, 6)]
        assert set(moods[0]) == {"started_at", "modality", "mood_start", "mood_end"}  # no topic, no ids
        bobs = (await http.get("/api/me/cards", headers=bob)).json()
        assert [c["situation"] for c in bobs["coping_cards"]] == ["bob's private situation"]

        # Naming the other user does not help: 403, and nothing of theirs in the answer.
        for path in ("/api/users/bob/cards", "/api/users/bob/moods"):
            answer = await http.get(path, headers=alice)
            assert answer.status_code == 403 and "bob's" not in answer.text
        assert (await http.get("/api/users/alice/cards", headers=alice)).json() == cards
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Bearer " + "x" * 5000}):
            answer = await http.get("/api/me/cards", headers=headers)
            assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
        assert (await http.get("/api/me/cards", params={"token": running.tokens["alice"]})).status_code == 401

        resources = (await http.get("/api/resources")).json()  # public: shown before any sign-in
        assert resources["locale"] == "en-US" and "988" in resources["resources"]["crisis_line"]


async def test_health_and_metrics_answer(running):
    async with httpx.AsyncClient(base_url=running.base, trust_env=False) as http:
        health = (await http.get("/healthz")).json()
        await http.get("/api/users/bob/cards", headers={"Authorization": f"Bearer {running.tokens['alice']}"})
        metrics = await http.get("/metrics")
    assert health == {"status": "ok", "models_loaded": True, "active_sessions": 0, "max_sessions": 16}
    assert metrics.headers["content-type"].startswith("text/plain")
    for name in ("voice_therapist_turn_latency_seconds", "voice_therapist_active_sessions",
                 "voice_therapist_sessions_total", "voice_therapist_escalations_total",
                 "voice_therapist_refused_total"):
        assert f"# TYPE {name}" in metrics.text
    assert 'voice_therapist_refused_total{door="api",reason="other_user"} 1.0' in metrics.text
    assert "python_gc" not in metrics.text  # the app's own registry, not the process-global one


def test_metrics_count_turn_latencies_and_escalations(running):
    metrics = running.ctx.metrics
    metrics.observe("talk", {"type": "turn", "latency_ms": {"endpoint": 500.0, "first_audio_out": 1200.0}})
    metrics.observe("talk", {"type": "Escalated", "level": "plan", "delivered": False})
    text = metrics.exposition()[0].decode()
    assert 'voice_therapist_turn_latency_seconds_count{part="first_audio_out"} 1.0' in text
    assert 'voice_therapist_turn_latency_seconds_bucket{le="1.5",part="first_audio_out"} 1.0' in text
    assert 'voice_therapist_escalations_total{delivered="false",level="plan"} 1.0' in text
    assert 'voice_therapist_turns_total{door="talk"} 1.0' in text


def test_tokens_are_redacted_from_logged_urls():
    record = logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1,
                               '%s - "WebSocket %s" [accepted]', ("127.0.0.1:1", "/ws/talk?token=s3cret&x=1"), None)
    RedactTokens().filter(record)
    assert record.getMessage() == '127.0.0.1:1 - "WebSocket /ws/talk?token=[redacted]&x=1" [accepted]'


def test_the_served_address_is_an_allowed_origin(cfg):
    served = served_config(cfg, "127.0.0.1", 9123).server
    assert {"http://127.0.0.1:9123", "http://localhost:9123"} <= set(served.allowed_origins)
    assert set(cfg.server.allowed_origins) <= set(served.allowed_origins) and served.port == 9123
    assert "http://[::1]:9000" in served_config(cfg, "::1", 9000).server.allowed_origins


@pytest.mark.parametrize("rate", [8000, 48000])
def test_edge_resampling_gives_one_frame_per_frame_without_gaps(rate):
    """A tone through the edge and back: exact frame sizes, no bursts, silence stays silent."""
    inward, outward = to_internal_frames(rate), from_internal_frames(rate)
    n = rate // 50
    tone = (np.sin(2 * np.pi * 300 * np.arange(rate) / rate) * 8000).astype(np.int16)
    inner = [inward.convert(tone[i:i + n]) for i in range(0, rate, n)]
    back = [outward.convert(frame) for frame in inner]
    assert {f.size for f in inner} == {320} and {f.size for f in back} == {n}
    steady = np.concatenate(back)[rate // 10:]
    assert 7000 < np.abs(steady).max() < 9000 and min(np.abs(f).max() for f in back[5:]) > 6000
    after = [outward.convert(np.zeros(320, np.int16)) for _ in range(15)]  # the filter's tail, then nothing
    assert not any(f.any() for f in after[5:])


async def test_serve_says_clearly_when_the_port_is_taken(cfg, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = await run_server(argparse.Namespace(host="127.0.0.1", port=port), cfg, models=None)
    assert code == 2 and f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err

"""Prometheus metrics, one registry per app, fed from the sessions' own events."""

from __future__ import annotations

from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# Each latency part is measured from the end of the user's speech (see pipeline/turn_record.py).
LATENCY_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0)


class ServerMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.turn_latency = Histogram(
            "voice_therapist_turn_latency_seconds", "Time from the end of user speech to each stage of the reply",
            ["part"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.turns = Counter("voice_therapist_turns_total", "Turns answered", ["door"], registry=self.registry)
        self.active_sessions = Gauge("voice_therapist_active_sessions", "Sessions open now", ["door"],
                                     registry=self.registry)
        self.sessions = Counter("voice_therapist_sessions_total", "Sessions started", ["door"], registry=self.registry)
        self.escalations = Counter("voice_therapist_escalations_total", "Risk escalations to the human on-call channel",
                                   ["level", "delivered"], registry=self.registry)
        self.interruptions = Counter("voice_therapist_interruptions_total", "Replies cut short by the user",
                                     ["door"], registry=self.registry)
        self.refused = Counter("voice_therapist_refused_total", "Connections or messages refused", ["door", "reason"],
                               registry=self.registry)

    def observe(self, door: str, event: dict[str, Any]) -> None:
        """Count what a session reports; only numbers and labels, never the words."""
        kind = event.get("type")
        if kind == "turn":
            self.turns.labels(door).inc()
            for part, ms in event.get("latency_ms", {}).items():
                self.turn_latency.labels(part).observe(ms / 1000.0)
        elif kind == "Escalated":
            self.escalations.labels(event.get("level", ""), str(bool(event.get("delivered"))).lower()).inc()
        elif kind == "Interrupt":
            self.interruptions.labels(door).inc()

    def session_started(self, door: str) -> None:
        self.sessions.labels(door).inc()
        self.active_sessions.labels(door).inc()

    def session_ended(self, door: str) -> None:
        self.active_sessions.labels(door).dec()

    def refuse(self, door: str, reason: str) -> None:
        self.refused.labels(door, reason).inc()

    def exposition(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST

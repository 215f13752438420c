"""Memory between sessions: sessions, coping cards and next steps, mood ratings, themes.

A small interface over SQLite; the privacy work puts encryption and PostgreSQL behind it.
Every write is committed at once, so what was said before a crash is kept.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections import Counter
from pathlib import Path

from ..dialogue.engine import MemoryContext
from .themes import themes_of

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, started_at REAL NOT NULL, updated_at REAL NOT NULL,
    modality TEXT, topic TEXT, mood_start INTEGER, mood_end INTEGER, themes TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS artifacts (
    id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id), user_id TEXT NOT NULL,
    kind TEXT NOT NULL, created_at REAL NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS voice_baselines (
    user_id TEXT PRIMARY KEY, updated_at REAL NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(user_id, started_at);
CREATE INDEX IF NOT EXISTS artifacts_by_user ON artifacts(user_id, created_at);
"""


class MemoryStore:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), isolation_level=None)  # autocommit: each write lands
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    def start_session(self, user_id: str) -> str:
        session_id = uuid.uuid4().hex
        now = time.time()
        self._db.execute("INSERT INTO sessions (id, user_id, started_at, updated_at) VALUES (?, ?, ?, ?)",
                         (session_id, user_id, now, now))
        return session_id

    def update_session(self, session_id: str, slots: dict[str, str], modality: str | None) -> None:
        topic = slots.get("topic")
        self._db.execute(
            "UPDATE sessions SET updated_at=?, modality=COALESCE(?, modality), topic=COALESCE(?, topic), "
            "mood_start=COALESCE(?, mood_start), mood_end=COALESCE(?, mood_end), themes=? WHERE id=?",
            (time.time(), modality, topic, _int(slots.get("mood_start")), _int(slots.get("mood_end")),
             json.dumps(themes_of(topic or "")), session_id))

    def save_artifact(self, session_id: str, user_id: str, artifact: dict) -> None:
        self._db.execute("INSERT INTO artifacts (id, session_id, user_id, kind, created_at, data) VALUES (?, ?, ?, ?, ?, ?)",
                         (uuid.uuid4().hex, session_id, user_id, artifact["kind"], time.time(), json.dumps(artifact)))

    def voice_baseline(self, user_id: str) -> dict | None:
        """The user's usual voice (prosody baseline) from earlier sessions, if any."""
        row = self._db.execute("SELECT data FROM voice_baselines WHERE user_id=?", (user_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_voice_baseline(self, user_id: str, baseline: dict) -> None:
        self._db.execute("INSERT INTO voice_baselines (user_id, updated_at, data) VALUES (?, ?, ?) "
                         "ON CONFLICT(user_id) DO UPDATE SET updated_at=excluded.updated_at, data=excluded.data",
                         (user_id, time.time(), json.dumps(baseline)))

    def artifacts(self, user_id: str, kind: str | None = None) -> list[dict]:
        rows = self._db.execute(
            "SELECT data FROM artifacts WHERE user_id=? AND (? IS NULL OR kind=?) ORDER BY created_at",
            (user_id, kind, kind)).fetchall()
        return [json.loads(row[0]) for row in rows]

    def sessions(self, user_id: str) -> list[dict]:
        rows = self._db.execute(
            "SELECT id, started_at, modality, topic, mood_start, mood_end, themes FROM sessions "
            "WHERE user_id=? ORDER BY started_at", (user_id,)).fetchall()
        keys = ("id", "started_at", "modality", "topic", "mood_start", "mood_end", "themes")
        return [{**dict(zip(keys, row)), "themes": json.loads(row[6])} for row in rows]

    def memory_context(self, user_id: str) -> MemoryContext:
        """What the next opening can use: the last topic, card or step, mood, themes."""
        past = [s for s in self.sessions(user_id) if s["topic"]]
        if not past:
            return MemoryContext()
        last = past[-1]
        values = {"last_topic": last["topic"], "last_modality": last["modality"] or ""}
        if last["mood_end"] is not None:
            values["last_mood"] = str(last["mood_end"])
        cards = self.artifacts(user_id, "coping_card")
        steps = self.artifacts(user_id, "next_step")
        if cards:
            values["last_card_thought"] = cards[-1]["adaptive_thought"]
        if steps:
            values["last_step"] = steps[-1]["step"]
        counts = Counter(theme for s in past for theme in s["themes"])
        values["recurring_themes"] = ", ".join(t for t, n in counts.most_common() if n >= 2)
        gains = [(s["mood_end"] - s["mood_start"], s["modality"]) for s in past
                 if s["mood_start"] is not None and s["mood_end"] is not None and s["modality"]]
        if gains:
            values["helpful_modality"] = max(gains)[1]
        return MemoryContext(values)

    def close(self) -> None:
        self._db.close()


def _int(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None

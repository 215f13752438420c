"""The storage layer's front: users and tokens, sessions, turns, artifacts and voice baselines.

Every write is its own committed transaction, so a crash loses at most the turn in flight.
Writes a retry can repeat (a turn, a session's state) are upserts keyed by what they are.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..config import Config
from ..dialogue.engine import MemoryContext
from ..memory.context import memory_context
from ..memory.themes import themes_of
from .crypto import load_master_key, open_sealed, seal
from .database import migrate, open_engine, sqlite_url
from .keyring import Keyring
from .tables import artifacts, sessions, turns, users, voice_baselines

ROLES = ("user", "clinician", "oncall")
DAY_S = 86400


class UnknownUser(LookupError):
    pass


def open_storage(cfg: Config) -> "Storage":
    data_dir = cfg.data_dir()
    storage = cfg.storage
    url = storage.url or sqlite_url(data_dir / "voice_therapist.sqlite3")
    keys_url = storage.keystore_url or sqlite_url(data_dir / "keys.sqlite3")
    master = load_master_key(storage.master_key_env, Path(storage.master_key_file or data_dir / "master.key"))
    opened = Storage(open_engine(url), open_engine(keys_url), master)
    opened.purge_transcripts(storage.retention_days)  # the retention period holds without a cron job
    return opened


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Storage:
    def __init__(self, engine: Engine, key_engine: Engine, master_key: bytes):
        migrate(engine, "data")
        migrate(key_engine, "keys")
        self.engine = engine
        self.key_engine = key_engine
        self.keys = Keyring(key_engine, master_key)
        self._owners: dict[str, str] = {}  # session id -> user id, to seal a session's rows

    # --- sealing ------------------------------------------------------------------------------
    def seal(self, user_id: str, place: str, value: Any) -> bytes:
        return seal(self.keys.key(user_id), json.dumps(value).encode(), f"{place}:{user_id}")

    def unseal(self, user_id: str, place: str, blob: bytes | None) -> Any:
        return None if blob is None else json.loads(open_sealed(self.keys.key(user_id), blob, f"{place}:{user_id}"))

    # --- users and tokens ---------------------------------------------------------------------
    def create_user(self, role: str = "user", label: str = "", user_id: str | None = None) -> tuple[str, str]:
        """A new user (or clinician, or on-call person) and their token, shown only this once."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        user_id = user_id or uuid.uuid4().hex
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as db:
            db.execute(insert(users).values(id=user_id, role=role, label=label, token_hash=token_hash(token),
                                            created_at=time.time()))
        if role == "user":
            self.keys.create(user_id)
        return user_id, token

    def ensure_user(self, user_id: str) -> None:
        """The named local user exists (the desktop and file sessions name their user)."""
        if self.role_of(user_id) is None:
            try:
                self.create_user(user_id=user_id)
            except IntegrityError:  # created by another process just now
                pass

    def new_token(self, user_id: str) -> str:
        """Replaces the user's token; the old one stops working."""
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as db:
            if not db.execute(update(users).where(users.c.id == user_id).values(token_hash=token_hash(token))).rowcount:
                raise UnknownUser("no such user")
        return token

    def identify(self, token: str) -> tuple[str, str] | None:
        """(user id, role) for a token, None for an unknown one."""
        if not token:
            return None
        with self.engine.connect() as db:
            row = db.execute(select(users.c.id, users.c.role).where(users.c.token_hash == token_hash(token))).first()
        return (row.id, row.role) if row else None

    def user_for_token(self, token: str) -> str | None:
        found = self.identify(token)
        return found[0] if found and found[1] == "user" else None

    def role_of(self, user_id: str) -> str | None:
        with self.engine.connect() as db:
            return db.execute(select(users.c.role).where(users.c.id == user_id)).scalar()

    def label_of(self, user_id: str) -> str:
        with self.engine.connect() as db:
            return db.execute(select(users.c.label).where(users.c.id == user_id)).scalar() or ""

    # --- sessions -----------------------------------------------------------------------------
    def start_session(self, user_id: str) -> str:
        self.ensure_user(user_id)
        session_id = uuid.uuid4().hex
        now = time.time()
        with self.engine.begin() as db:
            db.execute(insert(sessions).values(id=session_id, user_id=user_id, started_at=now, updated_at=now,
                                               risk_level="none"))
        self._owners[session_id] = user_id
        return session_id

    def owner_of(self, session_id: str) -> str:
        if session_id not in self._owners:
            with self.engine.connect() as db:
                owner = db.execute(select(sessions.c.user_id).where(sessions.c.id == session_id)).scalar()
            if owner is None:
                raise UnknownUser("no such session")
            self._owners[session_id] = owner
        return self._owners[session_id]

    def update_session(self, session_id: str, slots: dict[str, str], modality: str | None) -> None:
        """The session's summary (topic, themes, moods) as it stands after a turn."""
        user_id = self.owner_of(session_id)
        topic = slots.get("topic")
        summary = {"topic": topic, "themes": themes_of(topic or ""), "mood_start": _int(slots.get("mood_start")),
                   "mood_end": _int(slots.get("mood_end"))}
        values: dict[str, Any] = {"updated_at": time.time(), "summary_enc": self.seal(user_id, "session", summary)}
        if modality:
            values["modality"] = modality
        with self.engine.begin() as db:
            db.execute(update(sessions).where(sessions.c.id == session_id).values(**values))

    def save_state(self, session_id: str, state: dict, risk_level: str) -> None:
        """Where the conversation stands after a committed turn: what a resume restores."""
        user_id = self.owner_of(session_id)
        with self.engine.begin() as db:
            db.execute(update(sessions).where(sessions.c.id == session_id).values(
                updated_at=time.time(), risk_level=risk_level, state_enc=self.seal(user_id, "state", state)))

    def end_session(self, session_id: str) -> None:
        with self.engine.begin() as db:
            db.execute(update(sessions).where(sessions.c.id == session_id).values(ended_at=time.time()))

    def resumable(self, user_id: str, within_s: float) -> tuple[str, dict] | None:
        """The user's last session if it was cut off (no clean end) within `within_s` and had begun."""
        with self.engine.connect() as db:
            row = db.execute(select(sessions.c.id, sessions.c.ended_at, sessions.c.updated_at, sessions.c.state_enc)
                             .where(sessions.c.user_id == user_id)
                             .order_by(sessions.c.started_at.desc()).limit(1)).first()
        if row is None or row.ended_at is not None or row.state_enc is None or time.time() - row.updated_at > within_s:
            return None
        self._owners[row.id] = user_id
        return row.id, self.unseal(user_id, "state", row.state_enc)

    def sessions(self, user_id: str) -> list[dict]:
        with self.engine.connect() as db:
            rows = db.execute(select(sessions).where(sessions.c.user_id == user_id)
                              .order_by(sessions.c.started_at)).all()
        out = []
        for row in rows:
            summary = self.unseal(user_id, "session", row.summary_enc) or {}
            out.append({"id": row.id, "started_at": row.started_at, "ended_at": row.ended_at,
                        "modality": row.modality, "risk_level": row.risk_level, "topic": summary.get("topic"),
                        "themes": summary.get("themes", []), "mood_start": summary.get("mood_start"),
                        "mood_end": summary.get("mood_end")})
        return out

    # --- turns --------------------------------------------------------------------------------
    def record_turn(self, session_id: str, index: int, user_text: str, assistant_text: str,
                    step: str, risk_level: str) -> None:
        """One turn as it happened; recording the same index again replaces it (a retry, or the reply heard)."""
        user_id = self.owner_of(session_id)
        text = self.seal(user_id, "turn", {"user": user_text, "assistant": assistant_text})
        values = {"created_at": time.time(), "step": step, "risk_level": risk_level, "text_enc": text}
        with self.engine.begin() as db:
            changed = db.execute(update(turns).where(turns.c.session_id == session_id, turns.c.idx == index)
                                 .values(**values)).rowcount
            if not changed:
                db.execute(insert(turns).values(id=uuid.uuid4().hex, session_id=session_id, user_id=user_id,
                                                idx=index, **values))

    def turns(self, session_id: str) -> list[dict]:
        user_id = self.owner_of(session_id)
        with self.engine.connect() as db:
            rows = db.execute(select(turns).where(turns.c.session_id == session_id).order_by(turns.c.idx)).all()
        out = []
        for row in rows:
            text = self.unseal(user_id, "turn", row.text_enc) or {"user": None, "assistant": None}
            out.append({"index": row.idx, "created_at": row.created_at, "step": row.step,
                        "risk_level": row.risk_level, "user_text": text["user"], "assistant_text": text["assistant"]})
        return out

    # --- artifacts and the voice baseline -----------------------------------------------------
    def save_artifact(self, session_id: str, user_id: str, artifact: dict) -> None:
        with self.engine.begin() as db:
            db.execute(insert(artifacts).values(id=uuid.uuid4().hex, session_id=session_id, user_id=user_id,
                                                kind=artifact["kind"], created_at=time.time(),
                                                data_enc=self.seal(user_id, "artifact", artifact)))

    def artifacts(self, user_id: str, kind: str | None = None) -> list[dict]:
        query = select(artifacts.c.data_enc).where(artifacts.c.user_id == user_id)
        if kind is not None:
            query = query.where(artifacts.c.kind == kind)
        with self.engine.connect() as db:
            blobs = db.execute(query.order_by(artifacts.c.created_at)).scalars().all()
        return [self.unseal(user_id, "artifact", blob) for blob in blobs]

    def voice_baseline(self, user_id: str) -> dict | None:
        """The user's usual voice (prosody baseline) from earlier sessions, if any."""
        with self.engine.connect() as db:
            blob = db.execute(select(voice_baselines.c.data_enc).where(voice_baselines.c.user_id == user_id)).scalar()
        return self.unseal(user_id, "voice", blob)

    def save_voice_baseline(self, user_id: str, baseline: dict) -> None:
        values = {"updated_at": time.time(), "data_enc": self.seal(user_id, "voice", baseline)}
        with self.engine.begin() as db:
            if not db.execute(update(voice_baselines).where(voice_baselines.c.user_id == user_id)
                              .values(**values)).rowcount:
                db.execute(insert(voice_baselines).values(user_id=user_id, **values))

    # --- retention ------------------------------------------------------------------------
    def purge_transcripts(self, retention_days: float, now: float | None = None) -> int:
        """Blanks the words of turns older than the period (summaries and artifacts stay); 0 days keeps all."""
        if retention_days <= 0:
            return 0
        cutoff = (now or time.time()) - retention_days * DAY_S
        with self.engine.begin() as db:
            return db.execute(update(turns).where(turns.c.created_at < cutoff, turns.c.text_enc.is_not(None))
                              .values(text_enc=None)).rowcount

    def memory_context(self, user_id: str) -> MemoryContext:
        return memory_context(self.sessions(user_id), self.artifacts(user_id))

    def close(self) -> None:
        self.engine.dispose()
        self.key_engine.dispose()


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None

"""The database schema, as SQLAlchemy Core tables; Alembic migrations create and evolve it.

Plain columns hold only what the service must query without a user's key: ids, times,
kinds, the modality, risk levels and consent scopes. Every `*_enc` column is sealed with the
user's data key (crypto.py). The user data keys are not here: they live in the key store.
"""

from __future__ import annotations

from sqlalchemy import (Column, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table,
                        UniqueConstraint)

metadata = MetaData()
ID = String(32)

users = Table(
    "users", metadata,
    Column("id", ID, primary_key=True),
    Column("role", String(16), nullable=False),  # user | clinician | oncall
    Column("label", String(200), nullable=False, default=""),  # a clinician's name; empty for users
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
)

sessions = Table(
    "sessions", metadata,
    Column("id", ID, primary_key=True),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("started_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("ended_at", Float),
    Column("modality", String(40)),
    Column("risk_level", String(16), nullable=False, default="none"),
    Column("summary_enc", LargeBinary),  # topic, themes, moods: what the next opening and the trend use
    Column("state_enc", LargeBinary),  # where the conversation stood: a crash resumes from here
    Index("sessions_by_user", "user_id", "started_at"),
)

turns = Table(
    "turns", metadata,
    Column("id", ID, primary_key=True),
    Column("session_id", ID, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("step", String(80), nullable=False, default=""),
    Column("risk_level", String(16), nullable=False, default="none"),
    Column("text_enc", LargeBinary),  # the user's words and the reply; NULL once retention purged it
    UniqueConstraint("session_id", "idx", name="turns_once_per_index"),  # a retried write lands once
)

artifacts = Table(
    "artifacts", metadata,
    Column("id", ID, primary_key=True),
    Column("session_id", ID, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(40), nullable=False),  # coping_card, next_step, safety_plan
    Column("created_at", Float, nullable=False),
    Column("data_enc", LargeBinary, nullable=False),
    Index("artifacts_by_user", "user_id", "created_at"),
)

voice_baselines = Table(
    "voice_baselines", metadata,
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("updated_at", Float, nullable=False),
    Column("data_enc", LargeBinary, nullable=False),
)

consents = Table(
    "consents", metadata,
    Column("id", ID, primary_key=True),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("clinician_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("scopes", String(200), nullable=False),  # comma-separated: summaries, moods, safety_plan
    Column("granted_at", Float, nullable=False),
    Column("revoked_at", Float),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", ID, nullable=False),  # whose data; kept (without content) after a clinician leaves
    Column("actor_id", ID, nullable=False),
    Column("actor_role", String(16), nullable=False),
    Column("action", String(80), nullable=False),
    Column("at", Float, nullable=False),
    Index("audit_by_user", "user_id", "at"),
)

escalations = Table(
    "escalations", metadata,
    Column("id", String(64), primary_key=True),  # the event id, also the webhook's Idempotency-Key
    Column("user_id", String(64), nullable=False),  # pseudonymous, as in the payload
    Column("level", String(16), nullable=False),
    Column("payload", String, nullable=False),  # levels and detector reasons; never the user's words
    Column("created_at", String(40), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", String(500), nullable=False, default=""),
    Column("delivered_at", String(40)),
    Column("claimed_by", String(80)),  # the worker delivering it now; NULL when nobody is
    Column("claimed_until", Float),  # that worker's lease (epoch seconds): after it, any worker may take over
)

pin_failures = Table(
    "pin_failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", ID, nullable=False),  # whose PIN was tried; no foreign key: a caller may have no row yet
    Column("at", Float, nullable=False),  # wall-clock time of the wrong PIN; rows older than the window go
    Index("pin_failures_by_user", "user_id", "at"),
)

# The key store: a separate database, so a backup of the data never carries the keys.
key_metadata = MetaData()
user_keys = Table(
    "user_keys", key_metadata,
    Column("user_id", ID, primary_key=True),
    Column("wrapped_key", LargeBinary, nullable=False),
    Column("created_at", Float, nullable=False),
)

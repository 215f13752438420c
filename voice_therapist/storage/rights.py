"""The user's rights: a readable export of everything kept, and deletion of all of it."""

from __future__ import annotations

import time

from sqlalchemy import delete, select

from ..measures.trend import measure_trend
from .store import Storage, UnknownUser
from .tables import artifacts, audit_log, consents, escalations, pin_failures, sessions, turns, users, voice_baselines

EXPORT_FORMAT = "voice-therapist-export/1"


def export_user(storage: Storage, user_id: str) -> dict:
    """Everything stored about the user, decrypted, as plain JSON-ready data."""
    if storage.role_of(user_id) != "user":
        raise UnknownUser("no such user")
    with storage.engine.connect() as db:
        user = db.execute(select(users).where(users.c.id == user_id)).first()
        grants = db.execute(select(consents).where(consents.c.user_id == user_id)
                            .order_by(consents.c.granted_at)).all()
        audits = db.execute(select(audit_log).where(audit_log.c.user_id == user_id).order_by(audit_log.c.at)).all()
        alerts = db.execute(select(escalations).where(escalations.c.user_id == user_id)).all()
    kept_sessions = storage.sessions(user_id)
    kept_artifacts = storage.artifacts(user_id)
    for session in kept_sessions:
        session["turns"] = storage.turns(session["id"])
    return {
        "format": EXPORT_FORMAT,
        "exported_at": time.time(),
        "user": {"id": user.id, "created_at": user.created_at},
        "sessions": kept_sessions,
        "artifacts": kept_artifacts,
        "measures": measure_trend(kept_artifacts),  # PHQ-9 and GAD-7 over time; each answer is in `artifacts`
        "voice_baseline": storage.voice_baseline(user_id),
        "consents": [{"clinician": storage.label_of(g.clinician_id), "clinician_id": g.clinician_id,
                      "scopes": g.scopes.split(","), "granted_at": g.granted_at, "revoked_at": g.revoked_at}
                     for g in grants],
        "access_log": [{"actor_id": a.actor_id, "actor_role": a.actor_role, "action": a.action, "at": a.at}
                       for a in audits],
        "escalations": [{"id": e.id, "level": e.level, "created_at": e.created_at, "delivered_at": e.delivered_at}
                        for e in alerts],
    }


def forget_user(storage: Storage, user_id: str) -> None:
    """Destroys the user's key first (every copy of their data becomes unreadable), then their rows."""
    if storage.role_of(user_id) is None:
        raise UnknownUser("no such user")
    storage.keys.destroy(user_id)
    with storage.engine.begin() as db:
        for table in (turns, artifacts, voice_baselines, sessions, consents, audit_log, pin_failures):
            db.execute(delete(table).where(table.c.user_id == user_id))
        # An undelivered crisis escalation still goes out (it holds no words); delivered ones go now.
        db.execute(delete(escalations).where(escalations.c.user_id == user_id, escalations.c.delivered_at.is_not(None)))
        db.execute(delete(consents).where(consents.c.clinician_id == user_id))
        db.execute(delete(users).where(users.c.id == user_id))


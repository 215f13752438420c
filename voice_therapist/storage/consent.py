"""Clinician access: only with the user's consent, only to what they consented to, always audited.

A clinician sees summaries, the mood trend, the questionnaire scores (PHQ-9, GAD-7) and the
safety plan, never the transcripts. Every
read is written to the audit log, which the user can see in their export and on the page.
"""

from __future__ import annotations

import time
import uuid

from sqlalchemy import insert, select, update

from ..measures.trend import measure_trend
from .store import Storage, UnknownUser
from .tables import audit_log, consents, escalations

SCOPES = ("summaries", "moods", "safety_plan", "measures")


class AccessDenied(PermissionError):
    """No consent covers this request (HTTP 403)."""


def grant(storage: Storage, user_id: str, clinician_id: str, scopes: tuple[str, ...] = SCOPES) -> None:
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise ValueError(f"unknown scope(s): {', '.join(sorted(unknown))}; choose from {', '.join(SCOPES)}")
    if storage.role_of(clinician_id) != "clinician":
        raise UnknownUser("no such clinician")
    revoke(storage, user_id, clinician_id)  # one live grant per pair: the newest scopes win
    with storage.engine.begin() as db:
        db.execute(insert(consents).values(id=uuid.uuid4().hex, user_id=user_id, clinician_id=clinician_id,
                                           scopes=",".join(scopes), granted_at=time.time()))
    audit(storage, user_id, user_id, "user", "consent_granted:" + ",".join(scopes))


def revoke(storage: Storage, user_id: str, clinician_id: str) -> bool:
    with storage.engine.begin() as db:
        changed = db.execute(update(consents).where(consents.c.user_id == user_id, consents.c.clinician_id == clinician_id,
                                                    consents.c.revoked_at.is_(None)).values(revoked_at=time.time()))
    if changed.rowcount:
        audit(storage, user_id, user_id, "user", "consent_revoked")
    return bool(changed.rowcount)


def scopes_for(storage: Storage, clinician_id: str, user_id: str) -> set[str]:
    with storage.engine.connect() as db:
        row = db.execute(select(consents.c.scopes).where(consents.c.user_id == user_id,
                                                         consents.c.clinician_id == clinician_id,
                                                         consents.c.revoked_at.is_(None))).scalar()
    return set(row.split(",")) if row else set()


def clients_of(storage: Storage, clinician_id: str) -> list[str]:
    """The users who currently consent to this clinician."""
    with storage.engine.connect() as db:
        return list(db.execute(select(consents.c.user_id).where(consents.c.clinician_id == clinician_id,
                                                               consents.c.revoked_at.is_(None))).scalars())


def clinician_view(storage: Storage, clinician_id: str, user_id: str) -> dict:
    """What this clinician may see of this client; AccessDenied without consent."""
    scopes = scopes_for(storage, clinician_id, user_id)
    if not scopes:
        audit(storage, user_id, clinician_id, "clinician", "access_denied")
        raise AccessDenied("this client has not given you access")
    view: dict = {"user_id": user_id, "scopes": sorted(scopes)}
    kept = storage.sessions(user_id)
    if "summaries" in scopes:
        view["summaries"] = [{"started_at": s["started_at"], "modality": s["modality"], "topic": s["topic"],
                              "themes": s["themes"]} for s in kept]
        view["coping_cards"] = storage.artifacts(user_id, "coping_card")
        view["next_steps"] = storage.artifacts(user_id, "next_step")
    if "moods" in scopes:
        view["moods"] = mood_trend(kept)
    if "measures" in scopes:
        view["measures"] = measure_trend(storage.artifacts(user_id, "measure"))
    if "safety_plan" in scopes:
        plans = storage.artifacts(user_id, "safety_plan")
        view["safety_plan"] = plans[-1] if plans else None
    audit(storage, user_id, clinician_id, "clinician", "read:" + ",".join(sorted(scopes)))
    return view


def mood_trend(kept_sessions: list[dict]) -> list[dict]:
    return [{"started_at": s["started_at"], "mood_start": s["mood_start"], "mood_end": s["mood_end"]}
            for s in kept_sessions if s["mood_start"] is not None or s["mood_end"] is not None]


def oncall_escalations(storage: Storage, actor_id: str) -> list[dict]:
    """Escalation events for the on-call role: levels and reasons, no words."""
    if storage.role_of(actor_id) != "oncall":
        raise AccessDenied("only the on-call role sees escalations")
    with storage.engine.connect() as db:
        rows = db.execute(select(escalations).order_by(escalations.c.created_at.desc())).all()
    return [{"id": r.id, "user_id": r.user_id, "level": r.level, "created_at": r.created_at,
             "delivered_at": r.delivered_at, "attempts": r.attempts} for r in rows]


def audit(storage: Storage, user_id: str, actor_id: str, actor_role: str, action: str) -> None:
    with storage.engine.begin() as db:
        db.execute(insert(audit_log).values(user_id=user_id, actor_id=actor_id, actor_role=actor_role,
                                            action=action, at=time.time()))


def access_log(storage: Storage, user_id: str) -> list[dict]:
    with storage.engine.connect() as db:
        rows = db.execute(select(audit_log).where(audit_log.c.user_id == user_id).order_by(audit_log.c.at)).all()
    return [{"actor_id": r.actor_id, "actor_role": r.actor_role, "actor": storage.label_of(r.actor_id),
             "action": r.action, "at": r.at} for r in rows]

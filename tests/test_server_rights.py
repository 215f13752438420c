"""The user's rights and the clinician's and on-call views over HTTP, on the real server and storage."""

import httpx
import pytest

from voice_therapist.safety.escalation import EscalationEvent
from voice_therapist.storage.escalation_queue import StoredEscalationQueue

from .server_helpers import serving
from .test_server_access import CARD, remember


@pytest.fixture
async def running(cfg, models):
    async with serving(cfg, models) as running:
        remember(running.storage, "alice", (3, 6), CARD)
        remember(running.storage, "bob", (7, 8), {**CARD, "situation": "bob's private situation"})
        running.clinician, running.clinician_token = running.storage.create_user("clinician", "Dr Okafor")
        running.oncall_token = running.storage.create_user("oncall", "Night desk")[1]
        yield running


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


async def test_a_clinician_sees_a_client_only_after_consent_and_the_client_sees_the_read(running):
    alice, doctor = bearer(running.tokens["alice"]), bearer(running.clinician_token)
    async with httpx.AsyncClient(base_url=running.base, trust_env=False) as http:
        assert (await http.get("/api/clinician/clients", headers=doctor)).json() == {"clients": []}
        refused = await http.get("/api/clinician/clients/alice", headers=doctor)
        assert refused.status_code == 403 and "exams" not in refused.text
        assert (await http.get("/api/clinician/clients", headers=alice)).status_code == 403  # a user is no clinician

        granted = await http.post("/api/me/consents", headers=alice,
                                  json={"clinician_id": running.clinician, "scopes": ["summaries", "moods"]})
        assert granted.status_code == 200
        assert (await http.get("/api/clinician/clients", headers=doctor)).json() == {"clients": ["alice"]}
        view = (await http.get("/api/clinician/clients/alice", headers=doctor)).json()
        assert view["coping_cards"][0]["situation"] == "exams" and view["moods"][0]["mood_end"] == 6
        assert (await http.get("/api/clinician/clients/bob", headers=doctor)).status_code == 403

        log = (await http.get("/api/me/access-log", headers=alice)).json()["access_log"]
        assert any(e["actor"] == "Dr Okafor" and e["action"].startswith("read:") for e in log)
        assert (await http.delete(f"/api/me/consents/{running.clinician}", headers=alice)).json() == {"revoked": True}
        assert (await http.get("/api/clinician/clients/alice", headers=doctor)).status_code == 403
        page = await http.get("/clinician")
        assert page.status_code == 200 and "Clients who gave you access" in page.text


async def test_export_then_forget_over_http(running):
    alice = bearer(running.tokens["alice"])
    async with httpx.AsyncClient(base_url=running.base, trust_env=False) as http:
        export = await http.get("/api/me/export", headers=alice)
        assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
        assert export.json()["artifacts"][0]["situation"] == "exams"
        assert "bob" not in export.text

        assert (await http.post("/api/me/forget", headers=alice, json={"confirm": "yes"})).status_code == 400
        assert running.storage.sessions("alice")  # a wrong confirmation deletes nothing
        assert (await http.post("/api/me/forget", headers=alice,
                                json={"confirm": "forget everything"})).json() == {"forgotten": True}
        assert (await http.get("/api/me/export", headers=alice)).status_code == 401  # the token died with the data
        assert running.storage.role_of("alice") is None
        assert running.storage.sessions("bob")  # bob keeps everything


async def test_escalations_are_visible_to_the_oncall_role_only(running):
    StoredEscalationQueue(running.storage.engine).put(
        EscalationEvent(level="imminent", reasons=("lexicon:imminent",), session_id="s1", user_id="alice",
                        locale="en-US"))
    async with httpx.AsyncClient(base_url=running.base, trust_env=False) as http:
        seen = (await http.get("/api/oncall/escalations", headers=bearer(running.oncall_token))).json()
        assert [(e["level"], e["user_id"]) for e in seen["escalations"]] == [("imminent", "alice")]
        for who in (running.tokens["alice"], running.clinician_token):
            assert (await http.get("/api/oncall/escalations", headers=bearer(who))).status_code == 403

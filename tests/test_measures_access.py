"""The questionnaire trend in the clinician view (only with the `measures` consent), the page's
API and the export, on the real server, storage and CLI."""

import json
import os
import subprocess
import sys

import httpx
import pytest

from voice_therapist.measures.definition import load_measures
from voice_therapist.measures.questionnaire import Questionnaire, QuestionnaireState

from .server_helpers import serving

DAY_S = 86400.0


def take(storage, user, name, answers, at):
    """A questionnaire answered as the session would, its record stored as the session stores it."""
    q = Questionnaire(load_measures(), clock=lambda: at)
    state = q.begin(QuestionnaireState(), [name], "", "Okay.").state
    records = ()
    for text in answers:
        step = q.answer(state, text)
        state, records = step.state, records + step.records
    session = storage.start_session(user)
    for record in records:
        storage.save_artifact(session, user, record)
    storage.end_session(session)


@pytest.fixture
async def running(cfg, models):
    async with serving(cfg, models) as running:
        take(running.storage, "alice", "phq9", ["most days"] * 7 + ["no"] * 2, 1_700_000_000.0)  # 14
        take(running.storage, "alice", "phq9", ["several days"] * 8 + ["no"], 1_700_000_000.0 + 14 * DAY_S)  # 8
        take(running.storage, "alice", "gad7", ["nearly every day"] * 4 + ["no"] * 3, 1_700_000_000.0 + 14 * DAY_S)  # 12
        running.clinician, running.clinician_token = running.storage.create_user("clinician", "Dr Okafor")
        yield running


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


async def test_the_clinician_sees_the_trend_only_with_the_measures_consent(running):
    alice, doctor = bearer(running.tokens["alice"]), bearer(running.clinician_token)
    async with httpx.AsyncClient(base_url=running.base, trust_env=False) as http:
        assert (await http.get("/api/clinician/clients/alice", headers=doctor)).status_code == 403
        await http.post("/api/me/consents", headers=alice, json={"clinician_id": running.clinician, "scopes": ["moods"]})
        view = (await http.get("/api/clinician/clients/alice", headers=doctor)).json()
        assert "measures" not in view and "14" not in json.dumps(view)

        granted = await http.post("/api/me/consents", headers=alice,
                                  json={"clinician_id": running.clinician, "scopes": ["moods", "measures"]})
        assert granted.status_code == 200
        view = (await http.get("/api/clinician/clients/alice", headers=doctor)).json()
        phq9 = [(m["score"], m["band"]) for m in view["measures"] if m["measure"] == "phq9"]
        assert phq9 == [(14, "moderate"), (8, "mild")]
        assert [m["score"] for m in view["measures"] if m["measure"] == "gad7"] == [12]
        assert "answers" not in view["measures"][0]  # the trend, not each answer

        page = await http.get("/static/clinician.js")
        assert page.status_code == 200 and "view.measures" in page.text

        mine = (await http.get("/api/me/measures", headers=alice)).json()["measures"]
        assert [m["score"] for m in mine] == [14, 8, 12]
        assert (await http.get("/api/me/measures", headers=bearer(running.tokens["bob"]))).json() == {"measures": []}


async def test_the_export_holds_the_trend_and_every_answer(running):
    async with httpx.AsyncClient(base_url=running.base, trust_env=False) as http:
        export = (await http.get("/api/me/export", headers=bearer(running.tokens["alice"]))).json()
    assert [m["score"] for m in export["measures"]] == [14, 8, 12]
    answered = [a for a in export["artifacts"] if a["kind"] == "measure"]
    assert answered[0]["answers"]["interest"] == 2
    result = subprocess.run([sys.executable, "-m", "voice_therapist", "export", "--user", "alice"],
                            capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert [m["score"] for m in json.loads(result.stdout)["measures"]] == [14, 8, 12]
    bob = subprocess.run([sys.executable, "-m", "voice_therapist", "export", "--user", "bob"],
                         capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert json.loads(bob.stdout)["measures"] == []

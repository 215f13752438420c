"""The openai backend's one call per turn, against a real HTTP server on loopback that answers fixed JSON."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from voice_therapist.config import LlmConfig
from voice_therapist.dialogue.engine import SessionEngine, TurnContext
from voice_therapist.dialogue.openai_understanding import OpenAIUnderstander
from voice_therapist.dialogue.protocol import load_protocols

PROTOCOLS = load_protocols()


class Router:
    def route(self, text, stress=0.5):
        return "cbt", 0.9

    def named(self, text):
        return None


class Namer:
    def classify(self, text):
        return "fortune_telling", 0.8

    def describe(self, label):
        return {"title": "fortune telling", "explanation": "That sounds like predicting the worst.", "question": "?"}


class StubServer:
    """Answers each POST with the next reply in `replies` (a dict is sent as the message content's JSON)."""

    def __init__(self):
        self.replies: list = []
        self.requests: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append({"path": self.path, "body": body})
                reply = stub.replies.pop(0) if stub.replies else {"status": 500}
                status = reply.get("status", 200) if isinstance(reply, dict) and "status" in reply else 200
                content = reply if isinstance(reply, str) else json.dumps(reply)
                payload = json.dumps({"id": "x", "object": "chat.completion", "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]})
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(payload.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    server = StubServer()
    yield server
    server.close()


def engine_with(stub):
    understander = OpenAIUnderstander(LlmConfig(backend="openai", base_url=stub.url, api_model="served", timeout_s=5))
    return SessionEngine(PROTOCOLS, Router(), Namer(), understander=understander), understander


def say(e, text, i=0):
    plan = e.plan(text, TurnContext(elapsed_s=30 + 45 * i))
    e.commit(plan)
    return plan


def test_one_call_per_turn_reads_the_slots_and_kind_through_a_json_schema(stub):
    e, understander = engine_with(stub)
    stub.replies = [
        {"kind": "answer", "slots": {"topic": "my chemistry final on Friday"},
         "acknowledgement": "Your chemistry final is on Friday, and it's weighing on you."},
        {"kind": "answer", "slots": {"mood_start": None, "automatic_thought": "I'm going to fail"},
         "acknowledgement": "That's a lot of worry to carry."},
    ]
    first = say(e, "So I've got this chemistry final on Friday, and honestly I'm freaking out.")
    second = say(e, "Like an eight out of ten anxious. I keep thinking I'll fail.", 1)
    assert len(stub.requests) == 2  # one call for each turn
    request = stub.requests[0]
    assert request["path"] == "/v1/chat/completions"
    body = request["body"]
    assert body["model"] == "served" and body["stream"] is False
    assert body["response_format"]["type"] == "json_schema"
    schema = body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["kind"]["enum"][:2] == ["answer", "yes"]
    assert "topic" in schema["properties"]["slots"]["properties"]
    assert "freaking out" in body["messages"][-1]["content"]
    assert e.state.slots["topic"] == "my chemistry final on Friday"
    assert "Your chemistry final is on Friday, and it's weighing on you." in first.move.scripted_line
    assert e.state.slots["automatic_thought"] == "I'm going to fail"
    assert e.state.slots["rating_anxiety"] == "8"  # numbers stay read by the rules
    assert second.move.step == "name_distortion" and "That's a lot of worry to carry." in second.move.scripted_line
    understander.close()


def test_any_failure_falls_back_to_the_rules(stub):
    e, understander = engine_with(stub)
    stub.replies = [
        "this is not JSON",
        {"kind": "banter", "slots": {}, "acknowledgement": "Hi."},  # a kind outside the schema
        {"status": 500},
        {"kind": "answer", "slots": {"automatic_thought": " ".join(["word"] * 40)}, "acknowledgement": "Ok."},
    ]
    plans = [say(e, text, i) for i, text in enumerate([
        "I've got my chemistry final on Friday and I'm freaking out.", "About a four.",
        "I keep thinking I'm going to fail.", "Yes, that fits."])]
    assert len(stub.requests) == 4
    assert e.state.slots["topic"] == "I've got my chemistry final on Friday"  # the rules read it
    assert e.state.slots["mood_start"] == "4"
    assert e.state.slots["automatic_thought"] == "I'm going to fail"  # a pasted speech is refused
    assert [p.move.step for p in plans] == ["welcome", "automatic_thought", "name_distortion", "evidence_for"]
    understander.close()


def test_a_dead_server_costs_the_turn_nothing_but_the_rules(stub):
    understander = OpenAIUnderstander(LlmConfig(backend="openai", base_url="http://127.0.0.1:9/v1", timeout_s=1))
    e = SessionEngine(PROTOCOLS, Router(), Namer(), understander=understander)
    plan = say(e, "I've got my chemistry final on Friday and I'm freaking out.")
    assert plan.move.step == "welcome" and e.state.slots["topic"] == "I've got my chemistry final on Friday"


def test_the_acknowledgement_passes_the_guard_or_is_not_said(stub):
    e, understander = engine_with(stub)
    stub.replies = [{"kind": "answer", "slots": {"topic": "my exam"},
                     "acknowledgement": "You should take 20 mg of something to calm down."}]
    plan = say(e, "Hi, it's about my exam.")
    assert "20 mg" not in plan.move.scripted_line and "calm down" not in plan.move.scripted_line
    assert plan.move.scripted_line.startswith("Hi, I'm glad you're here.")
    understander.close()

"""Crisis escalation to the on-call webhook, against a real HTTP server on loopback."""

import json
import logging
import time


from voice_therapist.safety.escalation import (
    EscalationEvent,
    EscalationNotifier,
    EscalationQueue,
    needs_escalation,
)

from .webhook import free_port

PAYLOAD_KEYS = {"type", "id", "level", "reasons", "session_id", "user_id", "locale", "created_at",
                "transfer_number"}
FAST = {"timeout_s": 1.0, "backoff_s": 0.01}


def event(level: str = "plan") -> EscalationEvent:
    return EscalationEvent(level=level, reasons=("lexicon:plan", "context"), session_id="s-1",
                           user_id="u-7f3a", locale="en-US", transfer_number="+1988")


async def test_an_event_reaches_the_webhook_with_the_token(webhook, tmp_path):
    hook = webhook()
    queue = EscalationQueue(tmp_path / "escalations.sqlite")
    ev = event("imminent")
    assert await EscalationNotifier(hook.url, queue, token="s3cret", **FAST).escalate(ev) is True
    [(body, headers)] = hook.received
    assert body["level"] == "imminent" and body["type"] == "crisis_escalation"
    assert headers["authorization"] == "Bearer s3cret"
    assert headers["idempotency-key"] == ev.id
    assert queue.pending() == []


async def test_a_down_webhook_keeps_the_event_across_a_restart(webhook, tmp_path):
    path, port = tmp_path / "escalations.sqlite", free_port()  # nothing listens on it yet
    ev = event()
    started = time.monotonic()
    notifier = EscalationNotifier(f"http://127.0.0.1:{port}/escalate", EscalationQueue(path), retries=3, **FAST)
    assert await notifier.escalate(ev) is False
    assert time.monotonic() - started < 2
    [pending] = EscalationQueue(path).pending()
    assert pending.id == ev.id and pending.attempts == 3 and pending.last_error

    hook = webhook(port)  # the channel comes back; a new process opens the same file
    queue = EscalationQueue(path)
    restarted = EscalationNotifier(hook.url, queue, **FAST)
    assert await restarted.flush() == 1
    assert await restarted.flush() == 0
    assert [body["id"] for body, _ in hook.received] == [ev.id]
    assert hook.received[0][0] == ev.to_payload()
    assert queue.pending() == []


async def test_server_errors_are_retried_until_delivered(webhook, tmp_path):
    hook = webhook(statuses=(500, 500))
    queue = EscalationQueue(tmp_path / "escalations.sqlite")
    assert await EscalationNotifier(hook.url, queue, retries=3, **FAST).escalate(event()) is True
    assert len(hook.received) == 3
    assert len({headers["idempotency-key"] for _, headers in hook.received}) == 1
    assert queue.pending() == []


async def test_a_refusal_is_not_retried_but_stays_pending(webhook, tmp_path):
    hook = webhook(statuses=(401,))
    queue = EscalationQueue(tmp_path / "escalations.sqlite")
    notifier = EscalationNotifier(hook.url, queue, retries=3, **FAST)
    assert await notifier.escalate(event()) is False
    assert len(hook.received) == 1
    [pending] = queue.pending()
    assert pending.last_error == "HTTP 401"
    assert await notifier.flush() == 1  # fixed on the receiver's side: the next flush delivers it
    assert queue.pending() == []


async def test_flush_sends_oldest_first(webhook, tmp_path):
    queue = EscalationQueue(tmp_path / "escalations.sqlite")
    first, second = event("plan"), event("imminent")
    queue.put(first)
    queue.put(second)
    queue.put(first)  # the same event twice is one row
    hook = webhook()
    assert await EscalationNotifier(hook.url, queue, **FAST).flush() == 2
    assert [body["id"] for body, _ in hook.received] == [first.id, second.id]


def test_the_payload_carries_no_transcript_or_personal_data():
    payload = event().to_payload()
    assert set(payload) == PAYLOAD_KEYS
    assert json.loads(json.dumps(payload)) == payload
    assert payload["created_at"].endswith("+00:00")
    assert len(payload["id"]) == 32


async def test_without_a_url_events_are_queued_not_lost(tmp_path, caplog):
    queue = EscalationQueue(tmp_path / "escalations.sqlite")
    notifier = EscalationNotifier("", queue)
    with caplog.at_level(logging.WARNING, logger="voice_therapist.safety.escalation"):
        assert await notifier.escalate(event()) is False
        assert await notifier.escalate(event()) is False
        assert await notifier.flush() == 0
    assert len(queue.pending()) == 2
    assert sum("no on-call" in r.getMessage() for r in caplog.records) == 1


def test_only_plan_and_imminent_escalate():
    assert [lvl for lvl in ("none", "watch", "passive", "active", "plan", "imminent", "harm_others")
            if needs_escalation(lvl)] == ["plan", "imminent"]


def test_an_escalation_from_the_detector_carries_its_evidence_but_not_the_users_words():
    from voice_therapist.safety.detector import CrisisDetector

    text = "Honestly the rope is already tied to the beam in our garage, this is goodbye."
    assessment = CrisisDetector().assess(text)
    assert needs_escalation(assessment.session_level)
    payload = json.dumps(EscalationEvent(level=assessment.session_level, reasons=assessment.risk.reasons, session_id="s",
                                         user_id="u", locale="en-US").to_payload()).lower()
    assert any(reason.startswith("lexicon:imminent:1.00:imminent-") for reason in assessment.risk.reasons)
    words = text.lower().replace(",", "").replace(".", "").split()
    assert not any(" ".join(words[i:i + 3]) in payload for i in range(len(words) - 2)), payload


# --- the process's service: one outbox, one retry loop, sessions only submit -------------------
async def until(condition, timeout_s: float = 10.0) -> bool:
    import asyncio

    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return condition()


async def test_a_page_queued_while_the_webhook_was_down_goes_out_with_nobody_else_calling(webhook, tmp_path):
    from voice_therapist.safety.escalation_service import EscalationService

    port = free_port()  # down when the caller speaks
    notifier = EscalationNotifier(f"http://127.0.0.1:{port}/escalate", EscalationQueue(tmp_path / "outbox.sqlite"),
                                  retries=1, **FAST)
    async with EscalationService(notifier, first_retry_s=0.2, max_retry_s=1.0) as service:
        delivery = await service.submit(event("imminent"))
        assert await delivery is False  # the caller has gone; no other session ever starts
        hook = webhook(port)  # the channel comes back
        assert await until(lambda: not notifier.queue.pending()), "the service's own retry loop never delivered it"
    assert [body["level"] for body, _ in hook.received] == ["imminent"]


async def test_the_outbox_is_delivered_when_the_process_starts_again(webhook, tmp_path):
    from voice_therapist.safety.escalation_service import EscalationService

    path, port = tmp_path / "outbox.sqlite", free_port()
    down = EscalationNotifier(f"http://127.0.0.1:{port}/escalate", EscalationQueue(path), retries=1, **FAST)
    async with EscalationService(down, first_retry_s=30, max_retry_s=30) as service:
        await (await service.submit(event("plan")))
    hook = webhook(port)
    restarted = EscalationNotifier(hook.url, EscalationQueue(path), **FAST)
    async with EscalationService(restarted, first_retry_s=30, max_retry_s=30):
        assert await until(lambda: hook.received)
    assert [body["level"] for body, _ in hook.received] == ["plan"]


async def test_an_older_versions_anonymous_queue_moves_to_the_outbox_and_is_delivered(webhook, tmp_path):
    from voice_therapist.safety.escalation_service import EscalationService

    legacy = tmp_path / "escalations.sqlite"
    old = event("imminent")
    EscalationQueue(legacy).put(old)  # left by a version that kept anonymous callers' pages apart
    hook = webhook()
    outbox = EscalationQueue(tmp_path / "outbox.sqlite")
    async with EscalationService(EscalationNotifier(hook.url, outbox, **FAST), 30, 30, legacy_queue=legacy):
        assert await until(lambda: hook.received and not outbox.pending())
    assert [body["id"] for body, _ in hook.received] == [old.id]
    assert EscalationQueue(legacy).pending() == [] and outbox.pending() == []


def test_a_page_names_an_exemplar_by_its_digest_not_its_words():
    from voice_therapist.safety.evidence import Evidence, exemplar_id

    said = Evidence("semantic", "plan", 0.97, "I've got the pills counted out on the table.")  # as the caller said it
    assert said.for_payload() == f"semantic:plan:0.97:{exemplar_id(said.ref)}"
    assert "pills" not in said.for_payload() and "pills" in str(said)  # the reviewer's view keeps the text
    assert Evidence("lexicon", "plan", 1.0, "plan-2bf9177c").for_payload() == "lexicon:plan:1.00:plan-2bf9177c"

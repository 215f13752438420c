"""Handing a caller in crisis to the crisis line with REFER (RFC 3515), when the safety path asks.

The session raises `Escalated` at the plan and imminent levels. The transfer is offered once
the reply that carried the safety script has been heard, so the caller has the numbers even if
the transfer fails; the call goes on after a failure and ends after a success.
"""

from __future__ import annotations

import re
from enum import Enum

_SIPFRAG = re.compile(r"^SIP/2\.0 ([1-6][0-9]{2})")
_DIALABLE = re.compile(r"[^0-9+*#]")


class TransferOutcome(Enum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class TransferError(ValueError):
    pass


def transfer_target(number: str, peer_host: str) -> str:
    """`sip:<number>@<peer host>`: the caller's own side routes the number, as a phone would dial it."""
    digits = _DIALABLE.sub("", number)
    if not digits.lstrip("+"):
        raise TransferError(f"transfer number {number!r} has no digits")
    host = f"[{peer_host}]" if ":" in peer_host and not peer_host.startswith("[") else peer_host
    return f"sip:{digits}@{host}"


def sipfrag_status(body: bytes) -> int:
    """The status code in a NOTIFY's message/sipfrag body (RFC 3420), e.g. 100, 200, 503."""
    match = _SIPFRAG.match(body.decode("utf-8", "replace").lstrip())
    if not match:
        raise TransferError("NOTIFY body is not a SIP status line")
    return int(match.group(1))


def outcome_of(status: int) -> TransferOutcome:
    if status < 200:
        return TransferOutcome.PENDING
    return TransferOutcome.SUCCEEDED if status < 300 else TransferOutcome.FAILED


class TransferOffer:
    """Watches a session's events; says once when the transfer should be offered."""

    def __init__(self, number: str):
        self.number = number
        self._wanted = False
        self._offered = False

    def on_event(self, event: dict) -> None:
        if event.get("type") == "Escalated":
            self._wanted = True

    def due(self, assistant_active: bool) -> bool:
        """True exactly once: an escalation happened and the assistant has finished speaking."""
        if self._wanted and not self._offered and not assistant_active:
            self._offered = True
            return True
        return False

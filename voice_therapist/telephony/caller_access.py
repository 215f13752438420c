"""Whose memory a call may open. A caller ID alone never opens one: anyone can write any From.

Memory opens at once only when the INVITE came from a trusted trunk (its UDP source address in
`sip.trusted_trunks`: a carrier or PBX that sets the caller ID itself), or later, when the
caller types the PIN of their number. Every other caller is asked the same way, whether their
number is known or not, so the question itself tells a stranger nothing about who uses this.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import SipConfig


@dataclass(frozen=True)
class Access:
    user: str | None = None  # memory opens now (a trusted trunk vouched for the caller ID)
    ask_pin: bool = False  # the caller is offered PIN entry
    pin_user: str | None = None  # whose memory the right PIN opens; None: no PIN can open any
    pin_hash: str | None = None


def plain_number(number: str) -> str:
    """A caller ID without its punctuation: +1 555-0100 and +15550100 are the same caller."""
    return "".join(ch for ch in number if ch.isalnum() or ch == "+")


def from_trusted_trunk(source_ip: str, trunks: list[str]) -> bool:
    try:
        address = ipaddress.ip_address(source_ip.split("%")[0])
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(trunk) for trunk in trunks)


def caller_access(sip: SipConfig, number: str, source_ip: str) -> Access:
    wanted = plain_number(number)
    known = next((entry for key, entry in sip.callers.items() if wanted and plain_number(key) == wanted), None)
    if from_trusted_trunk(source_ip, sip.trusted_trunks):
        return Access(user=known.user if known else None)
    if not any(entry.pin_hash for entry in sip.callers.values()):
        return Access()  # nobody has a PIN: there is nothing to ask for
    if known is None or not known.pin_hash:
        return Access(ask_pin=True)
    return Access(ask_pin=True, pin_user=known.user, pin_hash=known.pin_hash)


def callers_without_pin(sip: SipConfig) -> int:
    """How many configured callers only a trusted trunk can open (the old `number: user` form)."""
    return sum(1 for entry in sip.callers.values() if not entry.pin_hash)

"""A SIP dialog as the callee holds it (RFC 3261 section 12): who is who, and how to reach the peer."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from .sip_message import SipMessage, SipMessageError
from .sip_uri import parse_name_addr, parse_uri
from .transactions import Address, new_branch


def new_tag() -> str:
    return secrets.token_hex(6)


@dataclass
class Dialog:
    call_id: str
    local_tag: str
    local_party: str  # the INVITE's To value, without a tag
    remote_party: str  # the INVITE's From value, with the caller's tag
    remote_target: str  # the caller's Contact URI: where in-dialog requests are addressed
    route_set: list[str]
    peer: Address  # where the INVITE came from: a NAT or proxy between us answers there
    local_contact: str
    via_host: str
    via_port: int
    remote_cseq: int
    local_cseq: int = field(default_factory=lambda: secrets.randbelow(10_000) + 1)

    @classmethod
    def from_invite(cls, invite: SipMessage, peer: Address, local_contact: str, via_host: str,
                    via_port: int) -> Dialog:
        contact = invite.get("Contact")
        if contact is None:
            raise SipMessageError("INVITE without a Contact header", invite)
        remote_target = str(parse_name_addr(contact.split(",")[0]).uri)
        remote = parse_name_addr(invite.get("From") or "")
        if not remote.tag:
            raise SipMessageError("From header without a tag", invite)
        routes = [r.strip() for value in invite.get_all("Record-Route") for r in value.split(",") if r.strip()]
        return cls(call_id=invite.call_id, local_tag=new_tag(), local_party=invite.get("To") or "",
                   remote_party=invite.get("From") or "", remote_target=remote_target, route_set=routes,
                   peer=peer, local_contact=local_contact, via_host=via_host, via_port=via_port,
                   remote_cseq=invite.cseq[0])

    @property
    def remote_tag(self) -> str:
        return parse_name_addr(self.remote_party).tag

    @property
    def peer_host(self) -> str:
        """The caller's side as a host name or address, for the transfer target."""
        try:
            return parse_uri(self.remote_target).host_ip
        except SipMessageError:
            return self.peer[0]

    def matches(self, message: SipMessage) -> bool:
        """A request from the caller inside this dialog (our tag in To, theirs in From)."""
        try:
            to_tag = parse_name_addr(message.get("To") or "").tag
            from_tag = parse_name_addr(message.get("From") or "").tag
        except SipMessageError:
            return False
        return message.call_id == self.call_id and to_tag == self.local_tag and from_tag == self.remote_tag

    def accept_cseq(self, number: int) -> bool:
        """In-dialog requests must count up (RFC 3261 12.2.2); an older one is refused with 500."""
        if number < self.remote_cseq:
            return False
        self.remote_cseq = number
        return True

    def request(self, method: str, headers: list[tuple[str, str]] | None = None, body: bytes = b"") -> SipMessage:
        """A new request from us in this dialog, with a fresh branch and the next CSeq."""
        self.local_cseq += 1
        message = SipMessage(method=method, uri=self.remote_target)
        message.headers = [
            ("Via", f"SIP/2.0/UDP {self.via_host}:{self.via_port};branch={new_branch()};rport"),
            ("Max-Forwards", "70"),
            ("From", f"{self.local_party};tag={self.local_tag}"),
            ("To", self.remote_party),
            ("Call-ID", self.call_id),
            ("CSeq", f"{self.local_cseq} {method}"),
            ("Contact", self.local_contact),
        ] + [("Route", route) for route in self.route_set] + list(headers or [])
        message.body = body
        return message

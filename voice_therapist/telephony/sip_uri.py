"""The parts of SIP headers a callee reads: URIs, name-addr (From, To, Contact) and Via."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .sip_message import SipMessageError

_URI = re.compile(r"^(sips?):(?:([^@;?]+)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?((?:;[^?]*)?)(\?.*)?$")
_VIA = re.compile(r"^SIP\s*/\s*2\.0\s*/\s*([A-Za-z]+)\s+(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?\s*(;.*)?$")


def _params(text: str) -> dict[str, str]:
    params = {}
    for part in text.split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            params[name.lower()] = value.strip().strip('"')
    return params


@dataclass(frozen=True)
class SipUri:
    scheme: str
    user: str
    host: str
    port: int | None
    params: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        params = "".join(f";{k}={v}" if v else f";{k}" for k, v in self.params.items())
        return f"{self.scheme}:{user}{self.host}{port}{params}"

    @property
    def host_ip(self) -> str:
        return self.host.strip("[]")


def parse_uri(text: str) -> SipUri:
    match = _URI.match(text.strip())
    if not match:
        raise SipMessageError(f"not a SIP URI: {text[:60]!r}")
    scheme, user, host, port, params, _headers = match.groups()
    number = int(port) if port else None
    if number is not None and not 0 < number < 65536:
        raise SipMessageError(f"port out of range in {text[:60]!r}")
    return SipUri(scheme.lower(), user or "", host, number, _params(params[1:]) if params else {})


@dataclass(frozen=True)
class NameAddr:
    """`"Name" <sip:user@host>;tag=x` or `sip:user@host;tag=x` as in From, To and Contact."""

    display: str
    uri: SipUri
    params: dict[str, str]

    @property
    def tag(self) -> str:
        return self.params.get("tag", "")


def parse_name_addr(text: str) -> NameAddr:
    text = text.strip()
    if "<" in text:
        display, _, rest = text.partition("<")
        uri, closed, params = rest.partition(">")
        if not closed:
            raise SipMessageError(f"unclosed <...> in {text[:60]!r}")
        return NameAddr(display.strip().strip('"'), parse_uri(uri), _params(params.lstrip(";")))
    # Without angle brackets, parameters after the URI belong to the header (RFC 3261 20.10).
    uri, _, params = text.partition(";")
    return NameAddr("", parse_uri(uri), _params(params))


@dataclass(frozen=True)
class Via:
    transport: str
    host: str
    port: int | None
    params: dict[str, str]

    @property
    def branch(self) -> str:
        return self.params.get("branch", "")


def parse_via(text: str) -> Via:
    """The first entry of a Via header value (several may be joined by commas)."""
    first = text.split(",")[0].strip()
    match = _VIA.match(first)
    if not match:
        raise SipMessageError(f"malformed Via {first[:60]!r}")
    transport, host, port, params = match.groups()
    return Via(transport.upper(), host, int(port) if port else None, _params(params[1:]) if params else {})

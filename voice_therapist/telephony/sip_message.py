"""SIP messages (RFC 3261 section 7): parse one UDP datagram, build requests and responses.

Anything that is not a usable message raises SipMessageError with the reason. When the start
line and headers were readable, the error carries them, so the caller can still answer 400.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_MESSAGE_BYTES = 16 * 1024  # SIP over UDP stays far below this; larger datagrams are refused
MAX_HEADERS = 100
SIP_VERSION = "SIP/2.0"

_TOKEN = re.compile(r"^[A-Za-z0-9.!%*_+`'~-]+$")
_REQUEST_LINE = re.compile(r"^([A-Za-z0-9.!%*_+`'~-]+) (\S+) SIP/2\.0$")
_STATUS_LINE = re.compile(r"^SIP/2\.0 ([1-6][0-9][0-9]) ?(.*)$")
_CSEQ = re.compile(r"^([0-9]{1,10})\s+([A-Za-z0-9.!%*_+`'~-]+)$")
REQUIRED_HEADERS = ("Via", "From", "To", "Call-ID", "CSeq")

# Compact forms (RFC 3261 section 7.3.3 and the extensions used here) and canonical spellings.
_COMPACT = {"i": "Call-ID", "m": "Contact", "e": "Content-Encoding", "l": "Content-Length", "c": "Content-Type",
            "f": "From", "s": "Subject", "k": "Supported", "t": "To", "v": "Via", "r": "Refer-To",
            "b": "Referred-By", "o": "Event", "u": "Allow-Events"}
_CANONICAL = {name.lower(): name for name in (
    "Call-ID", "CSeq", "Via", "From", "To", "Contact", "Content-Length", "Content-Type", "Max-Forwards",
    "Allow", "Accept", "Supported", "Require", "Unsupported", "User-Agent", "Server", "Record-Route", "Route",
    "Expires", "WWW-Authenticate", "Proxy-Authenticate", "Authorization", "Proxy-Authorization", "Refer-To",
    "Referred-By", "Event", "Subscription-State", "Allow-Events", "Retry-After", "Warning", "Reason")}
_CANONICAL["www-authenticate"] = "WWW-Authenticate"


class SipMessageError(ValueError):
    """Not a usable SIP message; `partial` holds the start line and headers when those were readable."""

    def __init__(self, reason: str, partial: SipMessage | None = None):
        super().__init__(reason)
        self.partial = partial


class MessageTooLarge(SipMessageError):
    """A datagram over MAX_MESSAGE_BYTES: refused with 513 when its head can be read."""


def canonical_name(name: str) -> str:
    lowered = name.lower()
    if lowered in _COMPACT:
        return _COMPACT[lowered]
    return _CANONICAL.get(lowered, name)


@dataclass
class SipMessage:
    """A request (method and uri set) or a response (status and reason set)."""

    method: str = ""
    uri: str = ""
    status: int = 0
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @property
    def is_request(self) -> bool:
        return bool(self.method)

    def get(self, name: str) -> str | None:
        wanted = canonical_name(name).lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def get_all(self, name: str) -> list[str]:
        wanted = canonical_name(name).lower()
        return [value for key, value in self.headers if key.lower() == wanted]

    def set(self, name: str, value: str) -> None:
        """Replace every header of this name with one value."""
        name = canonical_name(name)
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()] + [(name, value)]

    @property
    def call_id(self) -> str:
        return self.get("Call-ID") or ""

    @property
    def cseq(self) -> tuple[int, str]:
        """(sequence number, method); raises SipMessageError when the header is malformed."""
        match = _CSEQ.match((self.get("CSeq") or "").strip())
        if not match:
            raise SipMessageError("malformed CSeq header", self)
        return int(match.group(1)), match.group(2).upper()

    def to_bytes(self) -> bytes:
        start = f"{self.method} {self.uri} {SIP_VERSION}" if self.is_request else f"{SIP_VERSION} {self.status} {self.reason}"
        lines = [start] + [f"{k}: {v}" for k, v in self.headers if k.lower() != "content-length"]
        lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + self.body


def parse_message(data: bytes) -> SipMessage:
    if len(data) > MAX_MESSAGE_BYTES:
        raise MessageTooLarge(f"message of {len(data)} bytes exceeds the {MAX_MESSAGE_BYTES}-byte limit",
                              _readable_head(data[:MAX_MESSAGE_BYTES]))
    head, separator, body = data.partition(b"\r\n\r\n")
    if not separator:
        head, separator, body = data.partition(b"\n\n")  # bare LF line ends, tolerated
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SipMessageError("headers are not UTF-8") from exc
    message = _parse_head(text)
    if not separator:
        raise SipMessageError("no blank line after the headers", message)
    missing = [name for name in REQUIRED_HEADERS if message.get(name) is None]
    if missing:
        raise SipMessageError(f"missing {', '.join(missing)} header{'s' if len(missing) > 1 else ''}", message)
    number, method = message.cseq
    if message.is_request and method != message.method and not (method == "INVITE" and message.method in ("ACK", "CANCEL")):
        raise SipMessageError(f"CSeq method {method} does not match the request method {message.method}", message)
    if number >= 2**31:
        raise SipMessageError("CSeq number out of range", message)
    message.body = _body(message, body)
    return message


def _readable_head(data: bytes) -> SipMessage | None:
    """The start line and headers of an oversized datagram, so that it can still be refused with a response."""
    try:
        return _parse_head(data.partition(b"\r\n\r\n")[0].decode("utf-8"))
    except (SipMessageError, UnicodeDecodeError):
        return None


def _parse_head(text: str) -> SipMessage:
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    while lines and not lines[0]:
        lines.pop(0)  # RFC 3261 7.5: leading empty lines are ignored
    if not lines:
        raise SipMessageError("empty message")
    message = _start_line(lines[0])
    for line in lines[1:]:
        if line[:1] in (" ", "\t"):
            if not message.headers:
                raise SipMessageError("continuation line before any header")
            name, value = message.headers[-1]
            message.headers[-1] = (name, f"{value} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        name = name.strip()
        if not colon or not _TOKEN.match(name):
            raise SipMessageError(f"malformed header line {line[:40]!r}")
        message.headers.append((canonical_name(name), value.strip()))
        if len(message.headers) > MAX_HEADERS:
            raise SipMessageError(f"more than {MAX_HEADERS} headers")
    return message


def _start_line(line: str) -> SipMessage:
    if line.startswith("SIP/"):
        status = _STATUS_LINE.match(line)
        if not status:
            raise SipMessageError(f"malformed status line {line[:60]!r}")
        return SipMessage(status=int(status.group(1)), reason=status.group(2))
    request = _REQUEST_LINE.match(line)
    if not request:
        raise SipMessageError(f"malformed request line {line[:60]!r}")
    if ":" not in request.group(2):
        raise SipMessageError(f"request URI {request.group(2)[:60]!r} has no scheme")
    return SipMessage(method=request.group(1).upper(), uri=request.group(2))


def _body(message: SipMessage, body: bytes) -> bytes:
    declared = message.get("Content-Length")
    if declared is None:
        return body  # allowed over UDP: the datagram ends the body
    if not declared.strip().isdigit():
        raise SipMessageError(f"Content-Length {declared[:20]!r} is not a number", message)
    length = int(declared)
    if length > len(body):
        raise SipMessageError(f"Content-Length {length} but only {len(body)} body bytes", message)
    return body[:length]


def response_to(request: SipMessage, status: int, reason: str, to_tag: str = "",
                headers: list[tuple[str, str]] | None = None, body: bytes = b"") -> SipMessage:
    """A response that copies what RFC 3261 8.2.6.2 requires from the request; headers it lacks are left out."""
    response = SipMessage(status=status, reason=reason)
    copied = [("Via", v) for v in request.get_all("Via")]
    if status != 100:
        copied += [("Record-Route", v) for v in request.get_all("Record-Route")] if 200 <= status < 300 else []
    for name in ("From", "To", "Call-ID", "CSeq"):
        value = request.get(name)
        if value is None:
            continue
        if name == "To" and to_tag and status != 100 and ";tag=" not in value.lower().replace(" ", ""):
            value = f"{value};tag={to_tag}"
        copied.append((name, value))
    response.headers = copied + list(headers or [])
    response.body = body
    return response

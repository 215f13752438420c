"""SDP offer/answer (RFC 4566, RFC 3264) for one narrowband audio stream: PCMU or PCMA, plus telephone-event."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

MAX_SDP_LINES = 200
SUPPORTED_CODECS = {"PCMU": 0, "PCMA": 8}  # name -> static payload type, in our order of preference
DTMF_RATE = 8000
DEFAULT_DTMF_PT = 101
DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")
_ANSWER_DIRECTION = {"sendrecv": "sendrecv", "sendonly": "recvonly", "recvonly": "sendonly", "inactive": "inactive"}


class SdpError(ValueError):
    """An SDP body that cannot be read or answered; the message says why."""


@dataclass
class MediaDescription:
    kind: str
    port: int
    proto: str
    formats: list[str]
    connection: str | None = None
    rtpmap: dict[int, tuple[str, int]] = field(default_factory=dict)  # payload type -> (encoding, clock rate)
    direction: str | None = None


@dataclass
class SessionDescription:
    connection: str | None
    direction: str
    media: list[MediaDescription]


@dataclass(frozen=True)
class NegotiatedAudio:
    """What both sides agreed: where to send, which codec, and who may send."""

    remote_ip: str
    remote_port: int
    codec: str  # "PCMU" or "PCMA"
    payload_type: int
    dtmf_payload_type: int | None
    direction: str  # ours, as written in the answer

    @property
    def we_send(self) -> bool:
        return self.direction in ("sendrecv", "sendonly")

    @property
    def we_receive(self) -> bool:
        return self.direction in ("sendrecv", "recvonly")


def parse_sdp(body: bytes | str) -> SessionDescription:
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError as exc:
        raise SdpError("SDP is not UTF-8") from exc
    lines = [line.rstrip("\r") for line in text.split("\n") if line.strip()]
    if not lines or lines[0].strip() != "v=0":
        raise SdpError("SDP must start with v=0")
    if len(lines) > MAX_SDP_LINES:
        raise SdpError(f"more than {MAX_SDP_LINES} SDP lines")
    session = SessionDescription(connection=None, direction="sendrecv", media=[])
    for line in lines[1:]:
        kind, eq, value = line.partition("=")
        if not eq or len(kind) != 1 or not kind.islower():
            raise SdpError(f"malformed SDP line {line[:40]!r}")
        current = session.media[-1] if session.media else None
        if kind == "m":
            session.media.append(_media_line(value))
        elif kind == "c":
            address = _connection(value)
            if current is None:
                session.connection = address
            else:
                current.connection = address
        elif kind == "a":
            _attribute(value, session, current)
    return session


def _media_line(value: str) -> MediaDescription:
    parts = value.split()
    if len(parts) < 4:
        raise SdpError(f"malformed m= line {value[:40]!r}")
    port = parts[1].split("/")[0]
    if not port.isdigit() or int(port) > 65535:
        raise SdpError(f"bad media port {parts[1][:12]!r}")
    return MediaDescription(parts[0], int(port), parts[2], parts[3:])


def _connection(value: str) -> str:
    parts = value.split()
    if len(parts) != 3 or parts[0] != "IN" or parts[1] not in ("IP4", "IP6"):
        raise SdpError(f"malformed c= line {value[:40]!r}")
    address = parts[2].split("/")[0]
    try:
        ipaddress.ip_address(address)
    except ValueError as exc:
        raise SdpError(f"c= address {address[:40]!r} is not an IP address") from exc
    return address


def _attribute(value: str, session: SessionDescription, media: MediaDescription | None) -> None:
    name, _, rest = value.partition(":")
    if name in DIRECTIONS:
        if media is None:
            session.direction = name
        else:
            media.direction = name
    elif name == "rtpmap" and media is not None:
        pt, _, encoding = rest.partition(" ")
        codec, _, rate = encoding.strip().partition("/")
        rate = rate.split("/")[0]
        if not pt.isdigit() or not rate.isdigit() or not codec:
            raise SdpError(f"malformed rtpmap {rest[:40]!r}")
        media.rtpmap[int(pt)] = (codec, int(rate))


def _encoding(media: MediaDescription, fmt: str) -> tuple[str, int] | None:
    if not fmt.isdigit():
        return None
    pt = int(fmt)
    if pt in media.rtpmap:
        name, rate = media.rtpmap[pt]
        return name.upper(), rate
    static = {v: k for k, v in SUPPORTED_CODECS.items()}
    return (static[pt], 8000) if pt in static else None


def negotiate(offer: SessionDescription) -> NegotiatedAudio:
    """Choose the first audio stream we can take, in the offerer's order of preference (RFC 3264 6.1)."""
    for media in offer.media:
        if media.kind != "audio" or media.port == 0:
            continue
        if media.proto.upper() != "RTP/AVP":
            continue  # SRTP and others: not spoken here
        codec = next(((fmt, enc) for fmt in media.formats if (enc := _encoding(media, fmt)) is not None
                      and enc[0] in SUPPORTED_CODECS and enc[1] == 8000), None)
        if codec is None:
            continue
        dtmf = next((int(fmt) for fmt in media.formats if (enc := _encoding(media, fmt)) is not None
                     and enc == ("TELEPHONE-EVENT", DTMF_RATE)), None)
        address = media.connection or offer.connection
        if address is None:
            raise SdpError("no c= connection address for the audio stream")
        offered = media.direction or offer.direction
        if address in ("0.0.0.0", "::"):
            offered = "inactive" if offered in ("recvonly", "inactive") else "sendonly"  # RFC 2543 hold
        return NegotiatedAudio(address, media.port, codec[1][0], int(codec[0]), dtmf, _ANSWER_DIRECTION[offered])
    raise SdpError("no audio stream with PCMU or PCMA over RTP/AVP in the offer")


def build_answer(offer: SessionDescription, chosen: NegotiatedAudio, local_ip: str, local_port: int,
                 session_id: int, version: int) -> bytes:
    """The answer: our stream in place of the chosen one, every other m= line refused with port 0."""
    family = "IP6" if ":" in local_ip else "IP4"
    lines = ["v=0", f"o=voice-therapist {session_id} {version} IN {family} {local_ip}", "s=voice-therapist",
             f"c=IN {family} {local_ip}", "t=0 0"]
    answered = False
    for media in offer.media:
        is_ours = (not answered and media.kind == "audio" and media.port != 0 and media.proto.upper() == "RTP/AVP"
                   and str(chosen.payload_type) in media.formats)
        if not is_ours:
            lines.append(f"m={media.kind} 0 {media.proto} {media.formats[0]}")
            continue
        answered = True
        lines += audio_lines(local_port, chosen.codec, chosen.payload_type, chosen.dtmf_payload_type, chosen.direction)
    return ("\r\n".join(lines) + "\r\n").encode()


def audio_lines(port: int, codec: str, payload_type: int, dtmf_pt: int | None, direction: str) -> list[str]:
    formats = f"{payload_type}" + (f" {dtmf_pt}" if dtmf_pt is not None else "")
    lines = [f"m=audio {port} RTP/AVP {formats}", f"a=rtpmap:{payload_type} {codec}/8000"]
    if dtmf_pt is not None:
        lines += [f"a=rtpmap:{dtmf_pt} telephone-event/8000", f"a=fmtp:{dtmf_pt} 0-15"]
    return lines + ["a=ptime:20", f"a={direction}"]


def build_offer(local_ip: str, local_port: int, session_id: int, version: int) -> bytes:
    """Our offer, for an INVITE that came without one (the answer then arrives in the ACK)."""
    family = "IP6" if ":" in local_ip else "IP4"
    lines = ["v=0", f"o=voice-therapist {session_id} {version} IN {family} {local_ip}", "s=voice-therapist",
             f"c=IN {family} {local_ip}", "t=0 0", f"m=audio {local_port} RTP/AVP 0 8 {DEFAULT_DTMF_PT}",
             "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", f"a=rtpmap:{DEFAULT_DTMF_PT} telephone-event/8000",
             f"a=fmtp:{DEFAULT_DTMF_PT} 0-15", "a=ptime:20", "a=sendrecv"]
    return ("\r\n".join(lines) + "\r\n").encode()
